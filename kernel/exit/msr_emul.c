/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MSR policy (docs/guest-interface.md). Passed through without exits: the
 * MSRs whose state is switched with the guest's (arch/x86/msr.c). Emulated
 * here: EFER and PAT (kept in the vCPU's control structure), the APIC base,
 * the TSC deadline (on the core's one-shot timer, kernel/exit/lapic_emul.c),
 * and a few read-as-zero identification and MTRR registers that kernels
 * probe. Everything else raises #GP in the guest, as a missing MSR does.
 */
#include "kernel/exit/msr_emul.h"
#include "arch/x86/asm.h"
#include "arch/x86/exception.h"
#include "arch/x86/msr.h"
#include "drivers/emul/vlapic.h"
#include "kernel/exit/exit.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/log.h"
#include "kernel/partition.h"

#define APIC_BASE_BSP		(1ULL << 8)
#define APIC_BASE_ENABLE	(1ULL << 11)
#define FEATURE_CONTROL_LOCKED	1ULL	/* locked, VMX off: VT-x hidden */
#define VM_CR_SVM_DISABLED	((1ULL << 3) | (1ULL << 4))
#define MISC_ENABLE_FAST_STRING	1ULL

static bool read_as_zero(uint32_t msr)
{
	return msr == MSR_PLATFORM_ID || msr == MSR_BIOS_SIGN_ID ||
	       msr == MSR_MTRR_CAP || msr == MSR_MTRR_DEF_TYPE ||
	       msr == MSR_MCG_CAP || msr == MSR_MCG_STATUS ||
	       msr == MSR_AMD_HWCR || msr == MSR_AMD_INT_PENDING ||
	       (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST) ||
	       (msr >= MSR_MTRR_FIX_FIRST && msr <= MSR_MTRR_FIX_LAST);
}

static bool policy_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	if (virt()->msr_read(v, msr, value))
		return true;
	switch (msr) {
	case MSR_TSC:
		*value = rdtsc();
		return true;
	case MSR_TSC_DEADLINE:
		*value = lapic_emul_get_deadline(v);
		return true;
	case MSR_TSC_AUX:
		*value = rdmsr(MSR_TSC_AUX);
		return true;
	case MSR_APIC_BASE:
		*value = VLAPIC_BASE | APIC_BASE_ENABLE |
			 (v->index == 0 ? APIC_BASE_BSP : 0);
		return true;
	case MSR_FEATURE_CONTROL:
		*value = FEATURE_CONTROL_LOCKED;
		return true;
	case MSR_VM_CR:
		*value = VM_CR_SVM_DISABLED;
		return true;
	case MSR_MISC_ENABLE:
		*value = MISC_ENABLE_FAST_STRING;
		return true;
	default:
		*value = 0;
		return read_as_zero(msr);
	}
}

/* Writes that are accepted and ignored: the value changes nothing here. */
static bool write_ignored(uint32_t msr, uint64_t value)
{
	if (msr == MSR_APIC_BASE)	/* moving the APIC is not supported */
		return (value & ~0xfffULL) == VLAPIC_BASE;
	return msr == MSR_MISC_ENABLE || msr == MSR_BIOS_SIGN_ID ||
	       msr == MSR_MCG_STATUS || msr == MSR_MTRR_DEF_TYPE ||
	       (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST) ||
	       (msr >= MSR_MTRR_FIX_FIRST && msr <= MSR_MTRR_FIX_LAST);
}

static void refuse(struct vcpu *v, const char *op, uint32_t msr)
{
	pr_debug("partition %s: %s of MSR %#x: #GP", v->part->cfg->name, op,
		 msr);
	virt()->inject_exception(v, EXC_GP, true, 0);
}

void emulate_msr_read(struct vcpu *v, struct vm_exit *x)
{
	uint64_t value;

	if (!policy_read(v, x->msr.index, &value)) {
		refuse(v, "read", x->msr.index);
		return;
	}
	v->gpr[REG_RAX] = (uint32_t)value;
	v->gpr[REG_RDX] = value >> 32;
	exit_skip_insn(v, x);
}

void emulate_msr_write(struct vcpu *v, struct vm_exit *x)
{
	uint64_t value = (v->gpr[REG_RDX] << 32) | (uint32_t)v->gpr[REG_RAX];

	/*
	 * RDTSCP and RDPID read TSC_AUX without an exit: the guest's value
	 * lives in the core's register, which the hypervisor never uses.
	 */
	if (x->msr.index == MSR_TSC_DEADLINE) {
		lapic_emul_set_deadline(v, value);
	} else if (x->msr.index == MSR_TSC_AUX) {
		wrmsr(MSR_TSC_AUX, (uint32_t)value);
	} else if (!virt()->msr_write(v, x->msr.index, value) &&
		   !write_ignored(x->msr.index, value)) {
		refuse(v, "write", x->msr.index);
		return;
	}
	exit_skip_insn(v, x);
}
