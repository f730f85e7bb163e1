/* SPDX-License-Identifier: BSD-2-Clause */
/* The watchdog word's transitions (kernel/watchdog_state.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/watchdog_state.h"

static void test_pet_arms_and_moves_the_deadline(void **state)
{
	uint64_t word;

	(void)state;
	word = watchdog_after_pet(WATCHDOG_UNARMED, 1000, 500);
	assert_int_equal(word, 1500);
	word = watchdog_after_pet(word, 1400, 500);
	assert_int_equal(word, 1900);
	/* A late pet that no checker saw yet still counts. */
	assert_int_equal(watchdog_after_pet(word, 2500, 500), 3000);
}

static void test_fired_stays_fired(void **state)
{
	(void)state;
	assert_int_equal(watchdog_after_pet(WATCHDOG_FIRED, 10, 500),
			 WATCHDOG_FIRED);
}

static void test_due_time_never_a_marker(void **state)
{
	uint64_t word;

	(void)state;
	word = watchdog_after_pet(WATCHDOG_UNARMED, WATCHDOG_FIRED - 5, 5);
	assert_true(word != WATCHDOG_FIRED && word != WATCHDOG_UNARMED);
	word = watchdog_after_pet(WATCHDOG_UNARMED, WATCHDOG_FIRED - 5, 100);
	assert_true(word != WATCHDOG_FIRED && word != WATCHDOG_UNARMED);
	assert_true(word >= WATCHDOG_FIRED - 5);
}

static void test_overdue(void **state)
{
	(void)state;
	assert_false(watchdog_overdue(WATCHDOG_UNARMED, 12345));
	assert_false(watchdog_overdue(WATCHDOG_FIRED, WATCHDOG_FIRED));
	assert_false(watchdog_overdue(1500, 1499));
	assert_true(watchdog_overdue(1500, 1500));
	assert_true(watchdog_overdue(1500, 99999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pet_arms_and_moves_the_deadline),
		cmocka_unit_test(test_fired_stays_fired),
		cmocka_unit_test(test_due_time_never_a_marker),
		cmocka_unit_test(test_overdue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
