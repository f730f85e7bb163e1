/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_EDU_DMA_PAE_H
#define GUESTS_EDU_DMA_PAE_H

#include <stdint.h>

/*
 * PAE paging for a 32-bit guest that must reach physical memory above
 * 4 GiB: the low 4 GiB identity-mapped with 2 MiB pages, so everything
 * below keeps working, and one 2 MiB window that pae_window() points
 * anywhere. The window hides the guest's own RAM at PAE_WINDOW, which the
 * guest does not use.
 */
#define PAE_WINDOW		0x40000000u
#define PAE_PAGE		0x200000u

void pae_on(void);
void pae_off(void);
/* Maps the 2 MiB page holding pa at the window; pa's address there. */
volatile uint32_t *pae_window(uint64_t pa);

#endif
