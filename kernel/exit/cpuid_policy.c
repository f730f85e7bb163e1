/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/exit/cpuid_policy.h"

/* Bits (Intel SDM vol. 2A CPUID, AMD APM vol. 3 appendix E). */
#define LEAF1_ECX_DTES64	(1U << 2)
#define LEAF1_ECX_MONITOR	(1U << 3)
#define LEAF1_ECX_DS_CPL	(1U << 4)
#define LEAF1_ECX_EST		(1U << 7)
#define LEAF1_ECX_TM2		(1U << 8)
#define LEAF1_ECX_PDCM		(1U << 15)
#define LEAF1_EDX_DS		(1U << 21)
#define LEAF1_EDX_ACPI		(1U << 22)	/* thermal MSRs, clock modulation */
#define LEAF1_EDX_TM		(1U << 29)
#define LEAF1_ECX_VMX		(1U << 5)
#define LEAF1_ECX_X2APIC	(1U << 21)
#define LEAF1_ECX_TSC_DEADLINE	(1U << 24)
#define LEAF1_ECX_HYPERVISOR	(1U << 31)
#define LEAF6_EAX_ARAT		(1U << 2)	/* APIC timer always running */
#define LEAF7_ECX_LA57		(1U << 16)	/* 5-level paging */
#define LEAF_XSAVE		0x0000000dU
#define XSAVE_SUB_SUPERVISOR	1	/* ECX:EDX: the IA32_XSS bits */
#define LEAF_POWER_MGMT		0x80000007U
#define POWER_EDX_INVARIANT_TSC	(1U << 8)
#define LEAF1_EBX_APIC_ID_SHIFT	24
#define LEAF1_EBX_COUNT_SHIFT	16
#define LEAF1_EBX_LOW_MASK	0x0000ffffU
#define EXT1_ECX_SVM		(1U << 2)
#define EXT1_ECX_TOPOEXT	(1U << 22)
#define EXT1_ECX_PERF_NB	(1U << 24)	/* data fabric counters */
#define EXT1_ECX_PERF_LLC	(1U << 28)	/* L3 counters */
#define LEAF_AMD_PERFMON	0x80000022U
#define PERFMON_EAX_V2		(1U << 0)
#define PERFMON_EBX_CORE_CTRS	0xfU
#define LEAF_SVM_FEATURES	0x8000000aU
#define LEAF_TOPOLOGY		0x0000000bU
#define LEAF_TOPOLOGY_V2	0x0000001fU
#define LEAF_EXT1		0x80000001U

/* "BulkheadHV  " in EBX, ECX, EDX, as other hypervisors sign this leaf. */
#define SIGNATURE_EBX		0x6b6c7542U	/* "Bulk" */
#define SIGNATURE_ECX		0x64616568U	/* "head" */
#define SIGNATURE_EDX		0x20205648U	/* "HV  " */

static void leaf1(const struct cpuid_view *view, struct cpuid_regs *r)
{
	/*
	 * Hidden: VMX, x2APIC (only the xAPIC is emulated), MONITOR/MWAIT (a
	 * partition's idle loop should HLT). The TSC-deadline timer is
	 * emulated on every CPU, so kernels need not calibrate the APIC timer.
	 */
	r->ecx &= ~(LEAF1_ECX_VMX | LEAF1_ECX_X2APIC | LEAF1_ECX_MONITOR);
	/*
	 * Also hidden: what needs MSRs a partition cannot own or that are
	 * not given: the package's thermal monitor and its interrupt (ACPI,
	 * TM, TM2), SpeedStep, the debug store (BTS/PEBS: DS, DTES64,
	 * DS-CPL) and IA32_PERF_CAPABILITIES (PDCM).
	 */
	r->ecx &= ~(LEAF1_ECX_DTES64 | LEAF1_ECX_DS_CPL | LEAF1_ECX_EST |
		    LEAF1_ECX_TM2 | LEAF1_ECX_PDCM);
	r->edx &= ~(LEAF1_EDX_DS | LEAF1_EDX_ACPI | LEAF1_EDX_TM);
	r->ecx |= LEAF1_ECX_HYPERVISOR | LEAF1_ECX_TSC_DEADLINE;
	r->ebx = (r->ebx & LEAF1_EBX_LOW_MASK) |
		 (view->vcpu_count << LEAF1_EBX_COUNT_SHIFT) |
		 (view->vcpu_index << LEAF1_EBX_APIC_ID_SHIFT);
}

void cpuid_policy_apply(uint32_t leaf, uint32_t subleaf,
			const struct cpuid_view *view, struct cpuid_regs *r)
{
	switch (leaf) {
	case 1:
		leaf1(view, r);
		break;
	case 6:
		/*
		 * Thermal and power management (digital sensor, HWP, EPB,
		 * APERF/MPERF) belong to the package that partitions share:
		 * only ARAT is left. Deep C-states are the guest's to avoid: its
		 * timer never stops.
		 */
		*r = (struct cpuid_regs){ LEAF6_EAX_ARAT, 0, 0, 0 };
		break;
	case 7:
		/*
		 * Stage-2 tables have four levels: 5-level guest paging is
		 * hidden (QEMU's TCG also mistranslates it under NPT).
		 */
		if (subleaf == 0)
			r->ecx &= ~LEAF7_ECX_LA57;
		break;
	case LEAF_XSAVE:
		/*
		 * Supervisor state components (processor trace, PASID, CET,
		 * arch. LBRs) need MSRs a partition is not given: IA32_XSS
		 * keeps its only value, 0 (msr_policy.c), and XSAVES stays.
		 */
		if (subleaf == XSAVE_SUB_SUPERVISOR)
			r->ecx = r->edx = 0;
		break;
	case LEAF_POWER_MGMT:
		/*
		 * Every CPU with EPT or NPT has a constant-rate TSC, and the TSC
		 * is neither offset nor scaled here: kernels may trust it.
		 */
		r->edx |= POWER_EDX_INVARIANT_TSC;
		break;
	case LEAF_TOPOLOGY:
	case LEAF_TOPOLOGY_V2:
		r->edx = view->vcpu_index;	/* the x2APIC ID */
		break;
	case LEAF_EXT1:
		/* Counters shared with other cores are not the partition's. */
		r->ecx &= ~(EXT1_ECX_SVM | EXT1_ECX_TOPOEXT | EXT1_ECX_PERF_NB |
			    EXT1_ECX_PERF_LLC);
		break;
	case LEAF_AMD_PERFMON:
		/* The core's counters (PerfMonV2); no LBR stack, no NB counters. */
		*r = (struct cpuid_regs){ r->eax & PERFMON_EAX_V2,
					  r->ebx & PERFMON_EBX_CORE_CTRS, 0, 0 };
		break;
	case LEAF_SVM_FEATURES:
		*r = (struct cpuid_regs){ 0 };
		break;
	case CPUID_BULKHEAD_BASE:
		*r = (struct cpuid_regs){ CPUID_BULKHEAD_MAX, SIGNATURE_EBX,
					  SIGNATURE_ECX, SIGNATURE_EDX };
		break;
	case CPUID_BULKHEAD_INFO:
		*r = (struct cpuid_regs){ view->boot_count, view->vcpu_index,
					  view->vcpu_count, view->watchdog_ms };
		break;
	default:
		if (leaf > CPUID_BULKHEAD_MAX && leaf <= 0x400000ffU)
			*r = (struct cpuid_regs){ 0 };
		break;
	}
}
