/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/paging.h"
#include "lib/errno.h"

#define ENTRIES		512
#define LEVELS		4

/* Level 3 = top table ... level 0 = 4 KiB pages; bytes one entry covers. */
static uint64_t level_span(int level)
{
	return PAGE_4K << (9 * level);
}

static unsigned int level_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & (ENTRIES - 1);
}

static uint64_t *table_at(const struct page_table *pt, uint64_t phys)
{
	return pt->mem.phys_to_virt(phys, pt->mem.ctx);
}

static uint64_t new_table(struct page_table *pt)
{
	uint64_t phys = pt->mem.alloc_page(pt->mem.ctx);

	if (phys)
		pt->table_pages++;
	return phys;
}

int pt_init(struct page_table *pt, const struct pt_format *fmt,
	    const struct pt_memory *mem, bool allow_1g)
{
	pt->fmt = fmt;
	pt->mem = *mem;
	pt->max_leaf_level = allow_1g ? 2 : 1;
	pt->table_pages = 0;
	pt->root = new_table(pt);
	return pt->root ? 0 : -ENOMEM;
}

static uint64_t leaf_base(uint64_t entry, int level)
{
	return entry & PT_ADDR_MASK & ~(level_span(level) - 1);
}

/* Replaces a large leaf by a table of 512 smaller leaves with its rights. */
static int split_large(struct page_table *pt, uint64_t *entry, int level)
{
	const struct pt_format *f = pt->fmt;
	uint64_t phys = new_table(pt);
	uint64_t base = leaf_base(*entry, level);
	unsigned int attrs = f->attrs(*entry);
	uint64_t *child;

	if (!phys)
		return -ENOMEM;
	child = table_at(pt, phys);
	for (unsigned int i = 0; i < ENTRIES; i++)
		child[i] = f->leaf_entry(base + i * level_span(level - 1),
					 level - 1, attrs);
	*entry = f->table_entry(phys, level);
	return 0;
}

static int descend(struct page_table *pt, uint64_t *entry, int level,
		   uint64_t **child)
{
	int err;

	if (!pt->fmt->present(*entry)) {
		uint64_t phys = new_table(pt);

		if (!phys)
			return -ENOMEM;
		*entry = pt->fmt->table_entry(phys, level);
	} else if (pt->fmt->is_large(*entry)) {
		err = split_large(pt, entry, level);
		if (err)
			return err;
	}
	*child = table_at(pt, *entry & PT_ADDR_MASK);
	return 0;
}

static bool leaf_fits(const struct page_table *pt, int level, uint64_t va,
		      uint64_t pa, uint64_t size)
{
	uint64_t span = level_span(level);

	return level <= pt->max_leaf_level && size >= span &&
	       !(va & (span - 1)) && !(pa & (span - 1));
}

/*
 * Finds the entry for va at the largest level whose span fits `size`,
 * creating and splitting tables on the way. Returns the level.
 */
static int entry_for(struct page_table *pt, uint64_t va, uint64_t pa,
		     uint64_t size, uint64_t **entry)
{
	uint64_t *table = table_at(pt, pt->root);
	int err;

	for (int level = LEVELS - 1;; level--) {
		*entry = &table[level_index(va, level)];
		if (level == 0 || leaf_fits(pt, level, va, pa, size))
			return level;
		err = descend(pt, *entry, level, &table);
		if (err)
			return err;
	}
}

static bool range_ok(uint64_t va, uint64_t pa, uint64_t size)
{
	return !((va | pa | size) & (PAGE_4K - 1)) && va + size >= va;
}

int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int attrs)
{
	if (!range_ok(va, pa, size))
		return -EINVAL;
	while (size) {
		uint64_t *entry;
		int level = entry_for(pt, va, pa, size, &entry);

		if (level < 0)
			return level;
		*entry = pt->fmt->leaf_entry(pa, level, attrs);
		va += level_span(level);
		pa += level_span(level);
		size -= level_span(level);
	}
	return 0;
}

int pt_unmap(struct page_table *pt, uint64_t va, uint64_t size)
{
	if (!range_ok(va, 0, size))
		return -EINVAL;
	while (size) {
		uint64_t *entry;
		/* pa = va keeps the alignment test about va alone. */
		int level = entry_for(pt, va, va, size, &entry);

		if (level < 0)
			return level;
		*entry = 0;
		va += level_span(level);
		size -= level_span(level);
	}
	return 0;
}

int pt_walk(const struct page_table *pt, uint64_t va, uint64_t *pa,
	    unsigned int *attrs, uint64_t *page_size)
{
	const struct pt_format *f = pt->fmt;
	const uint64_t *table = table_at(pt, pt->root);

	for (int level = LEVELS - 1; level >= 0; level--) {
		uint64_t e = table[level_index(va, level)];
		uint64_t span = level_span(level);

		if (!f->present(e))
			return -ENOENT;
		if (level == 0 || f->is_large(e)) {
			*pa = leaf_base(e, level) + (va & (span - 1));
			*attrs = f->attrs(e);
			*page_size = span;
			return 0;
		}
		table = table_at(pt, e & PT_ADDR_MASK);
	}
	return -ENOENT;
}

/* Long-mode paging entries (Intel SDM vol. 3A tables 4-15 to 4-20). */
#define X86_PTE_PRESENT	(1ULL << 0)
#define X86_PTE_WRITE	(1ULL << 1)
#define X86_PTE_PWT	(1ULL << 3)
#define X86_PTE_PCD	(1ULL << 4)
#define X86_PTE_LARGE	(1ULL << 7)
#define X86_PTE_NX	(1ULL << 63)

/*
 * Intermediate entries are always writable and executable: the leaf
 * decides (a restrictive upper level would override every leaf below).
 */
static uint64_t host_table_entry(uint64_t phys, int level)
{
	(void)level;
	return phys | X86_PTE_PRESENT | X86_PTE_WRITE;
}

static uint64_t host_leaf_entry(uint64_t phys, int level, unsigned int attrs)
{
	uint64_t e = phys | X86_PTE_PRESENT;

	if (attrs & PT_ATTR_WRITE)
		e |= X86_PTE_WRITE;
	if (!(attrs & PT_ATTR_EXEC))
		e |= X86_PTE_NX;
	if (attrs & PT_ATTR_UNCACHED)
		e |= X86_PTE_PCD | X86_PTE_PWT;
	if (level > 0)
		e |= X86_PTE_LARGE;
	return e;
}

static bool x86_present(uint64_t e)
{
	return e & X86_PTE_PRESENT;
}

static bool x86_is_large(uint64_t e)
{
	return e & X86_PTE_LARGE;
}

static unsigned int x86_attrs(uint64_t e)
{
	unsigned int attrs = 0;

	if (e & X86_PTE_WRITE)
		attrs |= PT_ATTR_WRITE;
	if (!(e & X86_PTE_NX))
		attrs |= PT_ATTR_EXEC;
	if (e & X86_PTE_PCD)
		attrs |= PT_ATTR_UNCACHED;
	return attrs;
}

const struct pt_format pt_format_host = {
	.name = "host",
	.table_entry = host_table_entry,
	.leaf_entry = host_leaf_entry,
	.present = x86_present,
	.is_large = x86_is_large,
	.attrs = x86_attrs,
};

/*
 * AMD nested page tables use the long-mode format, but the walk counts as
 * a user access, so every level needs U/S set (AMD APM vol. 2 15.25.5).
 */
#define X86_PTE_USER	(1ULL << 2)

static uint64_t npt_table_entry(uint64_t phys, int level)
{
	return host_table_entry(phys, level) | X86_PTE_USER;
}

static uint64_t npt_leaf_entry(uint64_t phys, int level, unsigned int attrs)
{
	return host_leaf_entry(phys, level, attrs) | X86_PTE_USER;
}

const struct pt_format pt_format_npt = {
	.name = "NPT",
	.table_entry = npt_table_entry,
	.leaf_entry = npt_leaf_entry,
	.present = x86_present,
	.is_large = x86_is_large,
	.attrs = x86_attrs,
};
