/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/test_hooks.h"
#include "lib/errno.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool word_is(const char *w, size_t len, const char *s)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++)
		if (w[i] != s[i])
			return false;
	return i == len && !s[i];
}

static int apply_word(const char *w, size_t len, struct test_hooks *hooks)
{
	if (word_is(w, len, "exit"))
		hooks->exit_when_up = true;
	else if (word_is(w, len, "fault=bsp"))
		hooks->fault = FAULT_BSP;
	else if (word_is(w, len, "fault=ap"))
		hooks->fault = FAULT_AP;
	else
		return -EINVAL;
	return 0;
}

int test_hooks_parse(const char *text, size_t len, struct test_hooks *hooks,
		     const char **bad, size_t *bad_len)
{
	size_t i = 0;

	*hooks = (struct test_hooks){ .present = true };
	while (i < len) {
		size_t start;

		while (i < len && is_space(text[i]))
			i++;
		start = i;
		while (i < len && !is_space(text[i]))
			i++;
		if (i > start && apply_word(text + start, i - start, hooks)) {
			*bad = text + start;
			*bad_len = i - start;
			return -EINVAL;
		}
	}
	return 0;
}
