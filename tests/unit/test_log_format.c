/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/log_format.h"

static size_t line(char *buf, size_t size, enum log_level level,
		   uint64_t us, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = log_format_line(buf, size, level, us, fmt, ap);
	va_end(ap);
	return n;
}

static void test_timestamp_and_level_prefix(void **state)
{
	char buf[LOG_LINE_MAX];
	size_t n;

	(void)state;
	n = line(buf, sizeof(buf), LOG_INFO, 1234567, "CPU %u up", 2);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "[    1.234567] CPU 2 up\n");
	line(buf, sizeof(buf), LOG_ERROR, 0, "bad");
	assert_string_equal(buf, "[    0.000000] error: bad\n");
	line(buf, sizeof(buf), LOG_WARN, 99999000000ULL, "late");
	assert_string_equal(buf, "[99999.000000] warning: late\n");
	line(buf, sizeof(buf), LOG_DEBUG, 5, "x");
	assert_string_equal(buf, "[    0.000005] debug: x\n");
}

static void test_exactly_one_newline(void **state)
{
	char buf[LOG_LINE_MAX];

	(void)state;
	line(buf, sizeof(buf), LOG_INFO, 0, "ends with newline\n\n");
	assert_string_equal(buf, "[    0.000000] ends with newline\n");
}

static void test_long_message_is_cut_but_ends_the_line(void **state)
{
	char buf[32];
	size_t n;

	(void)state;
	n = line(buf, sizeof(buf), LOG_INFO, 0, "%s",
		 "a message far longer than the buffer");
	assert_int_equal(n, sizeof(buf) - 1);
	assert_int_equal(strlen(buf), n);
	assert_int_equal(buf[n - 1], '\n');
	assert_memory_equal(buf, "[    0.000000] a message far l", 30);
	assert_int_equal(line(buf, 1, LOG_INFO, 0, "x"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamp_and_level_prefix),
		cmocka_unit_test(test_exactly_one_newline),
		cmocka_unit_test(test_long_message_is_cut_but_ends_the_line),
	};

	return cmocka_run_group_tests_name("log_format", tests, NULL, NULL);
}
