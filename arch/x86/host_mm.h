/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_HOST_MM_H
#define ARCH_X86_HOST_MM_H

#include <stdbool.h>
#include <stdint.h>
#include "config/config.h"
#include "kernel/frame_alloc.h"

#define HOST_MM_MMIO_MAX	16
#define HOST_MM_HIDDEN_MAX	CONFIG_MAX_PARTITIONS

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
	/* Partition RAM blocks: below map_top but left out of the map. */
	unsigned int hidden_count;
	struct host_mm_range hidden[HOST_MM_HIDDEN_MAX];
};

struct host_mm_stats {
	uint64_t cr3;
	uint64_t table_pages;
	uint64_t mapped_bytes;
	uint64_t hidden_bytes;		/* partition RAM left out */
	uint64_t window_bytes;		/* of each CPU's RAM window */
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

/*
 * Reserves a window of `bytes` (the largest partition's RAM) for each of
 * `cpus` CPUs (arch/x86/ram_window.h), its tables taken from fa and
 * counted in stats. Until then host_mm_window_open() returns pa itself,
 * as the firmware's identity map and the loader in UEFI want.
 */
int host_mm_windows_init(unsigned int cpus, uint64_t bytes,
			 struct host_mm_stats *stats);
/*
 * Maps [pa, pa + size) of partition RAM through this CPU's window and
 * returns where it is seen, or NULL when it does not fit the window. One
 * range at a time per CPU: close it before opening another.
 */
void *host_mm_window_open(uint64_t pa, uint64_t size);
void host_mm_window_close(void);
/*
 * Whether the page tables this CPU runs on (CR3, walked in software)
 * translate the virtual address va: a check that partition RAM is not
 * mapped where the hypervisor could reach it.
 */
bool host_mm_maps(uint64_t va);

#endif
