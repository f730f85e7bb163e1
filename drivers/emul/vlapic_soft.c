/* SPDX-License-Identifier: BSD-2-Clause */
#include <stddef.h>

#include "drivers/emul/vlapic_soft.h"
#include "lib/scale.h"

/*
 * ISR, TMR and IRR: eight 32-bit registers each, 0x10 apart, one after
 * the other from 0x100 (Intel SDM vol. 3A table 11-1, figure 11-20).
 */
#define VECTOR_REG_SPAN		(APIC_ISR_REGS * APIC_REG_STRIDE)
#define APIC_TMR0		(APIC_ISR0 + VECTOR_REG_SPAN)
#define APIC_IRR0		(APIC_TMR0 + VECTOR_REG_SPAN)
/* Vectors 0-15 are reserved: an APIC receiving one flags it (11.5.3). */
#define FIRST_LEGAL_VECTOR	16
/* ESR bit 6, "Received Illegal Vector" (11.5.3, figure 11-9). */
#define ESR_RECEIVE_ILLEGAL	(1U << 6)
/* Priority class: bits 7:4 of a vector, TPR, ISRV or PPR (11.8.3). */
#define PRIORITY_CLASS_SHIFT	4
#define PRIORITY_CLASS_MASK	0xf0U
/*
 * Divide configuration (figure 11-10): bits 0, 1 and 3 form a 3-bit
 * value; 111b divides by 1, any other n by 2^(n + 1).
 */
#define DIVIDE_LOW_BITS		0x3U
#define DIVIDE_HIGH_BIT		0x8U
#define DIVIDE_HIGH_SHIFT	1	/* bit 3 becomes bit 2 of the value */
#define DIVIDE_BY_ONE_VALUE	0x7U

static bool vector_bit(const uint32_t *words, unsigned int vector)
{
	return __atomic_load_n(&words[vector / 32], __ATOMIC_SEQ_CST) &
	       (1U << (vector % 32));
}

/* The highest vector set in an IRR/ISR-like bitmap, or -1. */
static int highest_vector(const uint32_t *words)
{
	for (int i = VLAPIC_VECTOR_WORDS - 1; i >= 0; i--) {
		uint32_t w = __atomic_load_n(&words[i], __ATOMIC_SEQ_CST);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

static uint32_t priority_class(uint32_t v)
{
	return (v & PRIORITY_CLASS_MASK) >> PRIORITY_CLASS_SHIFT;
}

void vlapic_soft_reset(struct vlapic_soft *s, struct vlapic *regs,
		       uint64_t tsc_hz, uint64_t timer_hz)
{
	*s = (struct vlapic_soft){
		.regs = regs,
		.tsc_hz = tsc_hz,
		.timer_hz = timer_hz,
	};
}

/*
 * A software-disabled APIC is checked first: it accepts no fixed
 * interrupt at all (11.4.7.2), so it has none to find illegal either.
 * TMR is written before IRR, so that the owner, once it sees the request,
 * also sees its trigger mode (11.8.4: TMR is set on acceptance).
 */
void vlapic_soft_post(struct vlapic_soft *s, uint8_t vector, bool level)
{
	uint32_t word = vector / 32, bit = 1U << (vector % 32);

	if (!(__atomic_load_n(&s->regs->svr, __ATOMIC_SEQ_CST) &
	      SVR_APIC_ENABLED))
		return;
	if (vector < FIRST_LEGAL_VECTOR) {
		__atomic_fetch_or(&s->regs->esr, ESR_RECEIVE_ILLEGAL,
				  __ATOMIC_SEQ_CST);
		return;
	}
	if (level)
		__atomic_fetch_or(&s->tmr[word], bit, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_and(&s->tmr[word], ~bit, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&s->irr[word], bit, __ATOMIC_SEQ_CST);
}

uint32_t vlapic_soft_ppr(const struct vlapic_soft *s)
{
	uint32_t tpr = s->regs->tpr & TPR_MASK;
	int isrv = highest_vector(s->isr);
	uint32_t isr_class = isrv < 0 ? 0 : priority_class((uint32_t)isrv);

	if (priority_class(tpr) >= isr_class)
		return tpr;
	return (uint32_t)isrv & PRIORITY_CLASS_MASK;
}

int vlapic_soft_pending(const struct vlapic_soft *s)
{
	int irrv = highest_vector(s->irr);
	uint32_t ppr_class = priority_class(vlapic_soft_ppr(s));

	if (irrv < 0 || priority_class((uint32_t)irrv) <= ppr_class)
		return -1;
	return irrv;
}

void vlapic_soft_ack(struct vlapic_soft *s, uint8_t vector)
{
	uint32_t word = vector / 32, bit = 1U << (vector % 32);

	__atomic_fetch_and(&s->irr[word], ~bit, __ATOMIC_SEQ_CST);
	s->isr[word] |= bit;
}

int vlapic_soft_eoi(struct vlapic_soft *s, bool *level)
{
	int vector = highest_vector(s->isr);
	bool was_level = false;

	if (vector >= 0) {
		s->isr[vector / 32] &= ~(1U << (vector % 32));
		was_level = vector_bit(s->tmr, (unsigned int)vector);
	}
	if (level)
		*level = was_level;
	return vector;
}

/* ---- the timer (11.5.4) ---- */

static uint32_t timer_lvt(const struct vlapic_soft *s)
{
	return s->regs->lvt[VLAPIC_LVT_TIMER];
}

static uint32_t timer_mode(const struct vlapic_soft *s)
{
	return timer_lvt(s) & LVT_TIMER_MODE_MASK;
}

/* The divisor of the divide configuration register (figure 11-10). */
static uint64_t timer_divisor(const struct vlapic_soft *s)
{
	uint32_t d = s->regs->timer_divide;
	uint32_t value = (d & DIVIDE_LOW_BITS) |
			 (d & DIVIDE_HIGH_BIT) >> DIVIDE_HIGH_SHIFT;

	return value == DIVIDE_BY_ONE_VALUE ? 1 : 1ULL << (value + 1);
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* TSC ticks `count` timer counts take at the current divide, at least 1. */
static uint64_t counts_to_ticks(const struct vlapic_soft *s, uint64_t count)
{
	/* count < 2^32 and divisor <= 128: the product fits 64 bits. */
	uint64_t ticks = scale_rate(count * timer_divisor(s), s->timer_hz,
				    s->tsc_hz);

	return ticks ? ticks : 1;
}

/* Whole timer counts in `ticks` TSC ticks at the current divide. */
static uint64_t ticks_to_counts(const struct vlapic_soft *s, uint64_t ticks)
{
	/* floor(floor(x / a) / b) == floor(x / (a * b)): still exact. */
	return scale_rate(ticks, s->tsc_hz, s->timer_hz) / timer_divisor(s);
}

/*
 * The fewest TSC ticks in which `count` counts pass, so that the current
 * count reads exactly on after a rate change. (Exact when the timer is
 * not faster than the TSC: with coarser ticks a count can be skipped.)
 */
static uint64_t ticks_covering(const struct vlapic_soft *s, uint64_t count)
{
	uint64_t ticks = counts_to_ticks(s, count);

	if (ticks != UINT64_MAX && ticks_to_counts(s, ticks) < count)
		ticks++;
	return ticks;
}

static void timer_stop(struct vlapic_soft *s)
{
	s->count_start = 0;
	s->expiry = 0;
}

/* (Re)loads the one-shot/periodic count at `start` (11.5.4). */
static void timer_load(struct vlapic_soft *s, uint64_t start)
{
	if (!s->regs->timer_initial) {
		timer_stop(s);
		return;
	}
	s->count_start = start;
	s->expiry = add_saturating(start,
				   counts_to_ticks(s, s->regs->timer_initial));
}

/*
 * The current count at `now` (11.5.4): counting down from the initial
 * count since count_start, 0 once a one-shot count has run out; a
 * periodic count reloads, so between its expiry and the caller's tick
 * it reads as the next period's. Always 0 in TSC-deadline mode
 * (11.5.4.1) and when the timer is stopped.
 */
static uint32_t timer_current(const struct vlapic_soft *s, uint64_t now)
{
	uint32_t initial = s->regs->timer_initial;
	uint64_t done;

	if (!s->expiry || !initial || vlapic_timer_deadline_mode(s->regs))
		return 0;
	done = now > s->count_start ? ticks_to_counts(s, now - s->count_start)
				    : 0;
	if (timer_mode(s) == LVT_TIMER_PERIODIC)
		return initial - (uint32_t)(done % initial);
	if (now >= s->expiry)
		return 0;
	/* Before expiry fewer than `initial` counts have passed. */
	return done < initial ? initial - (uint32_t)done : 1;
}

/*
 * 11.5.4 does not say what a divide change does to a running count. It
 * keeps its remaining count, which from now on runs at the new rate:
 * count_start moves back by the counts already done, at the new rate, so
 * that the current count reads on from where it was and the period ends
 * as the remaining count runs out. (KVM does the same.) The timer has
 * been run up to now (vlapic_soft_write), so a running count has not
 * expired yet.
 */
static void write_divide(struct vlapic_soft *s, uint32_t value, uint64_t now)
{
	uint32_t remaining = timer_current(s, now);
	bool running = remaining && s->expiry;
	uint64_t done_ticks;

	s->regs->timer_divide = value & TIMER_DIVIDE_MASK;
	if (!running)
		return;
	done_ticks = remaining < s->regs->timer_initial ?
		     ticks_covering(s, s->regs->timer_initial - remaining) : 0;
	/* A TSC near 0 (tests only) cannot go back that far: start at 0. */
	s->count_start = now > done_ticks ? now - done_ticks : 0;
	s->expiry = add_saturating(now, counts_to_ticks(s, remaining));
}

/* Writing the initial count (re)starts the count; not in deadline mode. */
static void write_initial(struct vlapic_soft *s, uint32_t value, uint64_t now)
{
	if (vlapic_timer_deadline_mode(s->regs))
		return;	/* ignored (11.5.4.1) */
	s->regs->timer_initial = value;
	timer_load(s, now);
}

/* A change of timer mode disarms the timer (11.5.4.1). */
static void write_lvt_timer(struct vlapic_soft *s, uint32_t value)
{
	uint32_t old_mode = timer_mode(s);
	struct vlapic_ipi unused;

	(void)vlapic_write(s->regs, APIC_LVT_TIMER, value, &unused);
	if (timer_mode(s) != old_mode)
		timer_stop(s);
}

void vlapic_soft_set_deadline(struct vlapic_soft *s, uint64_t deadline)
{
	if (!vlapic_timer_deadline_mode(s->regs))
		return;	/* ignored in the other modes (11.5.4.1) */
	s->count_start = 0;
	s->expiry = deadline;
}

uint64_t vlapic_soft_get_deadline(const struct vlapic_soft *s)
{
	return vlapic_timer_deadline_mode(s->regs) ? s->expiry : 0;
}

/*
 * The reserved timer mode 11b runs as one-shot, as the physical timer
 * LVT is given it (vlapic.c, hw_lvt_timer).
 */
uint64_t vlapic_soft_tick(struct vlapic_soft *s, uint64_t now)
{
	uint32_t lvt = timer_lvt(s);
	uint64_t period, periods;

	if (!s->expiry || now < s->expiry)
		return s->expiry;
	/* A masked timer still counts and expires, silently (11.5.1). */
	if (!(lvt & LVT_MASKED))
		vlapic_soft_post(s, (uint8_t)(lvt & LVT_VECTOR_MASK), false);
	if (timer_mode(s) != LVT_TIMER_PERIODIC) {
		/* One-shot stops at 0; a deadline fired reads 0 (11.5.4.1). */
		s->expiry = 0;
		return 0;
	}
	/*
	 * The periods missed leave one IRR bit: reload for the first
	 * period that ends after now, whole periods from count_start.
	 */
	period = counts_to_ticks(s, s->regs->timer_initial);
	periods = (now - s->count_start) / period;
	s->count_start += periods * period;
	s->expiry = add_saturating(s->count_start, period);
	return s->expiry;
}

/* ---- register accesses ---- */

/* The bitmap word an ISR/TMR/IRR register offset reads, or NULL. */
static const uint32_t *vector_reg(const struct vlapic_soft *s, uint32_t offset,
				  unsigned int *word)
{
	const uint32_t *bitmaps[] = { s->isr, s->tmr, s->irr };
	uint32_t rel = offset - APIC_ISR0;

	if (offset < APIC_ISR0 || offset > APIC_IRR7 ||
	    offset % APIC_REG_STRIDE)
		return NULL;
	*word = rel / APIC_REG_STRIDE % APIC_ISR_REGS;
	return bitmaps[rel / VECTOR_REG_SPAN];
}

uint32_t vlapic_soft_read(const struct vlapic_soft *s, uint32_t offset,
			  uint64_t now)
{
	unsigned int word;
	const uint32_t *bitmap = vector_reg(s, offset, &word);

	if (bitmap)
		return __atomic_load_n(&bitmap[word], __ATOMIC_SEQ_CST);
	switch (offset) {
	case APIC_PPR:
		return vlapic_soft_ppr(s);
	case APIC_EOI:
		return 0;	/* write-only */
	case APIC_TIMER_CURRENT:
		return timer_current(s, now);
	default:
		return vlapic_read(s->regs, offset);
	}
}

bool vlapic_soft_write(struct vlapic_soft *s, uint32_t offset, uint32_t value,
		       uint64_t now, struct vlapic_ipi *ipi, int *eoi_vector,
		       bool *eoi_level)
{
	*eoi_vector = -1;
	*eoi_level = false;
	/*
	 * What the timer did before the write happened first: an expiry
	 * already passed raises its interrupt under the old settings, as
	 * the hardware would have done, before a reload, divide or mode
	 * change moves or disarms it.
	 */
	if (offset == APIC_TIMER_INITIAL || offset == APIC_TIMER_DIVIDE ||
	    offset == APIC_LVT_TIMER)
		(void)vlapic_soft_tick(s, now);
	switch (offset) {
	case APIC_EOI:
		*eoi_vector = vlapic_soft_eoi(s, eoi_level);
		return false;
	case APIC_TIMER_INITIAL:
		write_initial(s, value, now);
		return false;
	case APIC_TIMER_DIVIDE:
		write_divide(s, value, now);
		return false;
	case APIC_LVT_TIMER:
		write_lvt_timer(s, value);
		return false;
	default:
		/* ISR, TMR, IRR, PPR and the current count are read-only. */
		return vlapic_write(s->regs, offset, value, ipi);
	}
}
