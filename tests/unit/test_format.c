/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"

/* Room for the longest row below plus canary bytes that must survive. */
#define BUF_MAX		160
#define CANARY		'#'

/*
 * Runs our engine and the host's vsnprintf at one buffer size and compares
 * the return values and the whole buffers, so a write past size (or any
 * write at size 0) shows up as a clobbered canary.
 */
static bool same_at_size(size_t size, const char *fmt, va_list ap)
{
	char ours[BUF_MAX], ref[BUF_MAX];
	va_list a1, a2;
	int n_ours, n_ref;

	memset(ours, CANARY, sizeof(ours));
	memset(ref, CANARY, sizeof(ref));
	va_copy(a1, ap);
	n_ours = vsnformat(ours, size, fmt, a1);
	va_end(a1);
	va_copy(a2, ap);
	n_ref = vsnprintf(ref, size, fmt, a2);
	va_end(a2);
	if (n_ours == n_ref && memcmp(ours, ref, sizeof(ours)) == 0)
		return true;
	print_error("\"%s\" size %zu: ours %d [%.*s], libc %d [%.*s]\n",
		    fmt, size, n_ours, BUF_MAX, ours, n_ref, BUF_MAX, ref);
	return false;
}

/*
 * Checks every buffer size from 0 to one past the full length, so each row
 * also tests truncation at every boundary, not only the complete output.
 */
static void __attribute__((format(printf, 3, 4)))
check_like_libc(const char *file, int line, const char *fmt, ...)
{
	va_list ap, probe;
	int full;

	va_start(ap, fmt);
	va_copy(probe, ap);
	full = vsnprintf(NULL, 0, fmt, probe);
	va_end(probe);
	if (full < 0 || full + 2 > BUF_MAX) {
		print_error("row too long for the test buffer: \"%s\"\n", fmt);
		_fail(file, line);
	}
	for (size_t size = 0; size <= (size_t)full + 1; size++) {
		if (!same_at_size(size, fmt, ap)) {
			va_end(ap);
			_fail(file, line);
		}
	}
	va_end(ap);
}

#define SAME(fmt, ...) check_like_libc(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

static void test_signed_decimal(void **state)
{
	(void)state;
	SAME("%d %i %d %i", 0, 1, -1, 123456789);
	SAME("%d %d", INT32_MIN, INT32_MAX);
	SAME("%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
	SAME("%ld %ld", (long)INT64_MIN, -9L);
	SAME("[%+d] [%+d] [%+d] [% d] [% d]", 5, -5, 0, 5, -5);
	SAME("[%+lld] [% lld]", (long long)INT64_MIN, (long long)INT64_MAX);
}

static void test_unsigned_hex_octal(void **state)
{
	(void)state;
	SAME("%u %u %u", 0U, 1U, UINT32_MAX);
	SAME("%llu %llx %llX %llo", (unsigned long long)UINT64_MAX,
	     (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	     (unsigned long long)UINT64_MAX);
	SAME("%x %X %x %X", 0xbeefU, 0xbeefU, 0U, 0xABCDEF01U);
	SAME("%o %o %o", 0U, 8U, 0777U);
	SAME("%lx %llx", 0xfedcba9876543210UL, 0x1ULL);
	/* Signed values through unsigned conversions wrap at the int size. */
	SAME("%u %x %o", -1, -1, -1);
}

static void test_alternate_form(void **state)
{
	(void)state;
	SAME("[%#x] [%#X] [%#o] [%#llx]", 0xbeefU, 0xbeefU, 8U,
	     (unsigned long long)UINT64_MAX);
	/* C drops 0x for zero, and octal never doubles its leading 0. */
	SAME("[%#x] [%#X] [%#o] [%#o]", 0U, 0U, 0U, 01U);
	SAME("[%#10x] [%#-10x] [%#010x] [%#010X]", 0x1fU, 0x1fU, 0x1fU, 0x1fU);
	SAME("[%#.5x] [%#.5o] [%#.2o] [%#8.3o]", 0xaU, 8U, 8U, 8U);
	SAME("[%#.0x] [%#.0o] [%.0o]", 0U, 0U, 0U);
}

static void test_length_modifiers(void **state)
{
	(void)state;
	SAME("%hhd %hhu %hhx %hd %hu %hx", (signed char)-128,
	     (unsigned char)255, (unsigned char)0xab, (short)-32768,
	     (unsigned short)65535, (unsigned short)0xabcd);
	/* hh and h must cut back what was promoted to int; Clang warns. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("%hhd %hhd %hhu %hhx", 300, -129, 300, 0x1ff);
	SAME("%hd %hd %hu %hx", 70000, -32769, 70000, 0x1ffff);
	SAME("%hhi %hi", 255, 65535);
#pragma GCC diagnostic pop
	SAME("%ld %lu %lx", -7L, (unsigned long)UINT64_MAX, 0x123456789aUL);
	SAME("%lld %llu", -7LL, 7ULL);
	SAME("%zu %zx %zd", (size_t)UINT64_MAX, (size_t)0xabcdef,
	     (ptrdiff_t)-3);
	SAME("%td %tu %tx", (ptrdiff_t)INT64_MIN, (size_t)42,
	     (size_t)UINT64_MAX);
	SAME("%jd %ju %jx %jo", (intmax_t)INT64_MIN, (uintmax_t)UINT64_MAX,
	     (uintmax_t)0xdead, (uintmax_t)64);
	SAME("%li %lli %zi %ti %ji", -1L, -1LL, (ptrdiff_t)9, (ptrdiff_t)-9,
	     (intmax_t)-1);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	SAME("[%5d] [%-5d] [%05d] [%05d] [%1d] [%0d]", 42, 42, 42, -42, 42, 7);
	SAME("[%+05d] [% 05d] [%+-6d|] [%- 6d|]", 42, 42, 42, 42);
	SAME("[%08x] [%-8X|] [%08o]", 0xbeefU, 0xbeefU, 8U);
	SAME("[%25lld] [%-25lld|] [%025lld]", (long long)INT64_MIN,
	     (long long)INT64_MIN, (long long)INT64_MIN);
	SAME("[%22llu] [%022llo]", (unsigned long long)UINT64_MAX,
	     (unsigned long long)UINT64_MAX);
}

static void test_precision(void **state)
{
	(void)state;
	/* Zero with precision 0 prints no digits at all. */
	SAME("[%.0d] [%.0i] [%.0u] [%.0x] [%.0X] [%.0o] [%.d]", 0, 0, 0U, 0U,
	     0U, 0U, 0);
	SAME("[%5.0d] [%-5.0x|] [%+.0d] [% .0d]", 0, 0U, 0, 0);
	SAME("[%.3d] [%.3d] [%.1d] [%.10u] [%.8x]", 7, -7, 123, 42U, 0xabU);
	SAME("[%8.3d] [%-8.3d|] [%+8.3d]", -7, 7, 7);
	SAME("[%.20lld] [%.20llu]", (long long)INT64_MIN,
	     (unsigned long long)UINT64_MAX);
}

/*
 * Flags that cancel others: GCC warns that they are ignored, and checking
 * that they are ignored is the point here.
 */
static void test_flag_precedence(void **state)
{
	(void)state;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	SAME("[%+ d] [% +d] [%+ d]", 5, 5, -5);
	SAME("[%-05d|] [%0-5d|] [%-05x|]", 42, 42, 0xaU);
	SAME("[%08.3d] [%08.3d] [%+08.3d] [%08.0x] [%#08.3x]", 7, -7, 7, 0U,
	     0xaU);
	/* With a negative '*' precision there is none, so 0 pads again. */
	SAME("[%0*.*d] [%0*.*d]", 6, -1, 42, 6, 2, 42);
#pragma GCC diagnostic pop
}

static void test_star_arguments(void **state)
{
	(void)state;
	SAME("[%*d] [%-*d] [%.*d] [%*.*d]", 6, 1, 6, 1, 4, 3, 7, 3, 5);
	/* A negative '*' width means left-justify with its magnitude. */
	SAME("[%*d] [%*x] [%*s] [%*c]", -6, 1, -5, 0xaU, -4, "ab", -3, 'z');
	SAME("[%0*d] [%-*d]", -6, 1, -6, 1);
	/* A negative '*' precision counts as none. */
	SAME("[%.*d] [%.*s] [%.*x]", -1, 0, -3, "hello", -2, 0U);
	SAME("[%*.*s] [%-*.*s|]", 8, 3, "abcdef", 8, 3, "abcdef");
	SAME("[%*d] [%*d]", 0, 5, -1, 5);
}

static void test_strings_and_chars(void **state)
{
	(void)state;
	SAME("[%s] [%s] [%8s] [%-8s|] [%2s]", "abc", "", "abc", "abc", "abc");
	SAME("[%.2s] [%.0s] [%.10s] [%6.2s] [%-6.2s|]", "abc", "abc", "abc",
	     "abc", "abc");
	SAME("[%c] [%3c] [%-3c|] [%c]", 'x', 'y', 'z', 0xff);
	/* A NUL from %c is part of the output and of the count. */
	SAME("a%cb", '\0');
	SAME("100%% %s%%", "sure");
	SAME("%s", "no conversions here, just a longer run of plain text");
}

static void test_precision_bounds_string_reads(void **state)
{
	/* Not NUL-terminated: reading s[3] would be a bug ASan catches. */
	const char unterminated[3] = { 'a', 'b', 'c' };
	char buf[16];

	(void)state;
	assert_int_equal(snformat(buf, sizeof(buf), "[%.3s]", unterminated), 5);
	assert_string_equal(buf, "[abc]");
	assert_int_equal(snformat(buf, sizeof(buf), "[%.*s]", 2, unterminated),
			 4);
	assert_string_equal(buf, "[ab]");
}

/* glibc prints "(nil)" for a NULL %p and "(null)" only sometimes for %s. */
static void test_null_string(void **state)
{
	const char *volatile null = NULL;	/* hidden from -Wformat */
	char buf[64];

	(void)state;
	assert_int_equal(snformat(buf, sizeof(buf), "%s", null), 6);
	assert_string_equal(buf, "(null)");
	snformat(buf, sizeof(buf), "[%.3s] [%8s] [%-8s]", null, null, null);
	assert_string_equal(buf, "[(nu] [  (null)] [(null)  ]");
}

static void test_pointers(void **state)
{
	void *volatile null = NULL;
	char buf[64];

	(void)state;
	assert_int_equal(snformat(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	assert_string_equal(buf, "0x0000000000001234");
	snformat(buf, sizeof(buf), "%p", (void *)0xffff800000000000ULL);
	assert_string_equal(buf, "0xffff800000000000");
	snformat(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX);
	assert_string_equal(buf, "0xffffffffffffffff");
	/* NULL keeps the fixed shape, unlike %#x of zero. */
	snformat(buf, sizeof(buf), "%p", null);
	assert_string_equal(buf, "0x0000000000000000");
	snformat(buf, sizeof(buf), "[%20p] [%-20p]", (void *)0xab,
		 (void *)0xab);
	assert_string_equal(buf,
			    "[  0x00000000000000ab] [0x00000000000000ab  ]");
}

/* Anchors that do not depend on the host's libc being right. */
static void test_fixed_expectations(void **state)
{
	char buf[64];

	(void)state;
	snformat(buf, sizeof(buf), "%lld|%llu", (long long)INT64_MIN,
		 (unsigned long long)UINT64_MAX);
	assert_string_equal(buf, "-9223372036854775808|18446744073709551615");
	snformat(buf, sizeof(buf), "[%-*d] [%.0d] [%#x] [%#o]", -4, 7, 0,
		 0xffU, 0U);
	assert_string_equal(buf, "[7   ] [] [0xff] [0]");
	snformat(buf, sizeof(buf), "[%+05d] [%.3s] [%hx]", -3, "abcdef",
		 (unsigned short)0xbeef);
	assert_string_equal(buf, "[-0003] [abc] [beef]");
}

static void test_unknown_conversion_is_shown(void **state)
{
	char buf[64];
	int n;

	(void)state;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	/* Formatting continues after the unknown one, args stay in step. */
	n = snformat(buf, sizeof(buf), "a%qb%5yc%d", 5);
	assert_string_equal(buf, "a%qb%5yc5");
	assert_int_equal(n, 9);
	n = snformat(buf, sizeof(buf), "[%-08lq] %s", "next");
	assert_string_equal(buf, "[%-08lq] next");
	assert_int_equal(n, 13);
	/* A lone '%' at the end is shown too, not dropped or overrun. */
	n = snformat(buf, sizeof(buf), "50%");
	assert_string_equal(buf, "50%");
	assert_int_equal(n, 3);
	n = snformat(buf, sizeof(buf), "x%-5");
	assert_string_equal(buf, "x%-5");
	assert_int_equal(n, 4);
#pragma GCC diagnostic pop
}

static void test_truncation_and_return_value(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(snformat(buf, 5, "%s-%d", "hello", 12345), 11);
	assert_string_equal(buf, "hell");
	assert_int_equal(buf[5], 'X');
	/* Exactly full: the last byte goes to the NUL. */
	assert_int_equal(snformat(buf, 4, "%d", 1234), 4);
	assert_string_equal(buf, "123");
	assert_int_equal(snformat(buf, 5, "%d", 1234), 4);
	assert_string_equal(buf, "1234");
	assert_int_equal(snformat(buf, 1, "%d", 99), 2);
	assert_string_equal(buf, "");
	/* Size 0 writes nothing, so even a NULL buffer is fine. */
	buf[0] = 'Q';
	assert_int_equal(snformat(buf, 0, "%d", 99), 2);
	assert_int_equal(buf[0], 'Q');
	assert_int_equal(snformat(NULL, 0, "%s%p", "abc", (void *)1), 21);
}

struct sink_ctx {
	char text[64];
	int len;
};

static void collect(char c, void *ctx)
{
	struct sink_ctx *s = ctx;

	if (s->len < (int)sizeof(s->text))
		s->text[s->len] = c;
	s->len++;
}

static int __attribute__((format(printf, 2, 3)))
via_sink(struct sink_ctx *s, const char *fmt, ...)
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
	assert_int_equal(via_sink(&s, "cpu %u: %-4s|%c", 3, "up", '\0'), 13);
	assert_int_equal(s.len, 13);
	assert_memory_equal(s.text, "cpu 3: up  |\0", 13);
	s.len = 0;
	assert_int_equal(via_sink(&s, "%s", ""), 0);
	assert_int_equal(s.len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_decimal),
		cmocka_unit_test(test_unsigned_hex_octal),
		cmocka_unit_test(test_alternate_form),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_flag_precedence),
		cmocka_unit_test(test_star_arguments),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_precision_bounds_string_reads),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_fixed_expectations),
		cmocka_unit_test(test_unknown_conversion_is_shown),
		cmocka_unit_test(test_truncation_and_return_value),
		cmocka_unit_test(test_sink_receives_every_character),
	};

	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
