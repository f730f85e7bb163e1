/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One builder for every 4-level radix page table we own: the hypervisor's
 * own tables (Intel SDM vol. 3A 4.5), AMD nested page tables (APM vol. 2
 * 15.25) and Intel EPT (SDM vol. 3C 29.3). They differ only in how an entry
 * is encoded, which a pt_format describes. Table memory comes from a caller
 * hook so that the same code runs against fake memory in host tests.
 */

/* Access rights and memory type of a mapping, whatever the encoding. */
#define PT_ATTR_WRITE		(1U << 0)
#define PT_ATTR_EXEC		(1U << 1)
#define PT_ATTR_UNCACHED	(1U << 2)

#define PAGE_4K		0x1000ULL
#define PAGE_2M		0x200000ULL
#define PAGE_1G		0x40000000ULL
#define PT_ADDR_MASK	0x000ffffffffff000ULL

struct pt_format {
	const char *name;
	/*
	 * An entry at `level` pointing to the table at phys, whose entries
	 * are of level - 1 (AMD-Vi writes that level into the entry).
	 */
	uint64_t (*table_entry)(uint64_t phys, int level);
	/* level 0 = 4 KiB page, 1 = 2 MiB, 2 = 1 GiB */
	uint64_t (*leaf_entry)(uint64_t phys, int level, unsigned int attrs);
	bool (*present)(uint64_t entry);
	bool (*is_large)(uint64_t entry);	/* a leaf above level 0 */
	unsigned int (*attrs)(uint64_t entry);
};

struct pt_memory {
	/* Returns a zeroed page's physical address, or 0 when out of memory. */
	uint64_t (*alloc_page)(void *ctx);
	void *(*phys_to_virt)(uint64_t phys, void *ctx);
	void *ctx;
};

struct page_table {
	const struct pt_format *fmt;
	struct pt_memory mem;
	uint64_t root;		/* physical address of the top-level table */
	int max_leaf_level;	/* 2 where 1 GiB pages exist, else 1 */
	uint64_t table_pages;
};

int pt_init(struct page_table *pt, const struct pt_format *fmt,
	    const struct pt_memory *mem, bool allow_1g);
/*
 * Maps [va, va + size) to pa, replacing what was there and splitting large
 * pages as needed. All three values must be 4 KiB aligned.
 */
int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int attrs);
/* Removes the translation of [va, va + size): later accesses fault. */
int pt_unmap(struct page_table *pt, uint64_t va, uint64_t size);
/* Translates va; returns 0 and fills pa/attrs/page_size, or -ENOENT. */
int pt_walk(const struct page_table *pt, uint64_t va, uint64_t *pa,
	    unsigned int *attrs, uint64_t *page_size);

/* The hypervisor's own tables (long-mode paging, supervisor only). */
extern const struct pt_format pt_format_host;
/* AMD nested paging: the same encoding, with user access allowed. */
extern const struct pt_format pt_format_npt;

#endif
