/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_PIT_H
#define ARCH_X86_PIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The physical 8254, which no partition reaches (each sees its own model,
 * drivers/emul/vpit.c): counter 0 as a periodic tick at about hz (19 to
 * 1193182), an edge on ISA IRQ 0 each period.
 */
void pit_start_periodic(unsigned int hz);
/*
 * Whether counter 0 moves: false where the platform gates the 8254's clock
 * off (some do, to save power) or has none.
 */
bool pit_counting(void);
/*
 * The TSC's rate measured against counter 2 over `count` input clocks
 * (at most 65535, 54.9 ms), the speaker kept off; 0 when its output never
 * rises within `timeout_ticks` TSC ticks (no 8254, or its clock gated).
 */
uint64_t pit_measure_tsc_hz(uint16_t count, uint64_t timeout_ticks);

#endif
