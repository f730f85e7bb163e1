/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/virt.h"
#include "arch/x86/asm.h"
#include "arch/x86/cpu_facts.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"

/* Intel SDM vol. 3D A.1: the VMCS revision identifier, bits 30:0. */
#define VMX_BASIC_REVISION_MASK	0x7fffffffULL

/* SDM vol. 3C 24.8: lock the MSR with VMXON allowed outside SMX. */
static void lock_feature_control(void)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK |
					FEATURE_CONTROL_VMX_OUTSIDE_SMX);
}

/* SDM vol. 3D A.7/A.8: bits fixed to 1 in FIXED0, to 0 where FIXED1 is 0. */
static uint64_t apply_fixed(uint64_t value, uint32_t fixed0, uint32_t fixed1)
{
	return (value | rdmsr(fixed0)) & rdmsr(fixed1);
}

static int vmxon(uint64_t region)
{
	uint64_t rflags;

	asm volatile("vmxon %1\n\t"
		     "pushfq\n\t"
		     "popq %0"
		     : "=r"(rflags)
		     : "m"(region)
		     : "cc", "memory");
	return rflags & (RFLAGS_CF | RFLAGS_ZF) ? -EIO : 0;
}

static int vmx_cpu_enable(struct per_cpu *cpu)
{
	struct cpu_facts facts;
	struct cpu_verdict verdict;
	uint32_t *region = (uint32_t *)(uintptr_t)cpu->virt_page;

	cpu_facts_read(&facts);
	cpu_assess(&facts, &verdict);
	if (verdict.virt != VIRT_VMX) {
		cpu->virt_error = verdict.problem ? verdict.problem :
				  "this CPU reports no VT-x";
		return -ENODEV;
	}
	if (verdict.must_lock_feature_control)
		lock_feature_control();
	write_cr0(apply_fixed(read_cr0(), MSR_IA32_VMX_CR0_FIXED0,
			      MSR_IA32_VMX_CR0_FIXED1));
	write_cr4(apply_fixed(read_cr4() | CR4_VMXE, MSR_IA32_VMX_CR4_FIXED0,
			      MSR_IA32_VMX_CR4_FIXED1));
	region[0] = rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_REVISION_MASK;
	if (vmxon(cpu->virt_page)) {
		cpu->virt_error = "VMXON failed";
		return -EIO;
	}
	return 0;
}

const struct virt_ops vmx_ops = {
	.name = "VMX",
	.cpu_enable = vmx_cpu_enable,
};
