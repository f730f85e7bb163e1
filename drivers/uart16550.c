/* SPDX-License-Identifier: BSD-2-Clause */
#include "drivers/uart16550.h"
#include "arch/x86/asm.h"

/* Register offsets and bits (PC16550D datasheet, table 2). */
#define UART_THR	0
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_RBR	0
#define IER_RX_DATA	0x01
#define MCR_OUT2	0x08	/* gates the IRQ line on PC boards */
#define LSR_DATA_READY	0x01
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define LSR_TEMT	0x40	/* FIFO and shift register empty */
#define FIFO_BYTES	16	/* transmitter FIFO, on since uart_init */
#define BAUD_DIVISOR_115200 1	/* 1.8432 MHz / 16 / 115200 */
/* Give up on a stuck transmitter rather than hang the hypervisor. */
#define THRE_SPIN_LIMIT	100000

void uart_init(uint16_t port)
{
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, BAUD_DIVISOR_115200);
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, MCR_DTR_RTS);
}

void uart_putc(uint16_t port, char c)
{
	for (int i = 0; i < THRE_SPIN_LIMIT; i++) {
		if (inb(port + UART_LSR) & LSR_THRE)
			break;
		cpu_relax();
	}
	outb(port + UART_THR, (uint8_t)c);
}

/* THRE with the FIFO on: the whole FIFO is empty (PC16550D, LSR bit 5). */
unsigned int uart_tx_room(uint16_t port)
{
	return inb(port + UART_LSR) & LSR_THRE ? FIFO_BYTES : 0;
}

void uart_put_raw(uint16_t port, char c)
{
	outb(port + UART_THR, (uint8_t)c);
}

void uart_drain(uint16_t port)
{
	for (int i = 0; i < THRE_SPIN_LIMIT; i++) {
		if (inb(port + UART_LSR) & LSR_TEMT)
			return;
		cpu_relax();
	}
}

int uart_getc(uint16_t port)
{
	if (!(inb(port + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(port + UART_RBR);
}

void uart_enable_rx_interrupt(uint16_t port)
{
	outb(port + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(port + UART_IER, IER_RX_DATA);
}
