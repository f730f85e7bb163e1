/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * printf-style formatting without a C library: integers, strings,
 * characters and pointers (no floating point: the hypervisor has no SSE).
 */
typedef void (*format_sink_fn)(char c, void *ctx);

int format_v(format_sink_fn sink, void *ctx, const char *fmt, va_list ap);
int vsnformat(char *buf, size_t size, const char *fmt, va_list ap);
int snformat(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
