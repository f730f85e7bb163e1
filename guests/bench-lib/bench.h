/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_BENCH_LIB_BENCH_H
#define GUESTS_BENCH_LIB_BENCH_H

/*
 * Shared by the bench-* guests. Results are lines on the serial console,
 * `bench: <figure> key=value ...`, read by scripts/bench.py. 64-bit
 * values are printed in hex: there is no 64-bit division in 32-bit code,
 * so the guests never divide; bench.py does the arithmetic.
 */
#include "guests/lib/runtime.h"

#define BENCH_EXIT_OK		0
#define BENCH_EXIT_BAD_ARGS	4

/* The TSC at main(): the first thing each bench guest does. */
static inline uint64_t bench_entry(uint32_t magic, const struct mb_info *mbi,
				   const char **cmdline)
{
	uint64_t tsc = rdtsc();

	if (!mb_check(magic, mbi))
		guest_exit(GUEST_EXIT_BAD_MAGIC);
	*cmdline = mb_cmdline(mbi);
	printf("bench: entry tsc=0x%016llx\n", tsc);
	return tsc;
}

/* A command line number limited to 1..max (max below 2^31). */
static inline uint32_t bench_arg(const char *cmdline, const char *key,
				 long dflt, long max)
{
	long v = cmdline_int(cmdline, key, dflt);

	if (v < 1 || v > max) {
		printf("bench: bad %s=%d (1..%d)\n", key, (int)v, (int)max);
		guest_exit(BENCH_EXIT_BAD_ARGS);
	}
	return (uint32_t)v;
}

/* A tiny PRNG: xorshift32 (Marsaglia 2003), never 0 from a non-zero seed. */
static inline uint32_t bench_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

#endif /* GUESTS_BENCH_LIB_BENCH_H */
