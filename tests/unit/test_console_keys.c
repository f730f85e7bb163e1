/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/console_keys.h"

/* Feeds a string; collects what the partition gets and counts switches. */
static unsigned int feed(struct console_keys *k, const char *typed,
			 char *got)
{
	unsigned int switches = 0;
	size_t len = 0;

	for (const char *c = typed; *c; c++) {
		uint8_t out[CONSOLE_SWITCH_PRESSES];
		bool sw;
		unsigned int n = console_keys_feed(k, (uint8_t)*c, out, &sw);

		memcpy(got + len, out, n);
		len += n;
		switches += sw;
	}
	got[len] = '\0';
	return switches;
}

static void test_plain_keys_pass(void **state)
{
	struct console_keys k = { 0 };
	char got[32];

	(void)state;
	assert_int_equal(feed(&k, "ls -l\r", got), 0);
	assert_string_equal(got, "ls -l\r");
}

static void test_three_ctrl_a_switch(void **state)
{
	struct console_keys k = { 0 };
	char got[32];

	(void)state;
	assert_int_equal(feed(&k, "a\x01\x01\x01" "b", got), 1);
	assert_string_equal(got, "ab");
	/* Six in a row: two switches, nothing typed. */
	assert_int_equal(feed(&k, "\x01\x01\x01\x01\x01\x01", got), 2);
	assert_string_equal(got, "");
}

static void test_broken_sequence_is_typed(void **state)
{
	struct console_keys k = { 0 };
	char got[32];

	(void)state;
	/* One and two Ctrl-As reach the partition, before the next key. */
	assert_int_equal(feed(&k, "\x01x\x01\x01y", got), 0);
	assert_string_equal(got, "\x01x\x01\x01y");
	/* Held back until a key decides: nothing yet. */
	assert_int_equal(feed(&k, "\x01\x01", got), 0);
	assert_string_equal(got, "");
	assert_int_equal(feed(&k, "z", got), 0);
	assert_string_equal(got, "\x01\x01z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_keys_pass),
		cmocka_unit_test(test_three_ctrl_a_switch),
		cmocka_unit_test(test_broken_sequence_is_typed),
	};

	return cmocka_run_group_tests_name("console_keys", tests, NULL, NULL);
}
