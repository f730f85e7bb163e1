/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/emul/vlapic_soft.h"

/* 1 GHz TSC, 100 MHz timer: one count at divide 1 is 10 TSC ticks. */
#define TSC_HZ		1000000000ULL
#define TIMER_HZ	100000000ULL
#define TICKS_PER_COUNT	10ULL
#define T0		5000000ULL	/* a TSC value far from 0 */
#define VEC		0x40
#define APIC_TMR0	0x180
#define APIC_IRR0	0x200
#define APIC_ESR_ILLEGAL_RX	0x40
#define SVR_ENABLED_SPURIOUS_FF	0x1ffU
#define DIVIDE_BY_2	0x0U

static struct vlapic regs;
static struct vlapic_soft s;

static bool write_reg(uint32_t offset, uint32_t value, uint64_t now)
{
	struct vlapic_ipi ipi;
	int eoi_vector;
	bool eoi_level;

	return vlapic_soft_write(&s, offset, value, now, &ipi, &eoi_vector,
				 &eoi_level);
}

static uint32_t reg(uint32_t offset, uint64_t now)
{
	return vlapic_soft_read(&s, offset, now);
}

static bool bit_in(uint32_t base, unsigned int vector)
{
	return reg(base + vector / 32 * 0x10, T0) & (1U << (vector % 32));
}

static int setup(void **state)
{
	(void)state;
	vlapic_reset(&regs, 3);
	vlapic_soft_reset(&s, &regs, TSC_HZ, TIMER_HZ);
	write_reg(APIC_SVR, SVR_ENABLED_SPURIOUS_FF, T0);
	return 0;
}

/* Timer LVT `lvt` and divide by 1, then the initial count, at `now`. */
static void start_timer(uint32_t lvt, uint32_t initial, uint64_t now)
{
	write_reg(APIC_LVT_TIMER, lvt, now);
	write_reg(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1, now);
	write_reg(APIC_TIMER_INITIAL, initial, now);
}

/* Delivers what is pending, as the caller does. */
static int deliver(void)
{
	int v = vlapic_soft_pending(&s);

	if (v >= 0)
		vlapic_soft_ack(&s, (uint8_t)v);
	return v;
}

static void test_post_sets_irr_and_trigger_mode(void **state)
{
	(void)state;
	vlapic_soft_post(&s, 0x41, true);
	vlapic_soft_post(&s, 0xff, false);
	vlapic_soft_post(&s, 0x20, false);
	assert_true(bit_in(APIC_IRR0, 0x41));
	assert_true(bit_in(APIC_TMR0, 0x41));
	assert_true(bit_in(APIC_IRR0, 0xff));
	assert_false(bit_in(APIC_TMR0, 0xff));
	assert_int_equal(reg(APIC_IRR0 + 0x10, T0), 1U);	/* 0x20 */
	assert_int_equal(reg(APIC_IRR7, T0), 1U << 31);	/* 0xff */
	/* Accepted again as edge: TMR follows the last acceptance. */
	vlapic_soft_post(&s, 0x41, false);
	assert_false(bit_in(APIC_TMR0, 0x41));
	assert_true(bit_in(APIC_IRR0, 0x41));
	/* IRR, ISR, TMR are read-only. */
	write_reg(APIC_IRR0 + 0x20, 0, T0);
	assert_true(bit_in(APIC_IRR0, 0x41));
	for (uint32_t off = APIC_ISR0; off < APIC_TMR0; off += 0x10)
		assert_int_equal(reg(off, T0), 0);
}

static void test_tpr_masks_by_priority_class(void **state)
{
	(void)state;
	write_reg(APIC_TPR, 0x5f, T0);
	assert_int_equal(vlapic_soft_ppr(&s), 0x5f);
	vlapic_soft_post(&s, 0x45, false);
	assert_int_equal(vlapic_soft_pending(&s), -1);	/* class 4 < 5 */
	vlapic_soft_post(&s, 0x5f, false);
	assert_int_equal(vlapic_soft_pending(&s), -1);	/* class 5, not above */
	vlapic_soft_post(&s, 0x61, false);
	assert_int_equal(vlapic_soft_pending(&s), 0x61);
	vlapic_soft_ack(&s, 0x61);
	/* ISRV's class above TPR's: PPR is ISRV[7:4] (11.8.3.1). */
	assert_int_equal(vlapic_soft_ppr(&s), 0x60);
	assert_int_equal(reg(APIC_PPR, T0), 0x60);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	/* TPR's class at or above ISRV's: PPR is TPR, low bits too. */
	write_reg(APIC_TPR, 0x6a, T0);
	assert_int_equal(reg(APIC_PPR, T0), 0x6a);
	write_reg(APIC_TPR, 0x00, T0);
	vlapic_soft_eoi(&s, NULL);
	assert_int_equal(reg(APIC_PPR, T0), 0);
	assert_int_equal(vlapic_soft_pending(&s), 0x5f);
}

static void test_nested_ack_and_eoi_order(void **state)
{
	bool level = true;

	(void)state;
	vlapic_soft_post(&s, 0x30, false);
	assert_int_equal(deliver(), 0x30);
	assert_false(bit_in(APIC_IRR0, 0x30));
	assert_true(bit_in(APIC_ISR0, 0x30));
	/* Same class as the one in service: waits. */
	vlapic_soft_post(&s, 0x3f, false);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	/* A higher class nests. */
	vlapic_soft_post(&s, 0x80, false);
	assert_int_equal(deliver(), 0x80);
	assert_int_equal(vlapic_soft_ppr(&s), 0x80);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	/* EOI retires the highest in service first. */
	assert_int_equal(vlapic_soft_eoi(&s, &level), 0x80);
	assert_false(level);
	assert_int_equal(vlapic_soft_pending(&s), -1);	/* 0x30 still in */
	assert_int_equal(vlapic_soft_eoi(&s, &level), 0x30);
	assert_int_equal(deliver(), 0x3f);
	assert_int_equal(vlapic_soft_eoi(&s, &level), 0x3f);
	assert_int_equal(vlapic_soft_eoi(&s, &level), -1);
	assert_false(level);
}

static void test_eoi_write_reports_level(void **state)
{
	struct vlapic_ipi ipi;
	int vector = 0;
	bool level = false;

	(void)state;
	vlapic_soft_post(&s, 0x50, true);
	vlapic_soft_post(&s, 0x90, false);
	assert_int_equal(deliver(), 0x90);
	assert_int_equal(deliver(), -1);
	assert_false(vlapic_soft_write(&s, APIC_EOI, 0, T0, &ipi, &vector,
				       &level));
	assert_int_equal(vector, 0x90);
	assert_false(level);
	assert_int_equal(deliver(), 0x50);
	assert_int_equal(reg(APIC_EOI, T0), 0);
	vlapic_soft_write(&s, APIC_EOI, 0, T0, &ipi, &vector, &level);
	assert_int_equal(vector, 0x50);
	assert_true(level);
	vlapic_soft_write(&s, APIC_EOI, 0, T0, &ipi, &vector, &level);
	assert_int_equal(vector, -1);
	assert_false(level);
	/* Any other register: no EOI. */
	vector = 0x50;
	level = true;
	vlapic_soft_write(&s, APIC_TPR, 0x10, T0, &ipi, &vector, &level);
	assert_int_equal(vector, -1);
	assert_false(level);
}

static void test_illegal_vector_sets_esr(void **state)
{
	(void)state;
	for (unsigned int v = 0; v < 16; v++)
		vlapic_soft_post(&s, (uint8_t)v, false);
	assert_int_equal(reg(APIC_IRR0, T0), 0);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	assert_int_equal(reg(APIC_ESR, T0), APIC_ESR_ILLEGAL_RX);
	write_reg(APIC_ESR, 0, T0);
	vlapic_soft_post(&s, 16, false);
	assert_int_equal(reg(APIC_ESR, T0), 0);
	assert_int_equal(vlapic_soft_pending(&s), 16);
}

static void test_disabled_apic_drops_fixed_interrupts(void **state)
{
	(void)state;
	vlapic_soft_post(&s, 0x60, false);
	write_reg(APIC_SVR, 0xff, T0);	/* software-disable */
	vlapic_soft_post(&s, 0x70, false);
	vlapic_soft_post(&s, 0x02, false);
	assert_false(bit_in(APIC_IRR0, 0x70));
	assert_int_equal(reg(APIC_ESR, T0), 0);
	/* What was requested before is held (11.4.7.2). */
	assert_int_equal(vlapic_soft_pending(&s), 0x60);
	write_reg(APIC_SVR, SVR_ENABLED_SPURIOUS_FF, T0);
	vlapic_soft_post(&s, 0x70, false);
	assert_int_equal(vlapic_soft_pending(&s), 0x70);
}

static void test_one_shot_counts_down_and_fires_once(void **state)
{
	uint64_t end = T0 + 1000 * TICKS_PER_COUNT;

	(void)state;
	start_timer(VEC, 1000, T0);
	assert_int_equal(reg(APIC_TIMER_INITIAL, T0), 1000);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0), 1000);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 9), 1000);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 2500), 750);
	assert_int_equal(vlapic_soft_get_deadline(&s), 0);
	assert_int_equal(reg(APIC_TIMER_CURRENT, end - 1), 1);
	assert_int_equal(reg(APIC_TIMER_CURRENT, end), 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 5000), end);
	assert_int_equal(vlapic_soft_tick(&s, end - 1), end);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	assert_int_equal(vlapic_soft_tick(&s, end + 3), 0);
	assert_int_equal(deliver(), VEC);
	assert_int_equal(reg(APIC_TIMER_CURRENT, end + 3), 0);
	assert_int_equal(reg(APIC_TIMER_INITIAL, end + 3), 1000);
	assert_int_equal(vlapic_soft_tick(&s, end + 100000), 0);
	assert_false(bit_in(APIC_IRR0, VEC));
	/* A new initial count restarts it; 0 stops it. */
	write_reg(APIC_TIMER_INITIAL, 10, end + 200);
	assert_int_equal(vlapic_soft_tick(&s, end + 200), end + 300);
	write_reg(APIC_TIMER_INITIAL, 0, end + 250);
	assert_int_equal(vlapic_soft_tick(&s, end + 300), 0);
	assert_int_equal(reg(APIC_TIMER_CURRENT, end + 250), 0);
	assert_false(bit_in(APIC_IRR0, VEC));
}

static void test_periodic_catches_up_with_one_interrupt(void **state)
{
	const uint64_t period = 100 * TICKS_PER_COUNT;
	uint64_t now = T0 + 50 * period + 500;

	(void)state;
	start_timer(LVT_TIMER_PERIODIC | VEC, 100, T0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + period - 1), T0 + period);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	assert_int_equal(vlapic_soft_tick(&s, T0 + period), T0 + 2 * period);
	assert_int_equal(deliver(), VEC);
	vlapic_soft_eoi(&s, NULL);
	/* Between an expiry and the tick the count reads as reloaded. */
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 2 * period + 250), 75);
	/* 49 periods missed: one interrupt, next expiry the next boundary. */
	assert_int_equal(vlapic_soft_tick(&s, now), T0 + 51 * period);
	assert_int_equal(deliver(), VEC);
	assert_int_equal(deliver(), -1);
	assert_int_equal(reg(APIC_TIMER_CURRENT, now), 50);
	assert_int_equal(reg(APIC_TIMER_CURRENT, now + 250), 25);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 51 * period), 100);
	/* Whatever now is, the next expiry is after it. */
	for (uint64_t t = now; t < now + 10 * period; t += 333) {
		uint64_t next = vlapic_soft_tick(&s, t);

		assert_true(next > t && next <= t + period);
		assert_int_equal((next - T0) % period, 0);
	}
}

static void test_masked_timer_counts_silently(void **state)
{
	uint64_t end = T0 + 100 * TICKS_PER_COUNT;

	(void)state;
	start_timer(LVT_MASKED | VEC, 100, T0);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 500), 50);
	assert_int_equal(vlapic_soft_tick(&s, end - 1), end);
	assert_int_equal(vlapic_soft_tick(&s, end), 0);
	assert_int_equal(reg(APIC_IRR0 + VEC / 32 * 0x10, end), 0);
	assert_int_equal(reg(APIC_TIMER_CURRENT, end), 0);
	/* Masked periodic keeps its period. */
	start_timer(LVT_MASKED | LVT_TIMER_PERIODIC | VEC, 100, end);
	assert_int_equal(vlapic_soft_tick(&s, end + 1500), end + 2000);
	assert_int_equal(vlapic_soft_pending(&s), -1);
}

static void test_deadline_arms_fires_and_reads_zero(void **state)
{
	(void)state;
	write_reg(APIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC, T0);
	assert_int_equal(vlapic_soft_get_deadline(&s), 0);
	vlapic_soft_set_deadline(&s, T0 + 500);
	assert_int_equal(vlapic_soft_get_deadline(&s), T0 + 500);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0), 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 499), T0 + 500);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 500), 0);
	assert_int_equal(vlapic_soft_get_deadline(&s), 0);
	assert_int_equal(deliver(), VEC);
	vlapic_soft_eoi(&s, NULL);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 1000), 0);
	assert_int_equal(deliver(), -1);
	/* 0 disarms. */
	vlapic_soft_set_deadline(&s, T0 + 2000);
	vlapic_soft_set_deadline(&s, 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 3000), 0);
	assert_int_equal(deliver(), -1);
	/* Outside deadline mode the MSR is ignored and reads 0. */
	write_reg(APIC_LVT_TIMER, VEC, T0);
	vlapic_soft_set_deadline(&s, T0 + 4000);
	assert_int_equal(vlapic_soft_get_deadline(&s), 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 3000), 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 5000), 0);
	assert_int_equal(deliver(), -1);
}

static void test_mode_change_disarms(void **state)
{
	(void)state;
	start_timer(VEC, 1000, T0);
	/* Same mode, unmask/mask: the count runs on. */
	write_reg(APIC_LVT_TIMER, LVT_MASKED | VEC, T0 + 10);
	write_reg(APIC_LVT_TIMER, VEC, T0 + 20);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 100), 990);
	write_reg(APIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC, T0 + 100);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 200), 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 100000), 0);
	assert_int_equal(deliver(), -1);
	/* Deadline armed, then one-shot: the deadline is gone. */
	write_reg(APIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC, T0);
	vlapic_soft_set_deadline(&s, T0 + 500);
	write_reg(APIC_LVT_TIMER, VEC, T0 + 100);
	write_reg(APIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC, T0 + 100);
	assert_int_equal(vlapic_soft_get_deadline(&s), 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 1000), 0);
	assert_int_equal(deliver(), -1);
}

static void test_initial_count_ignored_in_deadline_mode(void **state)
{
	(void)state;
	write_reg(APIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC, T0);
	write_reg(APIC_TIMER_INITIAL, 500, T0);
	assert_int_equal(reg(APIC_TIMER_INITIAL, T0), 0);
	/* A count loaded before the switch does not run nor read. */
	write_reg(APIC_LVT_TIMER, VEC, T0);
	write_reg(APIC_TIMER_INITIAL, 700, T0);
	write_reg(APIC_LVT_TIMER, LVT_TIMER_DEADLINE | VEC, T0);
	assert_int_equal(reg(APIC_TIMER_INITIAL, T0), 700);
	vlapic_soft_set_deadline(&s, T0 + 100000);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 10), 0);
	vlapic_soft_set_deadline(&s, 0);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 100000), 0);
	vlapic_soft_set_deadline(&s, T0 + 200000);
	write_reg(APIC_TIMER_INITIAL, 1, T0 + 100000);
	assert_int_equal(vlapic_soft_get_deadline(&s), T0 + 200000);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 100010), T0 + 200000);
	assert_int_equal(deliver(), -1);
}

static void test_divide_configuration_decoding(void **state)
{
	/* Figure 11-10: bits 3, 1, 0 of the register. */
	static const struct { uint32_t value, divisor; } table[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
		{ 0xf4, 2 },	/* bit 2 and above are not part of it */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		setup(NULL);
		write_reg(APIC_LVT_TIMER, VEC, T0);
		write_reg(APIC_TIMER_DIVIDE, table[i].value, T0);
		write_reg(APIC_TIMER_INITIAL, 3, T0);
		assert_int_equal(vlapic_soft_tick(&s, T0),
				 T0 + 3 * table[i].divisor * TICKS_PER_COUNT);
	}
}

static void test_divide_change_keeps_remaining_count(void **state)
{
	(void)state;
	start_timer(VEC, 1000, T0);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 2000), 800);
	write_reg(APIC_TIMER_DIVIDE, DIVIDE_BY_2, T0 + 2000);
	assert_int_equal(reg(APIC_TIMER_DIVIDE, T0 + 2000), DIVIDE_BY_2);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 2000), 800);
	/* Now 20 TSC ticks a count. */
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 4000), 700);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 4000), T0 + 18000);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 18000), 0);
	assert_int_equal(deliver(), VEC);
	/* A stopped timer only takes the new divide. */
	write_reg(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1, T0 + 20000);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 100000), 0);
}

/* 1.5 TSC ticks a count: no whole number of ticks for 201 counts. */
static void test_divide_change_at_an_uneven_rate(void **state)
{
	(void)state;
	vlapic_soft_reset(&s, &regs, 1500, 1000);
	write_reg(APIC_LVT_TIMER, VEC, T0);
	write_reg(APIC_TIMER_DIVIDE, DIVIDE_BY_2, T0);
	write_reg(APIC_TIMER_INITIAL, 1000, T0);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 603), 799);
	write_reg(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1, T0 + 603);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 603), 799);
	assert_int_equal(reg(APIC_TIMER_CURRENT, T0 + 606), 797);
	/* 799 counts of 1.5 ticks, rounded down. */
	assert_int_equal(vlapic_soft_tick(&s, T0 + 603), T0 + 603 + 1198);
}

static void test_expiry_before_a_write_still_fires(void **state)
{
	(void)state;
	start_timer(VEC, 10, T0);
	/* Expired at T0 + 100 though no tick ran: the reload comes after. */
	write_reg(APIC_TIMER_INITIAL, 10, T0 + 150);
	assert_int_equal(deliver(), VEC);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 150), T0 + 250);
	vlapic_soft_eoi(&s, NULL);
	write_reg(APIC_LVT_TIMER, LVT_TIMER_PERIODIC | VEC, T0 + 300);
	assert_int_equal(deliver(), VEC);
}

/* A count shorter than a TSC tick still takes one: never a period of 0. */
static void test_timer_faster_than_tsc_takes_a_tick(void **state)
{
	(void)state;
	vlapic_soft_reset(&s, &regs, 1000, TIMER_HZ);
	start_timer(LVT_TIMER_PERIODIC | VEC, 1, T0);
	assert_int_equal(vlapic_soft_tick(&s, T0), T0 + 1);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 5), T0 + 6);
	assert_int_equal(deliver(), VEC);
}

static void test_icr_write_sends_ipi(void **state)
{
	struct vlapic_ipi ipi;
	int eoi_vector;
	bool eoi_level;

	(void)state;
	assert_false(vlapic_soft_write(&s, APIC_ICR_HIGH, 2U << 24, T0, &ipi,
				       &eoi_vector, &eoi_level));
	assert_true(vlapic_soft_write(&s, APIC_ICR_LOW, 0x4041, T0, &ipi,
				      &eoi_vector, &eoi_level));
	assert_int_equal(eoi_vector, -1);
	assert_int_equal(ipi.kind, VLAPIC_IPI_FIXED);
	assert_int_equal(ipi.dest, VLAPIC_DEST_FIELD);
	assert_int_equal(ipi.dest_id, 2);
	assert_int_equal(ipi.vector, 0x41);
	assert_true(vlapic_soft_write(&s, APIC_ICR_LOW, 0x44400, T0, &ipi,
				      &eoi_vector, &eoi_level));
	assert_int_equal(ipi.kind, VLAPIC_IPI_NMI);
	assert_int_equal(ipi.dest, VLAPIC_DEST_SELF);
	/* Other registers go to the register model. */
	assert_int_equal(reg(APIC_ID, T0), 3U << 24);
	assert_int_equal(reg(APIC_VERSION, T0), VLAPIC_VERSION);
	assert_int_equal(reg(APIC_ICR_LOW, T0), 0x44400);
}

static void test_reset_clears_state_keeps_rates(void **state)
{
	(void)state;
	vlapic_soft_post(&s, 0x80, true);
	deliver();
	vlapic_soft_post(&s, 0x90, false);
	start_timer(VEC, 100, T0);
	vlapic_reset(&regs, 3);
	vlapic_soft_reset(&s, &regs, TSC_HZ, TIMER_HZ);
	assert_ptr_equal(s.regs, &regs);
	assert_int_equal(s.tsc_hz, TSC_HZ);
	assert_int_equal(s.timer_hz, TIMER_HZ);
	for (uint32_t off = APIC_ISR0; off <= APIC_IRR7; off += 0x10)
		assert_int_equal(reg(off, T0), 0);
	assert_int_equal(vlapic_soft_pending(&s), -1);
	assert_int_equal(vlapic_soft_tick(&s, T0 + 100000), 0);
}

#define WITH_SETUP(test)	cmocka_unit_test_setup(test, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		WITH_SETUP(test_post_sets_irr_and_trigger_mode),
		WITH_SETUP(test_tpr_masks_by_priority_class),
		WITH_SETUP(test_nested_ack_and_eoi_order),
		WITH_SETUP(test_eoi_write_reports_level),
		WITH_SETUP(test_illegal_vector_sets_esr),
		WITH_SETUP(test_disabled_apic_drops_fixed_interrupts),
		WITH_SETUP(test_one_shot_counts_down_and_fires_once),
		WITH_SETUP(test_periodic_catches_up_with_one_interrupt),
		WITH_SETUP(test_masked_timer_counts_silently),
		WITH_SETUP(test_deadline_arms_fires_and_reads_zero),
		WITH_SETUP(test_mode_change_disarms),
		WITH_SETUP(test_initial_count_ignored_in_deadline_mode),
		WITH_SETUP(test_divide_configuration_decoding),
		WITH_SETUP(test_divide_change_keeps_remaining_count),
		WITH_SETUP(test_divide_change_at_an_uneven_rate),
		WITH_SETUP(test_expiry_before_a_write_still_fires),
		WITH_SETUP(test_timer_faster_than_tsc_takes_a_tick),
		WITH_SETUP(test_icr_write_sends_ipi),
		WITH_SETUP(test_reset_clears_state_keeps_rates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
