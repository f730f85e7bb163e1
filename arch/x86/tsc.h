/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_TSC_H
#define ARCH_X86_TSC_H

#include <stdint.h>

/* Frequency measured against the firmware's Stall() before takeover. */
extern uint64_t tsc_hz;

/* The wall clock, UTC: unix seconds at a TSC value, read at boot. */
extern uint64_t wall_clock_unix, wall_clock_tsc;
uint64_t wall_clock_now(void);

void tsc_delay_us(uint64_t us);
uint64_t tsc_deadline_us(uint64_t us);
int tsc_passed(uint64_t deadline);

#endif
