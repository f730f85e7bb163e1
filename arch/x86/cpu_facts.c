/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/cpu_facts.h"
#include "arch/x86/asm.h"
#include "arch/x86/msr.h"
#include "lib/string.h"

#define CPUID_EXT_BASE		0x80000000U
#define CPUID_EXT_FEATURES	0x80000001U
#define CPUID_SVM_FEATURES	0x8000000aU
#define VMX_BASIC_TRUE_CTLS	(1ULL << 55)	/* SDM vol. 3D A.1 */

static void read_vmx_msrs(struct cpu_facts *f)
{
	uint32_t procbased = MSR_IA32_VMX_PROCBASED_CTLS;

	f->feature_control = rdmsr(MSR_FEATURE_CONTROL);
	if (rdmsr(MSR_IA32_VMX_BASIC) & VMX_BASIC_TRUE_CTLS)
		procbased = MSR_IA32_VMX_TRUE_PROCBASED_CTLS;
	f->vmx_procbased = rdmsr(procbased);
	if (f->vmx_procbased & VMX_PROC_ACTIVATE_SECONDARY)
		f->vmx_procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
}

void cpu_facts_read(struct cpu_facts *f)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t max_ext;

	memset(f, 0, sizeof(*f));
	memcpy(f->vendor, &r.ebx, 4);
	memcpy(f->vendor + 4, &r.edx, 4);
	memcpy(f->vendor + 8, &r.ecx, 4);
	f->leaf1_ecx = cpuid(1, 0).ecx;
	max_ext = cpuid(CPUID_EXT_BASE, 0).eax;
	if (max_ext >= CPUID_EXT_FEATURES)
		f->ext_leaf1_ecx = cpuid(CPUID_EXT_FEATURES, 0).ecx;
	/* Only touch MSRs the CPUID bits promise: others raise #GP. */
	if (f->leaf1_ecx & CPUID_1_ECX_VMX) {
		read_vmx_msrs(f);
	} else if (f->ext_leaf1_ecx & CPUID_EXT1_ECX_SVM) {
		f->vm_cr = rdmsr(MSR_VM_CR);
		if (max_ext >= CPUID_SVM_FEATURES)
			f->svm_features_edx = cpuid(CPUID_SVM_FEATURES, 0).edx;
	}
}
