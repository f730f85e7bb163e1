/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_MSR_POLICY_H
#define KERNEL_EXIT_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/asm.h"

/*
 * What RDMSR and WRMSR do in a partition (docs/guest-interface.md): one
 * table of MSR ranges, each with the vendor that has it, the CPUID bit (as
 * the partition sees it) without which it does not exist, and what a read
 * or write does. Pure: msr_emul.c applies the decisions.
 */
enum msr_vendor {
	MSR_INTEL = 1,
	MSR_AMD = 2,
};

struct msr_view {
	enum msr_vendor vendor;
	unsigned int vcpu_index;
	/* The partition's CPUID: the host's answer through cpuid_policy. */
	struct cpuid_regs (*cpuid)(const void *ctx, uint32_t leaf,
				   uint32_t subleaf);
	const void *ctx;
};

enum msr_action {
	MSR_DO_GP,
	MSR_DO_VALUE,	/* read: .value; write: accepted, changes nothing */
	MSR_DO_CORE,	/* the core's own register: rdmsr, or wrmsr(.value) */
	MSR_DO_GUEST,	/* in the VMCB/VMCS: virt()->msr_read / msr_write */
	MSR_DO_TSC,	/* TSC or TSC_ADJUST: the vCPU's offset (msr_tsc_*) */
	MSR_DO_DEADLINE,	/* TSC_DEADLINE: the emulated timer */
};

struct msr_decision {
	enum msr_action action;
	uint64_t value;
};

enum msr_vendor msr_vendor_of(const struct cpuid_regs *leaf0);
struct msr_decision msr_policy_read(const struct msr_view *pv, uint32_t msr);
struct msr_decision msr_policy_write(const struct msr_view *pv, uint32_t msr,
				     uint64_t value);

/*
 * The MSRs the guest reaches without exits, for the back end's MSR bitmap:
 * allow(arg, msr, writes) for each; reads always, writes when `writes`.
 */
void msr_policy_direct(enum msr_vendor vendor,
		       void (*allow)(void *arg, uint32_t msr, bool writes),
		       void *arg);

/* The writes that put the core's performance counters to reset state. */
struct msr_write {
	uint32_t msr;
	uint64_t value;
};
#define MSR_PMU_RESET_MAX	48

unsigned int msr_policy_pmu_reset(const struct msr_view *pv,
				  struct msr_write *out);

/*
 * A vCPU's TSC (Intel SDM vol. 3B 17.17): guest TSC = host TSC + offset.
 * Writing the TSC moves TSC_ADJUST by the same amount, and vice versa.
 */
struct msr_tsc {
	uint64_t offset;
	uint64_t adjust;
};

uint64_t msr_tsc_read(const struct msr_tsc *t, uint32_t msr, uint64_t host);
void msr_tsc_write(struct msr_tsc *t, uint32_t msr, uint64_t host,
		   uint64_t value);
/* A guest TSC deadline as a host TSC value; one already passed is now. */
uint64_t msr_tsc_to_host(const struct msr_tsc *t, uint64_t host,
			 uint64_t guest);

#endif
