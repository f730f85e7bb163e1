/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_LIMITS_H
#define LIB_LIMITS_H

/* Static sizing: every table is allocated for the worst case at boot. */
#define MAX_CPUS		64
#define MAX_IOAPICS		8
#define PAGE_SIZE		4096UL
#define PAGE_SHIFT		12

#endif
