/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_RAM_WINDOW_H
#define ARCH_X86_RAM_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/paging.h"
#include "lib/limits.h"

/*
 * Per-CPU windows onto partition RAM. The hypervisor's page tables do not
 * map any partition's RAM; a CPU that must read or write it (to load an
 * image, to fetch an instruction it emulates, to walk the guest's page
 * tables) points its own window, a run of 2 MiB pages at its own virtual
 * address, at the host-physical range for the time of that access, then
 * closes it again. Opening writes the window's page-directory entries and
 * invalidates each page on this CPU; closing clears them the same way.
 *
 * The windows live at RAM_WINDOW_BASE, far above every identity-mapped
 * physical address, CPU i's at RAM_WINDOW_BASE + i * span.
 */

#define RAM_WINDOW_BASE		0xffff800000000000ULL	/* upper half */
#define RAM_WINDOW_PAGE		PAGE_2M

struct ram_windows {
	struct page_table *pt;
	uint64_t span;			/* bytes per CPU, 1 GiB multiple */
	unsigned int cpus;
	void (*flush)(uint64_t va);	/* drops va's translation here */
	uint64_t open_pages[MAX_CPUS];	/* 2 MiB pages now mapped */
};

/*
 * Reserves a window of at least `bytes` for each of `cpus` CPUs in pt,
 * creating the tables that hold its entries, all of them not present.
 * -EINVAL for no CPUs, too many or no bytes; -ENOMEM without tables.
 */
int ram_windows_init(struct ram_windows *w, struct page_table *pt,
		     unsigned int cpus, uint64_t bytes,
		     void (*flush)(uint64_t va));

/*
 * Maps [pa, pa + size) through CPU cpu's window and returns where pa is
 * seen, or NULL when the range does not fit the window or the window is
 * already open. Writable, never executable.
 */
void *ram_window_open(struct ram_windows *w, unsigned int cpu, uint64_t pa,
		      uint64_t size);
/* Unmaps what CPU cpu's window shows. */
void ram_window_close(struct ram_windows *w, unsigned int cpu);

#endif
