/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-compute: a CPU-bound kernel that never leaves the guest. An
 * integer part (a linear congruential generator folded into a checksum,
 * with multiplies, shifts and a data-dependent branch) and an x87
 * floating-point part (pi by the midpoint rule on 4/(1+x^2), one divide
 * per step). This file alone is built with the x87 enabled (guests.mk).
 * Prints `bench: compute int_ticks=0x... fp_ticks=0x... n=N
 * checksum=0x... pi_micro=N`; the checksum and pi prove the work was done.
 *
 * Command line: n=N steps of each part (default 1000000).
 */
#include "guests/bench-lib/bench.h"

#define MAX_N		1000000000
#define LCG_MUL		1103515245u	/* the ANSI C example generator */
#define LCG_ADD		12345u
#define MICRO		1000000.0

static uint32_t integer_part(uint32_t n)
{
	uint32_t x = 1, sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		x = x * LCG_MUL + LCG_ADD;
		if (x & 0x100)
			sum += x >> 7;
		else
			sum ^= (x << 3) | i;
		/* Keep the loop from being vectorised or folded away. */
		asm volatile("" : "+r"(sum));
	}
	return sum;
}

static double fp_part(uint32_t n)
{
	double h = 1.0 / n, sum = 0.0;

	for (uint32_t i = 0; i < n; i++) {
		double x = h * (i + 0.5);

		sum += 4.0 / (1.0 + x * x);
	}
	return sum * h;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint64_t t0, t1, t2;
	uint32_t n, checksum;
	double pi;

	bench_entry(magic, mbi, &cmdline);
	n = bench_arg(cmdline, "n", 1000000, MAX_N);
	asm volatile("fninit");

	t0 = rdtsc();
	checksum = integer_part(n);
	t1 = rdtsc();
	pi = fp_part(n);
	t2 = rdtsc();
	printf("bench: compute n=%010u int_ticks=0x%016llx fp_ticks=0x%016llx checksum=0x%08x pi_micro=%07d\n",
	       n, t1 - t0, t2 - t1, checksum, (int)(pi * MICRO));
	printf("bench: done\n");
	return BENCH_EXIT_OK;
}
