/* SPDX-License-Identifier: BSD-2-Clause */
#include "lib/log_format.h"
#include "lib/format.h"

static const char *level_tag(enum log_level level)
{
	switch (level) {
	case LOG_ERROR:
		return "error: ";
	case LOG_WARN:
		return "warning: ";
	case LOG_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

size_t log_format_line(char *buf, size_t size, enum log_level level,
		       uint64_t elapsed_us, const char *fmt, va_list ap)
{
	size_t n;
	int len;

	if (size < 2)
		return 0;
	len = snformat(buf, size, "[%5llu.%06llu] %s",
		       (unsigned long long)(elapsed_us / 1000000),
		       (unsigned long long)(elapsed_us % 1000000),
		       level_tag(level));
	n = (size_t)len < size ? (size_t)len : size - 1;
	len = vsnformat(buf + n, size - n, fmt, ap);
	n += (size_t)len < size - n ? (size_t)len : size - n - 1;
	/* Exactly one newline, even when the message was cut short. */
	while (n && buf[n - 1] == '\n')
		n--;
	if (n > size - 2)
		n = size - 2;
	buf[n++] = '\n';
	buf[n] = '\0';
	return n;
}
