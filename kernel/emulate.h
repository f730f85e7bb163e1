/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EMULATE_H
#define KERNEL_EMULATE_H

#include "kernel/vcpu.h"

/* Exit handlers for what partitions see of the machine. */
void emulate_io(struct vcpu *v, struct vm_exit *x);
void emulate_msr_read(struct vcpu *v, struct vm_exit *x);
void emulate_msr_write(struct vcpu *v, struct vm_exit *x);
void emulate_stage2_fault(struct vcpu *v, struct vm_exit *x);

struct partition;
/* Power-on state of the partition's port devices and its I/O APIC. */
void io_emul_reset(struct partition *p);
/* The vUART's state changed outside an exit (input): update its IRQ. */
void io_emul_uart_changed(struct partition *p);

#define X86_GP		13	/* general protection */

#endif
