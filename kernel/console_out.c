/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/console_out.h"
#include "arch/x86/asm.h"
#include "drivers/uart16550.h"
#include "kernel/percpu.h"
#include "lib/spinlock.h"

#define QUEUE_BYTES	65536	/* a power of two */

static char queue[QUEUE_BYTES];
static uint32_t head, tail;	/* free-running: write at head, send tail */
static uint32_t dropped;	/* by shared cores, finding the queue full */
static struct spinlock queue_lock;
static uint16_t out_port;

void console_out_init(uint16_t port)
{
	out_port = port;
}

/* Under queue_lock: what the transmitter FIFO takes without waiting. */
static void send_ready(void)
{
	unsigned int room = uart_tx_room(out_port);

	while (room-- && tail != head)
		uart_put_raw(out_port, queue[tail++ % QUEUE_BYTES]);
}

void console_out_poll(void)
{
	if (head == tail || !spin_trylock(&queue_lock))
		return;
	send_ready();
	spin_unlock(&queue_lock);
}

/* The lock is never held while the UART is waited for. */
static void send_all(void)
{
	for (;;) {
		spin_lock(&queue_lock);
		send_ready();
		if (head == tail) {
			spin_unlock(&queue_lock);
			return;
		}
		spin_unlock(&queue_lock);
		cpu_relax();
	}
}

/* And off the line: QEMU and Bochs end with the last FIFO unsent. */
void console_out_flush(void)
{
	send_all();
	uart_drain(out_port);
}

static bool on_shared_core(void)
{
	return percpu_ready && this_cpu()->sched;
}

/*
 * Under the log's line lock, which no CPU may hold while the UART is
 * waited for: a full queue is waited on only by cores of their own (it
 * drains at the UART's rate, a character at a time); a shared core drops
 * the byte and counts it, so that no partition's output holds a shared
 * core or the line lock past a window's end.
 */
static void put(char c)
{
	for (;;) {
		spin_lock(&queue_lock);
		if (head - tail < QUEUE_BYTES) {
			queue[head++ % QUEUE_BYTES] = c;
			spin_unlock(&queue_lock);
			return;
		}
		if (on_shared_core()) {
			dropped++;
			spin_unlock(&queue_lock);
			return;
		}
		send_ready();
		spin_unlock(&queue_lock);
		cpu_relax();
	}
}

void console_out_sink(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			put('\r');
		put(text[i]);
	}
}

/* After the line lock: a core of its own sends everything, as before. */
void console_out_after_log(void)
{
	if (on_shared_core())
		console_out_poll();
	else
		send_all();
}

uint32_t console_out_dropped(void)
{
	return __atomic_load_n(&dropped, __ATOMIC_RELAXED);
}
