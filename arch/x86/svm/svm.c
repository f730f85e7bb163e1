/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/virt.h"
#include "arch/x86/asm.h"
#include "arch/x86/cpu_facts.h"
#include "kernel/errno.h"
#include "kernel/percpu.h"

/*
 * AMD APM vol. 2 15.4: SVM is enabled by EFER.SVME; VMRUN saves host state
 * to the page named by VM_HSAVE_PA, which must be 4 KiB aligned.
 */
static int svm_cpu_enable(struct per_cpu *cpu)
{
	struct cpu_facts facts;
	struct cpu_verdict verdict;

	/* Firmware configures each core; check this one, not just the BSP. */
	cpu_facts_read(&facts);
	cpu_assess(&facts, &verdict);
	if (verdict.virt != VIRT_SVM) {
		cpu->virt_error = verdict.problem ? verdict.problem :
				  "this CPU reports no AMD-V";
		return -ENODEV;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, cpu->virt_page);
	return 0;
}

const struct virt_ops svm_ops = {
	.name = "SVM",
	.cpu_enable = svm_cpu_enable,
};
