/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/msi_post_table.h"
#include "lib/errno.h"

static struct msi_post_table t;

static void expect_target(int vector, unsigned int owner, uint8_t guest)
{
	unsigned int o = ~0U;
	uint8_t g = 0;

	assert_true(msi_post_table_lookup(&t, (uint8_t)vector, &o, &g));
	assert_int_equal(o, owner);
	assert_int_equal(g, guest);
}

static void test_set_and_lookup(void **state)
{
	int a, b;

	(void)state;
	msi_post_table_init(&t);
	a = msi_post_table_set(&t, 0x2000, 0, 0x40);
	b = msi_post_table_set(&t, 0x2001, 1, 0x41);
	assert_int_equal(a, MSI_POST_FIRST_VECTOR);
	assert_int_equal(b, MSI_POST_FIRST_VECTOR + 1);
	expect_target(a, 0, 0x40);
	expect_target(b, 1, 0x41);
	assert_int_equal(msi_post_table_used(&t), 2);
}

/* The guest reprograms a source: same vector, new target. */
static void test_source_keeps_its_vector(void **state)
{
	int a;

	(void)state;
	msi_post_table_init(&t);
	a = msi_post_table_set(&t, 7, 0, 0x40);
	assert_int_equal(msi_post_table_set(&t, 7, 2, 0x51), a);
	expect_target(a, 2, 0x51);
	assert_int_equal(msi_post_table_used(&t), 1);
}

/* Vectors outside the range, and free ones, stand for nothing. */
static void test_lookup_misses(void **state)
{
	unsigned int o;
	uint8_t g;

	(void)state;
	msi_post_table_init(&t);
	assert_false(msi_post_table_lookup(&t, MSI_POST_FIRST_VECTOR, &o, &g));
	msi_post_table_set(&t, 1, 0, 0x40);
	assert_false(msi_post_table_lookup(&t, MSI_POST_FIRST_VECTOR - 1, &o,
					   &g));
	assert_false(msi_post_table_lookup(&t, MSI_POST_END_VECTOR, &o, &g));
	assert_false(msi_post_table_lookup(&t, 0xff, &o, &g));
	assert_false(msi_post_table_lookup(&t, MSI_POST_FIRST_VECTOR + 1, &o,
					   &g));
}

/*
 * A freed vector is reused last (the next one is handed out first), and
 * until then a message still on its way reaches the old target.
 */
static void test_freed_vector_reused_last(void **state)
{
	int a, b, c;

	(void)state;
	msi_post_table_init(&t);
	a = msi_post_table_set(&t, 1, 0, 0x40);
	b = msi_post_table_set(&t, 2, 0, 0x41);
	assert_true(msi_post_table_clear(&t, 1));
	assert_false(msi_post_table_clear(&t, 1));
	assert_int_equal(msi_post_table_used(&t), 1);
	expect_target(a, 0, 0x40);
	c = msi_post_table_set(&t, 3, 0, 0x42);
	assert_int_equal(c, b + 1);
	assert_int_not_equal(c, a);
	/* Source 1 comes back: a vector of its own again, a new one. */
	assert_int_equal(msi_post_table_set(&t, 1, 1, 0x50), c + 1);
}

/* Once every other vector is taken, the retired one is handed out. */
static void test_retired_vector_reused(void **state)
{
	int a, v;

	(void)state;
	msi_post_table_init(&t);
	a = msi_post_table_set(&t, 1, 0, 0x40);
	assert_true(msi_post_table_clear(&t, 1));
	for (unsigned int i = 1; i < MSI_POST_VECTORS; i++)
		assert_int_equal(msi_post_table_set(&t, 100 + i, 0, 0x41),
				 MSI_POST_FIRST_VECTOR + (int)i);
	v = msi_post_table_set(&t, 2, 3, 0x60);
	assert_int_equal(v, a);
	expect_target(v, 3, 0x60);
	assert_int_equal(msi_post_table_set(&t, 5, 0, 0x40), -ENOSPC);
}

/* All taken: -ENOSPC, until one is freed; then the search wraps. */
static void test_full_then_wraps(void **state)
{
	int v;

	(void)state;
	msi_post_table_init(&t);
	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++) {
		v = msi_post_table_set(&t, 100 + i, i % 3, (uint8_t)(0x30 + i));
		assert_int_equal(v, MSI_POST_FIRST_VECTOR + (int)i);
	}
	assert_int_equal(msi_post_table_used(&t), MSI_POST_VECTORS);
	assert_int_equal(msi_post_table_set(&t, 999, 0, 0x40), -ENOSPC);
	/* A source that holds one still gets it. */
	assert_int_equal(msi_post_table_set(&t, 105, 1, 0x99),
			 MSI_POST_FIRST_VECTOR + 5);
	assert_true(msi_post_table_clear(&t, 110));
	assert_int_equal(msi_post_table_set(&t, 999, 0, 0x40),
			 MSI_POST_FIRST_VECTOR + 10);
	expect_target(MSI_POST_FIRST_VECTOR + 10, 0, 0x40);
}

/* A partition stops: its vectors go, its neighbour's stay. */
static void test_clear_owner(void **state)
{
	int a, b, c;

	(void)state;
	msi_post_table_init(&t);
	a = msi_post_table_set(&t, 1, 0, 0x40);
	b = msi_post_table_set(&t, 2, 1, 0x40);
	c = msi_post_table_set(&t, 3, 0, 0x41);
	msi_post_table_set(&t, 4, 0, 0x42);
	assert_true(msi_post_table_clear(&t, 4));
	/* The retired one is forgotten too, and not counted. */
	assert_int_equal(msi_post_table_clear_owner(&t, 0), 2);
	{
		unsigned int o;
		uint8_t g;

		assert_false(msi_post_table_lookup(&t, (uint8_t)(c + 1), &o,
						   &g));
	}
	assert_int_equal(msi_post_table_clear_owner(&t, 0), 0);
	expect_target(b, 1, 0x40);
	{
		unsigned int o;
		uint8_t g;

		assert_false(msi_post_table_lookup(&t, (uint8_t)a, &o, &g));
		assert_false(msi_post_table_lookup(&t, (uint8_t)c, &o, &g));
	}
	assert_int_equal(msi_post_table_used(&t), 1);
}

static int vector_of(uint32_t source, unsigned int owner, uint8_t guest)
{
	return msi_post_table_set(&t, source, owner, guest);
}

static void expect_mask(unsigned int running, uint32_t source)
{
	uint32_t got = ~0U;

	assert_true(msi_post_table_next_mask(&t, running, &got));
	assert_int_equal(got, source);
}

static void expect_unmask(unsigned int owner, uint32_t source)
{
	uint32_t got = ~0U;

	assert_true(msi_post_table_next_unmask(&t, owner, &got));
	assert_int_equal(got, source);
}

/*
 * A message while owner 0 is out: its source is masked once, however
 * often it asks, and unmasked once before owner 0 runs.
 */
static void test_mask_then_unmask(void **state)
{
	uint32_t got;
	int a;

	(void)state;
	msi_post_table_init(&t);
	a = vector_of(0x2000, 0, 0x40);
	vector_of(0x2001, 1, 0x41);
	assert_false(msi_post_table_mask_pending(&t, 1));
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	assert_true(msi_post_table_mask_pending(&t, 1));
	expect_mask(1, 0x2000);
	assert_false(msi_post_table_next_mask(&t, 1, &got));
	assert_false(msi_post_table_mask_pending(&t, 1));
	assert_int_equal(t.masks, 1);
	/* Another message, on its way when it was masked: still masked. */
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	assert_false(msi_post_table_next_mask(&t, 1, &got));
	assert_int_equal(t.masks, 1);
	/* Owner 1 runs again: nothing of its own to unmask. */
	assert_false(msi_post_table_next_unmask(&t, 1, &got));
	assert_true(msi_post_table_mask_pending(&t, 0));
	expect_unmask(0, 0x2000);
	assert_false(msi_post_table_next_unmask(&t, 0, &got));
	assert_false(msi_post_table_mask_pending(&t, 0));
	/* The next gap masks it again. */
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	expect_mask(1, 0x2000);
	assert_int_equal(t.masks, 2);
}

/* The owner is the one running by the time the core gets to it. */
static void test_running_owner_not_masked(void **state)
{
	uint32_t got;
	int a;

	(void)state;
	msi_post_table_init(&t);
	a = vector_of(5, 2, 0x40);
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	assert_false(msi_post_table_next_mask(&t, 2, &got));
	assert_false(msi_post_table_next_unmask(&t, 2, &got));
	assert_false(msi_post_table_mask_pending(&t, 2));
	assert_int_equal(t.masks, 0);
}

/* Free, retired and out-of-range vectors, and owners from 32 on. */
static void test_want_mask_misses(void **state)
{
	uint32_t got;
	int a, far;

	(void)state;
	msi_post_table_init(&t);
	assert_false(msi_post_table_want_mask(&t, MSI_POST_FIRST_VECTOR));
	assert_false(msi_post_table_want_mask(&t, MSI_POST_END_VECTOR));
	a = vector_of(9, 0, 0x40);
	msi_post_table_clear(&t, 9);
	assert_false(msi_post_table_want_mask(&t, (uint8_t)a));
	far = vector_of(10, MSI_POST_MASK_OWNERS, 0x40);
	assert_false(msi_post_table_want_mask(&t, (uint8_t)far));
	assert_false(msi_post_table_next_mask(&t, ~0U, &got));
}

/*
 * Rewritten between the message and the core's turn, or while masked:
 * the caller wrote its IOMMU entry again, unmasked. A new owner or guest
 * vector is left so (the message set the old one's IRR bit, not the new
 * one's); the same is masked (again), since further messages would
 * merge into that bit.
 */
static void test_rewritten_before_masking(void **state)
{
	uint32_t got;
	int a;

	(void)state;
	msi_post_table_init(&t);
	a = vector_of(3, 0, 0x40);
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	vector_of(3, 0, 0x41);
	assert_false(msi_post_table_next_mask(&t, 1, &got));
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	vector_of(3, 0, 0x41);
	expect_mask(1, 3);
	vector_of(3, 0, 0x41);
	assert_true(msi_post_table_mask_pending(&t, 1));
	expect_mask(1, 3);
	assert_false(msi_post_table_next_mask(&t, 1, &got));
	assert_int_equal(t.masks, 2);
	vector_of(3, 1, 0x41);
	assert_false(msi_post_table_mask_pending(&t, 1));
	/* Freed and handed to another source: not masked for the old. */
	vector_of(3, 0, 0x41);
	assert_true(msi_post_table_want_mask(&t, (uint8_t)a));
	msi_post_table_clear(&t, 3);
	assert_false(msi_post_table_next_mask(&t, 1, &got));
}

/* Rewritten or freed while masked: nothing left to unmask. */
static void test_rewritten_while_masked(void **state)
{
	uint32_t got;
	int a, b;

	(void)state;
	msi_post_table_init(&t);
	a = vector_of(1, 0, 0x40);
	b = vector_of(2, 0, 0x41);
	msi_post_table_want_mask(&t, (uint8_t)a);
	msi_post_table_want_mask(&t, (uint8_t)b);
	expect_mask(1, 1);
	expect_mask(1, 2);
	assert_false(msi_post_table_next_mask(&t, 1, &got));
	vector_of(1, 0, 0x42);
	msi_post_table_clear(&t, 2);
	assert_false(msi_post_table_next_unmask(&t, 0, &got));
	assert_false(msi_post_table_mask_pending(&t, 0));
}

/* A stopped owner's masks go with its vectors; the others' stay. */
static void test_clear_owner_forgets_masks(void **state)
{
	uint32_t got;
	int a, b;

	(void)state;
	msi_post_table_init(&t);
	a = vector_of(1, 0, 0x40);
	b = vector_of(2, 1, 0x40);
	msi_post_table_want_mask(&t, (uint8_t)a);
	msi_post_table_want_mask(&t, (uint8_t)b);
	expect_mask(2, 1);
	expect_mask(2, 2);
	assert_int_equal(msi_post_table_clear_owner(&t, 0), 1);
	assert_false(msi_post_table_next_unmask(&t, 0, &got));
	expect_unmask(1, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_lookup),
		cmocka_unit_test(test_source_keeps_its_vector),
		cmocka_unit_test(test_lookup_misses),
		cmocka_unit_test(test_freed_vector_reused_last),
		cmocka_unit_test(test_retired_vector_reused),
		cmocka_unit_test(test_full_then_wraps),
		cmocka_unit_test(test_clear_owner),
		cmocka_unit_test(test_mask_then_unmask),
		cmocka_unit_test(test_running_owner_not_masked),
		cmocka_unit_test(test_want_mask_misses),
		cmocka_unit_test(test_rewritten_before_masking),
		cmocka_unit_test(test_rewritten_while_masked),
		cmocka_unit_test(test_clear_owner_forgets_masks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
