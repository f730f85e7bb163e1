/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/log.h"
#include "lib/scale.h"
#include "kernel/percpu.h"
#include "lib/spinlock.h"
#include "arch/x86/asm.h"

#define NO_OWNER	(~0U)
#define US_PER_SEC	1000000ULL

static log_sink_fn log_sink;
static void (*log_after)(void);
static const enum log_level log_threshold = LOG_INFO;
static uint64_t clock_origin;
static uint64_t clock_hz;
static struct spinlock line_lock;
static volatile unsigned int line_owner = NO_OWNER;
/* Whose unfinished line (a prompt) the console shows last, if anyone's. */
static const void *open_line;
static struct spinlock block_lock;
static volatile unsigned int block_owner = NO_OWNER;

void log_set_sink(log_sink_fn sink)
{
	log_sink = sink;
}

void log_set_after(void (*after)(void))
{
	log_after = after;
}

static void after_unlock(void)
{
	if (log_after)
		log_after();
}

void log_set_clock(uint64_t tsc_origin, uint64_t tsc_hz)
{
	clock_origin = tsc_origin;
	clock_hz = tsc_hz;
}

uint64_t log_elapsed_us(void)
{
	return scale_rate(rdtsc() - clock_origin, clock_hz, US_PER_SEC);
}

static void close_open_line(void)
{
	if (open_line)
		log_sink("\n", 1);
	open_line = NULL;
}

void log_vprintf(enum log_level level, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len;

	if (level > log_threshold || !log_sink)
		return;
	len = log_format_line(line, sizeof(line), level, log_elapsed_us(),
			      fmt, ap);
	spin_lock(&line_lock);
	line_owner = this_cpu_index();
	close_open_line();
	log_sink(line, len);
	line_owner = NO_OWNER;
	spin_unlock(&line_lock);
	after_unlock();
}

static size_t format_head(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = log_format_line(buf, size, LOG_INFO, log_elapsed_us(), fmt, ap);
	va_end(ap);
	return len ? len - 1 : 0;	/* without its newline */
}

void log_segment(const void *source, const char *name, const char *text,
		 size_t len, bool ends_line)
{
	char head[LOG_LINE_MAX];

	if (LOG_INFO > log_threshold || !log_sink)
		return;
	spin_lock(&line_lock);
	line_owner = this_cpu_index();
	if (open_line != source) {
		close_open_line();
		log_sink(head, format_head(head, sizeof(head), "%s: %.*s",
					   name, (int)len, text));
	} else {
		log_sink(text, len);
	}
	open_line = ends_line ? NULL : source;
	if (ends_line)
		log_sink("\n", 1);
	line_owner = NO_OWNER;
	spin_unlock(&line_lock);
	after_unlock();
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(level, fmt, ap);
	va_end(ap);
}

void log_break_lock_if_held_by(unsigned int cpu)
{
	if (line_owner == cpu) {
		line_owner = NO_OWNER;
		spin_unlock(&line_lock);
	}
	if (block_owner == cpu) {
		block_owner = NO_OWNER;
		spin_unlock(&block_lock);
	}
}

void log_block_begin(void)
{
	spin_lock(&block_lock);
	block_owner = this_cpu_index();
}

void log_block_end(void)
{
	block_owner = NO_OWNER;
	spin_unlock(&block_lock);
}
