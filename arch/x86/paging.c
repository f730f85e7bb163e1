/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/paging.h"
#include "kernel/errno.h"

#define ENTRIES		512
#define LEVELS		4
#define FLAG_MASK	(PTE_WRITE | PTE_NX)

/* Level 3 = PML4 ... level 0 = PT; bytes one entry covers at each level. */
static uint64_t level_span(int level)
{
	return PAGE_4K << (9 * level);
}

static unsigned int level_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & (ENTRIES - 1);
}

static uint64_t *table_at(const struct host_pt *pt, uint64_t phys)
{
	return pt->mem.phys_to_virt(phys, pt->mem.ctx);
}

static uint64_t new_table(struct host_pt *pt)
{
	uint64_t phys = pt->mem.alloc_page(pt->mem.ctx);

	if (phys)
		pt->table_pages++;
	return phys;
}

int host_pt_init(struct host_pt *pt, const struct pt_memory *mem,
		 bool allow_1g)
{
	pt->mem = *mem;
	pt->allow_1g = allow_1g;
	pt->table_pages = 0;
	pt->root = new_table(pt);
	return pt->root ? 0 : -ENOMEM;
}

/*
 * Intermediate entries are always writable and executable: the leaf decides
 * (an NX or read-only upper level would override every leaf below it).
 */
static uint64_t table_entry(uint64_t phys)
{
	return phys | PTE_PRESENT | PTE_WRITE;
}

/* Replaces a large leaf by a table of 512 smaller leaves with its rights. */
static int split_large(struct host_pt *pt, uint64_t *entry, int level)
{
	uint64_t phys = new_table(pt);
	uint64_t *child;
	uint64_t base = *entry & PTE_ADDR_MASK & ~(level_span(level) - 1);
	uint64_t flags = *entry & (FLAG_MASK | PTE_PRESENT);

	if (!phys)
		return -ENOMEM;
	child = table_at(pt, phys);
	for (unsigned int i = 0; i < ENTRIES; i++) {
		uint64_t e = base + i * level_span(level - 1);

		child[i] = e | flags | (level - 1 > 0 ? PTE_LARGE : 0);
	}
	*entry = table_entry(phys);
	return 0;
}

static int descend(struct host_pt *pt, uint64_t *entry, int level,
		   uint64_t **child)
{
	int err;

	if (!(*entry & PTE_PRESENT)) {
		uint64_t phys = new_table(pt);

		if (!phys)
			return -ENOMEM;
		*entry = table_entry(phys);
	} else if (*entry & PTE_LARGE) {
		err = split_large(pt, entry, level);
		if (err)
			return err;
	}
	*child = table_at(pt, *entry & PTE_ADDR_MASK);
	return 0;
}

static bool leaf_fits(const struct host_pt *pt, int level, uint64_t va,
		      uint64_t pa, uint64_t size)
{
	uint64_t span = level_span(level);

	if (level == 2 && !pt->allow_1g)
		return false;
	return level <= 2 && size >= span && !(va & (span - 1)) &&
	       !(pa & (span - 1));
}

static int map_one(struct host_pt *pt, uint64_t va, uint64_t pa,
		   uint64_t remaining, uint64_t flags, uint64_t *mapped)
{
	uint64_t *table = table_at(pt, pt->root);
	int err;

	for (int level = LEVELS - 1;; level--) {
		uint64_t *entry = &table[level_index(va, level)];

		if (leaf_fits(pt, level, va, pa, remaining) || level == 0) {
			*entry = pa | flags | PTE_PRESENT |
				 (level ? PTE_LARGE : 0);
			*mapped = level_span(level);
			return 0;
		}
		err = descend(pt, entry, level, &table);
		if (err)
			return err;
	}
}

int host_pt_map(struct host_pt *pt, uint64_t va, uint64_t pa, uint64_t size,
		uint64_t flags)
{
	if ((va | pa | size) & (PAGE_4K - 1) || flags & ~FLAG_MASK)
		return -EINVAL;
	while (size) {
		uint64_t done;
		int err = map_one(pt, va, pa, size, flags, &done);

		if (err)
			return err;
		va += done;
		pa += done;
		size -= done;
	}
	return 0;
}

int host_pt_walk(const struct host_pt *pt, uint64_t va, uint64_t *pa,
		 uint64_t *flags, uint64_t *page_size)
{
	const uint64_t *table = table_at(pt, pt->root);

	for (int level = LEVELS - 1; level >= 0; level--) {
		uint64_t e = table[level_index(va, level)];
		uint64_t span = level_span(level);

		if (!(e & PTE_PRESENT))
			return -ENOENT;
		if (level == 0 || (e & PTE_LARGE)) {
			*pa = (e & PTE_ADDR_MASK & ~(span - 1)) +
			      (va & (span - 1));
			*flags = e & FLAG_MASK;
			*page_size = span;
			return 0;
		}
		table = table_at(pt, e & PTE_ADDR_MASK);
	}
	return -ENOENT;
}
