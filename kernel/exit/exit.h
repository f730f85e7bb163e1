/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_EXIT_H
#define KERNEL_EXIT_EXIT_H

#include "kernel/exit/cpuid_policy.h"
#include "kernel/vcpu.h"

/* Handles one exit through the table of handlers, one per exit reason. */
void exit_dispatch(struct vcpu *v, struct vm_exit *exit);
/* Moves the guest past the exiting instruction. */
void exit_skip_insn(struct vcpu *v, const struct vm_exit *exit);
/* What the partition's CPUID reports about the vCPU (cpuid_policy.h). */
struct cpuid_view exit_cpuid_view(const struct vcpu *v);

#endif
