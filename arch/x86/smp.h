/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_SMP_H
#define ARCH_X86_SMP_H

#include <stdint.h>

struct per_cpu;
typedef void (*ap_entry_fn)(struct per_cpu *cpu);

/* Copies the start-up code to `page` (below 1 MiB, two pages). */
void smp_install_trampoline(uint64_t page);
/*
 * Starts one processor with INIT-SIPI-SIPI (Intel SDM vol. 3A 9.4.4.1) and
 * waits until it has left CPU_STARTING. The AP enters `entry` on the
 * stack cpu->stack_top with our page tables (cr3) loaded.
 */
int smp_start_cpu(uint64_t page, uint64_t cr3, struct per_cpu *cpu,
		  ap_entry_fn entry);

#endif
