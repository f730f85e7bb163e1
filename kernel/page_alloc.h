/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <stdint.h>
#include "arch/x86/paging.h"
#include "kernel/frame_alloc.h"

/*
 * The hypervisor's own memory: zeroed pages from the machine's frame
 * allocator, taken at boot only (nothing is allocated while guests run).
 * Memory is identity-mapped, so the address is both physical and virtual.
 */
extern struct frame_allocator machine_frames;

/* Returns the address of `pages` zeroed pages below `limit`, or 0. */
uint64_t hv_alloc_pages(uint64_t pages, uint64_t limit);
uint64_t hv_allocated_bytes(void);
/* Table memory for arch/x86/paging.h: one zeroed page at a time. */
extern const struct pt_memory hv_pt_memory;

#endif
