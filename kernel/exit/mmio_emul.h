/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_MMIO_EMUL_H
#define KERNEL_EXIT_MMIO_EMUL_H

#include "kernel/vcpu.h"

/* Stage-2 faults: the emulated APIC pages, else the partition stops. */
void emulate_stage2_fault(struct vcpu *v, struct vm_exit *x);

#endif
