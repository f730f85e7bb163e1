/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-exits: the cost of an exit round trip. N iterations of a loop
 * whose body is one instruction, with interrupts off (the runtime never
 * sets IF): a baseline that never exits (NOP), CPUID, a hypercall
 * (VMMCALL on AMD, VMCALL on Intel; only with hypercall=1, as bare it
 * raises #UD) and an IN from the UART's line status register (0x3FD).
 * Each prints `bench: exits kind=K n=N ticks=0x...` (TSC ticks for all N).
 *
 * Command line: n=N (default 10000), hypercall=0|1 (default 0).
 */
#include "guests/bench-lib/bench.h"

#define UART_LSR_PORT	(SERIAL_PORT + 5)
#define MAX_N		100000000
#define VENDOR_AMD_EBX	0x68747541u	/* "Auth" of AuthenticAMD */

/* Every body starts from EAX = 0, so CPUID always reads leaf 0. */
#define TIMED_LOOP(body, n, extra_in, ...) ({				\
	uint32_t left_ = (n);						\
	uint64_t t0_ = rdtsc();						\
	asm volatile("1:\n\txorl %%eax, %%eax\n\t" body			\
		     "\n\tdecl %0\n\tjnz 1b"				\
		     : "+S"(left_) : extra_in : __VA_ARGS__);		\
	rdtsc() - t0_;							\
})

static uint64_t loop_nop(uint32_t n)
{
	return TIMED_LOOP("nop", n, "d"(0), "eax", "memory");
}

static uint64_t loop_cpuid(uint32_t n)
{
	return TIMED_LOOP("cpuid", n, "D"(0), "eax", "ebx", "ecx", "edx",
			  "memory");
}

static uint64_t loop_in(uint32_t n)
{
	return TIMED_LOOP("inb %%dx, %%al", n, "d"(UART_LSR_PORT), "eax",
			  "memory");
}

static uint64_t loop_vmmcall(uint32_t n)
{
	return TIMED_LOOP("vmmcall", n, "d"(0), "eax", "ebx", "ecx", "memory");
}

static uint64_t loop_vmcall(uint32_t n)
{
	return TIMED_LOOP("vmcall", n, "d"(0), "eax", "ebx", "ecx", "memory");
}

static void report(const char *kind, uint32_t n, uint64_t ticks)
{
	printf("bench: exits kind=%s n=%010u ticks=0x%016llx\n", kind, n, ticks);
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint32_t n;
	bool amd;

	bench_entry(magic, mbi, &cmdline);
	n = bench_arg(cmdline, "n", 10000, MAX_N);
	amd = cpuid(0, 0).ebx == VENDOR_AMD_EBX;

	/* Warm up once (code in the translation cache, pages mapped). */
	loop_nop(n);
	report("nop", n, loop_nop(n));
	report("cpuid", n, loop_cpuid(n));
	report("lsr_read", n, loop_in(n));
	if (cmdline_int(cmdline, "hypercall", 0) == 1) {
		uint64_t t = amd ? loop_vmmcall(n) : loop_vmcall(n);

		report("hypercall", n, t);
	}
	printf("bench: done\n");
	return BENCH_EXIT_OK;
}
