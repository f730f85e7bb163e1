/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/host_mm.h"
#include "arch/x86/asm.h"
#include "arch/x86/paging.h"
#include "arch/x86/ram_window.h"
#include "kernel/percpu.h"
#include "lib/errno.h"
#include "lib/string.h"

/* The AP trampoline loads CR3 in 32-bit mode, so tables live below 4 GiB. */
#define TABLE_LIMIT		0x100000000ULL
#define CPUID_EXT1_EDX_1G	(1U << 26)	/* AMD APM vol. 3 E.4.2 */

static struct page_table host_pt;
static struct ram_windows windows;
static bool windows_ready;

static uint64_t alloc_table(void *ctx)
{
	uint64_t phys = frame_alloc_pages(ctx, 1, PAGE_4K, TABLE_LIMIT);

	if (phys)
		memset((void *)(uintptr_t)phys, 0, PAGE_4K);
	return phys;
}

static void *identity(uint64_t phys, void *ctx)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

static uint64_t page_floor(uint64_t v)
{
	return v & ~(PAGE_4K - 1);
}

static uint64_t page_ceil(uint64_t v)
{
	return (v + PAGE_4K - 1) & ~(PAGE_4K - 1);
}

void host_mm_enable_protection(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
}

int host_mm_init(const struct host_mm_layout *l, struct frame_allocator *fa,
		 struct host_mm_stats *stats)
{
	struct pt_memory mem = { alloc_table, identity, fa };
	bool gig = cpuid(0x80000001U, 0).edx & CPUID_EXT1_EDX_1G;
	uint64_t text = page_floor(l->text_start);
	struct page_table *pt = &host_pt;
	int err;

	err = pt_init(pt, &pt_format_host, &mem, gig);
	if (!err)
		err = pt_map(pt, PAGE_4K, PAGE_4K, l->map_top - PAGE_4K,
			     PT_ATTR_WRITE);
	if (!err)
		err = pt_map(pt, text, text, page_ceil(l->text_end) - text,
			     PT_ATTR_EXEC);
	if (!err)
		err = pt_map(pt, l->trampoline, l->trampoline, PAGE_4K,
			     PT_ATTR_EXEC);
	for (unsigned int i = 0; !err && i < l->mmio_count; i++)
		err = pt_map(pt, page_floor(l->mmio[i].base),
			     page_floor(l->mmio[i].base),
			     page_ceil(l->mmio[i].base + l->mmio[i].size) -
			     page_floor(l->mmio[i].base),
			     PT_ATTR_WRITE | PT_ATTR_UNCACHED);
	/*
	 * Partition RAM is reached only through the windows. No CPU has
	 * run on these tables yet, so no TLB holds what is left out.
	 */
	stats->hidden_bytes = 0;
	for (unsigned int i = 0; !err && i < l->hidden_count; i++) {
		uint64_t base = page_floor(l->hidden[i].base);
		uint64_t size = page_ceil(l->hidden[i].base +
					  l->hidden[i].size) - base;

		err = pt_unmap(pt, base, size);
		stats->hidden_bytes += size;
	}
	if (err)
		return err;
	host_mm_enable_protection();
	write_cr3(pt->root);
	stats->cr3 = pt->root;
	stats->table_pages = pt->table_pages;
	stats->mapped_bytes = l->map_top - PAGE_4K;
	return 0;
}

static void invalidate_page(uint64_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

int host_mm_windows_init(unsigned int cpus, uint64_t bytes,
			 struct host_mm_stats *stats)
{
	int err = ram_windows_init(&windows, &host_pt, cpus, bytes,
				   invalidate_page);

	if (err)
		return err;
	windows_ready = true;
	stats->table_pages = host_pt.table_pages;
	stats->window_bytes = windows.span;
	return 0;
}

void *host_mm_window_open(uint64_t pa, uint64_t size)
{
	if (!windows_ready)
		return (void *)(uintptr_t)pa;
	return ram_window_open(&windows, this_cpu_index(), pa, size);
}

void host_mm_window_close(void)
{
	if (windows_ready)
		ram_window_close(&windows, this_cpu_index());
}

bool host_mm_maps(uint64_t va)
{
	struct page_table live = host_pt;
	unsigned int attrs;
	uint64_t pa, size;

	live.root = read_cr3() & PT_ADDR_MASK;
	return !pt_walk(&live, va, &pa, &attrs, &size);
}
