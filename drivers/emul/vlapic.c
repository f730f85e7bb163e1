/* SPDX-License-Identifier: BSD-2-Clause */
#include "drivers/emul/vlapic.h"
#include "lib/scale.h"

#define SVR_RESET		0x000000ffU	/* software disabled, vector 0xff */
/*
 * SVR: vector, APIC enable, focus processor checking (11.9). Bit 12, EOI
 * broadcast suppression, exists only with bit 24 of the version, which
 * VLAPIC_VERSION leaves clear.
 */
#define SVR_WRITABLE		0x3ffU
/* The timer LVT has no delivery mode: vector, mask, mode (figure 11-8). */
#define LVT_TIMER_WRITABLE	(LVT_VECTOR_MASK | LVT_MASKED | \
				 LVT_TIMER_MODE_MASK)
#define DFR_FLAT		0xffffffffU
/* ICR fields (11.6.1). */
#define ICR_VECTOR_MASK		0xffU
#define ICR_MODE_SHIFT		8
#define ICR_MODE_MASK		0x7U
#define ICR_LOGICAL		(1U << 11)
#define ICR_LEVEL_ASSERT	(1U << 14)
#define ICR_TRIGGER_LEVEL	(1U << 15)
#define ICR_SHORTHAND_SHIFT	18
#define ICR_SHORTHAND_MASK	0x3U
#define ICR_LOW_WRITABLE	0x000ccfffU
#define ICR_DEST_SHIFT		24
#define MODE_FIXED		0
#define MODE_LOWEST		1
#define MODE_NMI		4
#define MODE_INIT		5
#define MODE_STARTUP		6

/* Index into lvt[] of an LVT register, or -1. */
static int lvt_index(uint32_t offset)
{
	if (offset == APIC_LVT_CMCI)
		return 0;
	if (offset >= APIC_LVT_TIMER && offset <= APIC_LVT_ERROR &&
	    !(offset % APIC_REG_STRIDE))
		return 1 + (offset - APIC_LVT_TIMER) / APIC_REG_STRIDE;
	return -1;
}

void vlapic_reset(struct vlapic *l, uint32_t apic_id)
{
	*l = (struct vlapic){
		.id = apic_id,
		.dfr = DFR_FLAT,
		.svr = SVR_RESET,
	};
	for (int i = 0; i < VLAPIC_LVT_COUNT; i++)
		l->lvt[i] = LVT_MASKED;
}

uint32_t vlapic_read(const struct vlapic *l, uint32_t offset)
{
	switch (offset) {
	case APIC_ID:
		return l->id << 24;
	case APIC_VERSION:
		return VLAPIC_VERSION;
	case APIC_TPR:
		return l->tpr;
	case APIC_PPR:
		return l->tpr & 0xf0;
	case APIC_LDR:
		return l->ldr;
	case APIC_DFR:
		return l->dfr;
	case APIC_SVR:
		return l->svr;
	case APIC_ESR:
		return l->esr;
	case APIC_ICR_LOW:
		/* Delivery is instantaneous: the send-pending bit stays 0. */
		return l->icr_low;
	case APIC_ICR_HIGH:
		return l->icr_high;
	case APIC_TIMER_INITIAL:
		return l->timer_initial;
	case APIC_TIMER_DIVIDE:
		return l->timer_divide;
	case APIC_TIMER_CURRENT:
		return 0;	/* no timer is emulated yet: it never counts */
	default:
		return lvt_index(offset) >= 0 ? l->lvt[lvt_index(offset)] : 0;
	}
}

static enum vlapic_ipi_kind ipi_kind(uint32_t mode)
{
	switch (mode) {
	case MODE_FIXED:
		return VLAPIC_IPI_FIXED;
	case MODE_NMI:
		return VLAPIC_IPI_NMI;
	case MODE_INIT:
		return VLAPIC_IPI_INIT;
	case MODE_STARTUP:
		return VLAPIC_IPI_STARTUP;
	default:
		return VLAPIC_IPI_OTHER;
	}
}

static bool send_ipi(struct vlapic *l, struct vlapic_ipi *ipi)
{
	uint32_t mode = (l->icr_low >> ICR_MODE_SHIFT) & ICR_MODE_MASK;

	/* An INIT level de-assert is a no-op on modern CPUs (11.6.1). */
	if (mode == MODE_INIT && !(l->icr_low & ICR_LEVEL_ASSERT) &&
	    (l->icr_low & ICR_TRIGGER_LEVEL))
		return false;
	*ipi = (struct vlapic_ipi){
		.kind = ipi_kind(mode),
		.dest = (enum vlapic_dest)((l->icr_low >> ICR_SHORTHAND_SHIFT) &
					   ICR_SHORTHAND_MASK),
		.dest_id = l->icr_high >> ICR_DEST_SHIFT,
		.logical = l->icr_low & ICR_LOGICAL,
		.vector = l->icr_low & ICR_VECTOR_MASK,
	};
	return true;
}

static bool sw_enabled(const struct vlapic *l)
{
	return l->svr & SVR_APIC_ENABLED;
}

/*
 * A software-disabled local APIC masks every LVT and ignores writes
 * that would unmask one (SDM 11.4.7.2); re-enabling leaves them masked.
 */
static void write_svr(struct vlapic *l, uint32_t value)
{
	l->svr = value & SVR_WRITABLE;
	if (sw_enabled(l))
		return;
	for (int i = 0; i < VLAPIC_LVT_COUNT; i++)
		l->lvt[i] |= LVT_MASKED;
}

static void write_lvt(struct vlapic *l, int lvt, uint32_t value)
{
	if (lvt == VLAPIC_LVT_TIMER)
		value &= LVT_TIMER_WRITABLE;
	if (!sw_enabled(l))
		value |= LVT_MASKED;
	l->lvt[lvt] = value;
}

bool vlapic_write(struct vlapic *l, uint32_t offset, uint32_t value,
		  struct vlapic_ipi *ipi)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0) {
		write_lvt(l, lvt, value);
		return false;
	}
	switch (offset) {
	case APIC_TPR:
		l->tpr = value & TPR_MASK;
		break;
	case APIC_LDR:
		l->ldr = value & 0xff000000U;
		break;
	case APIC_DFR:
		l->dfr = value | 0x0fffffffU;
		break;
	case APIC_SVR:
		write_svr(l, value);
		break;
	case APIC_ESR:
		l->esr = 0;
		break;
	case APIC_ICR_HIGH:
		l->icr_high = value & 0xff000000U;
		break;
	case APIC_ICR_LOW:
		l->icr_low = value & ICR_LOW_WRITABLE;
		return send_ipi(l, ipi);
	case APIC_TIMER_INITIAL:
		l->timer_initial = value;
		break;
	case APIC_TIMER_DIVIDE:
		l->timer_divide = value & TIMER_DIVIDE_MASK;
		break;
	default:
		/* ID, version, EOI and read-only registers: writes ignored. */
		break;
	}
	return false;
}

/* Flat and cluster logical destinations (11.6.2.2). */
static bool logical_match(uint32_t mda, const struct vlapic *t)
{
	uint32_t ldr = t->ldr >> 24;

	if ((t->dfr >> 28) == 0xf)
		return mda & ldr;
	return (mda >> 4) == (ldr >> 4) && (mda & ldr & 0xf);
}

bool vlapic_ipi_targets(const struct vlapic_ipi *ipi, uint32_t sender_id,
			const struct vlapic *target)
{
	switch (ipi->dest) {
	case VLAPIC_DEST_SELF:
		return target->id == sender_id;
	case VLAPIC_DEST_ALL:
		return true;
	case VLAPIC_DEST_OTHERS:
		return target->id != sender_id;
	default:
		if (ipi->logical)
			return logical_match(ipi->dest_id, target);
		return ipi->dest_id == 0xff || ipi->dest_id == target->id;
	}
}

bool vlapic_reg_is_hw(uint32_t offset)
{
	return offset == APIC_TPR || offset == APIC_PPR ||
	       offset == APIC_EOI ||
	       (offset >= APIC_ISR0 && offset <= APIC_IRR7);
}

/*
 * The physical timer LVT: the guest's vector, mask and mode, with the
 * TSC-deadline mode (and the reserved mode 11b) run as one-shot, since
 * the deadline is emulated on the one-shot count.
 */
static uint32_t hw_lvt_timer(const struct vlapic *l, uint32_t guest)
{
	uint32_t hw = guest & LVT_TIMER_WRITABLE;
	uint32_t mode = hw & LVT_TIMER_MODE_MASK;

	if (mode == LVT_TIMER_DEADLINE || mode == LVT_TIMER_RESERVED_MODE)
		hw = (hw & ~LVT_TIMER_MODE_MASK) | LVT_TIMER_ONE_SHOT;
	if (!sw_enabled(l))
		hw |= LVT_MASKED;
	return hw;
}

bool vlapic_hw_write(const struct vlapic *l, uint32_t offset, uint32_t value,
		     uint32_t *hw)
{
	switch (offset) {
	case APIC_TPR:
		*hw = value & TPR_MASK;
		return true;
	case APIC_EOI:
		*hw = 0;
		return true;
	case APIC_SVR:
		*hw = SVR_APIC_ENABLED | (value & LVT_VECTOR_MASK);
		return true;
	case APIC_LVT_TIMER:
		*hw = hw_lvt_timer(l, value);
		return true;
	case APIC_TIMER_INITIAL:
		*hw = value;
		return true;
	case APIC_TIMER_DIVIDE:
		*hw = value & TIMER_DIVIDE_MASK;
		return true;
	default:
		/* PPR, ISR, TMR, IRR are read-only; the rest is virtual. */
		return false;
	}
}

uint32_t vlapic_deadline_count(uint64_t now, uint64_t deadline,
			       uint64_t tsc_hz, uint64_t timer_hz)
{
	uint64_t delta, count;

	if (deadline <= now || !tsc_hz)
		return 1;
	delta = deadline - now;
	count = scale_rate(delta, tsc_hz, timer_hz);	/* exact, saturating */
	if (count > 0xffffffffULL)
		return 0xffffffffU;
	return count ? (uint32_t)count : 1;
}
