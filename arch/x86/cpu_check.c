/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/cpu_check.h"

const char *virt_kind_name(enum virt_kind kind)
{
	switch (kind) {
	case VIRT_VMX:
		return "VMX";
	case VIRT_SVM:
		return "SVM";
	default:
		return "none";
	}
}

static void reject(struct cpu_verdict *v, const char *problem,
		   const char *remedy)
{
	v->virt = VIRT_NONE;
	v->problem = problem;
	v->remedy = remedy;
}

static void assess_vmx(const struct cpu_facts *f, struct cpu_verdict *v)
{
	bool locked = f->feature_control & FEATURE_CONTROL_LOCK;
	bool vmxon_allowed = f->feature_control &
			     FEATURE_CONTROL_VMX_OUTSIDE_SMX;

	if (locked && !vmxon_allowed)
		reject(v,
			"Intel VT-x is disabled by the firmware (IA32_FEATURE_CONTROL is locked with VMXON off)",
			"enable \"Intel Virtualization Technology\" (VT-x) in the firmware setup and boot again");
	else if (!(f->vmx_procbased & VMX_PROC_ACTIVATE_SECONDARY) ||
		 !(f->vmx_procbased2 & VMX_PROC2_ENABLE_EPT))
		reject(v,
			"the CPU's VT-x has no EPT (extended page tables), which partition isolation needs",
			"use a CPU with EPT (Intel Nehalem or later); nested under KVM, load kvm_intel with ept=1 and nested=1");
	else if (!(f->vmx_procbased2 & VMX_PROC2_UNRESTRICTED_GUEST))
		reject(v,
			"the CPU's VT-x has no unrestricted-guest mode, which guests starting in real or protected mode need",
			"use a CPU with unrestricted guest (Intel Westmere or later); nested under KVM, enable nested EPT");
	else
		v->virt = VIRT_VMX;
	v->must_lock_feature_control = v->virt == VIRT_VMX && !locked;
}

static void assess_svm(const struct cpu_facts *f, struct cpu_verdict *v)
{
	if (f->vm_cr & VM_CR_SVMDIS)
		reject(v,
			"AMD-V is disabled by the firmware (VM_CR.SVMDIS is set)",
			"enable \"SVM Mode\" (AMD-V) in the firmware setup and boot again");
	else if (!(f->svm_features_edx & CPUID_SVM_EDX_NP))
		reject(v,
			"the CPU's AMD-V has no nested paging (NPT), which partition isolation needs",
			"use a CPU with NPT (AMD family 10h or later); under QEMU TCG use -cpu max or -cpu qemu64,+svm,+npt");
	else
		v->virt = VIRT_SVM;
}

void cpu_assess(const struct cpu_facts *f, struct cpu_verdict *v)
{
	*v = (struct cpu_verdict){ .virt = VIRT_NONE };
	v->nested = f->leaf1_ecx & CPUID_1_ECX_HYPERVISOR;

	/* Decide by feature bits, not vendor string: VIA/Zhaoxin have VMX too. */
	if (f->leaf1_ecx & CPUID_1_ECX_VMX)
		assess_vmx(f, v);
	else if (f->ext_leaf1_ecx & CPUID_EXT1_ECX_SVM)
		assess_svm(f, v);
	else
		reject(v, "the CPU has neither Intel VT-x (VMX) nor AMD-V (SVM)",
		       "enable virtualization in the firmware setup (some firmware hides it when off); under QEMU use -enable-kvm -cpu host, or -cpu max with TCG");
}
