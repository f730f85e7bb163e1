/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VLAPIC_SOFT_H
#define DRIVERS_EMUL_VLAPIC_SOFT_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/emul/vlapic.h"

/*
 * The rest of a local APIC, in software, for a vCPU on a core shared in
 * time (docs/architecture.md, "Time partitions"): that core's LAPIC is the
 * scheduler's, so the vCPU's interrupt request, in-service and trigger
 * registers, its priorities and its timer are kept here, and the caller
 * injects what vlapic_soft_pending() names. A vCPU on a core of its own
 * never uses this: its guest has the physical LAPIC (vlapic.h).
 *
 * Times are TSC values of one clock (the caller's: the host TSC), and
 * the timer counts at timer_hz divided by the divide configuration (Intel
 * SDM vol. 3A 11.5.4).
 *
 * Only vlapic_soft_post() may run on another CPU than the vCPU's own, at
 * the same time as the owner's calls: it sets IRR/TMR bits atomically.
 */

#define VLAPIC_VECTOR_WORDS	(APIC_VECTORS / 32)

struct vlapic_soft {
	struct vlapic *regs;		/* ID, LVTs, TPR, SVR, ICR, timer config */
	uint32_t irr[VLAPIC_VECTOR_WORDS];	/* set atomically, see above */
	uint32_t tmr[VLAPIC_VECTOR_WORDS];	/* level-triggered, as accepted */
	uint32_t isr[VLAPIC_VECTOR_WORDS];
	uint64_t tsc_hz;
	uint64_t timer_hz;
	/* One-shot/periodic: TSC of the last (re)load of the count, or 0. */
	uint64_t count_start;
	/* Next expiry in every mode (deadline mode: the MSR's value); 0: none. */
	uint64_t expiry;
};

/* Resets to the state after RESET (all registers clear, timer stopped). */
void vlapic_soft_reset(struct vlapic_soft *s, struct vlapic *regs,
		       uint64_t tsc_hz, uint64_t timer_hz);

/*
 * Accepts a fixed interrupt (SDM 11.6.1, 11.8.3): sets its IRR bit, and
 * its TMR bit when level-triggered. Vectors 0-15 are illegal and set the
 * receive-illegal-vector error instead (11.5.3), as a software-disabled
 * APIC drops every fixed interrupt (11.4.7.2). Any CPU may call it.
 */
void vlapic_soft_post(struct vlapic_soft *s, uint8_t vector, bool level);

/* PPR from TPR and the highest in-service vector (11.8.3.1). */
uint32_t vlapic_soft_ppr(const struct vlapic_soft *s);

/*
 * The vector to deliver now, or -1: the highest requested one whose
 * priority class is above PPR's (11.8.4).
 */
int vlapic_soft_pending(const struct vlapic_soft *s);

/* The vector was delivered to the guest: IRR to ISR (11.8.4). */
void vlapic_soft_ack(struct vlapic_soft *s, uint8_t vector);

/*
 * EOI: clears the highest in-service vector and returns it, or -1 when
 * none is in service; *level says whether it was level-triggered, so the
 * caller forwards the EOI to the I/O APIC (11.8.5).
 */
int vlapic_soft_eoi(struct vlapic_soft *s, bool *level);

/*
 * Register reads and writes at `now`: ISR, TMR, IRR, PPR, EOI, the timer's
 * LVT, initial and current count, and divide configuration are handled
 * here; every other register goes to vlapic_read/vlapic_write on regs.
 * vlapic_soft_write returns true when the write sends an IPI (*ipi), and
 * sets *eoi_vector (-1 if none) and *eoi_level for an EOI write.
 */
uint32_t vlapic_soft_read(const struct vlapic_soft *s, uint32_t offset,
			  uint64_t now);
bool vlapic_soft_write(struct vlapic_soft *s, uint32_t offset, uint32_t value,
		       uint64_t now, struct vlapic_ipi *ipi, int *eoi_vector,
		       bool *eoi_level);

/*
 * IA32_TSC_DEADLINE (11.5.4.1): a write arms (0 disarms) the timer in
 * TSC-deadline mode and is ignored in the other modes; a read gives the
 * armed deadline, 0 once it has fired or outside deadline mode.
 */
void vlapic_soft_set_deadline(struct vlapic_soft *s, uint64_t deadline);
uint64_t vlapic_soft_get_deadline(const struct vlapic_soft *s);

/*
 * Runs the timer up to `now`: an expiry at or before now requests the
 * timer LVT's vector (unless masked), once however many periods passed
 * (one IRR bit holds one); a periodic timer is reloaded for its next
 * period after now, the others stop. Returns the next expiry (0: none),
 * for the caller's own timer.
 */
uint64_t vlapic_soft_tick(struct vlapic_soft *s, uint64_t now);

#endif
