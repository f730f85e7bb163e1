/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stdint.h>

#define COM1_PORT	0x3f8

void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);
/* Bytes the transmitter takes now without waiting: its FIFO, or 0. */
unsigned int uart_tx_room(uint16_t port);
/* Writes a byte with no wait: only within uart_tx_room(). */
void uart_put_raw(uint16_t port, char c);
/* Waits (bounded) until the last byte written has left the line. */
void uart_drain(uint16_t port);
/* A received byte, or -1 when none is waiting. */
int uart_getc(uint16_t port);
/* Raises the UART's IRQ line whenever a byte arrives. */
void uart_enable_rx_interrupt(uint16_t port);

#endif
