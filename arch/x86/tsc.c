/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/tsc.h"
#include "arch/x86/asm.h"

#define US_PER_SEC	1000000ULL

uint64_t tsc_hz;

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
