/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/emul/vuart.h"

/* Offsets and values as Linux's include/uapi/linux/serial_reg.h has them. */
enum { RX = 0, TX = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, EFR = 2,
       LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define MAX_LINES	8

static struct vuart u;
static char lines[MAX_LINES][VUART_LINE_MAX + 1];
static bool complete[MAX_LINES];
static size_t line_count;

static void capture(void *ctx, const char *line, size_t len, bool done)
{
	assert_ptr_equal(ctx, &line_count);
	assert_true(len <= VUART_LINE_MAX);
	assert_true(line_count < MAX_LINES);
	memcpy(lines[line_count], line, len);
	lines[line_count][len] = '\0';
	complete[line_count] = done;
	line_count++;
}

static int setup(void **state)
{
	(void)state;
	memset(lines, 0, sizeof(lines));
	memset(complete, 0, sizeof(complete));
	line_count = 0;
	vuart_init(&u, capture, &line_count);
	return 0;
}

static void put_str(const char *s)
{
	while (*s)
		vuart_write(&u, TX, (uint8_t)*s++);
}

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(vuart_read(&u, IER), 0);
	assert_int_equal(vuart_read(&u, IIR), 0x01);
	assert_int_equal(vuart_read(&u, LCR), 0);
	assert_int_equal(vuart_read(&u, MCR), 0);
	assert_int_equal(vuart_read(&u, LSR), 0x60);
	assert_int_equal(vuart_read(&u, MSR), 0xb0);	/* CTS, DSR, DCD */
	assert_int_equal(vuart_read(&u, SCR), 0);
	assert_int_equal(vuart_read(&u, 8), 0xff);
	assert_false(vuart_irq_pending(&u));
}

/* The checks of autoconfig() in drivers/tty/serial/8250/8250_port.c. */
static void test_linux_probe_finds_16550a(void **state)
{
	uint8_t save_mcr, iir;

	(void)state;
	/* IER scratch test. */
	vuart_write(&u, IER, 0);
	assert_int_equal(vuart_read(&u, IER) & 0x0f, 0);
	vuart_write(&u, IER, 0x0f);
	assert_int_equal(vuart_read(&u, IER) & 0x0f, 0x0f);
	vuart_write(&u, IER, 0);
	vuart_write(&u, SCR, 0xa5);
	assert_int_equal(vuart_read(&u, SCR), 0xa5);

	/* Loopback test: RTS and OUT2 come back as CTS and DCD. */
	save_mcr = vuart_read(&u, MCR);
	vuart_write(&u, MCR, 0x10 | 0x0a);
	assert_int_equal(vuart_read(&u, MSR) & 0xf0, 0x90);
	vuart_write(&u, MCR, save_mcr);

	/* EFR probe under LCR 0xBF writes FCR on a 16550A. */
	vuart_write(&u, LCR, 0xbf);
	vuart_write(&u, EFR, 0);
	vuart_write(&u, LCR, 0);
	vuart_write(&u, FCR, 0x01);
	assert_int_equal(vuart_read(&u, IIR) >> 6, 3);

	/* No EFR under DLAB: offset 2 still reads IIR, which is non-zero. */
	vuart_write(&u, LCR, 0x80);
	assert_int_not_equal(vuart_read(&u, EFR), 0);
	vuart_write(&u, LCR, 0xbf);
	assert_int_not_equal(vuart_read(&u, EFR), 0);

	/* Not an NS16550A: IIR bit 4 does not follow MCR loopback. */
	vuart_write(&u, LCR, 0);
	vuart_write(&u, MCR, 0x10);
	vuart_write(&u, LCR, 0xe0);
	assert_int_equal(vuart_read(&u, 2) & 0x10, 0);
	vuart_write(&u, LCR, 0);
	vuart_write(&u, MCR, 0);

	/* Not a 16750: no 64-byte FIFO bit, with or without DLAB. */
	vuart_write(&u, FCR, 0x21);
	assert_int_equal(vuart_read(&u, IIR) & 0xe0, 0xc0);
	vuart_write(&u, LCR, 0x80);
	vuart_write(&u, FCR, 0x21);
	assert_int_equal(vuart_read(&u, IIR) & 0xe0, 0xc0);

	/* Not an XScale: IER bit 6 does not stick. */
	vuart_write(&u, LCR, 0);
	vuart_write(&u, IER, 0x40);
	assert_int_equal(vuart_read(&u, IER) & 0x40, 0);

	/* Startup: LSR is not 0xff, and enabling THRI interrupts at once. */
	assert_int_not_equal(vuart_read(&u, LSR), 0xff);
	vuart_write(&u, IER, 0x02);
	iir = vuart_read(&u, IIR);
	assert_int_equal(iir, 0xc2);
	vuart_write(&u, IER, 0);
	vuart_write(&u, IER, 0x02);
	assert_int_equal(vuart_read(&u, IIR), 0xc2);
	assert_int_equal(vuart_read(&u, IIR), 0xc1);	/* read cleared it */
	assert_int_equal(line_count, 0);
}

static void test_loopback(void **state)
{
	(void)state;
	vuart_write(&u, MCR, 0x10);
	assert_int_equal(vuart_read(&u, MSR) & 0xf0, 0);
	put_str("Hi\n");
	vuart_flush(&u);
	assert_int_equal(line_count, 0);	/* nothing reaches the console */
	assert_int_equal(vuart_read(&u, LSR), 0x61);
	assert_int_equal(vuart_read(&u, RX), 'H');
	assert_int_equal(vuart_read(&u, RX), 'i');
	assert_int_equal(vuart_read(&u, RX), '\n');
	assert_int_equal(vuart_read(&u, LSR), 0x60);
	/* The serial input is cut off. */
	assert_false(vuart_push_input(&u, 'x'));

	/* Each MCR output mirrors onto its MSR input, with delta bits. */
	vuart_write(&u, MCR, 0x11);
	assert_int_equal(vuart_read(&u, MSR), 0x20 | 0x02);	/* DSR, DDSR */
	vuart_write(&u, MCR, 0x12);
	assert_int_equal(vuart_read(&u, MSR), 0x10 | 0x03);	/* CTS */
	vuart_write(&u, MCR, 0x14);
	assert_int_equal(vuart_read(&u, MSR), 0x40 | 0x01);	/* RI rises */
	vuart_write(&u, MCR, 0x18);
	assert_int_equal(vuart_read(&u, MSR), 0x80 | 0x0c);	/* TERI, DDCD */
	assert_int_equal(vuart_read(&u, MSR), 0x80);

	/* Overflowing the receiver sets overrun until LSR is read. */
	for (int i = 0; i <= VUART_RX_SIZE; i++)
		vuart_write(&u, TX, (uint8_t)i);
	assert_int_equal(vuart_read(&u, LSR), 0x63);
	assert_int_equal(vuart_read(&u, LSR), 0x61);
	for (int i = 0; i < VUART_RX_SIZE; i++)
		assert_int_equal(vuart_read(&u, RX), i);
	assert_int_equal(vuart_read(&u, LSR), 0x60);

	/* Leaving loopback reconnects the terminal. */
	vuart_write(&u, MCR, 0x0b);
	assert_int_equal(vuart_read(&u, MSR) & 0xf0, 0xb0);
	assert_true(vuart_push_input(&u, 'x'));
}

static void test_dlab_selects_divisor(void **state)
{
	(void)state;
	vuart_write(&u, IER, 0x05);
	vuart_write(&u, LCR, 0x83);
	vuart_write(&u, DLL, 0x0c);
	vuart_write(&u, DLM, 0x01);
	assert_int_equal(vuart_read(&u, DLL), 0x0c);
	assert_int_equal(vuart_read(&u, DLM), 0x01);
	assert_int_equal(vuart_read(&u, LCR), 0x83);
	vuart_write(&u, LCR, 0x03);
	assert_int_equal(vuart_read(&u, IER), 0x05);
	vuart_flush(&u);
	assert_int_equal(line_count, 0);	/* the divisor was no output */
	vuart_write(&u, LCR, 0x80);
	assert_int_equal(vuart_read(&u, DLL), 0x0c);
	assert_int_equal(vuart_read(&u, DLM), 0x01);
}

static void test_iir_priorities(void **state)
{
	(void)state;
	vuart_write(&u, FCR, 0x07);
	vuart_write(&u, MCR, 0x10);
	for (int i = 0; i <= VUART_RX_SIZE; i++)	/* data and overrun */
		vuart_write(&u, TX, 'a');
	vuart_write(&u, MCR, 0x12);			/* CTS changes */
	vuart_write(&u, IER, 0x0f);			/* THRE too */

	assert_int_equal(vuart_read(&u, IIR), 0xc6);
	assert_int_equal(vuart_read(&u, IIR), 0xc6);	/* IIR read keeps it */
	assert_int_equal(vuart_read(&u, LSR), 0x63);
	assert_int_equal(vuart_read(&u, IIR), 0xc4);
	vuart_write(&u, FCR, 0x03);			/* clear RX FIFO */
	assert_int_equal(vuart_read(&u, LSR), 0x60);
	assert_int_equal(vuart_read(&u, IIR), 0xc2);
	assert_int_equal(vuart_read(&u, IIR), 0xc0);	/* modem status */
	/* Entering loopback dropped CTS, DSR, DCD; then CTS came back. */
	assert_int_equal(vuart_read(&u, MSR), 0x10 | 0x0b);
	assert_int_equal(vuart_read(&u, IIR), 0xc1);

	/* Without FIFOs bits 7:6 read 0; a THR write raises THRE again. */
	vuart_write(&u, FCR, 0);
	assert_int_equal(vuart_read(&u, IIR), 0x01);
	vuart_write(&u, TX, 'b');
	assert_int_equal(vuart_read(&u, IIR), 0x04);
	assert_int_equal(vuart_read(&u, RX), 'b');
	assert_int_equal(vuart_read(&u, IIR), 0x02);
	assert_int_equal(vuart_read(&u, IIR), 0x01);
	/* Disabling a cause in IER hides it. */
	vuart_write(&u, TX, 'c');
	vuart_write(&u, IER, 0x0a);
	assert_int_equal(vuart_read(&u, IIR), 0x02);
	assert_int_equal(vuart_read(&u, IIR), 0x01);
}

static void test_fifo_mode_change_clears_receiver(void **state)
{
	(void)state;
	assert_true(vuart_push_input(&u, 'a'));
	vuart_write(&u, FCR, 0x01);			/* enabling clears */
	assert_int_equal(vuart_read(&u, LSR) & 0x01, 0);
	assert_true(vuart_push_input(&u, 'b'));
	vuart_write(&u, FCR, 0x01);			/* no clear bit */
	assert_int_equal(vuart_read(&u, LSR) & 0x01, 1);
	vuart_write(&u, FCR, 0x00);			/* disabling clears */
	assert_int_equal(vuart_read(&u, LSR) & 0x01, 0);
}

static void test_line_output(void **state)
{
	(void)state;
	put_str("hello\r\nwor");
	assert_int_equal(line_count, 1);
	put_str("ld\n\n");
	put_str("a\tb\x1b[0m\x7f\r\n");
	assert_int_equal(line_count, 4);
	assert_string_equal(lines[0], "hello");
	assert_string_equal(lines[1], "world");
	assert_string_equal(lines[2], "");
	assert_string_equal(lines[3], "a\tb[0m");
	for (int i = 0; i < 4; i++)
		assert_true(complete[i]);

	/* Flush emits a partial line once. */
	put_str("partial");
	vuart_flush(&u);
	vuart_flush(&u);
	assert_int_equal(line_count, 5);
	assert_string_equal(lines[4], "partial");
	assert_false(complete[4]);
}

static void test_long_lines_split(void **state)
{
	char expect[VUART_LINE_MAX + 1];

	(void)state;
	memset(expect, 'x', VUART_LINE_MAX);
	expect[VUART_LINE_MAX] = '\0';
	/* Exactly a full buffer and a newline: one line, no empty one. */
	put_str(expect);
	assert_int_equal(line_count, 0);
	put_str("\r\n");
	assert_int_equal(line_count, 1);
	assert_string_equal(lines[0], expect);
	/* One more: the full buffer goes out, the rest starts a new line. */
	put_str(expect);
	put_str("yz\n");
	assert_int_equal(line_count, 3);
	assert_string_equal(lines[1], expect);
	assert_false(complete[1]);	/* the line goes on */
	assert_string_equal(lines[2], "yz");
	assert_true(complete[2]);
	assert_true(complete[0]);
}

static void test_no_emitter_is_harmless(void **state)
{
	(void)state;
	vuart_init(&u, NULL, NULL);
	put_str("dropped\n");
	put_str("also");
	vuart_flush(&u);
	assert_int_equal(u.line_len, 0);
}

static void test_input(void **state)
{
	(void)state;
	vuart_write(&u, FCR, 0x01);
	vuart_write(&u, IER, 0x01);
	vuart_write(&u, MCR, 0x0b);
	assert_false(vuart_irq_pending(&u));
	assert_true(vuart_push_input(&u, 'o'));
	assert_true(vuart_push_input(&u, 'k'));
	assert_int_equal(vuart_read(&u, LSR), 0x61);
	assert_int_equal(vuart_read(&u, IIR), 0xc4);
	assert_true(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, RX), 'o');
	assert_true(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, RX), 'k');
	assert_false(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, LSR), 0x60);
	assert_int_equal(vuart_read(&u, RX), 0);	/* empty */

	/* A full receiver refuses input instead of losing it. */
	for (int i = 0; i < VUART_RX_SIZE; i++)
		assert_true(vuart_push_input(&u, (uint8_t)('A' + i % 26)));
	assert_false(vuart_push_input(&u, '!'));
	assert_int_equal(vuart_read(&u, LSR), 0x61);	/* no overrun */
	assert_int_equal(vuart_read(&u, RX), 'A');
	assert_true(vuart_push_input(&u, '!'));
	for (int i = 1; i < VUART_RX_SIZE; i++)
		assert_int_equal(vuart_read(&u, RX), 'A' + i % 26);
	assert_int_equal(vuart_read(&u, RX), '!');
	assert_int_equal(vuart_read(&u, LSR), 0x60);
}

static void test_irq_gated_by_out2(void **state)
{
	(void)state;
	vuart_write(&u, IER, 0x02);
	assert_false(vuart_irq_pending(&u));		/* OUT2 clear */
	assert_int_equal(vuart_read(&u, IIR) & 0x0f, 0x02);	/* yet pending */
	vuart_write(&u, TX, 'x');
	vuart_write(&u, MCR, 0x08);
	assert_true(vuart_irq_pending(&u));
	vuart_write(&u, MCR, 0x18);			/* loopback closes it */
	assert_false(vuart_irq_pending(&u));
	vuart_write(&u, MCR, 0x08);
	assert_true(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, IIR), 0x02);
	assert_false(vuart_irq_pending(&u));
	vuart_write(&u, TX, 'y');
	assert_true(vuart_irq_pending(&u));
	vuart_write(&u, IER, 0);
	assert_false(vuart_irq_pending(&u));
}

/*
 * What serial8250_do_startup() in drivers/tty/serial/8250/8250_port.c does
 * before it sends anything, including the UART_BUG_THRE test: THRE must be
 * raised each time IER.THRI goes from 0 to 1 with the transmitter empty.
 */
static void test_linux_startup_sequence(void **state)
{
	uint8_t iir1, iir, lsr;

	(void)state;
	vuart_write(&u, FCR, 0x01);
	vuart_write(&u, FCR, 0x01 | 0x02 | 0x04);	/* clear FIFOs */
	vuart_write(&u, FCR, 0);
	assert_int_equal(vuart_read(&u, LSR), 0x60);
	(void)vuart_read(&u, RX);
	assert_int_equal(vuart_read(&u, IIR), 0x01);
	(void)vuart_read(&u, MSR);
	vuart_write(&u, LCR, 0x03);			/* 8N1 */
	vuart_write(&u, MCR, 0x08 | 0x03);		/* OUT2, RTS, DTR */
	vuart_write(&u, FCR, 0xc1);	/* FIFO on, 14-byte trigger */

	/* The THRE test, interrupts at the IOAPIC masked meanwhile. */
	lsr = vuart_read(&u, LSR);
	assert_true(lsr & 0x20);
	vuart_write(&u, IER, 0x02);
	iir1 = vuart_read(&u, IIR);
	vuart_write(&u, IER, 0);
	vuart_write(&u, IER, 0x02);
	iir = vuart_read(&u, IIR);
	vuart_write(&u, IER, 0);
	assert_false(iir1 & 0x01);
	assert_false(iir & 0x01);	/* no UART_BUG_THRE */
	assert_int_equal(iir1, 0xc2);
	assert_int_equal(iir, 0xc2);
	/* The TEMT-without-interrupt check (UART_BUG_TXEN) finds nothing. */
	assert_true(lsr & 0x40);

	/* Receive interrupts on; after the reads above nothing is pending. */
	vuart_write(&u, IER, 0x05);
	assert_int_equal(vuart_read(&u, IIR), 0xc1);
	assert_false(vuart_irq_pending(&u));
	assert_int_equal(line_count, 0);
}

/* One round of serial8250_start_tx(), tx_chars() and __stop_tx(). */
static void linux_send(const char *s)
{
	uint8_t ier = vuart_read(&u, IER);

	vuart_write(&u, IER, ier | 0x02);
	assert_true(vuart_irq_pending(&u));
	assert_int_equal(vuart_read(&u, IIR) & 0x0f, 0x02);
	while (*s) {
		assert_true(vuart_read(&u, LSR) & 0x20);
		vuart_write(&u, TX, (uint8_t)*s++);
	}
	vuart_write(&u, IER, ier & ~0x02);	/* circ buffer empty */
}

static void test_prompt_goes_out_when_transmitter_idles(void **state)
{
	(void)state;
	vuart_write(&u, MCR, 0x0b);
	vuart_write(&u, IER, 0x05);
	linux_send("Welcome\r\n~ # ");
	assert_int_equal(line_count, 2);
	assert_string_equal(lines[0], "Welcome");
	assert_true(complete[0]);
	assert_string_equal(lines[1], "~ # ");
	assert_false(complete[1]);
	/* The shell echoes what is typed, one round per key. */
	linux_send("l");
	linux_send("s");
	linux_send("\r\n");
	assert_int_equal(line_count, 5);
	assert_string_equal(lines[2], "l");
	assert_false(complete[2]);
	assert_string_equal(lines[3], "s");
	assert_false(complete[3]);
	assert_string_equal(lines[4], "");	/* only ends the line */
	assert_true(complete[4]);
	/* An idle transmitter with nothing gathered emits nothing. */
	vuart_write(&u, IER, 0x02);
	vuart_write(&u, IER, 0x00);
	assert_int_equal(line_count, 5);
	/* Only THRI going from 1 to 0 does: not other IER bits. */
	put_str("abc");
	vuart_write(&u, IER, 0x01);
	vuart_write(&u, IER, 0x00);
	assert_int_equal(line_count, 5);
	put_str("\n");
	assert_int_equal(line_count, 6);
	assert_string_equal(lines[5], "abc");
	assert_true(complete[5]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_linux_probe_finds_16550a, setup),
		cmocka_unit_test_setup(test_loopback, setup),
		cmocka_unit_test_setup(test_dlab_selects_divisor, setup),
		cmocka_unit_test_setup(test_iir_priorities, setup),
		cmocka_unit_test_setup(test_fifo_mode_change_clears_receiver,
				       setup),
		cmocka_unit_test_setup(test_line_output, setup),
		cmocka_unit_test_setup(test_long_lines_split, setup),
		cmocka_unit_test_setup(test_no_emitter_is_harmless, setup),
		cmocka_unit_test_setup(test_input, setup),
		cmocka_unit_test_setup(test_irq_gated_by_out2, setup),
		cmocka_unit_test_setup(test_linux_startup_sequence, setup),
		cmocka_unit_test_setup(test_prompt_goes_out_when_transmitter_idles,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
