/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crash: triple-faults on purpose, to test that a fault stays inside its
 * partition and that `on_fault = restart` brings the partition back.
 * Under Bulkhead, CPUID leaf 0x40000001 EAX counts the restarts: the guest
 * crashes on its first `crashes=N` boots (default 2), then exits with 0.
 * Bare, it crashes on every boot.
 */
#include "guests/lib/runtime.h"

#define BULKHEAD_LEAF		0x40000000U
#define BULKHEAD_INFO_LEAF	0x40000001U
#define SIG_EBX			0x6b6c7542U	/* "Bulk" */
#define SIG_ECX			0x64616568U	/* "head" */

static uint32_t restarts(void)
{
	struct cpuid_regs r = cpuid(BULKHEAD_LEAF, 0);

	if (r.ebx != SIG_EBX || r.ecx != SIG_ECX || r.eax < BULKHEAD_INFO_LEAF)
		return 0;
	return cpuid(BULKHEAD_INFO_LEAF, 0).eax;
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

int main(uint32_t magic, const struct mb_info *mbi)
{
	long crashes = cmdline_int(mb_cmdline(mbi), "crashes", 2);
	uint32_t boot = restarts();

	(void)magic;
	printf("boot %u\n", boot);
	if ((long)boot < crashes) {
		printf("triple-faulting now\n");
		triple_fault();
	}
	printf("survived %u restarts\n", boot);
	return 0;
}
