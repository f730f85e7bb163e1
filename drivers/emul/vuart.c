/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 16550A register model (PC16550D datasheet). Enough of it that Linux's 8250
 * driver identifies a 16550A (scratch, loopback and FIFO tests) and runs it
 * interrupt driven; no baud rate or line timing is modelled.
 */
#include "drivers/emul/vuart.h"
#include "lib/string.h"

/* Register offsets (datasheet table II); DLAB is LCR bit 7. */
#define REG_RBR_THR_DLL	0
#define REG_IER_DLM	1
#define REG_IIR_FCR	2
#define REG_LCR		3
#define REG_MCR		4
#define REG_LSR		5
#define REG_MSR		6
#define REG_SCR		7

#define IER_ERBFI	0x01	/* received data available */
#define IER_ETBEI	0x02	/* transmitter holding register empty */
#define IER_ELSI	0x04	/* receiver line status */
#define IER_EDSSI	0x08	/* modem status */
#define IER_MASK	0x0f

/* IIR values in priority order (datasheet table IV). */
#define IIR_NONE	0x01
#define IIR_LINE_STATUS	0x06
#define IIR_RX_DATA	0x04
#define IIR_THR_EMPTY	0x02
#define IIR_MODEM	0x00
#define IIR_FIFOS_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08	/* gates the IRQ line on PCs */
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

/* 115200 baud from the 1.8432 MHz clock, as the hypervisor's own UART. */
#define RESET_DIVISOR	1
#define ASCII_DEL	0x7f

void vuart_init(struct vuart *u, vuart_line_fn emit, void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->dll = RESET_DIVISOR;
	u->emit = emit;
	u->ctx = ctx;
}

static void rx_put(struct vuart *u, uint8_t c)
{
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_SIZE] = c;
	u->rx_count++;
}

static uint8_t rx_take(struct vuart *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_SIZE;
	u->rx_count--;
	return c;
}

static void rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/*
 * Modem status inputs: a connected terminal outside loopback; in loopback
 * the MCR outputs wired back to them (datasheet MCR bit 4).
 */
static uint8_t msr_lines(const struct vuart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	return (m & MCR_DTR ? MSR_DSR : 0) | (m & MCR_RTS ? MSR_CTS : 0) |
	       (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
}

static void note_msr_change(struct vuart *u, uint8_t before, uint8_t after)
{
	uint8_t changed = before ^ after;

	if (changed & MSR_CTS)
		u->msr_deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_deltas |= MSR_DDSR;
	if (changed & MSR_DCD)
		u->msr_deltas |= MSR_DDCD;
	/* RI reports only its trailing edge. */
	if ((before & MSR_RI) && !(after & MSR_RI))
		u->msr_deltas |= MSR_TERI;
}

static uint8_t pending_cause(const struct vuart *u)
{
	if ((u->ier & IER_ELSI) && u->lsr_errors)
		return IIR_LINE_STATUS;
	if ((u->ier & IER_ERBFI) && u->rx_count)
		return IIR_RX_DATA;
	if ((u->ier & IER_ETBEI) && u->thre_pending)
		return IIR_THR_EMPTY;
	if ((u->ier & IER_EDSSI) && u->msr_deltas)
		return IIR_MODEM;
	return IIR_NONE;
}

/*
 * In loopback the OUT2 pin is forced inactive (datasheet MCR bit 4), which
 * on a PC closes the IRQ gate too.
 */
bool vuart_irq_pending(const struct vuart *u)
{
	return pending_cause(u) != IIR_NONE &&
	       (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
}

static void emit(struct vuart *u, bool complete)
{
	if (u->emit)
		u->emit(u->ctx, u->line, u->line_len, complete);
	u->line_len = 0;
}

void vuart_flush(struct vuart *u)
{
	if (u->line_len)
		emit(u, false);
}

/* Dropping every '\r' also strips the one of a CRLF. */
static void output(struct vuart *u, uint8_t c)
{
	if (c == '\n') {
		emit(u, true);
		return;
	}
	if ((c < ' ' && c != '\t') || c == ASCII_DEL)
		return;
	if (u->line_len == sizeof(u->line))
		emit(u, false);
	u->line[u->line_len++] = (char)c;
}

static void write_thr(struct vuart *u, uint8_t c)
{
	if (!(u->mcr & MCR_LOOP))
		output(u, c);
	else if (u->rx_count < VUART_RX_SIZE)
		rx_put(u, c);
	else
		u->lsr_errors |= LSR_OE;
	/* The byte leaves at once, so the holding register is empty again. */
	u->thre_pending = true;
}

static void write_ier(struct vuart *u, uint8_t value)
{
	uint8_t before = u->ier;

	u->ier = value & IER_MASK;
	/* Enabling the THRE interrupt with THR empty raises it at once. */
	if ((u->ier & IER_ETBEI) && !(before & IER_ETBEI))
		u->thre_pending = true;
	/*
	 * An interrupt-driven driver turns the THRE interrupt off when it has
	 * nothing more to send (Linux's 8250 __stop_tx()): whatever it sent
	 * is all there is for now, e.g. a prompt waiting for input.
	 */
	if (!(u->ier & IER_ETBEI) && (before & IER_ETBEI))
		vuart_flush(u);
}

/* FCR bits 1-2 act only with bit 0 set; a mode change clears the FIFOs. */
static void write_fcr(struct vuart *u, uint8_t value)
{
	bool enable = value & FCR_ENABLE;

	if (enable != u->fifo_enabled || (enable && (value & FCR_CLEAR_RX)))
		rx_clear(u);
	u->fifo_enabled = enable;
}

static void write_mcr(struct vuart *u, uint8_t value)
{
	uint8_t before = msr_lines(u);

	u->mcr = value & MCR_MASK;
	note_msr_change(u, before, msr_lines(u));
}

static uint8_t read_iir(struct vuart *u)
{
	uint8_t cause = pending_cause(u);

	if (cause == IIR_THR_EMPTY)
		u->thre_pending = false;
	return cause | (u->fifo_enabled ? IIR_FIFOS_ON : 0);
}

static uint8_t read_lsr(struct vuart *u)
{
	uint8_t v = LSR_THRE | LSR_TEMT | u->lsr_errors;

	if (u->rx_count)
		v |= LSR_DR;
	u->lsr_errors = 0;
	return v;
}

static uint8_t read_msr(struct vuart *u)
{
	uint8_t v = msr_lines(u) | u->msr_deltas;

	u->msr_deltas = 0;
	return v;
}

uint8_t vuart_read(struct vuart *u, unsigned int offset)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_RBR_THR_DLL:
		return dlab ? u->dll : rx_take(u);
	case REG_IER_DLM:
		return dlab ? u->dlm : u->ier;
	case REG_IIR_FCR:
		return read_iir(u);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return read_lsr(u);
	case REG_MSR:
		return read_msr(u);
	case REG_SCR:
		return u->scr;
	default:
		return 0xff;
	}
}

void vuart_write(struct vuart *u, unsigned int offset, uint8_t value)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_RBR_THR_DLL:
		if (dlab)
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case REG_IER_DLM:
		if (dlab)
			u->dlm = value;
		else
			write_ier(u, value);
		break;
	case REG_IIR_FCR:
		write_fcr(u, value);
		break;
	case REG_LCR:
		u->lcr = value;
		break;
	case REG_MCR:
		write_mcr(u, value);
		break;
	case REG_SCR:
		u->scr = value;
		break;
	default:
		break;	/* LSR and MSR writes are factory test only */
	}
}

/* With the serial input cut off in loopback, the host has to wait. */
bool vuart_push_input(struct vuart *u, uint8_t c)
{
	if ((u->mcr & MCR_LOOP) || u->rx_count >= VUART_RX_SIZE)
		return false;
	rx_put(u, c);
	return true;
}
