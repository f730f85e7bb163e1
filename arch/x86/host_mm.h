/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_HOST_MM_H
#define ARCH_X86_HOST_MM_H

#include <stdint.h>
#include "kernel/frame_alloc.h"

#define HOST_MM_MMIO_MAX	16

/* Device registers above map_top the hypervisor must reach (BARs). */
struct host_mm_range {
	uint64_t base;
	uint64_t size;
};

struct host_mm_layout {
	uint64_t map_top;	/* identity-map [4 KiB, map_top) */
	unsigned int mmio_count;	/* identity-mapped uncached too */
	struct host_mm_range mmio[HOST_MM_MMIO_MAX];
	uint64_t text_start;	/* hypervisor code: read-only, executable */
	uint64_t text_end;
	uint64_t trampoline;	/* AP start-up code page: read-only, executable */
};

struct host_mm_stats {
	uint64_t cr3;
	uint64_t table_pages;
	uint64_t mapped_bytes;
};

/*
 * Builds the hypervisor's page tables, loads them on the calling CPU and
 * turns on write protection and no-execute. Everything but code is
 * no-execute; page 0 stays unmapped so a NULL dereference faults.
 */
int host_mm_init(const struct host_mm_layout *layout,
		 struct frame_allocator *fa, struct host_mm_stats *stats);
/* Applies the same control-register setup on a CPU started later. */
void host_mm_enable_protection(void);

#endif
