/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_CONSOLE_OUT_H
#define KERNEL_CONSOLE_OUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The serial console's output after takeover, through a queue: a core
 * shared in time only hands its lines over and sends what the UART takes
 * at once, so a partition's output never holds the core past its window
 * (at 115200 baud a 40-character line takes 3.5 ms); when the queue is
 * full it drops them, counted. Every other core still waits until
 * everything queued is sent, as before, but after releasing the log's
 * line lock, which a shared core may be waiting for.
 */
void console_out_init(uint16_t port);
/* The log sink (log_set_sink); called under the log's line lock. */
void console_out_sink(const char *text, size_t len);
/* log_set_after's hook: the sending, outside the line lock. */
void console_out_after_log(void);
/* Bytes shared cores dropped because the queue was full. */
uint32_t console_out_dropped(void);
/* Sends what the UART takes now, if no other core is sending. */
void console_out_poll(void);
/* Sends everything queued, waiting: before the run ends or a CPU halts. */
void console_out_flush(void);

#endif
