/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/frame_alloc.h"
#include "lib/errno.h"

#define MIB (1024ULL * 1024)
#define PG 4096ULL

static struct frame_allocator fa;

static int setup(void **state)
{
	(void)state;
	frame_alloc_init(&fa);
	return 0;
}

static void test_low_memory_and_partial_pages_are_dropped(void **state)
{
	(void)state;
	assert_int_equal(frame_alloc_add(&fa, 0, 2 * MIB), 0);
	assert_int_equal(fa.count, 1);
	assert_int_equal(fa.ranges[0].base, MIB);
	assert_int_equal(fa.ranges[0].end, 2 * MIB);
	/* 0x2000100..0x2003f00 holds two whole pages. */
	assert_int_equal(frame_alloc_add(&fa, 0x2000100, 0x3e00), 0);
	assert_int_equal(fa.ranges[1].base, 0x2001000);
	assert_int_equal(fa.ranges[1].end, 0x2003000);
	/* Entirely below 1 MiB: nothing added. */
	assert_int_equal(frame_alloc_add(&fa, 0x1000, 0x9000), 0);
	assert_int_equal(fa.count, 2);
}

static void test_adjacent_and_overlapping_ranges_merge(void **state)
{
	(void)state;
	frame_alloc_add(&fa, 8 * MIB, MIB);
	frame_alloc_add(&fa, 4 * MIB, MIB);
	frame_alloc_add(&fa, 5 * MIB, MIB);		/* touches the first */
	frame_alloc_add(&fa, 6 * MIB, 3 * MIB);		/* bridges to 8 MiB */
	assert_int_equal(fa.count, 1);
	assert_int_equal(fa.ranges[0].base, 4 * MIB);
	assert_int_equal(fa.ranges[0].end, 9 * MIB);
}

static void test_ranges_stay_sorted(void **state)
{
	(void)state;
	frame_alloc_add(&fa, 30 * MIB, MIB);
	frame_alloc_add(&fa, 10 * MIB, MIB);
	frame_alloc_add(&fa, 20 * MIB, MIB);
	assert_int_equal(fa.count, 3);
	assert_int_equal(fa.ranges[0].base, 10 * MIB);
	assert_int_equal(fa.ranges[1].base, 20 * MIB);
	assert_int_equal(fa.ranges[2].base, 30 * MIB);
}

static void test_allocates_from_the_top_and_accounts(void **state)
{
	(void)state;
	frame_alloc_add(&fa, 16 * MIB, 16 * MIB);
	assert_int_equal(frame_alloc_pages(&fa, 1, PG, FRAME_NO_LIMIT),
			 32 * MIB - PG);
	assert_int_equal(frame_alloc_pages(&fa, 2, PG, FRAME_NO_LIMIT),
			 32 * MIB - 3 * PG);
	assert_int_equal(fa.allocated_bytes, 3 * PG);
	assert_int_equal(frame_alloc_free_bytes(&fa), 16 * MIB - 3 * PG);
}

static void test_alignment_splits_a_range(void **state)
{
	uint64_t p;

	(void)state;
	frame_alloc_add(&fa, 2 * MIB, 3 * MIB - PG);	/* ends at 5 MiB - 4K */
	p = frame_alloc_pages(&fa, 512, 2 * MIB, FRAME_NO_LIMIT);
	assert_int_equal(p, 2 * MIB);
	assert_int_equal(fa.count, 1);
	assert_int_equal(fa.ranges[0].base, 4 * MIB);
	frame_alloc_init(&fa);
	frame_alloc_add(&fa, 1 * MIB, 8 * MIB);	/* [1, 9) MiB */
	p = frame_alloc_pages(&fa, 512, 4 * MIB, 7 * MIB);
	assert_int_equal(p, 4 * MIB);
	assert_int_equal(fa.count, 2);			/* a hole in the middle */
	assert_int_equal(fa.ranges[0].end, 4 * MIB);
	assert_int_equal(fa.ranges[1].base, 6 * MIB);
}

static void test_limit_is_respected(void **state)
{
	(void)state;
	frame_alloc_add(&fa, 2 * MIB, 2 * MIB);
	frame_alloc_add(&fa, 0x100000000ULL, 64 * MIB);
	assert_int_equal(frame_alloc_pages(&fa, 1, PG, 0x100000000ULL),
			 4 * MIB - PG);
	assert_int_equal(frame_alloc_pages(&fa, 1, PG, FRAME_NO_LIMIT),
			 0x100000000ULL + 64 * MIB - PG);
}

static void test_failures_return_zero(void **state)
{
	(void)state;
	frame_alloc_add(&fa, 2 * MIB, 4 * PG);
	assert_int_equal(frame_alloc_pages(&fa, 5, PG, FRAME_NO_LIMIT), 0);
	assert_int_equal(frame_alloc_pages(&fa, 0, PG, FRAME_NO_LIMIT), 0);
	assert_int_equal(frame_alloc_pages(&fa, 1, 3 * PG, FRAME_NO_LIMIT), 0);
	assert_int_equal(frame_alloc_pages(&fa, 1, PG, 2 * MIB), 0);
	assert_int_equal(frame_alloc_pages(&fa, 4, PG, FRAME_NO_LIMIT), 2 * MIB);
	assert_int_equal(fa.count, 0);
	assert_int_equal(frame_alloc_pages(&fa, 1, PG, FRAME_NO_LIMIT), 0);
}

static void test_full_table_reports_dropped_memory(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MAX_FREE_RANGES; i++)
		assert_int_equal(frame_alloc_add(&fa, (16 + 2 * i) * MIB, MIB), 0);
	assert_int_equal(frame_alloc_add(&fa, 4096 * MIB, MIB), -ENOSPC);
	assert_int_equal(fa.dropped_bytes, MIB);
	/* A split that needs a new slot fails cleanly, taking nothing. */
	assert_int_equal(frame_alloc_pages(&fa, 1, PG, 16 * MIB + 2 * PG), 0);
	assert_int_equal(fa.allocated_bytes, 0);
}

static void test_overflowing_range_rejected(void **state)
{
	(void)state;
	assert_int_equal(frame_alloc_add(&fa, ~0ULL - PG, 2 * PG), -EINVAL);
	assert_int_equal(fa.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_low_memory_and_partial_pages_are_dropped, setup),
		cmocka_unit_test_setup(test_adjacent_and_overlapping_ranges_merge, setup),
		cmocka_unit_test_setup(test_ranges_stay_sorted, setup),
		cmocka_unit_test_setup(test_allocates_from_the_top_and_accounts, setup),
		cmocka_unit_test_setup(test_alignment_splits_a_range, setup),
		cmocka_unit_test_setup(test_limit_is_respected, setup),
		cmocka_unit_test_setup(test_failures_return_zero, setup),
		cmocka_unit_test_setup(test_full_table_reports_dropped_memory, setup),
		cmocka_unit_test_setup(test_overflowing_range_rejected, setup),
	};

	return cmocka_run_group_tests_name("frame_alloc", tests, NULL, NULL);
}
