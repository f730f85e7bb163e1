/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_IO_EMUL_H
#define KERNEL_EXIT_IO_EMUL_H

#include "kernel/vcpu.h"

struct partition;

/* Port I/O exits: the partition's own port devices. */
void emulate_io(struct vcpu *v, struct vm_exit *x);
/* Power-on state of the partition's port devices and its I/O APIC. */
void io_emul_reset(struct partition *p);
/* The vUART's state changed outside an exit (input): update its IRQ. */
void io_emul_uart_changed(struct partition *p);

#endif
