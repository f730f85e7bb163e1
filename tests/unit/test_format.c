/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/format.h"

/* Formats with both our engine and the host's, and compares. */
#define SAME(fmt, ...)							\
	do {								\
		char ours[128], ref[128];				\
		int n1 = snformat(ours, sizeof(ours), fmt, __VA_ARGS__);	\
		int n2 = snprintf(ref, sizeof(ref), fmt, __VA_ARGS__);	\
		assert_string_equal(ours, ref);				\
		assert_int_equal(n1, n2);				\
	} while (0)

static void test_integers_match_the_c_library(void **state)
{
	(void)state;
	SAME("%d %i %u", 0, -1, 4000000000U);
	SAME("%d|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, -42, 42, 42);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%ld %lu %zu %td %jd", -7L, 7UL, (size_t)123, (ptrdiff_t)-5,
	     (intmax_t)INT64_MAX);
	SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	SAME("%x %X %#x %#X %08x %#010x", 0xbeef, 0xbeef, 0xbeef, 0xbeef,
	     0xbeef, 0xbeef);
	SAME("%llx %016llx", 0xfedcba9876543210ULL, 0x1234ULL);
	SAME("%o %#o %#o", 8, 8, 0);
	SAME("[%.0d] [%.0x] [%5.3d] [%-8.4x] [%.3d]", 0, 0, 7, 0xa, -7);
	SAME("[%*d] [%-*d] [%*d] [%.*d]", 6, 1, 6, 1, -6, 1, 4, 3);
	SAME("%+5d|%-+5d|% 05d", 3, 3, 3);
	SAME("%#x|%#o", 0, 0);
}

static void test_strings_and_chars(void **state)
{
	(void)state;
	SAME("[%s] [%8s] [%-8s] [%.2s] [%.*s]", "abc", "abc", "abc", "abc",
	     1, "abc");
	SAME("[%c] [%3c] [%-3c]", 'x', 'y', 'z');
	SAME("100%% %s", "sure");
}

static void test_null_string_and_pointers(void **state)
{
	char buf[64];
	const char *volatile null = NULL;	/* hidden from -Wformat */

	(void)state;
	snformat(buf, sizeof(buf), "%s|%.3s", null, null);
	assert_string_equal(buf, "(null)|(nu");
	snformat(buf, sizeof(buf), "%p", (void *)0x1234);
	assert_string_equal(buf, "0x0000000000001234");
	snformat(buf, sizeof(buf), "%p", (void *)0xffff800000000000ULL);
	assert_string_equal(buf, "0xffff800000000000");
}

static void test_unknown_conversion_is_shown(void **state)
{
	char buf[64];
	int n;

	(void)state;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	n = snformat(buf, sizeof(buf), "a%qb%5yc%d", 5);
#pragma GCC diagnostic pop
	assert_string_equal(buf, "a%qb%5yc5");
	assert_int_equal(n, 9);
}

static void test_truncation_and_return_value(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(snformat(buf, 5, "%s-%d", "hello", 12345), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'X');
	assert_int_equal(snformat(buf, 1, "%d", 99), 2);
	assert_string_equal(buf, "");
	buf[0] = 'Q';
	assert_int_equal(snformat(buf, 0, "%d", 99), 2);
	assert_int_equal(buf[0], 'Q');
}

struct sink_ctx {
	char text[64];
	int len;
};

static void collect(char c, void *ctx)
{
	struct sink_ctx *s = ctx;

	s->text[s->len++] = c;
}

static int via_sink(struct sink_ctx *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_v(collect, s, fmt, ap);
	va_end(ap);
	return n;
}

static void test_sink_receives_every_character(void **state)
{
	struct sink_ctx s = { .len = 0 };

	(void)state;
	assert_int_equal(via_sink(&s, "cpu %u: %s", 3, "up"), 9);
	assert_int_equal(s.len, 9);
	assert_memory_equal(s.text, "cpu 3: up", 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers_match_the_c_library),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_null_string_and_pointers),
		cmocka_unit_test(test_unknown_conversion_is_shown),
		cmocka_unit_test(test_truncation_and_return_value),
		cmocka_unit_test(test_sink_receives_every_character),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
