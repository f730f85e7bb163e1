/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/ram_window.h"
#include "lib/errno.h"

#define ENTRIES		512
#define TOP_LEVEL	3	/* the PML4 of 4-level paging */
#define PD_LEVEL	1	/* the level whose leaves map 2 MiB */

static uint64_t window_va(const struct ram_windows *w, unsigned int cpu)
{
	return RAM_WINDOW_BASE + cpu * w->span;
}

/* The page-directory entry mapping va; the tables above exist (init). */
static uint64_t *pd_entry(const struct ram_windows *w, uint64_t va)
{
	const struct pt_memory *m = &w->pt->mem;
	uint64_t *table = m->phys_to_virt(w->pt->root, m->ctx);

	for (int level = TOP_LEVEL; level > PD_LEVEL; level--) {
		uint64_t e = table[(va >> (12 + 9 * level)) & (ENTRIES - 1)];

		table = m->phys_to_virt(e & PT_ADDR_MASK, m->ctx);
	}
	return &table[(va >> (12 + 9 * PD_LEVEL)) & (ENTRIES - 1)];
}

static void clear_pages(struct ram_windows *w, unsigned int cpu,
			uint64_t pages)
{
	uint64_t va = window_va(w, cpu);

	for (uint64_t i = 0; i < pages; i++) {
		*pd_entry(w, va + i * RAM_WINDOW_PAGE) = 0;
		w->flush(va + i * RAM_WINDOW_PAGE);
	}
}

int ram_windows_init(struct ram_windows *w, struct page_table *pt,
		     unsigned int cpus, uint64_t bytes,
		     void (*flush)(uint64_t va))
{
	int err = 0;

	if (!cpus || cpus > MAX_CPUS || !bytes)
		return -EINVAL;
	*w = (struct ram_windows){
		.pt = pt, .cpus = cpus, .flush = flush,
		.span = (bytes + PAGE_1G - 1) & ~(PAGE_1G - 1),
	};
	/*
	 * Mapping at a physical address that is 2 MiB but not 1 GiB aligned
	 * makes pt_map build every page directory the window needs; the
	 * entries are cleared before anything can use them.
	 */
	for (unsigned int i = 0; !err && i < cpus; i++) {
		err = pt_map(pt, window_va(w, i), PAGE_2M, w->span,
			     PT_ATTR_WRITE);
		if (!err)
			clear_pages(w, i, w->span / RAM_WINDOW_PAGE);
	}
	return err;
}

void *ram_window_open(struct ram_windows *w, unsigned int cpu, uint64_t pa,
		      uint64_t size)
{
	uint64_t first = pa & ~(RAM_WINDOW_PAGE - 1);
	uint64_t pages = (pa + size - first + RAM_WINDOW_PAGE - 1) /
			 RAM_WINDOW_PAGE;
	uint64_t va;

	if (cpu >= w->cpus || w->open_pages[cpu] || !size ||
	    pa + size < pa || pages > w->span / RAM_WINDOW_PAGE)
		return NULL;
	va = window_va(w, cpu);
	for (uint64_t i = 0; i < pages; i++) {
		*pd_entry(w, va + i * RAM_WINDOW_PAGE) =
			w->pt->fmt->leaf_entry(first + i * RAM_WINDOW_PAGE,
					       PD_LEVEL, PT_ATTR_WRITE);
		w->flush(va + i * RAM_WINDOW_PAGE);
	}
	w->open_pages[cpu] = pages;
	return (void *)(uintptr_t)(va + (pa - first));
}

void ram_window_close(struct ram_windows *w, unsigned int cpu)
{
	if (cpu >= w->cpus)
		return;
	clear_pages(w, cpu, w->open_pages[cpu]);
	w->open_pages[cpu] = 0;
}
