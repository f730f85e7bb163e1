/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/log_format.h"

/* Where finished lines go: the firmware console before takeover, COM1 after. */
typedef void (*log_sink_fn)(const char *line, size_t len);

void log_set_sink(log_sink_fn sink);
/*
 * Called after each logged piece once the line lock is released (NULL:
 * nothing): where a sink may wait, such as for a UART to send, without
 * holding up other CPUs' lines.
 */
void log_set_after(void (*after)(void));
/* Timestamps count from tsc_origin; without a frequency they print as 0. */
void log_set_clock(uint64_t tsc_origin, uint64_t tsc_hz);
void log_printf(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vprintf(enum log_level level, const char *fmt, va_list ap);
/*
 * A piece of a line from `source` (a partition's console), printed as
 * "NAME: text" when it starts a line; later pieces continue that line,
 * so that what a shell echoes stays on its prompt's line. Any other line
 * logged in between starts on a fresh line.
 */
void log_segment(const void *source, const char *name, const char *text,
		 size_t len, bool ends_line);
/*
 * For the exception path: a CPU that faulted while printing must not wait
 * for the lock it holds itself.
 */
void log_break_lock_if_held_by(unsigned int cpu);
/* Serializes a multi-line report (an exception dump) against other CPUs. */
void log_block_begin(void);
void log_block_end(void);
uint64_t log_elapsed_us(void);

#define pr_err(...)	log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)	log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
