/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/errno.h"
#include "kernel/test_hooks.h"

static int parse(const char *text, struct test_hooks *h, const char **bad,
		 size_t *bad_len)
{
	return test_hooks_parse(text, strlen(text), h, bad, bad_len);
}

static void test_words_set_hooks(void **state)
{
	struct test_hooks h;
	const char *bad;
	size_t len;

	(void)state;
	assert_int_equal(parse("exit\r\n  fault=ap\n", &h, &bad, &len), 0);
	assert_true(h.present);
	assert_true(h.exit_when_up);
	assert_int_equal(h.fault, FAULT_AP);
	assert_int_equal(parse("fault=bsp", &h, &bad, &len), 0);
	assert_false(h.exit_when_up);
	assert_int_equal(h.fault, FAULT_BSP);
	assert_int_equal(parse("", &h, &bad, &len), 0);
	assert_true(h.present);
	assert_int_equal(h.fault, FAULT_NONE);
}

static void test_unknown_word_is_named(void **state)
{
	struct test_hooks h;
	const char *bad;
	size_t len;

	(void)state;
	assert_int_equal(parse("exit fault=cpu7 more", &h, &bad, &len),
			 -EINVAL);
	assert_int_equal(len, 10);
	assert_memory_equal(bad, "fault=cpu7", len);
	/* A prefix of a known word is not that word. */
	assert_int_equal(parse("exi", &h, &bad, &len), -EINVAL);
	assert_int_equal(parse("exits", &h, &bad, &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_set_hooks),
		cmocka_unit_test(test_unknown_word_is_named),
	};

	return cmocka_run_group_tests_name("test_hooks", tests, NULL, NULL);
}
