/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_PAGING_H
#define ARCH_X86_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Builder for the hypervisor's own 4-level page tables (Intel SDM vol. 3A
 * 4.5). Table memory comes from a caller hook so that the same code runs
 * against fake memory in host tests.
 */

#define PTE_PRESENT	(1ULL << 0)
#define PTE_WRITE	(1ULL << 1)
#define PTE_LARGE	(1ULL << 7)	/* PS: 2 MiB in a PDE, 1 GiB in a PDPTE */
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

#define PAGE_4K		0x1000ULL
#define PAGE_2M		0x200000ULL
#define PAGE_1G		0x40000000ULL

struct pt_memory {
	/* Returns a zeroed page's physical address, or 0 when out of memory. */
	uint64_t (*alloc_page)(void *ctx);
	void *(*phys_to_virt)(uint64_t phys, void *ctx);
	void *ctx;
};

struct host_pt {
	uint64_t root;		/* physical address of the PML4 */
	struct pt_memory mem;
	bool allow_1g;
	uint64_t table_pages;
};

int host_pt_init(struct host_pt *pt, const struct pt_memory *mem,
		 bool allow_1g);
/*
 * Maps [va, va + size) to pa with the given PTE_WRITE/PTE_NX flags,
 * replacing what was there and splitting large pages as needed. All three
 * values must be 4 KiB aligned.
 */
int host_pt_map(struct host_pt *pt, uint64_t va, uint64_t pa, uint64_t size,
		uint64_t flags);
/* Translates va; returns 0 and fills pa/flags/page_size, or -ENOENT. */
int host_pt_walk(const struct host_pt *pt, uint64_t va, uint64_t *pa,
		 uint64_t *flags, uint64_t *page_size);

#endif
