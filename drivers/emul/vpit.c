/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 8254 PIT model (Intel 8254 datasheet, 231164). A counter is described by
 * the count it was loaded with and the clocks counted since; its value and
 * OUT pin are computed from those on demand.
 */
#include "drivers/emul/vpit.h"
#include "lib/scale.h"
#include "lib/string.h"

/* Control word (datasheet "Control Word Format"): SC1 SC0 RW1 RW0 M2-M0 BCD. */
#define CW_SC_SHIFT		6
#define CW_RW_SHIFT		4
#define CW_RW_MASK		0x3
#define CW_MODE_SHIFT		1
#define CW_MODE_MASK		0x7
#define CW_BCD			0x01
#define CW_SC_READBACK		3
#define RW_LATCH		0
#define RW_LSB			1
#define RW_MSB			2
#define RW_BOTH			3

/* Read-back command: bits 5 and 4 are active low ("Read-Back Command"). */
#define RB_NO_COUNT		0x20
#define RB_NO_STATUS		0x10
#define RB_COUNTER(n)		(0x02 << (n))

/* Status byte: OUT, NULL COUNT, then the programmed RW, mode and BCD. */
#define STATUS_OUT		0x80
#define STATUS_NULL_COUNT	0x40

/* Port 0x61 (PC/AT system control port B). */
#define P61_GATE2		0x01
#define P61_SPEAKER		0x02
#define P61_WRITABLE		0x0f	/* gate, speaker, parity/IOCHK disables */
#define P61_REFRESH		0x10
#define P61_OUT2		0x20

#define BINARY_MODULUS		65536U
#define BCD_MODULUS		10000U

/* The counts PC firmware leaves (18.2 Hz system tick, 15 us refresh). */
#define FW_CH0_COUNT		BINARY_MODULUS
#define FW_CH1_COUNT		18U
#define FW_CH2_COUNT		BINARY_MODULUS

/* Modes 6 and 7 are modes 2 and 3 ("X" in the datasheet's M2 bit). */
static unsigned int mode_of(const struct vpit_channel *c)
{
	return c->mode > 5 ? c->mode - 4U : c->mode;
}

static uint32_t modulus(const struct vpit_channel *c)
{
	return c->bcd ? BCD_MODULUS : BINARY_MODULUS;
}

static uint16_t to_bcd(uint32_t v)
{
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
			  (v / 10 % 10) << 4 | (v % 10));
}

static uint32_t from_bcd(uint16_t v)
{
	return ((v >> 12) & 0xf) * 1000U + ((v >> 8) & 0xf) * 100U +
	       ((v >> 4) & 0xf) * 10U + (v & 0xfU);
}

/* Modes 1 and 5 start counting on a gate trigger, not on the count write. */
static bool gate_triggered_mode(const struct vpit_channel *c)
{
	unsigned int m = mode_of(c);

	return m == 1 || m == 5;
}

static uint64_t counted(const struct vpit_channel *c, uint64_t now)
{
	uint64_t e = c->elapsed;

	if (c->running && now > c->start)
		e += now - c->start;
	return e;
}

static void pause(struct vpit_channel *c, uint64_t now)
{
	c->elapsed = counted(c, now);
	c->running = false;
}

static void run_from(struct vpit_channel *c, uint64_t now, uint64_t elapsed)
{
	c->elapsed = elapsed;
	c->start = now;
	c->running = true;
}

/* Counting element value, binary, in [0, modulus). */
static uint32_t counter_value(const struct vpit_channel *c, uint64_t now)
{
	uint32_t m = modulus(c), n = c->count;
	uint64_t e = counted(c, now);
	uint32_t p, high;

	if (!c->loaded)
		return n % m;
	switch (mode_of(c)) {
	case 2:	/* n, n-1, ..., 1, reloaded: it never reads 0 */
		return (uint32_t)(n - e % n) % m;
	case 3:	/* down by two in each half period */
		p = (uint32_t)(e % n);
		high = (n + 1) / 2;
		if (p >= high)
			p -= high;
		return ((n & ~1U) - 2 * p) % m;
	default: /* modes 0, 1, 4, 5 wrap around after terminal count */
		return (uint32_t)((n + m - e % m) % m);
	}
}

static bool channel_out(const struct vpit_channel *c, bool gate, uint64_t now)
{
	uint64_t e = counted(c, now);
	uint32_t n = c->count;

	if (!c->loaded)
		return mode_of(c) != 0;	/* a control word sets OUT's state */
	switch (mode_of(c)) {
	case 0:
		return e >= n;
	case 1:
		return !c->triggered || e >= n;
	case 2:
		return !gate || n < 2 || e % n != n - 1;
	case 3:
		return !gate || e % n < (n + 1) / 2;
	case 4:
		return e != n;
	default:
		return !c->triggered || e != n;
	}
}

static void load_count(struct vpit_channel *c, uint16_t raw, bool gate,
		       uint64_t now)
{
	uint32_t n = c->bcd ? from_bcd(raw) % BCD_MODULUS : raw;

	c->count = n ? n : modulus(c);	/* 0 is the largest count */
	c->loaded = true;
	c->triggered = false;
	c->elapsed = 0;
	c->start = now;
	c->running = gate && !gate_triggered_mode(c);
}

static void set_gate(struct vpit_channel *c, bool old, bool gate, uint64_t now)
{
	unsigned int m = mode_of(c);

	if (old == gate || !c->loaded)
		return;
	if (gate) {
		if (m == 0 || m == 4)
			run_from(c, now, c->elapsed);	/* resumes */
		else
			run_from(c, now, 0);		/* reloads */
		if (m == 1 || m == 5)
			c->triggered = true;
	} else if (!gate_triggered_mode(c)) {
		pause(c, now);
	}
}

static void channel_init(struct vpit_channel *c, uint8_t mode, uint32_t count,
			 bool gate)
{
	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->access = RW_BOTH;
	c->count = count;
	c->loaded = true;
	c->running = gate;
}

void vpit_reset(struct vpit *pit)
{
	memset(pit, 0, sizeof(*pit));
	channel_init(&pit->ch[0], 3, FW_CH0_COUNT, true);
	channel_init(&pit->ch[1], 2, FW_CH1_COUNT, true);
	channel_init(&pit->ch[2], 3, FW_CH2_COUNT, false);
}

static bool gate_of(const struct vpit *pit, unsigned int channel)
{
	return channel == 2 ? pit->gate2 : true;	/* PC wiring */
}

bool vpit_out(struct vpit *pit, unsigned int channel, uint64_t now)
{
	if (channel >= VPIT_CHANNELS)
		return false;
	return channel_out(&pit->ch[channel], gate_of(pit, channel), now);
}

static uint16_t visible_count(const struct vpit_channel *c, uint64_t now)
{
	uint32_t v = counter_value(c, now);

	return c->bcd ? to_bcd(v) : (uint16_t)v;
}

/* Later latch commands are ignored until the latched count is read. */
static void latch_count(struct vpit_channel *c, uint64_t now)
{
	if (c->latch_bytes)
		return;
	c->latched = visible_count(c, now);
	c->latch_bytes = c->access == RW_BOTH ? 2 : 1;
}

static void latch_status(struct vpit *pit, unsigned int channel, uint64_t now)
{
	struct vpit_channel *c = &pit->ch[channel];
	bool null_count = !c->loaded ||
			  (gate_triggered_mode(c) && !c->triggered);

	if (c->status_latched)
		return;
	c->status = (uint8_t)((vpit_out(pit, channel, now) ? STATUS_OUT : 0) |
			      (null_count ? STATUS_NULL_COUNT : 0) |
			      c->access << CW_RW_SHIFT |
			      c->mode << CW_MODE_SHIFT | (c->bcd ? CW_BCD : 0));
	c->status_latched = true;
}

static void read_back(struct vpit *pit, uint8_t value, uint64_t now)
{
	for (unsigned int i = 0; i < VPIT_CHANNELS; i++) {
		if (!(value & RB_COUNTER(i)))
			continue;
		if (!(value & RB_NO_STATUS))
			latch_status(pit, i, now);
		if (!(value & RB_NO_COUNT))
			latch_count(&pit->ch[i], now);
	}
}

static void write_control(struct vpit *pit, uint8_t value, uint64_t now)
{
	unsigned int sc = value >> CW_SC_SHIFT;
	unsigned int rw = (value >> CW_RW_SHIFT) & CW_RW_MASK;
	struct vpit_channel *c;

	if (sc == CW_SC_READBACK) {
		read_back(pit, value, now);
		return;
	}
	c = &pit->ch[sc];
	if (rw == RW_LATCH) {
		latch_count(c, now);
		return;
	}
	/* A control word resets the counter's logic; the count is kept. */
	c->elapsed = counted(c, now);
	c->running = false;
	c->mode = (value >> CW_MODE_SHIFT) & CW_MODE_MASK;
	c->access = (uint8_t)rw;
	c->bcd = value & CW_BCD;
	c->loaded = false;
	c->triggered = false;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->latch_bytes = 0;
	c->status_latched = false;
}

static void write_counter(struct vpit *pit, unsigned int channel, uint8_t value,
			  uint64_t now)
{
	struct vpit_channel *c = &pit->ch[channel];
	bool gate = gate_of(pit, channel);

	switch (c->access) {
	case RW_LSB:
		load_count(c, value, gate, now);
		break;
	case RW_MSB:
		load_count(c, (uint16_t)(value << 8), gate, now);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = value;
			c->write_msb_next = true;
			/* Mode 0: the first byte stops the count, OUT low. */
			if (mode_of(c) == 0) {
				pause(c, now);
				c->loaded = false;
			}
			break;
		}
		c->write_msb_next = false;
		load_count(c, (uint16_t)(c->write_lsb | value << 8), gate, now);
		break;
	}
}

static uint8_t read_latched(struct vpit_channel *c)
{
	bool msb = c->access == RW_MSB ||
		   (c->access == RW_BOTH && c->latch_bytes == 1);

	c->latch_bytes--;
	return (uint8_t)(msb ? c->latched >> 8 : c->latched);
}

static uint8_t read_counter(struct vpit_channel *c, uint64_t now)
{
	uint16_t v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latch_bytes)
		return read_latched(c);
	v = visible_count(c, now);
	msb = c->access == RW_MSB;
	if (c->access == RW_BOTH) {
		msb = c->read_msb_next;
		c->read_msb_next = !c->read_msb_next;
	}
	return (uint8_t)(msb ? v >> 8 : v);
}

/*
 * Bit 4 follows the refresh request, which flips every 15 us on real
 * machines; flipping on each read keeps loops that wait for a change short.
 */
static uint8_t read_port61(struct vpit *pit, uint64_t now)
{
	pit->refresh = !pit->refresh;
	return (uint8_t)(pit->port61 | (pit->refresh ? P61_REFRESH : 0) |
			 (vpit_out(pit, 2, now) ? P61_OUT2 : 0));
}

static void write_port61(struct vpit *pit, uint8_t value, uint64_t now)
{
	bool old = pit->gate2;

	pit->port61 = value & P61_WRITABLE;
	pit->gate2 = value & P61_GATE2;
	set_gate(&pit->ch[2], old, pit->gate2, now);
}

uint8_t vpit_read(struct vpit *pit, uint16_t port, uint64_t now)
{
	if (port == VPIT_PORT_SYSTEM_CTRL)
		return read_port61(pit, now);
	if (port >= VPIT_PORT_COUNTER0 &&
	    port < VPIT_PORT_COUNTER0 + VPIT_CHANNELS)
		return read_counter(&pit->ch[port - VPIT_PORT_COUNTER0], now);
	return 0xff;	/* the control register is write-only */
}

void vpit_write(struct vpit *pit, uint16_t port, uint8_t value, uint64_t now)
{
	if (port == VPIT_PORT_SYSTEM_CTRL)
		write_port61(pit, value, now);
	else if (port == VPIT_PORT_CONTROL)
		write_control(pit, value, now);
	else if (port >= VPIT_PORT_COUNTER0 &&
		 port < VPIT_PORT_COUNTER0 + VPIT_CHANNELS)
		write_counter(pit, port - VPIT_PORT_COUNTER0, value, now);
}

uint64_t vpit_ticks_from_tsc(uint64_t tsc, uint64_t tsc_hz)
{
	return scale_rate(tsc, tsc_hz, VPIT_HZ);
}
