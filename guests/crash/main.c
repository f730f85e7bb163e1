/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crash: fails on purpose, to test that a fault stays inside its partition
 * and that `on_fault = restart` brings the partition back.
 * Under Bulkhead, CPUID leaf 0x40000001 EAX counts the restarts: the guest
 * fails on its first `crashes=N` boots (default 2), then exits with 0.
 * Bare, it fails on every boot.
 *
 * How it fails: a triple fault, or with `hang=1` (for the partition
 * watchdog, CPUID 0x40000001 EDX) it pets its watchdog a few times, then
 * spins with interrupts off and never exits again. A boot that survives
 * under a watchdog keeps petting for `pet_periods=N` periods (default 3)
 * first, to show that a petted watchdog never fires.
 */
#include "guests/lib/runtime.h"

#define BULKHEAD_LEAF		0x40000000U
#define BULKHEAD_INFO_LEAF	0x40000001U
#define SIG_EBX			0x6b6c7542U	/* "Bulk" */
#define SIG_ECX			0x64616568U	/* "head" */
#define WATCHDOG_PORT		0xf8	/* docs/guest-interface.md */
#define PM_TMR			0x608	/* the FADT's PM timer block */
#define PM_TMR_MASK		0xffffffU	/* ACPI 6.4 4.8.3.3: 24 bits */
#define PM_TMR_PER_MS		3580	/* 3.579545 MHz, rounded up */
#define PETS_BEFORE_HANG	4

static bool under_bulkhead(void)
{
	struct cpuid_regs r = cpuid(BULKHEAD_LEAF, 0);

	return r.ebx == SIG_EBX && r.ecx == SIG_ECX &&
	       r.eax >= BULKHEAD_INFO_LEAF;
}

/* Waits at least ms milliseconds on the ACPI PM timer. */
static void wait_ms(uint32_t ms)
{
	uint32_t last = inl(PM_TMR) & PM_TMR_MASK, waited = 0;

	while (waited < ms * PM_TMR_PER_MS) {
		uint32_t now = inl(PM_TMR) & PM_TMR_MASK;

		waited += (now - last) & PM_TMR_MASK;
		last = now;
	}
}

/* Pets every quarter period, `pets` times. */
static void pet(uint32_t period_ms, uint32_t pets)
{
	for (uint32_t i = 0; i < pets; i++) {
		outb(WATCHDOG_PORT, 1);
		wait_ms(period_ms / 4);
	}
}

/* An empty IDT: the breakpoint cannot be delivered, nor the #DF after it. */
static void __attribute__((noreturn)) triple_fault(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty = { 0, 0 };

	asm volatile("lidt %0\n\tint3" : : "m"(empty));
	halt_forever();
}

/* Pets a few times, then nothing exits again: only the watchdog ends it. */
static void __attribute__((noreturn)) hang(uint32_t period_ms)
{
	printf("petting the watchdog (%u ms) %u times\n", period_ms,
	       PETS_BEFORE_HANG);
	pet(period_ms, PETS_BEFORE_HANG);
	printf("hanging with interrupts off\n");
	for (;;)
		asm volatile("cli");
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline = mb_cmdline(mbi);
	long crashes = cmdline_int(cmdline, "crashes", 2);
	long pet_periods = cmdline_int(cmdline, "pet_periods", 3);
	bool bulkhead = under_bulkhead();
	uint32_t boot = bulkhead ? cpuid(BULKHEAD_INFO_LEAF, 0).eax : 0;
	uint32_t watchdog_ms = bulkhead ? cpuid(BULKHEAD_INFO_LEAF, 0).edx : 0;

	(void)magic;
	printf("boot %u\n", boot);
	if ((long)boot < crashes) {
		if (cmdline_int(cmdline, "hang", 0) && watchdog_ms)
			hang(watchdog_ms);
		printf("triple-faulting now\n");
		triple_fault();
	}
	if (watchdog_ms && pet_periods > 0) {
		pet(watchdog_ms, 4 * (uint32_t)pet_periods);
		printf("petted the watchdog (%u ms) for %ld periods\n",
		       watchdog_ms, pet_periods);
	}
	printf("survived %u restarts\n", boot);
	return 0;
}
