/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_FRAME_ALLOC_H
#define KERNEL_FRAME_ALLOC_H

#include <stdint.h>

/*
 * Physical page allocator: a sorted list of free ranges, carved from the top.
 * Everything is allocated at boot (design principle 1), so nothing is ever
 * freed; a partition that restarts reuses the RAM it was given.
 * Memory below 1 MiB is never handed out: it holds the real-mode IVT, the
 * BIOS data area and the AP trampoline.
 */

#define MAX_FREE_RANGES		256
#define FRAME_LOW_LIMIT		0x100000ULL
#define FRAME_NO_LIMIT		(~0ULL)

struct free_range {
	uint64_t base;
	uint64_t end;		/* exclusive */
};

struct frame_allocator {
	struct free_range ranges[MAX_FREE_RANGES];
	unsigned int count;
	uint64_t added_bytes;
	uint64_t allocated_bytes;
	uint64_t dropped_bytes;	/* lost because the range table was full */
};

void frame_alloc_init(struct frame_allocator *fa);
/* Adds [base, base + size), trimmed to whole pages above FRAME_LOW_LIMIT. */
int frame_alloc_add(struct frame_allocator *fa, uint64_t base, uint64_t size);
/*
 * Returns the physical address of `pages` contiguous pages aligned to
 * `align` bytes (a power of two, at least a page) ending at or below `limit`,
 * or 0 when no range can satisfy the request.
 */
uint64_t frame_alloc_pages(struct frame_allocator *fa, uint64_t pages,
			   uint64_t align, uint64_t limit);
uint64_t frame_alloc_free_bytes(const struct frame_allocator *fa);

#endif
