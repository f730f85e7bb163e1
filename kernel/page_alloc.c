/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/page_alloc.h"
#include "lib/limits.h"
#include "lib/string.h"

struct frame_allocator machine_frames;
static uint64_t allocated;

uint64_t hv_alloc_pages(uint64_t pages, uint64_t limit)
{
	uint64_t phys = frame_alloc_pages(&machine_frames, pages, PAGE_SIZE,
					  limit);

	if (phys) {
		memset((void *)(uintptr_t)phys, 0, pages * PAGE_SIZE);
		allocated += pages * PAGE_SIZE;
	}
	return phys;
}

uint64_t hv_allocated_bytes(void)
{
	return allocated;
}

static uint64_t table_page(void *ctx)
{
	(void)ctx;
	return hv_alloc_pages(1, FRAME_NO_LIMIT);
}

static void *identity(uint64_t phys, void *ctx)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

const struct pt_memory hv_pt_memory = { table_page, identity, NULL };
