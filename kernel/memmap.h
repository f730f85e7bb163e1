/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_MEMMAP_H
#define KERNEL_MEMMAP_H

#include <stdint.h>
#include "kernel/frame_alloc.h"

/* The firmware's memory map, reduced to what the hypervisor cares about. */

enum mem_kind {
	MEM_USABLE,		/* free now */
	MEM_RECLAIMABLE,	/* firmware boot-time memory: free once we run on our own tables */
	MEM_HYPERVISOR,		/* our image and what we allocated before leaving UEFI */
	MEM_ACPI,		/* ACPI tables and NVS: kept for the partitions' view */
	MEM_FIRMWARE,		/* runtime services, reserved, unusable */
	MEM_MMIO,
	MEM_KIND_COUNT,
};

#define MAX_MEM_REGIONS	512

struct mem_region {
	uint64_t base;
	uint64_t size;
	enum mem_kind kind;
};

struct mem_map {
	unsigned int count;
	struct mem_region regions[MAX_MEM_REGIONS];
};

struct mem_summary {
	uint64_t bytes[MEM_KIND_COUNT];
	uint64_t top;		/* highest end address of any RAM-like region */
};

/* Appends a region, merging it into the previous one when contiguous. */
int memmap_append(struct mem_map *map, uint64_t base, uint64_t size,
		  enum mem_kind kind);
void memmap_summarize(const struct mem_map *map, struct mem_summary *sum);
/* Gives every region of `kind` to the allocator; returns bytes added. */
uint64_t memmap_feed(const struct mem_map *map, enum mem_kind kind,
		     struct frame_allocator *fa);
const char *mem_kind_name(enum mem_kind kind);

#endif
