/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_MSR_EMUL_H
#define KERNEL_EXIT_MSR_EMUL_H

#include "kernel/vcpu.h"

/* RDMSR and WRMSR exits: the MSR policy (docs/guest-interface.md). */
void emulate_msr_read(struct vcpu *v, struct vm_exit *x);
void emulate_msr_write(struct vcpu *v, struct vm_exit *x);

#endif
