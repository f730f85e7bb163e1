/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_LOG_FORMAT_H
#define LIB_LOG_FORMAT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

#define LOG_LINE_MAX	256

/* Pure: "[    s.uuuuuu] " + level tag + message + "\n", NUL-terminated. */
size_t log_format_line(char *buf, size_t size, enum log_level level,
		       uint64_t elapsed_us, const char *fmt, va_list ap);

#endif
