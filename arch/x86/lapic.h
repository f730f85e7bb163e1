/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_LAPIC_H
#define ARCH_X86_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* The physical local APIC of the calling CPU, xAPIC or x2APIC mode. */
void lapic_init(void);
uint32_t lapic_id(void);
/* Registers by their xAPIC offset, whichever mode the APIC is in. */
uint32_t lapic_read(uint32_t offset);
void lapic_write(uint32_t offset, uint32_t value);
int lapic_send_init(uint32_t apic_id);
int lapic_send_startup(uint32_t apic_id, uint64_t page);
/* An NMI makes a CPU leave guest mode (NMI exits are intercepted). */
int lapic_send_nmi(uint32_t apic_id);
/* A fixed interrupt: it reaches a guest on that core with no exit. */
int lapic_send_fixed(uint32_t apic_id, uint8_t vector);

/* Timer input frequency at divide-by-1, measured against the TSC. */
extern uint64_t lapic_timer_hz;
void lapic_timer_calibrate(void);

/*
 * The calling core's timer as the hypervisor's own (cores shared in
 * time): one-shot at divide-by-1 raising `vector`, spurious interrupts on
 * `spurious`; then each lapic_timer_fire_at() sets the next expiry.
 */
void lapic_timer_own(uint8_t vector, uint8_t spurious);
void lapic_timer_fire_at(uint64_t tsc);
/* Called by irq_timer_entry: the EOI. */
void lapic_timer_irq_ack(void);

#endif
