/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_VIRT_H
#define ARCH_X86_VIRT_H

#include "arch/x86/cpu_check.h"

struct per_cpu;

/*
 * The vendor contract: kernel/ sees only this. One implementation is
 * chosen at boot from the CPU's features, so one binary runs on Intel and
 * AMD alike. Later issues add vCPU creation, stage-2 mapping, run and exit
 * decoding here.
 */
struct virt_ops {
	const char *name;
	/* Enables VMX/SVM on the calling CPU; on failure sets cpu->virt_error. */
	int (*cpu_enable)(struct per_cpu *cpu);
};

int virt_select(enum virt_kind kind);
const struct virt_ops *virt(void);

extern const struct virt_ops svm_ops;
extern const struct virt_ops vmx_ops;

#endif
