/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ticker: measures when it runs. It reads the TSC in a tight loop; a step
 * longer than gap= ticks means the core ran something else meanwhile, so
 * each unbroken stretch is one "run" (on a core shared in time: one
 * window). After runs= runs it prints each as "ticker: run I START END"
 * (TSC, hex) and exits with 0, so the log shows exactly when it ran. Its
 * last line gives the turns of its loop (hex), a measure of throughput.
 *
 * Between runs it checks that what it left in the registers the hypervisor
 * must switch is still there: SSE registers xmm0-xmm7, DR0-DR3 and, where
 * RDTSCP exists, TSC_AUX, each filled from seed= (use one per partition).
 * A register found changed is counted and reported ("ticker: state lost").
 *
 * Other modes, for the neighbour that misbehaves (mode=):
 *   spin   interrupts off, spins forever after its first run
 *   halt   interrupts off, HLT forever
 *   lapic  reads its local APIC's ID register, as a kernel would
 * Command line: runs=N (default 40), gap=TICKS (default 200000),
 * seed=N (default 1), mode=record|spin|halt|lapic, and ticks=N (default 0,
 * no limit): record for N TSC ticks, keeping the first runs= runs and
 * counting the rest (for a core of its own, where a run may never end,
 * and for long runs: "done" then gives the total); mticks=N is N million
 * ticks, for runs longer than ticks= can say.
 */
#include "guests/lib/runtime.h"

#define RUNS_MAX	256
#define CR0_EM		(1U << 2)
#define CR0_MP		(1U << 1)
#define CR4_OSFXSR	(1U << 9)
#define CR4_OSXMMEXCPT	(1U << 10)
#define MSR_TSC_AUX	0xc0000103U
#define CPUID_EXT1_EDX_RDTSCP	(1U << 27)
#define XMM_REGS	8
#define EXIT_STATE_LOST	3
#define LAPIC_ID_REG	0xfee00020U	/* xAPIC default base (SDM 11.4.1) */

struct run {
	uint64_t start, end;
};

static struct run runs[RUNS_MAX];
static uint64_t loops;		/* turns of the recording loop: throughput */
static bool has_rdtscp;
static uint32_t lost;

static uint32_t pattern(uint32_t seed, uint32_t i)
{
	return (seed * 0x9e3779b1u) ^ (i * 0x85ebca6bu) ^ 0x5bd1e995u;
}

static void sse_on(void)
{
	uint32_t cr0, cr4;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %0, %%cr0" : : "r"((cr0 & ~CR0_EM) | CR0_MP));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSFXSR |
					       CR4_OSXMMEXCPT));
}

/* xmm<i> = pattern(seed, i) in its low dword; the register is in the text. */
#define XMM_SET(i, v) asm volatile("movd %0, %%xmm" #i : : "r"(v))
#define XMM_GET(i, v) asm volatile("movd %%xmm" #i ", %0" : "=r"(v))

static void xmm_fill(uint32_t seed)
{
	XMM_SET(0, pattern(seed, 0));
	XMM_SET(1, pattern(seed, 1));
	XMM_SET(2, pattern(seed, 2));
	XMM_SET(3, pattern(seed, 3));
	XMM_SET(4, pattern(seed, 4));
	XMM_SET(5, pattern(seed, 5));
	XMM_SET(6, pattern(seed, 6));
	XMM_SET(7, pattern(seed, 7));
}

static void xmm_read(uint32_t *v)
{
	XMM_GET(0, v[0]);
	XMM_GET(1, v[1]);
	XMM_GET(2, v[2]);
	XMM_GET(3, v[3]);
	XMM_GET(4, v[4]);
	XMM_GET(5, v[5]);
	XMM_GET(6, v[6]);
	XMM_GET(7, v[7]);
}

#define DR_SET(i, v) asm volatile("mov %0, %%db" #i : : "r"(v))
#define DR_GET(i, v) asm volatile("mov %%db" #i ", %0" : "=r"(v))

static void dr_fill(uint32_t seed)
{
	DR_SET(0, pattern(seed, 10));
	DR_SET(1, pattern(seed, 11));
	DR_SET(2, pattern(seed, 12));
	DR_SET(3, pattern(seed, 13));
}

static void dr_read(uint32_t *v)
{
	DR_GET(0, v[0]);
	DR_GET(1, v[1]);
	DR_GET(2, v[2]);
	DR_GET(3, v[3]);
}

static uint32_t tsc_aux(void)
{
	uint32_t lo, hi, aux;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

static void state_fill(uint32_t seed)
{
	sse_on();
	xmm_fill(seed);
	dr_fill(seed);
	has_rdtscp = cpuid(0x80000001U, 0).edx & CPUID_EXT1_EDX_RDTSCP;
	if (has_rdtscp)
		asm volatile("wrmsr" : : "c"(MSR_TSC_AUX),
			     "a"(pattern(seed, 20)), "d"(0));
}

static void state_check(uint32_t seed, unsigned int run)
{
	uint32_t xmm[XMM_REGS], dr[4];

	xmm_read(xmm);
	dr_read(dr);
	for (uint32_t i = 0; i < XMM_REGS; i++)
		if (xmm[i] != pattern(seed, i) && lost++ < 4)
			printf("state lost: xmm%u %x at run %u\n", i, xmm[i],
			       run);
	for (uint32_t i = 0; i < 4; i++)
		if (dr[i] != pattern(seed, 10 + i) && lost++ < 4)
			printf("state lost: dr%u %x at run %u\n", i, dr[i], run);
	if (has_rdtscp && tsc_aux() != pattern(seed, 20) && lost++ < 4)
		printf("state lost: TSC_AUX %x at run %u\n", tsc_aux(), run);
}

/*
 * Without `ticks`, until `want` runs ended (the one in progress is not
 * counted); with it, until `ticks` passed, keeping the first `want`.
 * Returns how many ended.
 */
static unsigned int record(unsigned int want, uint32_t gap, uint32_t seed,
			   uint64_t ticks)
{
	uint64_t prev = rdtsc(), start = prev, first = prev;
	unsigned int n = 0;

	while (ticks || n < want) {
		uint64_t now = rdtsc();

		if (ticks && now - first >= ticks)
			break;
		if (now - prev > gap) {
			if (n < want) {
				runs[n].start = start;
				runs[n].end = prev;
			}
			n++;
			start = now;
			state_check(seed, n);
		}
		prev = now;
		loops++;
	}
	return n;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = mb_cmdline(mbi);
	const char *mode = cmdline_find(cmdline, "mode");
	unsigned int want = (unsigned int)cmdline_int(cmdline, "runs", 40);
	uint32_t gap = (uint32_t)cmdline_int(cmdline, "gap", 200000);
	uint32_t seed = (uint32_t)cmdline_int(cmdline, "seed", 1);
	/* mticks=N: N million ticks, past what a 32-bit long holds. */
	uint64_t ticks = (uint64_t)cmdline_int(cmdline, "ticks", 0) +
			 (uint64_t)cmdline_int(cmdline, "mticks", 0) * 1000000;
	unsigned int got;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	if (want > RUNS_MAX)
		want = RUNS_MAX;
	if (mode && strncmp(mode, "halt", 4) == 0) {
		printf("halting with interrupts off\n");
		asm volatile("cli");
		for (;;)
			asm volatile("hlt");
	}
	if (mode && strncmp(mode, "lapic", 5) == 0) {
		printf("local APIC ID register: %x\n",
		       *(volatile uint32_t *)LAPIC_ID_REG);
		return 0;
	}
	if (mode && strncmp(mode, "spin", 4) == 0) {
		printf("spinning with interrupts off\n");
		asm volatile("cli");
		for (;;)
			asm volatile("" ::: "memory");
	}
	printf("recording %u runs, gap %u ticks\n", want, gap);
	state_fill(seed);
	got = record(want, gap, seed, ticks);
	for (unsigned int i = 0; i < got && i < want; i++)
		printf("run %u %llx %llx\n", i, runs[i].start, runs[i].end);
	printf("done: %u runs, state lost %u times, %llx loops\n", got, lost,
	       loops);
	return lost ? EXIT_STATE_LOST : 0;
}
