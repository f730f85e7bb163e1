/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stdint.h>

#define COM1_PORT	0x3f8

void uart_init(uint16_t port);
void uart_putc(uint16_t port, char c);

#endif
