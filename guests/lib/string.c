/* SPDX-License-Identifier: BSD-2-Clause */
#include "guests/lib/runtime.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Decimal, or hex with 0x/0X. *endp == s when there were no digits. */
unsigned long parse_ulong(const char *s, const char **endp)
{
	const char *p = s;
	unsigned long v = 0;
	unsigned int base = 10;
	int d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p) >= (int)base) {
		if (endp)
			*endp = s;
		return 0;
	}
	while ((d = digit_value(*p)) < (int)base) {
		v = v * base + (unsigned int)d;
		p++;
	}
	if (endp)
		*endp = p;
	return v;
}

const char *cmdline_find(const char *cmdline, const char *key)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	if (!p)
		return NULL;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return NULL;
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		while (*p && !is_space(*p))
			p++;
	}
}

long cmdline_int(const char *cmdline, const char *key, long dflt)
{
	const char *v = cmdline_find(cmdline, key);
	const char *end;
	bool neg = false;
	unsigned long u;

	if (!v)
		return dflt;
	if (*v == '-') {
		neg = true;
		v++;
	}
	u = parse_ulong(v, &end);
	if (end == v || (*end && !is_space(*end)))
		return dflt;
	return neg ? -(long)u : (long)u;
}
