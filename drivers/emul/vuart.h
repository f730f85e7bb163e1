/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VUART_H
#define DRIVERS_EMUL_VUART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The 16550A UART a partition sees (PC16550D datasheet), at I/O offsets 0-7
 * from its base. Transmission is instantaneous: bytes the guest writes are
 * gathered into lines for the hypervisor console, and the transmitter is
 * always empty. The host feeds input through vuart_push_input().
 */

/*
 * Output for the console, never with a '\n' (nor the '\r' of a CRLF).
 * complete: the segment ends a line. Otherwise the line goes on in the next
 * segment: a shell prompt, sent out when the guest's transmitter goes idle
 * (it disables the THRE interrupt), a line longer than VUART_LINE_MAX, or
 * what vuart_flush() finds. A complete segment may be empty when it only
 * ends a line whose text went out in partial segments.
 */
typedef void (*vuart_line_fn)(void *ctx, const char *line, size_t len,
			      bool complete);

#define VUART_LINE_MAX	160
#define VUART_RX_SIZE	64

struct vuart {
	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t scr;
	uint8_t dll, dlm;
	uint8_t lsr_errors;	/* overrun; cleared by reading LSR */
	uint8_t msr_deltas;	/* MSR bits 3:0; cleared by reading MSR */
	bool fifo_enabled;
	bool thre_pending;	/* THR-empty interrupt latched */
	char line[VUART_LINE_MAX];
	size_t line_len;
	vuart_line_fn emit;
	void *ctx;
	uint8_t rx[VUART_RX_SIZE];	/* received bytes not yet read */
	unsigned int rx_head, rx_count;
};

void vuart_init(struct vuart *u, vuart_line_fn emit, void *ctx);
uint8_t vuart_read(struct vuart *u, unsigned int offset);
void vuart_write(struct vuart *u, unsigned int offset, uint8_t value);
/* False when the receiver cannot take c now (FIFO full, or loopback). */
bool vuart_push_input(struct vuart *u, uint8_t c);
/* Level of the IRQ line: an enabled cause pending and OUT2 set, as on PCs. */
bool vuart_irq_pending(const struct vuart *u);
/* Emits a partial line, e.g. when the partition stops. */
void vuart_flush(struct vuart *u);

#endif
