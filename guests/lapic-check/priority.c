/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Priorities (Intel SDM vol. 3A 11.8.3-11.8.5): delivery in vector order
 * from IRR, ISR and PPR while a handler runs, TPR holding a lower class,
 * nesting of a higher class only, and EOI clearing the highest ISR bit.
 */
#include "guests/lapic-check/lapic.h"

static const uint32_t sent_order[] = { 0x41, 0x91, 0x61, 0x71, 0x92 };
static const uint32_t want_order[] = { 0x92, 0x91, 0x71, 0x61, 0x41 };

#define PROBE_VECTOR	0x61
#define TPR_HOLDING	0x80
#define ABOVE_TPR	0x91
#define NEST_LOW	0x52
#define NEST_HIGH	0xa2
#define NEST_SAME_CLASS	0x53
#define EOI_LOW		0x54
#define EOI_HIGH	0xa4

/* A short wait for something that must NOT happen: 1 ms. */
#define HOLD_US		1000

uint32_t check_priority(void)
{
	uint32_t irr_set = 0, failed = 0;
	bool order_ok;

	irq_log_clear();
	irq_disable();
	for (uint32_t i = 0; i < ARRAY_SIZE(sent_order); i++)
		self_ipi(sent_order[i]);
	for (uint32_t i = 0; i < ARRAY_SIZE(sent_order); i++)
		irr_set += lapic_vector_bit(LAPIC_IRR0, sent_order[i]);
	failed += !report(irr_set == ARRAY_SIZE(sent_order) &&
			  irq_log.total == 0, "irr",
			  "5 self-IPIs with IF=0: %u IRR bits set, %u taken",
			  irr_set, irq_log.total);
	irq_enable();
	wait_count(&irq_log.total, ARRAY_SIZE(sent_order), wait_ticks);
	spin_ticks(us_to_ticks(HOLD_US));	/* a duplicate would show */
	irq_disable();
	order_ok = irq_log.logged == ARRAY_SIZE(want_order);
	for (uint32_t i = 0; order_ok && i < ARRAY_SIZE(want_order); i++)
		order_ok = irq_log.order[i] == want_order[i];
	failed += !report(order_ok, "priority-order",
			  "%u taken: %x %x %x %x %x (want 92 91 71 61 41)",
			  irq_log.logged, irq_log.order[0], irq_log.order[1],
			  irq_log.order[2], irq_log.order[3], irq_log.order[4]);
	return failed;
}

static volatile uint32_t probe_isr, probe_ppr, probe_isr_after;

static bool probe_hook(uint32_t vector)
{
	probe_isr = lapic_vector_bit(LAPIC_ISR0, vector);
	probe_ppr = lapic_read(LAPIC_PPR);
	return true;
}

static uint32_t check_in_service(void)
{
	irq_log_clear();
	irq_hooks[PROBE_VECTOR] = probe_hook;
	irq_enable();
	self_ipi(PROBE_VECTOR);
	wait_count(&irq_log.count[PROBE_VECTOR], 1, wait_ticks);
	irq_disable();
	probe_isr_after = lapic_vector_bit(LAPIC_ISR0, PROBE_VECTOR);
	return !report(irq_log.count[PROBE_VECTOR] == 1 && probe_isr &&
		       PRIORITY_CLASS(probe_ppr) == PRIORITY_CLASS(PROBE_VECTOR)
		       && !probe_isr_after, "isr-ppr",
		       "in the handler of 0x%x: ISR bit %u, PPR 0x%x; after "
		       "its EOI: ISR bit %u", PROBE_VECTOR, probe_isr,
		       probe_ppr, probe_isr_after);
}

/* TPR 0x80: 0x61 stays requested, 0x91 (class 9 > 8) is delivered. */
static uint32_t check_tpr(void)
{
	uint32_t held_taken, held_irr, above_taken, ppr, after;

	irq_log_clear();
	lapic_write(LAPIC_TPR, TPR_HOLDING);
	irq_enable();
	self_ipi(PROBE_VECTOR);
	self_ipi(ABOVE_TPR);
	wait_count(&irq_log.count[ABOVE_TPR], 1, wait_ticks);
	spin_ticks(us_to_ticks(HOLD_US));
	irq_disable();
	held_taken = irq_log.count[PROBE_VECTOR];
	above_taken = irq_log.count[ABOVE_TPR];
	held_irr = lapic_vector_bit(LAPIC_IRR0, PROBE_VECTOR);
	ppr = lapic_read(LAPIC_PPR);
	irq_enable();
	lapic_write(LAPIC_TPR, 0);
	wait_count(&irq_log.count[PROBE_VECTOR], 1, wait_ticks);
	irq_disable();
	after = irq_log.count[PROBE_VECTOR];
	return !report(!held_taken && held_irr && above_taken == 1 &&
		       ppr == TPR_HOLDING && after == 1 &&
		       !lapic_vector_bit(LAPIC_IRR0, PROBE_VECTOR), "tpr",
		       "TPR 0x%x: 0x%x taken %u times (IRR bit %u), 0x%x taken "
		       "%u, PPR 0x%x; TPR 0: 0x%x taken %u", TPR_HOLDING,
		       PROBE_VECTOR, held_taken, held_irr, ABOVE_TPR,
		       above_taken, ppr, PROBE_VECTOR, after);
}

uint32_t check_isr_ppr_tpr(void)
{
	uint32_t failed = check_in_service();	/* in this order */

	return failed + check_tpr();
}

static volatile uint32_t high_depth, same_taken_inside, high_taken_inside;

static bool nest_high_hook(uint32_t vector)
{
	(void)vector;
	high_depth = irq_log.depth;
	return true;
}

/* In 0x52's handler with IF=1: 0xA2 nests, 0x53 (same class) waits. */
static bool nest_low_hook(uint32_t vector)
{
	(void)vector;
	irq_enable();
	self_ipi(NEST_HIGH);
	wait_count(&irq_log.count[NEST_HIGH], 1, wait_ticks);
	self_ipi(NEST_SAME_CLASS);
	spin_ticks(us_to_ticks(HOLD_US));
	irq_disable();
	high_taken_inside = irq_log.count[NEST_HIGH];
	same_taken_inside = irq_log.count[NEST_SAME_CLASS];
	return true;
}

uint32_t check_nested(void)
{
	irq_log_clear();
	high_depth = same_taken_inside = high_taken_inside = 0;
	irq_hooks[NEST_LOW] = nest_low_hook;
	irq_hooks[NEST_HIGH] = nest_high_hook;
	irq_enable();
	self_ipi(NEST_LOW);
	wait_count(&irq_log.count[NEST_SAME_CLASS], 1, wait_ticks);
	irq_disable();
	return !report(high_taken_inside == 1 && high_depth == 2 &&
		       !same_taken_inside &&
		       irq_log.count[NEST_SAME_CLASS] == 1 &&
		       irq_log.count[NEST_LOW] == 1, "nested",
		       "in 0x%x's handler after STI: 0x%x taken %u (at depth "
		       "%u), 0x%x taken %u; after its EOI 0x%x taken %u",
		       NEST_LOW, NEST_HIGH, high_taken_inside, high_depth,
		       NEST_SAME_CLASS, same_taken_inside, NEST_SAME_CLASS,
		       irq_log.count[NEST_SAME_CLASS]);
}

static volatile uint32_t eoi_isr_both, eoi_isr_first, eoi_isr_second;

static bool no_eoi_hook(uint32_t vector)
{
	(void)vector;
	return false;
}

static uint32_t isr_pair(void)
{
	return lapic_vector_bit(LAPIC_ISR0, EOI_LOW) |
	       lapic_vector_bit(LAPIC_ISR0, EOI_HIGH) << 1;
}

/* 0xA4 returns without EOI inside 0x54's handler: two EOIs, highest first. */
static bool eoi_low_hook(uint32_t vector)
{
	(void)vector;
	irq_enable();
	self_ipi(EOI_HIGH);
	wait_count(&irq_log.count[EOI_HIGH], 1, wait_ticks);
	irq_disable();
	eoi_isr_both = isr_pair();
	lapic_write(LAPIC_EOI, 0);
	eoi_isr_first = isr_pair();
	lapic_write(LAPIC_EOI, 0);
	eoi_isr_second = isr_pair();
	return false;
}

uint32_t check_eoi(void)
{
	irq_log_clear();
	irq_hooks[EOI_LOW] = eoi_low_hook;
	irq_hooks[EOI_HIGH] = no_eoi_hook;
	irq_enable();
	self_ipi(EOI_LOW);
	wait_count(&irq_log.count[EOI_LOW], 1, wait_ticks);
	spin_ticks(us_to_ticks(HOLD_US));
	irq_disable();
	/* Bits: 1 = 0x54 in service, 2 = 0xA4. */
	return !report(eoi_isr_both == 3 && eoi_isr_first == 1 &&
		       eoi_isr_second == 0 && isr_pair() == 0, "eoi",
		       "ISR (0x%x, 0x%x) both in service %u/%u, after one EOI "
		       "%u/%u, after two %u/%u", EOI_LOW, EOI_HIGH,
		       eoi_isr_both & 1, eoi_isr_both >> 1, eoi_isr_first & 1,
		       eoi_isr_first >> 1, eoi_isr_second & 1,
		       eoi_isr_second >> 1);
}
