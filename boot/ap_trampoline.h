/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_AP_TRAMPOLINE_H
#define BOOT_AP_TRAMPOLINE_H

#include <stdint.h>

/*
 * Start-up code for application processors, copied to a page below 1 MiB
 * (the SIPI vector names it). Its parameters live in the page after it, so
 * the code page can be mapped read-only and executable.
 */
struct ap_trampoline_params {
	uint64_t cr3;		/* must be below 4 GiB: loaded in 32-bit mode */
	uint64_t stack_top;
	uint64_t entry;		/* void entry(uint64_t arg), never returns */
	uint64_t arg;
};

#define AP_PARAMS_OFFSET	0x1000

extern const char ap_trampoline_start[], ap_trampoline_end[];

#endif
