/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The LAPIC timer (Intel SDM vol. 3A 11.5.4): one-shot, periodic, masked,
 * TSC-deadline (11.5.4.1), and deadlines that expire while the partition
 * is not running, which must arrive once each, late, never early.
 */
#include "guests/lapic-check/lapic.h"

#define ONESHOT_VECTOR	0xb1
#define PERIODIC_VECTOR	0xb2
#define MASKED_VECTOR	0xb3
#define DEADLINE_VECTOR	0xb4
#define HELD_VECTOR	0xb5
#define CALIBRATE_US	1000
/* Beyond any neighbour's window: armed, it must still be there when read. */
#define FAR_DEADLINE_US	50000
/* What counts as "held" when reporting: later than this. */
#define HELD_LATE_US	1000

static uint32_t timer_hz;

void timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0);
	wrmsr(MSR_TSC_DEADLINE, 0);
}

/* us of the timer at divide 1, at least 1 count. */
static uint32_t timer_counts(uint32_t us)
{
	uint64_t c = udiv64((uint64_t)timer_hz * us, 1000000);

	return c ? (uint32_t)c : 1;
}

void timer_periodic_start(uint32_t vector, uint32_t us)
{
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | vector);
	lapic_write(LAPIC_TIMER_INITIAL, timer_counts(us));
}

/* A read of the current count and the TSC at its middle: a read may
 * exit, and take tens of microseconds. */
static uint32_t current_count_at(uint64_t *tsc)
{
	uint64_t before = rdtsc();
	uint32_t count = lapic_read(LAPIC_TIMER_CURRENT);

	*tsc = before + (rdtsc() - before) / 2;
	return count;
}

uint32_t timer_calibrate(void)
{
	uint64_t t0, t1;
	uint32_t c0, c1;

	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_ONESHOT);
	lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
	c0 = current_count_at(&t0);
	spin_ticks(us_to_ticks(CALIBRATE_US));
	c1 = current_count_at(&t1);
	timer_stop();
	timer_hz = (uint32_t)udiv64((uint64_t)(c0 - c1) * tsc_khz * 1000,
				    t1 - t0);
	return timer_hz;
}

uint32_t check_timer_oneshot(uint32_t us)
{
	uint32_t n = timer_counts(us), c1, c2, after, took_us;
	uint64_t start;

	irq_log_clear();
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_ONESHOT | ONESHOT_VECTOR);
	irq_enable();
	start = rdtsc();
	lapic_write(LAPIC_TIMER_INITIAL, n);
	c1 = lapic_read(LAPIC_TIMER_CURRENT);
	c2 = lapic_read(LAPIC_TIMER_CURRENT);
	wait_count(&irq_log.count[ONESHOT_VECTOR], 1, wait_ticks);
	spin_ticks(us_to_ticks(2 * us));
	irq_disable();
	after = lapic_read(LAPIC_TIMER_CURRENT);
	timer_stop();
	took_us = ticks_to_us(irq_log.arrival[ONESHOT_VECTOR] - start);
	/* Not early: the calibration is good to a few percent. */
	return !report(irq_log.count[ONESHOT_VECTOR] == 1 && c1 <= n &&
		       c2 < c1 && !after && took_us >= us - us / 10,
		       "timer-oneshot",
		       "%u counts (%u us): current %u then %u, after the "
		       "interrupt %u; taken %u times, after %u us",
		       n, us, c1, c2, after, irq_log.count[ONESHOT_VECTOR],
		       took_us);
}

static volatile uint64_t period_arrival[ORDER_MAX];

static bool periodic_hook(uint32_t vector)
{
	uint32_t i = irq_log.count[vector] - 1;

	if (i < ORDER_MAX)
		period_arrival[i] = irq_log.arrival[vector];
	return true;
}

/*
 * `periods` periods measured on the TSC. lossy: a partition that is not
 * running misses periods, which the LAPIC folds into one (an IRR bit holds
 * one request), so fewer may arrive; none may come early.
 */
uint32_t check_timer_periodic(uint32_t us, uint32_t periods, bool lossy)
{
	uint64_t start, span, shortest = ~0ull;
	uint32_t got, want, n = timer_counts(us);
	bool ok;

	if (periods > ORDER_MAX)
		periods = ORDER_MAX;
	irq_log_clear();
	irq_hooks[PERIODIC_VECTOR] = periodic_hook;
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | PERIODIC_VECTOR);
	irq_enable();
	start = rdtsc();
	lapic_write(LAPIC_TIMER_INITIAL, n);
	/* Half a period past the last: clear of its edge either way. */
	spin_ticks(us_to_ticks((uint64_t)us * periods + us / 2));
	irq_disable();
	span = rdtsc() - start;
	timer_stop();
	got = irq_log.count[PERIODIC_VECTOR];
	want = (uint32_t)udiv64(ticks_to_us(span), us);
	for (uint32_t i = 1; i < got && i < ORDER_MAX; i++)
		if (period_arrival[i] - period_arrival[i - 1] < shortest)
			shortest = period_arrival[i] - period_arrival[i - 1];
	ok = got >= 2 && got <= want + 1 && (lossy || got + 1 >= want) &&
	     ticks_to_us(shortest) >= us / 2;
	return !report(ok, "timer-periodic",
		       "%u us period: %u taken in %u us (%u periods%s), "
		       "shortest gap %u us", us, got, ticks_to_us(span), want,
		       lossy ? ", some may fold" : "",
		       got >= 2 ? ticks_to_us(shortest) : 0);
}

uint32_t check_timer_masked(uint32_t us)
{
	uint32_t irr;

	irq_log_clear();
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_TIMER_ONESHOT |
		    MASKED_VECTOR);
	irq_enable();
	lapic_write(LAPIC_TIMER_INITIAL, timer_counts(us));
	spin_ticks(us_to_ticks(4 * (uint64_t)us));
	irq_disable();
	irr = lapic_vector_bit(LAPIC_IRR0, MASKED_VECTOR);
	timer_stop();
	return !report(!irq_log.count[MASKED_VECTOR] && !irr, "timer-masked",
		       "%u us one-shot, masked: taken %u times, IRR bit %u",
		       us, irq_log.count[MASKED_VECTOR], irr);
}

static bool has_deadline(void)
{
	return cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE;
}

static void deadline_mode(uint32_t vector)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_DEADLINE | vector);
}

/* Armed far away: the MSR reads back; disarmed with 0: nothing fires. */
static uint32_t check_deadline_disarm(void)
{
	uint64_t deadline, back;

	irq_log_clear();
	deadline_mode(DEADLINE_VECTOR);
	irq_enable();
	deadline = rdtsc() + us_to_ticks(FAR_DEADLINE_US);
	wrmsr(MSR_TSC_DEADLINE, deadline);
	back = rdmsr(MSR_TSC_DEADLINE);
	wrmsr(MSR_TSC_DEADLINE, 0);
	spin_ticks(us_to_ticks(2 * FAR_DEADLINE_US));
	irq_disable();
	timer_stop();
	return !report(back == deadline && !irq_log.count[DEADLINE_VECTOR],
		       "deadline-disarm",
		       "armed %llx, read back %llx; disarmed: taken %u times",
		       deadline, back, irq_log.count[DEADLINE_VECTOR]);
}

/* In deadline mode the initial count is ignored and current reads 0. */
static uint32_t check_deadline_count(uint32_t us)
{
	uint32_t current;

	irq_log_clear();
	deadline_mode(DEADLINE_VECTOR);
	irq_enable();
	lapic_write(LAPIC_TIMER_INITIAL, timer_counts(us));
	current = lapic_read(LAPIC_TIMER_CURRENT);
	spin_ticks(us_to_ticks(4 * (uint64_t)us));
	irq_disable();
	timer_stop();
	return !report(!current && !irq_log.count[DEADLINE_VECTOR],
		       "deadline-count",
		       "initial count written in deadline mode: current %u, "
		       "taken %u times", current,
		       irq_log.count[DEADLINE_VECTOR]);
}

uint32_t check_deadline(uint32_t us)
{
	uint64_t deadline, arrival, after;
	uint32_t failed;
	bool late;

	if (!has_deadline())
		return !report(false, "deadline", "CPUID.1:ECX[24] clear");
	irq_log_clear();
	deadline_mode(DEADLINE_VECTOR);
	irq_enable();
	deadline = rdtsc() + us_to_ticks(us);
	wrmsr(MSR_TSC_DEADLINE, deadline);
	wait_count(&irq_log.count[DEADLINE_VECTOR], 1, wait_ticks);
	spin_ticks(us_to_ticks(2 * (uint64_t)us));
	irq_disable();
	after = rdmsr(MSR_TSC_DEADLINE);
	timer_stop();
	arrival = irq_log.arrival[DEADLINE_VECTOR];
	late = arrival >= deadline;
	failed = !report(irq_log.count[DEADLINE_VECTOR] == 1 && late && !after,
			 "deadline",
			 "armed %u us ahead: taken %u times, %s by %u us; MSR "
			 "then %llx", us, irq_log.count[DEADLINE_VECTOR],
			 late ? "late" : "EARLY",
			 ticks_to_us(late ? arrival - deadline :
				     deadline - arrival), after);
	failed += check_deadline_disarm();
	return failed + check_deadline_count(us);
}

struct held_stats {
	uint32_t armed, taken, early, held, twice;
	uint64_t late_max, early_max;
};

/* One deadline `interval` ahead; its lateness (or earliness) counted. */
static void held_one(struct held_stats *st, uint64_t interval)
{
	uint64_t deadline = rdtsc() + interval, arrival;
	uint32_t before = irq_log.count[HELD_VECTOR];

	wrmsr(MSR_TSC_DEADLINE, deadline);
	st->armed++;
	if (!wait_count(&irq_log.count[HELD_VECTOR], before + 1, wait_ticks))
		return;
	st->taken++;
	arrival = irq_log.arrival[HELD_VECTOR];
	if (arrival < deadline) {
		st->early++;
		if (deadline - arrival > st->early_max)
			st->early_max = deadline - arrival;
	} else {
		if (arrival - deadline > st->late_max)
			st->late_max = arrival - deadline;
		if (ticks_to_us(arrival - deadline) > HELD_LATE_US)
			st->held++;
	}
}

/*
 * Deadlines `interval_us` apart for about total_us, each armed once the
 * previous one arrived. On a core shared in time some expire while the
 * partition is out of its window: they must arrive once, at its next
 * window's start (late by about the others' windows), never early.
 */
uint32_t check_held(uint32_t total_us, uint32_t interval_us)
{
	struct held_stats st = { 0 };
	uint32_t rounds = interval_us ? total_us / interval_us : 0;
	uint64_t interval = us_to_ticks(interval_us);

	if (!has_deadline())
		return !report(false, "held", "CPUID.1:ECX[24] clear");
	irq_log_clear();
	deadline_mode(HELD_VECTOR);
	irq_enable();
	for (uint32_t i = 0; i < rounds; i++)
		held_one(&st, interval);
	/* A second arrival of any of them would show now. */
	spin_ticks(4 * interval);
	irq_disable();
	timer_stop();
	st.twice = irq_log.count[HELD_VECTOR] - st.taken;
	printf("lapic-check: held: %u armed, %u taken, %u twice, %u early "
	       "(by at most %u us), late max %u us, %u later than %u us\n",
	       st.armed, st.taken, st.twice, st.early,
	       ticks_to_us(st.early_max), ticks_to_us(st.late_max), st.held,
	       HELD_LATE_US);
	return !report(st.armed && st.taken == st.armed && !st.early &&
		       !st.twice, "held",
		       "deadlines every %u us: %u armed, %u taken, none early "
		       "or twice", interval_us, st.armed, st.taken);
}
