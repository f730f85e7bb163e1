/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/frame_alloc.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/limits.h"

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

void frame_alloc_init(struct frame_allocator *fa)
{
	fa->count = 0;
	fa->added_bytes = 0;
	fa->allocated_bytes = 0;
	fa->dropped_bytes = 0;
}

static void remove_range(struct frame_allocator *fa, unsigned int i)
{
	for (; i + 1 < fa->count; i++)
		fa->ranges[i] = fa->ranges[i + 1];
	fa->count--;
}

/* Merges range i with its neighbours when they touch or overlap. */
static void coalesce(struct frame_allocator *fa, unsigned int i)
{
	struct free_range *r = fa->ranges;

	while (i + 1 < fa->count && r[i + 1].base <= r[i].end) {
		if (r[i + 1].end > r[i].end)
			r[i].end = r[i + 1].end;
		remove_range(fa, i + 1);
	}
	if (i > 0 && r[i - 1].end >= r[i].base) {
		if (r[i].end > r[i - 1].end)
			r[i - 1].end = r[i].end;
		remove_range(fa, i);
	}
}

int frame_alloc_add(struct frame_allocator *fa, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	unsigned int i;

	if (end < base)
		return -EINVAL;
	if (base < FRAME_LOW_LIMIT)
		base = FRAME_LOW_LIMIT;
	base = align_up(base, PAGE_SIZE);
	end = align_down(end, PAGE_SIZE);
	if (end <= base)
		return 0;
	if (fa->count == MAX_FREE_RANGES) {
		fa->dropped_bytes += end - base;
		return -ENOSPC;
	}
	for (i = 0; i < fa->count && fa->ranges[i].base < base; i++)
		;
	for (unsigned int j = fa->count; j > i; j--)
		fa->ranges[j] = fa->ranges[j - 1];
	fa->ranges[i] = (struct free_range){ .base = base, .end = end };
	fa->count++;
	fa->added_bytes += end - base;
	coalesce(fa, i);
	return 0;
}

/* Takes [base, end) out of range i, splitting it when needed. */
static int carve(struct frame_allocator *fa, unsigned int i, uint64_t base,
		 uint64_t end)
{
	struct free_range *r = &fa->ranges[i];

	if (base > r->base && end < r->end) {
		if (fa->count == MAX_FREE_RANGES)
			return -ENOSPC;
		for (unsigned int j = fa->count; j > i + 1; j--)
			fa->ranges[j] = fa->ranges[j - 1];
		fa->count++;
		fa->ranges[i + 1] = (struct free_range){ .base = end,
							 .end = r->end };
		r->end = base;
	} else if (base > r->base) {
		r->end = base;
	} else if (end < r->end) {
		r->base = end;
	} else {
		remove_range(fa, i);
	}
	return 0;
}

uint64_t frame_alloc_pages(struct frame_allocator *fa, uint64_t pages,
			   uint64_t align, uint64_t limit)
{
	uint64_t bytes = pages * PAGE_SIZE;

	if (!pages || align < PAGE_SIZE || (align & (align - 1)))
		return 0;
	for (unsigned int i = fa->count; i-- > 0;) {
		struct free_range *r = &fa->ranges[i];
		uint64_t top = r->end < limit ? r->end : limit;
		uint64_t base;

		if (top < r->base + bytes)
			continue;
		base = align_down(top - bytes, align);
		if (base < r->base)
			continue;
		if (carve(fa, i, base, base + bytes))
			return 0;
		fa->allocated_bytes += bytes;
		return base;
	}
	return 0;
}

uint64_t frame_alloc_free_bytes(const struct frame_allocator *fa)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < fa->count; i++)
		sum += fa->ranges[i].end - fa->ranges[i].base;
	return sum;
}
