/* SPDX-License-Identifier: BSD-2-Clause */
#include "guests/lib/runtime.h"

/* 16550 registers (offsets from SERIAL_PORT) and bits. */
#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define DIVISOR_115200	1	/* 1.8432 MHz / 16 / 115200 */

void serial_init(void)
{
	outb(SERIAL_PORT + UART_IER, 0);
	outb(SERIAL_PORT + UART_LCR, LCR_DLAB);
	outb(SERIAL_PORT + UART_DLL, DIVISOR_115200);
	outb(SERIAL_PORT + UART_DLM, 0);
	outb(SERIAL_PORT + UART_LCR, LCR_8N1);
	outb(SERIAL_PORT + UART_FCR, FCR_ENABLE_CLEAR);
	outb(SERIAL_PORT + UART_MCR, MCR_DTR_RTS);
}

static void serial_raw(char c)
{
	while (!(inb(SERIAL_PORT + UART_LSR) & LSR_THRE))
		cpu_relax();
	outb(SERIAL_PORT + UART_THR, (uint8_t)c);
}

void serial_putc(char c)
{
	if (c == '\n')
		serial_raw('\r');
	serial_raw(c);
}

void serial_puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}
