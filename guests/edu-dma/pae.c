/* SPDX-License-Identifier: BSD-2-Clause */
/* PAE paging (Intel SDM vol. 3A 4.4): a PDPT of 4 entries, 4 page
 * directories of 2 MiB pages. */
#include "guests/edu-dma/pae.h"

#define PG_PRESENT	(1u << 0)
#define PG_WRITE	(1u << 1)	/* page-directory entries only */
#define PG_LARGE	(1u << 7)	/* PDE: a 2 MiB page (4.4.2) */
#define CR0_PG		(1u << 31)
#define CR4_PAE		(1u << 5)
#define PDPT_ENTRIES	4
#define PD_ENTRIES	512
#define PD_SHIFT	21
#define PDPT_SHIFT	30

/* PDPTEs hold no R/W bit: bits 1-2 are reserved (4.4.1, table 4-8). */
static uint64_t pdpt[PDPT_ENTRIES] __attribute__((aligned(32)));
static uint64_t pd[PDPT_ENTRIES][PD_ENTRIES] __attribute__((aligned(4096)));

static uint64_t large_page(uint64_t pa)
{
	return (pa & ~(uint64_t)(PAE_PAGE - 1)) | PG_PRESENT | PG_WRITE |
	       PG_LARGE;
}

void pae_on(void)
{
	uint32_t cr;

	for (uint32_t i = 0; i < PDPT_ENTRIES; i++) {
		pdpt[i] = (uint32_t)(uintptr_t)pd[i] | PG_PRESENT;
		for (uint32_t j = 0; j < PD_ENTRIES; j++)
			pd[i][j] = large_page((uint64_t)i << PDPT_SHIFT |
					      (uint64_t)j << PD_SHIFT);
	}
	asm volatile("mov %%cr4, %0" : "=r"(cr));
	asm volatile("mov %0, %%cr4" : : "r"(cr | CR4_PAE));
	asm volatile("mov %0, %%cr3" : : "r"((uint32_t)(uintptr_t)pdpt)
		     : "memory");
	asm volatile("mov %%cr0, %0" : "=r"(cr));
	asm volatile("mov %0, %%cr0" : : "r"(cr | CR0_PG) : "memory");
}

void pae_off(void)
{
	uint32_t cr;

	asm volatile("mov %%cr0, %0" : "=r"(cr));
	asm volatile("mov %0, %%cr0" : : "r"(cr & ~CR0_PG) : "memory");
	asm volatile("mov %%cr4, %0" : "=r"(cr));
	asm volatile("mov %0, %%cr4" : : "r"(cr & ~CR4_PAE));
}

volatile uint32_t *pae_window(uint64_t pa)
{
	uint32_t dir = PAE_WINDOW >> PDPT_SHIFT;
	uint32_t entry = PAE_WINDOW >> PD_SHIFT & (PD_ENTRIES - 1);
	uint32_t offset = (uint32_t)pa & (PAE_PAGE - 1);

	pd[dir][entry] = large_page(pa);
	asm volatile("invlpg (%0)" : : "r"(PAE_WINDOW) : "memory");
	return (volatile uint32_t *)(uintptr_t)(PAE_WINDOW + offset);
}
