/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VLAPIC_H
#define DRIVERS_EMUL_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/lapic_regs.h"

/*
 * The local APIC a partition's vCPU sees at 0xFEE00000 (xAPIC mode, Intel
 * SDM vol. 3A chapter 11). Pure register model: an ICR write that sends an
 * IPI is handed back to the caller, which delivers it only to vCPUs of the
 * same partition, so no guest can reach another partition's cores.
 */

#define VLAPIC_BASE		0xfee00000ULL
#define VLAPIC_SIZE		0x1000ULL
#define VLAPIC_VERSION		0x00050014U	/* version 0x14, 6 LVTs */


enum vlapic_ipi_kind {
	VLAPIC_IPI_FIXED,
	VLAPIC_IPI_NMI,
	VLAPIC_IPI_INIT,
	VLAPIC_IPI_STARTUP,
	VLAPIC_IPI_OTHER,	/* SMI, lowest priority, remote read, ExtINT */
};

enum vlapic_dest {
	VLAPIC_DEST_FIELD,	/* the destination field of ICR high */
	VLAPIC_DEST_SELF,
	VLAPIC_DEST_ALL,
	VLAPIC_DEST_OTHERS,
};

struct vlapic_ipi {
	enum vlapic_ipi_kind kind;
	enum vlapic_dest dest;
	uint32_t dest_id;	/* physical APIC ID (logical mode: the MDA) */
	bool logical;
	bool level;		/* level-triggered (an I/O APIC pin's) */
	uint8_t vector;
};

#define VLAPIC_LVT_COUNT	7	/* CMCI, timer, thermal, perf, LINT0, LINT1, error */
#define VLAPIC_LVT_TIMER	1	/* the timer's index in lvt[] */

struct vlapic {
	uint32_t id;
	uint32_t tpr;
	uint32_t ldr;
	uint32_t dfr;
	uint32_t svr;
	uint32_t esr;
	uint32_t icr_low;
	uint32_t icr_high;
	uint32_t lvt[VLAPIC_LVT_COUNT];
	uint32_t timer_initial;
	uint32_t timer_divide;
};

void vlapic_reset(struct vlapic *l, uint32_t apic_id);
uint32_t vlapic_read(const struct vlapic *l, uint32_t offset);
/* Returns true when the write sends an IPI, described in *ipi. */
bool vlapic_write(struct vlapic *l, uint32_t offset, uint32_t value,
		  struct vlapic_ipi *ipi);
/*
 * Registers the guest reads and writes on the physical LAPIC of its own
 * core: priorities, EOI and the in-service/request state, so that
 * interrupts reach the guest with no exit and it acknowledges them there.
 */
bool vlapic_reg_is_hw(uint32_t offset);
/*
 * What a guest's write of `value` to `offset` may put in the physical
 * LAPIC of its core, l being the vCPU's model after the write; false when
 * nothing reaches the hardware. The core stays usable by the hypervisor
 * whatever the guest writes:
 * - no reserved bit is set: in x2APIC mode a WRMSR setting one raises
 *   #GP in the hypervisor (SDM 11.12.1.3), and EOI takes only 0 there
 *   (table 11-6); PPR, ISR, TMR and IRR are read-only (a WRMSR #GPs);
 * - the APIC stays software-enabled: a disabled APIC still accepts the
 *   NMIs that kick the core (11.4.7.2), but masks every LVT, the
 *   hypervisor's own included, and they stay masked once re-enabled. The
 *   guest's disable is modelled in the vlapic, which masks its LVTs, and
 *   on the physical timer LVT, which is kept masked meanwhile;
 * - the timer LVT has no delivery-mode field (figure 11-8), so it cannot
 *   raise an NMI, SMI or INIT; its reserved bits are cleared. (AMD APM
 *   vol. 2 chapter 16, "APIC Timer Interrupt": the same layout.)
 */
bool vlapic_hw_write(const struct vlapic *l, uint32_t offset, uint32_t value,
		     uint32_t *hw);
static inline bool vlapic_timer_deadline_mode(const struct vlapic *l)
{
	return (l->lvt[VLAPIC_LVT_TIMER] & LVT_TIMER_MODE_MASK) ==
	       LVT_TIMER_DEADLINE;
}
/*
 * The one-shot count that fires the physical timer (counting at timer_hz,
 * divide by 1) at TSC value `deadline`: at least 1 (a deadline already
 * passed fires at once), at most 2^32 - 1 (a far deadline fires early and
 * the guest arms it again).
 */
uint32_t vlapic_deadline_count(uint64_t now, uint64_t deadline,
			       uint64_t tsc_hz, uint64_t timer_hz);

/* Does an IPI addressed as `ipi` reach the vCPU with this APIC ID? */
bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t sender_id,
			const struct vlapic *target);

#endif
