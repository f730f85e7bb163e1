/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kernel/console_out.c on a UART that never takes a byte: a core shared in
 * time queues its output and, with the queue full, drops and counts the
 * rest instead of waiting for the UART (which would hold the core, and
 * the log's line lock, past its window's end).
 */
#include <asm/prctl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel/console_out.h"
#include "kernel/percpu.h"

#define QUEUE_BYTES	65536	/* console_out.c's queue */

struct per_cpu cpu_data[MAX_CPUS];
bool percpu_ready;
static unsigned int uart_room, sent;

unsigned int uart_tx_room(uint16_t port)
{
	(void)port;
	return uart_room;
}

void uart_put_raw(uint16_t port, char c)
{
	(void)port;
	(void)c;
	assert_true(uart_room > 0);
	sent++;
}

void uart_drain(uint16_t port)
{
	(void)port;
}

/* %gs:0 holds this CPU's structure, as percpu_activate leaves it. */
static void run_on_cpu(struct per_cpu *cpu, struct core_sched *sched)
{
	cpu->self = cpu;
	cpu->sched = sched;
	assert_int_equal(syscall(SYS_arch_prctl, ARCH_SET_GS, cpu), 0);
	percpu_ready = true;
}

static void test_shared_core_drops_when_full(void **state)
{
	static char block[4096];
	struct core_sched *shared = (struct core_sched *)1;	/* not NULL */

	(void)state;
	memset(block, 'x', sizeof(block));
	run_on_cpu(&cpu_data[1], shared);
	uart_room = 0;
	for (unsigned int i = 0; i < QUEUE_BYTES / sizeof(block); i++)
		console_out_sink(block, sizeof(block));
	assert_int_equal(console_out_dropped(), 0);
	console_out_sink("line\n", 5);	/* 6 bytes with the \r */
	assert_int_equal(console_out_dropped(), 6);
	console_out_after_log();	/* a poll: the UART takes nothing */
	assert_int_equal(sent, 0);
	/* The UART takes what it has room for, no more, and room returns. */
	uart_room = 16;
	console_out_after_log();
	assert_int_equal(sent, 16);
	console_out_sink("ab", 2);
	assert_int_equal(console_out_dropped(), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_core_drops_when_full),
	};

	alarm(10);	/* a core that waits for the UART never returns */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
