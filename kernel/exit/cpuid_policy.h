/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_CPUID_POLICY_H
#define KERNEL_EXIT_CPUID_POLICY_H

#include <stdint.h>
#include "arch/x86/asm.h"

/*
 * What a partition's CPUID says (docs/guest-interface.md): the physical
 * CPU's answer with virtualization hidden and the hypervisor bit set, the
 * vCPU's own APIC ID, and Bulkhead leaves at 0x40000000.
 */
struct cpuid_view {
	unsigned int vcpu_index;
	unsigned int vcpu_count;
	unsigned int boot_count;
	unsigned int watchdog_ms;	/* 0: no watchdog */
};

#define CPUID_BULKHEAD_BASE	0x40000000U
#define CPUID_BULKHEAD_INFO	0x40000001U
#define CPUID_BULKHEAD_MAX	CPUID_BULKHEAD_INFO

void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf,
			const struct cpuid_view *view, struct cpuid_regs *r);

#endif
