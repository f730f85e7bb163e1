/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * msr-check: the MSR operations third-party kernels do at start-up, one
 * `msr-check: PASS|FAIL <what>: <detail>` line each, then
 * `msr-check: N passed, N failed`; the exit code is the failure count.
 * A #GP handler skips the faulting RDMSR/WRMSR (2 bytes) and counts it,
 * so each access says whether the CPU (or hypervisor) refused it.
 *
 * 1. PMU: AMD's legacy counters 0xC0010000-7 (every AMD CPU since K7), or
 *    Intel's IA32_PERFEVTSEL0/IA32_PMC0 when CPUID leaf 0xA has a PMU:
 *    written and read back without #GP. The value read is printed, not
 *    judged: neither QEMU's TCG nor Bochs implements the counters.
 * 2. TSC: WRMSR 0x10 moves what RDTSC returns; IA32_TSC_ADJUST (when CPUID
 *    leaf 7 has it) moves by the same amount, and writing it back to 0
 *    undoes the jump (Intel SDM vol. 3B 17.17.3).
 * 3. FS_BASE, GS_BASE, KERNEL_GS_BASE, LSTAR: a non-canonical value #GPs,
 *    a canonical one reads back.
 * 4. MISC_ENABLE: on Intel it reads fast strings (bit 0) with BTS and PEBS
 *    unavailable (bits 11, 12); AMD has no such MSR (#GP).
 */
#include "guests/lib/runtime.h"

#define TSC_JUMP	(1ULL << 40)
#define TSC_SLACK	(1ULL << 36)	/* generous: TCG and Bochs are slow */
#define NONCANONICAL	0x0000800000000000ULL
#define CANONICAL	0xffff800012345000ULL

static unsigned int passed, failed;

/* Starts a result line; the caller prints the detail and the newline. */
static void report(bool ok, const char *what)
{
	printf("msr-check: %s %s: ", ok ? "PASS" : "FAIL", what);
	if (ok)
		passed++;
	else
		failed++;
}

static bool is_amd(void)
{
	return cpuid(0, 0).ebx == 0x68747541U;	/* "Auth" */
}

static void check_pmu(void)
{
	uint64_t v = 0, sum = 0;
	bool gp = false;

	if (is_amd()) {
		for (uint32_t i = 0; i < 4; i++) {
			gp |= wrmsr_gp(0xc0010000U + i, 0);	/* PERF_CTLi */
			gp |= wrmsr_gp(0xc0010004U + i, 0x1000 + i);
			gp |= rdmsr_gp(0xc0010004U + i, &v);
			sum += v;
		}
		report(!gp, "pmu");
		printf("wrmsr/rdmsr 0xC0010000-7 without #GP, counters sum "
		       "%llx (0x4006 written)\n", sum);
		return;
	}
	if (!(cpuid(0xa, 0).eax & 0xff)) {
		report(true, "pmu");
		printf("none advertised (CPUID.0AH version 0)\n");
		return;
	}
	gp |= wrmsr_gp(0x186, 0);			/* IA32_PERFEVTSEL0 */
	gp |= wrmsr_gp(0xc1, 0x1234);			/* IA32_PMC0 */
	gp |= rdmsr_gp(0xc1, &v);
	report(!gp, "pmu");
	printf("IA32_PERFEVTSEL0/IA32_PMC0 without #GP, PMC0 reads %llx "
	       "(0x1234 written)\n", v);
}

static void check_tsc(void)
{
	bool has_adjust = cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & 2);
	uint64_t t0 = rdtsc(), t1, t2, adjust = 0;
	bool gp = wrmsr_gp(0x10, t0 + TSC_JUMP);

	t1 = rdtsc();
	report(!gp && t1 - t0 >= TSC_JUMP && t1 - t0 < TSC_JUMP + TSC_SLACK,
	       "tsc-write");
	printf("rdtsc moved by %llx after wrmsr TSC += 2^40\n", t1 - t0);
	if (!has_adjust) {
		report(true, "tsc-adjust");
		printf("not advertised in CPUID leaf 7\n");
		return;
	}
	gp = rdmsr_gp(0x3b, &adjust);
	report(!gp && adjust <= TSC_JUMP && TSC_JUMP - adjust < TSC_SLACK,
	       "tsc-adjust");
	printf("IA32_TSC_ADJUST %llx after the jump\n", adjust);
	gp = wrmsr_gp(0x3b, 0);
	t2 = rdtsc();
	report(!gp && t2 < t1 && t1 - t2 > TSC_JUMP - TSC_SLACK,
	       "tsc-adjust-write");
	printf("TSC_ADJUST = 0: rdtsc back from %llx to %llx\n", t1, t2);
}

static void check_canonical(void)
{
	static const uint32_t msrs[] = { 0xc0000100U, 0xc0000101U,
					 0xc0000102U, 0xc0000082U };
	static const char *const names[] = { "fs-base", "gs-base",
					     "kernel-gs-base", "lstar" };

	for (unsigned int i = 0; i < 4; i++) {
		uint64_t old = 0, back = 0;
		bool gp_bad, gp_good;

		rdmsr_gp(msrs[i], &old);
		gp_bad = wrmsr_gp(msrs[i], NONCANONICAL);
		gp_good = wrmsr_gp(msrs[i], CANONICAL);
		rdmsr_gp(msrs[i], &back);
		wrmsr_gp(msrs[i], old);
		report(gp_bad && !gp_good && back == CANONICAL, names[i]);
		printf("non-canonical %llx: %s; canonical reads back %llx\n",
		       NONCANONICAL, gp_bad ? "#GP" : "accepted", back);
	}
}

static void check_misc_enable(void)
{
	uint64_t v = 0;
	bool gp = rdmsr_gp(0x1a0, &v);

	if (is_amd()) {
		report(gp, "misc-enable");
		printf("AMD: rdmsr 0x1A0 %s\n", gp ? "#GP" : "read a value");
	} else {
		report(!gp && (v & 0x1801) == 0x1801, "misc-enable");
		printf("IA32_MISC_ENABLE = %llx%s\n", v, gp ? " (#GP)" : "");
	}
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	(void)magic;
	(void)mbi;
	msr_gp_init();
	check_pmu();
	check_tsc();
	check_canonical();
	check_misc_enable();
	printf("msr-check: %u passed, %u failed\n", passed, failed);
	return (int)failed;
}
