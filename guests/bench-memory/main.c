/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-memory: a random pointer chase, one dependent load after another,
 * over a buffer of mib= MiB starting at 16 MiB (physical: paging is off).
 * Nodes are 64 bytes apart and linked into one random cycle (Sattolo's
 * algorithm), so nearly every load lands on another page: the kernel is
 * bound by TLB misses, which under a hypervisor walk the stage-2 tables
 * too. Prints `bench: memory mib=M nodes=N steps=S ticks=0x... end=0x...`
 * for the chase alone (the set-up is not timed).
 *
 * Command line: mib=M (default 128), steps=S (default 1000000).
 */
#include "guests/bench-lib/bench.h"

#define BUF_BASE	0x1000000u	/* 16 MiB: clear of image and info */
#define MAX_MIB		2048
#define MAX_STEPS	1000000000
#define NODE_SHIFT	6		/* 64-byte nodes */
#define SEED		0x2545f491u
#define EXIT_NO_RAM	5

static bool ram_covers(const struct mb_info *mbi, uint64_t end)
{
	const struct mb_mmap_entry *e;

	mb_for_each_mmap(e, mbi) {
		if (e->type == MB_MMAP_AVAILABLE && e->base <= BUF_BASE &&
		    e->base + e->length >= end)
			return true;
	}
	return false;
}

static inline uint32_t *node(uint32_t i)
{
	return (uint32_t *)(uintptr_t)(BUF_BASE + (i << NODE_SHIFT));
}

/* Each node holds the index of the next one: a single random cycle. */
static void link_nodes(uint32_t count)
{
	uint32_t seed = SEED;

	for (uint32_t i = 0; i < count; i++)
		*node(i) = i;
	for (uint32_t i = count - 1; i > 0; i--) {
		uint32_t j = bench_rand(&seed) % i;
		uint32_t t = *node(i);

		*node(i) = *node(j);
		*node(j) = t;
	}
}

static uint32_t chase(uint32_t steps)
{
	uint32_t i = 0;

	while (steps--)
		i = *node(i);
	return i;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint32_t mib, steps, count, end;
	uint64_t t0, ticks;

	bench_entry(magic, mbi, &cmdline);
	mib = bench_arg(cmdline, "mib", 128, MAX_MIB);
	steps = bench_arg(cmdline, "steps", 1000000, MAX_STEPS);
	if (!ram_covers(mbi, BUF_BASE + ((uint64_t)mib << 20))) {
		printf("bench: memory needs RAM from 16 MiB to %u MiB\n",
		       16 + mib);
		return EXIT_NO_RAM;
	}
	count = mib << (20 - NODE_SHIFT);
	link_nodes(count);
	chase(count >> 4);	/* warm up */

	t0 = rdtsc();
	end = chase(steps);
	ticks = rdtsc() - t0;
	printf("bench: memory mib=%04u nodes=%010u steps=%010u ticks=0x%016llx end=0x%08x\n",
	       mib, count, steps, ticks, end);
	printf("bench: done\n");
	return BENCH_EXIT_OK;
}
