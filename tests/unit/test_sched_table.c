/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "kernel/sched.h"

#define MS	1000000ULL	/* ns */

/* Stand-ins: the table only stores the pointers. */
static struct vcpu *const fake_a = (struct vcpu *)0x1000;
static struct vcpu *const fake_b = (struct vcpu *)0x2000;

static struct core_sched s;

/* 20ms: a 5ms, b 10ms, idle 2ms, a 2ms, and 1ms of implicit idle. */
static void build_example(uint64_t hz)
{
	static struct schedule_config cfg = {
		.cpu = 1,
		.major_frame_ns = 20 * MS,
		.window_count = 4,
		.windows = { { 0, 5 * MS }, { 1, 10 * MS },
			     { CONFIG_WINDOW_IDLE, 2 * MS }, { 0, 2 * MS } },
	};
	struct vcpu *vcpu_of[2] = { fake_a, fake_b };

	sched_build(&s, &cfg, hz, vcpu_of);
}

static void test_build(void **state)
{
	(void)state;
	build_example(1000000000ULL);
	assert_int_equal(s.frame, 20000000);
	assert_int_equal(s.count, 5);
	assert_ptr_equal(s.windows[0].v, fake_a);
	assert_int_equal(s.windows[0].start, 0);
	assert_int_equal(s.windows[0].end, 5000000);
	assert_ptr_equal(s.windows[1].v, fake_b);
	assert_int_equal(s.windows[1].end, 15000000);
	assert_null(s.windows[2].v);
	assert_int_equal(s.windows[3].start, 17000000);
	assert_ptr_equal(s.windows[3].v, fake_a);
	/* The frame's rest is idle. */
	assert_null(s.windows[4].v);
	assert_int_equal(s.windows[4].start, 19000000);
	assert_int_equal(s.windows[4].end, 20000000);
}

/* Boundaries from offsets: no drift with a rate that does not divide. */
static void test_odd_rate(void **state)
{
	uint64_t hz = 2609123457ULL;

	(void)state;
	build_example(hz);
	for (unsigned int i = 0; i + 1 < s.count; i++)
		assert_int_equal(s.windows[i].end, s.windows[i + 1].start);
	assert_int_equal(s.windows[s.count - 1].end, s.frame);
	assert_int_equal(s.windows[1].end, 15 * hz / 1000);
}

static void test_slot_at(void **state)
{
	struct sched_slot slot;
	uint64_t f;

	(void)state;
	build_example(1000000000ULL);
	s.epoch = 1000000000ULL;
	f = s.frame;
	/* Before frame 0: idle until it starts. */
	sched_slot_at(&s, 5, &slot);
	assert_null(slot.w->v);
	assert_int_equal(slot.end, s.epoch);
	sched_slot_at(&s, s.epoch, &slot);
	assert_ptr_equal(slot.w->v, fake_a);
	assert_int_equal(slot.start, s.epoch);
	assert_int_equal(slot.end, s.epoch + 5000000);
	/* A boundary belongs to the window it starts. */
	sched_slot_at(&s, s.epoch + 3 * f + 5000000, &slot);
	assert_ptr_equal(slot.w->v, fake_b);
	assert_int_equal(slot.start, s.epoch + 3 * f + 5000000);
	assert_int_equal(slot.end, s.epoch + 3 * f + 15000000);
	sched_slot_at(&s, s.epoch + 7 * f + 16500000, &slot);
	assert_null(slot.w->v);
	assert_int_equal(slot.end, s.epoch + 7 * f + 17000000);
	sched_slot_at(&s, s.epoch + 7 * f + 18999999, &slot);
	assert_ptr_equal(slot.w->v, fake_a);
	assert_int_equal(slot.end, s.epoch + 7 * f + 19000000);
	/* The tail, and the next frame right after it. */
	sched_slot_at(&s, s.epoch + 8 * f - 1, &slot);
	assert_null(slot.w->v);
	assert_int_equal(slot.end, s.epoch + 8 * f);
	sched_slot_at(&s, s.epoch + 8 * f, &slot);
	assert_ptr_equal(slot.w->v, fake_a);
}

/* A table that fills the frame exactly has no idle tail. */
static void test_full_frame(void **state)
{
	static struct schedule_config cfg = {
		.major_frame_ns = 10 * MS,
		.window_count = 2,
		.windows = { { 0, 4 * MS }, { 1, 6 * MS } },
	};
	struct vcpu *vcpu_of[2] = { fake_a, fake_b };
	struct sched_slot slot;

	(void)state;
	sched_build(&s, &cfg, 3000000000ULL, vcpu_of);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.windows[1].end, s.frame);
	s.epoch = 0;
	sched_slot_at(&s, s.frame - 1, &slot);
	assert_ptr_equal(slot.w->v, fake_b);
}

static void test_median(void **state)
{
	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sched_late_median_us(&s), 0);
	s.late_us[2] = 10;
	s.late_us[7] = 9;
	assert_int_equal(sched_late_median_us(&s), 2);
	s.late_us[7] = 11;
	assert_int_equal(sched_late_median_us(&s), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_odd_rate),
		cmocka_unit_test(test_slot_at),
		cmocka_unit_test(test_full_frame),
		cmocka_unit_test(test_median),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
