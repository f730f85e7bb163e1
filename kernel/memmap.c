/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/memmap.h"
#include "lib/errno.h"

const char *mem_kind_name(enum mem_kind kind)
{
	static const char *const names[MEM_KIND_COUNT] = {
		[MEM_USABLE] = "usable",
		[MEM_RECLAIMABLE] = "firmware boot-time",
		[MEM_HYPERVISOR] = "hypervisor image and boot allocations",
		[MEM_ACPI] = "ACPI",
		[MEM_FIRMWARE] = "firmware reserved",
		[MEM_MMIO] = "MMIO",
	};

	return kind < MEM_KIND_COUNT ? names[kind] : "?";
}

int memmap_append(struct mem_map *map, uint64_t base, uint64_t size,
		  enum mem_kind kind)
{
	struct mem_region *last;

	if (!size || base + size < base || kind >= MEM_KIND_COUNT)
		return -EINVAL;
	last = map->count ? &map->regions[map->count - 1] : 0;
	if (last && last->kind == kind && last->base + last->size == base) {
		last->size += size;
		return 0;
	}
	if (map->count == MAX_MEM_REGIONS)
		return -ENOSPC;
	map->regions[map->count++] = (struct mem_region){
		.base = base, .size = size, .kind = kind };
	return 0;
}

void memmap_summarize(const struct mem_map *map, struct mem_summary *sum)
{
	*sum = (struct mem_summary){ 0 };
	for (unsigned int i = 0; i < map->count; i++) {
		const struct mem_region *r = &map->regions[i];

		sum->bytes[r->kind] += r->size;
		if (r->kind != MEM_MMIO && r->base + r->size > sum->top)
			sum->top = r->base + r->size;
	}
}

uint64_t memmap_feed(const struct mem_map *map, enum mem_kind kind,
		     struct frame_allocator *fa)
{
	uint64_t before = fa->added_bytes;

	for (unsigned int i = 0; i < map->count; i++) {
		const struct mem_region *r = &map->regions[i];

		if (r->kind == kind)
			frame_alloc_add(fa, r->base, r->size);
	}
	return fa->added_bytes - before;
}
