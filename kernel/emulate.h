/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EMULATE_H
#define KERNEL_EMULATE_H

#include "kernel/vcpu.h"

/* Exit handlers for what partitions see of the machine. */
void emulate_io(struct vcpu *v, struct vm_exit *x);
void emulate_msr_read(struct vcpu *v, struct vm_exit *x);
void emulate_msr_write(struct vcpu *v, struct vm_exit *x);
void emulate_stage2_fault(struct vcpu *v, struct vm_exit *x);

#define X86_GP		13	/* general protection */

#endif
