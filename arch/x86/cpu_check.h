/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_CPU_CHECK_H
#define ARCH_X86_CPU_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether this CPU can run partitions. The raw facts are read at the edge
 * (cpu_facts_read, which executes CPUID/RDMSR); the verdict is pure logic so
 * that every firmware combination is unit-tested on the host.
 */

enum virt_kind {
	VIRT_NONE,
	VIRT_VMX,
	VIRT_SVM,
};

struct cpu_facts {
	char vendor[13];
	uint32_t leaf1_ecx;
	uint32_t ext_leaf1_ecx;		/* CPUID 0x80000001 ECX */
	uint32_t svm_features_edx;	/* CPUID 0x8000000A EDX */
	uint64_t feature_control;	/* IA32_FEATURE_CONTROL, VMX only */
	uint64_t vm_cr;			/* VM_CR, SVM only */
	uint64_t vmx_procbased;		/* (TRUE_)PROCBASED_CTLS, VMX only */
	uint64_t vmx_procbased2;	/* PROCBASED_CTLS2, VMX only */
};

struct cpu_verdict {
	enum virt_kind virt;
	/* VMX: firmware left IA32_FEATURE_CONTROL unlocked, we must lock it. */
	bool must_lock_feature_control;
	bool nested;			/* CPUID says we run under a hypervisor */
	const char *problem;		/* NULL when the CPU is usable */
	const char *remedy;
};

/* CPUID.1:ECX (Intel SDM vol. 2A, CPUID, table 3-10). */
#define CPUID_1_ECX_VMX			(1U << 5)
#define CPUID_1_ECX_HYPERVISOR		(1U << 31)
/* CPUID.80000001h:ECX and 8000000Ah:EDX (AMD APM vol. 3, appendix E). */
#define CPUID_EXT1_ECX_SVM		(1U << 2)
#define CPUID_SVM_EDX_NP		(1U << 0)
#define CPUID_SVM_EDX_DECODE_ASSISTS	(1U << 7)
/* IA32_FEATURE_CONTROL (Intel SDM vol. 3C 23.7). */
#define FEATURE_CONTROL_LOCK		(1ULL << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX	(1ULL << 2)
/* VM_CR (AMD APM vol. 2 15.30.1). */
#define VM_CR_SVMDIS			(1ULL << 4)
/* Allowed-1 settings live in the high dword (Intel SDM vol. 3D A.3.2/A.3.3). */
#define VMX_PROC_ACTIVATE_SECONDARY	(1ULL << (32 + 31))
#define VMX_PROC2_ENABLE_EPT		(1ULL << (32 + 1))
#define VMX_PROC2_UNRESTRICTED_GUEST	(1ULL << (32 + 7))

void cpu_assess(const struct cpu_facts *facts, struct cpu_verdict *verdict);
const char *virt_kind_name(enum virt_kind kind);

#endif
