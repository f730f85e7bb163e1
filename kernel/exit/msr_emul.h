/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_MSR_EMUL_H
#define KERNEL_EXIT_MSR_EMUL_H

#include "kernel/vcpu.h"

/* RDMSR and WRMSR exits: the MSR policy (docs/guest-interface.md). */
void emulate_msr_read(struct vcpu *v, struct vm_exit *x);
void emulate_msr_write(struct vcpu *v, struct vm_exit *x);
/* On the vCPU's core at each (re)start: counters, TSC offset, TSC_AUX. */
void msr_emul_reset(struct vcpu *v);
/*
 * The MSRs the partition reaches on its core that no control structure
 * holds (the performance counters and their controls, TSC_AUX, and the
 * back end's live_msrs such as LSTAR on VMX): what a
 * core shared in time switches. Returns how many were put in out[].
 */
unsigned int msr_emul_core_msrs(struct vcpu *v, uint32_t *out,
				unsigned int max);

#endif
