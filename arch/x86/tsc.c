/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/tsc.h"
#include "arch/x86/asm.h"

#define US_PER_SEC	1000000ULL

uint64_t tsc_hz;
uint64_t wall_clock_unix, wall_clock_tsc;

uint64_t wall_clock_now(void)
{
	return wall_clock_unix +
	       (tsc_hz ? (rdtsc() - wall_clock_tsc) / tsc_hz : 0);
}


uint64_t tsc_deadline_us(uint64_t us)
{
	return rdtsc() + us * (tsc_hz / US_PER_SEC);
}

int tsc_passed(uint64_t deadline)
{
	return (int64_t)(rdtsc() - deadline) >= 0;
}

void tsc_delay_us(uint64_t us)
{
	uint64_t deadline = tsc_deadline_us(us);

	while (!tsc_passed(deadline))
		cpu_relax();
}
