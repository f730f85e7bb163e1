/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_LAPIC_SOFT_H
#define KERNEL_EXIT_LAPIC_SOFT_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/vcpu.h"

/*
 * The local APIC of a vCPU on a core shared in time (v->timeshare set):
 * all software, since the core's LAPIC is the scheduler's. Only
 * lapic_soft_post runs on other CPUs; the rest on the vCPU's own core.
 */
void lapic_soft_reset(struct vcpu *v);
uint32_t lapic_soft_read(struct vcpu *v, uint32_t offset);
void lapic_soft_write(struct vcpu *v, uint32_t offset, uint32_t value);
/* IA32_TSC_DEADLINE, in host TSC ticks. */
void lapic_soft_set_deadline(struct vcpu *v, uint64_t deadline);
uint64_t lapic_soft_get_deadline(struct vcpu *v);
/*
 * Requests a fixed interrupt of t, from `from` (NULL: a device): held in
 * t's IRR until t can take it, in its window; a t in guest code is kicked
 * out to take it now.
 */
void lapic_soft_post(struct vcpu *from, struct vcpu *t, uint8_t vector,
		     bool level);
/*
 * Runs the vCPU's timer up to now; returns its next expiry in host TSC
 * ticks, 0 if none, for the core's timer.
 */
uint64_t lapic_soft_tick(struct vcpu *v);
/* Before an entry: offers the highest deliverable request, if any. */
void lapic_soft_inject(struct vcpu *v);
/* After that run: the offer taken goes in service. */
void lapic_soft_after_run(struct vcpu *v);

#endif
