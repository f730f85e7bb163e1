/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IRQ_HOST_H
#define ARCH_X86_IRQ_HOST_H

#include <stdint.h>

/*
 * External interrupts the hypervisor takes itself on a core shared in
 * time, beyond its timer: a range of vectors with one handler, reached
 * through the host IDT (SVM: at STGI after the exit) or from the exit
 * that acknowledged it (VMX). The handler runs with interrupts off and
 * must not wait for a lock another CPU may hold with them off.
 */
typedef void (*irq_host_fn)(uint8_t vector);

/* Boot CPU, before any core shares: vectors [first, end) go to fn. */
void irq_host_range(unsigned int first, unsigned int end, irq_host_fn fn);
/*
 * An interrupt this core's LAPIC delivered and the CPU acknowledged:
 * its handler if its vector has one, then the EOI (the scheduler's timer
 * needs only that). Called by the IDT stubs and by VMX's exit decoding.
 */
void irq_host_dispatch(uint64_t vector);

#endif
