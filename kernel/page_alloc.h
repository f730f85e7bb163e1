/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include "arch/x86/paging.h"
#include "kernel/frame_alloc.h"

/*
 * The hypervisor's own memory: zeroed pages from the machine's frame
 * allocator, taken at boot only (nothing is allocated while guests run).
 * Memory is identity-mapped, so the address is both physical and virtual.
 * Every page is counted under what it is for, so that the log can show
 * that restarts take nothing (hv_mem_format).
 */
extern struct frame_allocator machine_frames;

enum hv_mem_use {
	HV_MEM_PER_CPU,		/* stacks, VMXON / host save areas */
	HV_MEM_VCPU,		/* VMCBs, VMCSs, their host areas */
	HV_MEM_STAGE2,		/* NPT / EPT tables */
	HV_MEM_IOMMU,		/* IOMMU tables, queues, domain tables */
	HV_MEM_OTHER,		/* I/O and MSR bitmaps, ... */
	HV_MEM_USES,
};

/* Returns the address of `pages` zeroed pages below `limit`, or 0. */
uint64_t hv_alloc_pages_for(enum hv_mem_use use, uint64_t pages,
			    uint64_t limit);
uint64_t hv_alloc_pages(uint64_t pages, uint64_t limit);	/* OTHER */
uint64_t hv_allocated_bytes(void);
/* "in use 1234 KiB (per-CPU 100, ...), free 5678 KiB": for the log. */
void hv_mem_format(char *buf, size_t size);
/* Table memory for arch/x86/paging.h: one zeroed page at a time. */
extern const struct pt_memory hv_pt_memory;		/* OTHER */
extern const struct pt_memory hv_stage2_pt_memory;
extern const struct pt_memory hv_iommu_pt_memory;

#endif
