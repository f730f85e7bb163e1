/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A partition's device models driven as a guest drives them: a fuzzed
 * stream of port reads and writes (routed as kernel/exit/io_emul.c does:
 * the reset and power ports whole, the rest byte by byte to the vUART at
 * COM1, the PIT and the CMOS clock), I/O APIC and local APIC MMIO, host
 * input, interrupt lines, EOIs and the passing of time.
 *
 * Invariants, beyond no crash and no UB: the vUART's console output is
 * exactly the printable bytes the guest wrote outside loopback, in lines
 * of at most VUART_LINE_MAX, and its receiver hands back what went in, in
 * order; the PIT's state stays in range and a BCD counter reads as BCD;
 * the CMOS clock's time registers read as a valid time in the format
 * register B asks for; the I/O APIC delivers only unmasked pins and keeps
 * its version; an IPI carries what the ICR holds; the deadline count and
 * the PIT tick conversion are exact; calendar conversions round-trip.
 *
 * The software local APIC of a vCPU on a shared core (vlapic_soft.c),
 * driven as the scheduler drives it (posts, deliveries of what is
 * pending, EOIs, register accesses, deadlines, ticks at a TSC that only
 * goes forward): PPR and the vector pending follow from TPR, ISR and IRR
 * as 11.8.3.1 and 11.8.4 say; ISR holds no more vectors than were
 * delivered and not EOIed, EOI retires the highest, with its TMR bit;
 * vectors 0-15 and a disabled APIC never reach IRR; a timer expiry posts
 * its vector once unless masked; the next expiry is 0 or after now (a
 * periodic one within a period); the current count never exceeds the
 * initial count, reads it at a (re)load and reads on across a divide
 * change; a mode change disarms; deadline mode alone keeps a deadline.
 */
#include <string.h>

#include "drivers/emul/vioapic.h"
#include "drivers/emul/vlapic.h"
#include "drivers/emul/vlapic_soft.h"
#include "drivers/emul/vpit.h"
#include "drivers/emul/vplatform.h"
#include "drivers/emul/vrtc.h"
#include "drivers/emul/vuart.h"
#include "tests/fuzz/fuzz.h"

#define UART_PORT	0x3f8	/* COM1, as kernel/exit/io_emul.c places it */
#define UART_PORTS	8
#define OUT_MAX		65536
#define OPS_MAX		512
#define LAST_UNIX	253402300799ULL	/* 9999-12-31 23:59:59 */
/* UART registers and bits (PC16550D), read back independently. */
#define UART_LCR	3
#define UART_MCR	4
#define UART_FCR	2
#define LCR_DLAB	0x80
#define MCR_LOOP	0x10
/* CMOS register B bits (MC146818A). */
#define RTC_B		0x0b
#define RTC_B_SET	0x80
#define RTC_B_BINARY	0x04
#define RTC_B_24H	0x02

struct output {
	char expected[OUT_MAX], seen[OUT_MAX];
	size_t expected_len, seen_len;
};

struct machine {
	struct vuart uart;
	struct vpit pit;
	struct vrtc rtc;
	struct vplatform platform;
	struct vioapic ioapic;
	struct vlapic lapic;
	struct vlapic soft_regs;
	struct vlapic_soft soft;
	uint64_t soft_now;
	unsigned int soft_in_service;	/* delivered, not yet EOIed */
	uint64_t pit_now, unix_now;
	/* The receiver as the guest should see it. */
	uint8_t rx[VUART_RX_SIZE];
	unsigned int rx_count;
	unsigned int deliveries;
};

static struct output out;
static struct machine m;

static void emit(void *ctx, const char *line, size_t len, bool complete)
{
	(void)ctx;
	FUZZ_CHECK(len <= VUART_LINE_MAX && !memchr(line, '\n', len),
		   "a console segment of %zu bytes", len);
	if (out.seen_len + len + 1 >= OUT_MAX)
		return;
	memcpy(out.seen + out.seen_len, line, len);
	out.seen_len += len;
	if (complete)
		out.seen[out.seen_len++] = '\n';
}

static void deliver(void *ctx, const struct vioapic_irq *irq)
{
	(void)ctx;
	FUZZ_CHECK(irq->pin < VIOAPIC_PINS && irq->delivery_mode <= 7,
		   "pin %u mode %u", irq->pin, irq->delivery_mode);
	FUZZ_CHECK(!(m.ioapic.redir[irq->pin] & (1ULL << 16)),
		   "masked pin %u delivered", irq->pin);
	m.deliveries++;
}

/* ---- the vUART ---- */

static void rx_model_sync(void)
{
	m.rx_count = m.uart.rx_count;
	for (unsigned int i = 0; i < m.rx_count; i++)
		m.rx[i] = m.uart.rx[(m.uart.rx_head + i) % VUART_RX_SIZE];
}

static void uart_write(unsigned int reg, uint8_t value)
{
	bool thr = reg == 0 && !(m.uart.lcr & LCR_DLAB);

	if (thr && !(m.uart.mcr & MCR_LOOP)) {
		bool printable = (value >= ' ' && value != 0x7f) ||
				 value == '\t';

		if ((value == '\n' || printable) &&
		    out.expected_len + 1 < OUT_MAX)
			out.expected[out.expected_len++] = (char)value;
	} else if (thr && m.rx_count < VUART_RX_SIZE) {
		m.rx[m.rx_count++] = value;	/* looped back */
	}
	vuart_write(&m.uart, reg, value);
	if (reg == UART_FCR)
		rx_model_sync();	/* a FIFO reset or mode change */
}

static uint8_t uart_read(unsigned int reg)
{
	bool rbr = reg == 0 && !(m.uart.lcr & LCR_DLAB);
	uint8_t v = vuart_read(&m.uart, reg);

	if (rbr) {
		uint8_t want = m.rx_count ? m.rx[0] : 0;

		FUZZ_CHECK(v == want, "received 0x%02x, sent 0x%02x", v, want);
		if (m.rx_count)
			memmove(m.rx, m.rx + 1, --m.rx_count);
	}
	return v;
}

static void uart_push(uint8_t c)
{
	bool took = vuart_push_input(&m.uart, c);

	FUZZ_CHECK(took == (!(m.uart.mcr & MCR_LOOP) &&
			    m.rx_count < VUART_RX_SIZE),
		   "input %s with %u bytes waiting", took ? "taken" : "refused",
		   m.rx_count);
	if (took)
		m.rx[m.rx_count++] = c;
}

/* ---- the PIT and the CMOS clock ---- */

static bool is_bcd(unsigned int v)
{
	return (v & 0xf) <= 9 && (v >> 4 & 0xf) <= 9;
}

static void check_pit_read(uint16_t port, uint8_t v, bool bcd_before,
			   bool latched_status)
{
	if (port >= VPIT_PORT_COUNTER0 && port < VPIT_PORT_COUNTER0 + 3 &&
	    bcd_before && !latched_status)
		FUZZ_CHECK(is_bcd(v), "BCD counter %u reads 0x%02x",
			   port - VPIT_PORT_COUNTER0, v);
}

static void check_pit(void)
{
	for (unsigned int i = 0; i < VPIT_CHANNELS; i++) {
		const struct vpit_channel *c = &m.pit.ch[i];

		FUZZ_CHECK(c->mode <= 7 && c->access >= 1 && c->access <= 3 &&
			   c->latch_bytes <= 2 && c->count >= 1 &&
			   c->count <= (c->bcd && c->loaded ? 10000U : 65536U),
			   "channel %u: mode %u access %u count %u", i, c->mode,
			   c->access, c->count);
	}
}

static void check_rtc_read(uint8_t index, uint8_t v)
{
	bool binary = m.rtc.cmos[RTC_B] & RTC_B_BINARY;
	bool h24 = m.rtc.cmos[RTC_B] & RTC_B_24H;
	unsigned int x;

	if (m.rtc.set_mode || index > 0x09 || index == 1 || index == 3 ||
	    index == 5)
		return;
	if (!binary)
		FUZZ_CHECK(is_bcd(index == 4 && !h24 ? v & 0x7f : v),
			   "CMOS 0x%02x reads 0x%02x in BCD", index, v);
	x = binary ? v : (v >> 4 & 0xf) * 10U + (v & 0xf);
	switch (index) {
	case 0: case 2:
		FUZZ_CHECK(x < 60, "CMOS 0x%02x reads %u", index, x);
		break;
	case 4:
		if (!h24) {
			x = binary ? v & 0x7f : ((v & 0x7f) >> 4) * 10U + (v & 0xf);
			FUZZ_CHECK(x >= 1 && x <= 12, "12-hour clock reads %u", x);
		} else {
			FUZZ_CHECK(x < 24, "hour %u", x);
		}
		break;
	case 6:
		FUZZ_CHECK(x >= 1 && x <= 7, "weekday %u", x);
		break;
	case 7:
		FUZZ_CHECK(x >= 1 && x <= 31, "day %u", x);
		break;
	case 8:
		FUZZ_CHECK(x >= 1 && x <= 12, "month %u", x);
		break;
	default:
		break;
	}
}

/* ---- ports, routed as io_emul.c does ---- */

static uint16_t take_port(struct fuzz_in *in)
{
	static const uint16_t ports[] = {
		UART_PORT, UART_PORT + 1, UART_PORT + 2, UART_PORT + 3,
		UART_PORT + 4, UART_PORT + 5, UART_PORT + 6, UART_PORT + 7,
		0x40, 0x41, 0x42, 0x43, 0x61, VRTC_PORT_INDEX, VRTC_PORT_DATA,
		VPLATFORM_PORT_I8042_DATA, VPLATFORM_PORT_I8042_CMD,
		VPLATFORM_PORT_RESET, VPLATFORM_PM1A_EVT,
		VPLATFORM_PM1A_EVT + 2, VPLATFORM_PM1A_CNT,
	};
	uint8_t b = fuzz_u8(in);

	if (b < 0xf0)
		return ports[b % (sizeof(ports) / sizeof(ports[0]))];
	return fuzz_u16(in);
}

static bool is_uart(uint16_t port)
{
	return port >= UART_PORT && port < UART_PORT + UART_PORTS;
}

static void port_byte_write(uint16_t port, uint8_t value)
{
	if (is_uart(port))
		uart_write(port - UART_PORT, value);
	else if ((port >= 0x40 && port <= 0x43) || port == 0x61)
		vpit_write(&m.pit, port, value, m.pit_now);
	else if (port == VRTC_PORT_INDEX || port == VRTC_PORT_DATA)
		vrtc_write(&m.rtc, port, value, m.unix_now);
}

static uint8_t port_byte_read(uint16_t port)
{
	uint8_t v = 0xff;

	if (is_uart(port)) {
		v = uart_read(port - UART_PORT);
	} else if ((port >= 0x40 && port <= 0x42) || port == 0x61) {
		const struct vpit_channel *c = port == 0x61 ? NULL :
					       &m.pit.ch[port - 0x40];
		bool bcd = c && c->bcd, status = c && c->status_latched;

		v = vpit_read(&m.pit, port, m.pit_now);
		check_pit_read(port, v, bcd, status);
	} else if (port == 0x43) {
		v = vpit_read(&m.pit, port, m.pit_now);
	} else if (port == VRTC_PORT_INDEX || port == VRTC_PORT_DATA) {
		uint8_t index = m.rtc.index;

		v = vrtc_read(&m.rtc, port, m.unix_now);
		if (port == VRTC_PORT_DATA)
			check_rtc_read(index, v);
	}
	return v;
}

static void port_io(struct fuzz_in *in, bool write, unsigned int size)
{
	uint16_t port = take_port(in);
	uint32_t value = write ? fuzz_u32(in) : 0;

	if (vplatform_handles(port, size)) {
		if (write)
			(void)vplatform_write(&m.platform, port, size, value);
		else
			(void)vplatform_read(&m.platform, port, size, &value);
		return;
	}
	for (unsigned int i = 0; i < size; i++) {
		if (write)
			port_byte_write((uint16_t)(port + i),
					(uint8_t)(value >> (8 * i)));
		else
			(void)port_byte_read((uint16_t)(port + i));
	}
}

/* ---- the APICs ---- */

static void lapic_write(struct fuzz_in *in)
{
	static const uint32_t regs[] = {
		APIC_ID, APIC_TPR, APIC_LDR, APIC_DFR, APIC_SVR, APIC_ESR,
		APIC_ICR_LOW, APIC_ICR_HIGH, APIC_LVT_TIMER, APIC_LVT_CMCI,
		APIC_LVT_ERROR, APIC_TIMER_INITIAL, APIC_TIMER_DIVIDE, APIC_EOI,
	};
	uint8_t b = fuzz_u8(in);
	uint32_t off = b < 0xe0 ? regs[b % (sizeof(regs) / sizeof(regs[0]))] :
		       (uint32_t)(fuzz_u16(in) & 0xff0);
	uint32_t value = fuzz_u32(in);
	struct vlapic_ipi ipi;

	if (vlapic_write(&m.lapic, off, value, &ipi)) {
		FUZZ_CHECK(off == APIC_ICR_LOW, "an IPI from register 0x%x", off);
		FUZZ_CHECK(ipi.vector == (m.lapic.icr_low & 0xff) &&
			   ipi.dest == (enum vlapic_dest)(m.lapic.icr_low >> 18 & 3) &&
			   ipi.dest_id == m.lapic.icr_high >> 24 &&
			   ipi.logical == !!(m.lapic.icr_low & (1U << 11)),
			   "the IPI is not what the ICR holds");
		(void)vlapic_ipi_targets(&ipi, m.lapic.id, &m.lapic);
	}
	FUZZ_CHECK(vlapic_read(&m.lapic, APIC_ID) == m.lapic.id << 24 &&
		   vlapic_read(&m.lapic, APIC_VERSION) == VLAPIC_VERSION &&
		   vlapic_read(&m.lapic, APIC_PPR) <= 0xf0,
		   "the local APIC's identity changed");
}

static void check_ioapic(void)
{
	uint32_t select = m.ioapic.select;

	FUZZ_CHECK(m.ioapic.id <= 0xf && select <= 0xff, "I/O APIC state");
	vioapic_write(&m.ioapic, VIOAPIC_REG_SELECT, 1, 4, deliver, NULL);
	FUZZ_CHECK(vioapic_read(&m.ioapic, VIOAPIC_REG_WINDOW, 4) ==
		   ((VIOAPIC_PINS - 1U) << 16 | VIOAPIC_VERSION),
		   "the I/O APIC version changed");
	vioapic_write(&m.ioapic, VIOAPIC_REG_SELECT, select, 4, deliver, NULL);
}

/* ---- the software local APIC (vlapic_soft.c) ---- */

/* Rates until a reset op picks others: a 2.5 GHz TSC, a 1 GHz timer. */
#define SOFT_TSC_HZ		2500000000ULL
#define SOFT_TIMER_HZ		1000000000ULL
#define SOFT_TMR0		0x180
#define SOFT_IRR0		0x200
#define SOFT_ESR_ILLEGAL_RX	0x40U	/* ESR bit 6 (SDM 11.5.3) */
#define SOFT_LVT_TIMER		1	/* index in struct vlapic's lvt[] */
#define SOFT_MAX_DIVISOR	128U

static bool soft_bit(const uint32_t *words, unsigned int v)
{
	return words[v / 32] >> (v % 32) & 1;
}

/* Written apart from vlapic_soft.c's own scan, on purpose. */
static int soft_highest(const uint32_t *words)
{
	for (int v = APIC_VECTORS - 1; v >= 0; v--)
		if (soft_bit(words, (unsigned int)v))
			return v;
	return -1;
}

static unsigned int soft_count(const uint32_t *words)
{
	unsigned int n = 0;

	for (int i = 0; i < VLAPIC_VECTOR_WORDS; i++)
		n += (unsigned int)__builtin_popcount(words[i]);
	return n;
}

static bool soft_enabled(void)
{
	return m.soft_regs.svr & SVR_APIC_ENABLED;
}

static uint32_t soft_mode(void)
{
	return m.soft_regs.lvt[SOFT_LVT_TIMER] & LVT_TIMER_MODE_MASK;
}

/* Figure 11-10, as a table. */
static uint64_t soft_divisor(void)
{
	static const uint8_t divisors[] = { 2, 4, 8, 16, 32, 64, 128, 1 };
	uint32_t d = m.soft_regs.timer_divide;

	return divisors[(d & 3) | (d >> 1 & 4)];
}

/* TSC ticks of `counts` counts at the current divide, exactly. */
static unsigned __int128 soft_ticks(uint64_t counts)
{
	return (unsigned __int128)counts * soft_divisor() * m.soft.tsc_hz /
	       m.soft.timer_hz;
}

static void check_soft(void)
{
	uint32_t tpr = m.soft_regs.tpr;
	int isrv = soft_highest(m.soft.isr), irrv = soft_highest(m.soft.irr);
	uint32_t ppr = (tpr >> 4) >= (uint32_t)(isrv < 0 ? 0 : isrv >> 4) ?
		       tpr : (uint32_t)isrv & 0xf0;
	int pending = vlapic_soft_pending(&m.soft);
	uint32_t current = vlapic_soft_read(&m.soft, APIC_TIMER_CURRENT,
					    m.soft_now);

	FUZZ_CHECK(vlapic_soft_ppr(&m.soft) == ppr &&
		   vlapic_soft_read(&m.soft, APIC_PPR, m.soft_now) == ppr,
		   "PPR 0x%x, TPR 0x%x and ISRV 0x%x make 0x%x",
		   vlapic_soft_ppr(&m.soft), tpr, isrv, ppr);
	FUZZ_CHECK(pending == (irrv >= 0 && (uint32_t)irrv >> 4 > ppr >> 4 ?
			       irrv : -1),
		   "pending %d with IRRV 0x%x, PPR 0x%x", pending, irrv, ppr);
	FUZZ_CHECK(soft_count(m.soft.isr) <= m.soft_in_service,
		   "%u vectors in service, %u delivered and not EOIed",
		   soft_count(m.soft.isr), m.soft_in_service);
	FUZZ_CHECK(!(m.soft.irr[0] & 0xffff) && !(m.soft.isr[0] & 0xffff),
		   "an illegal vector requested or in service");
	FUZZ_CHECK(soft_mode() == LVT_TIMER_DEADLINE ||
		   !vlapic_soft_get_deadline(&m.soft),
		   "a deadline outside deadline mode");
	FUZZ_CHECK(current <= m.soft_regs.timer_initial &&
		   (soft_mode() != LVT_TIMER_DEADLINE || !current),
		   "current count %u, initial %u, mode %u", current,
		   m.soft_regs.timer_initial, soft_mode() >> 17);
	FUZZ_CHECK(soft_mode() == LVT_TIMER_DEADLINE || !m.soft.expiry ||
		   m.soft_regs.timer_initial, "a count of 0 armed");
}

static void soft_post(uint8_t vector, bool level)
{
	uint32_t irr[VLAPIC_VECTOR_WORDS], tmr[VLAPIC_VECTOR_WORDS];
	bool enabled = soft_enabled();

	memcpy(irr, m.soft.irr, sizeof(irr));
	memcpy(tmr, m.soft.tmr, sizeof(tmr));
	vlapic_soft_post(&m.soft, vector, level);
	if (!enabled || vector < 16) {
		FUZZ_CHECK(!memcmp(irr, m.soft.irr, sizeof(irr)) &&
			   !memcmp(tmr, m.soft.tmr, sizeof(tmr)),
			   "vector 0x%x accepted (APIC %s)", vector,
			   enabled ? "enabled" : "disabled");
		FUZZ_CHECK(!enabled || m.soft_regs.esr & SOFT_ESR_ILLEGAL_RX,
			   "illegal vector 0x%x not in ESR", vector);
		return;
	}
	irr[vector / 32] |= 1U << (vector % 32);
	tmr[vector / 32] &= ~(1U << (vector % 32));
	tmr[vector / 32] |= (uint32_t)level << (vector % 32);
	FUZZ_CHECK(!memcmp(irr, m.soft.irr, sizeof(irr)) &&
		   !memcmp(tmr, m.soft.tmr, sizeof(tmr)),
		   "post of 0x%x (%s) changed IRR/TMR otherwise", vector,
		   level ? "level" : "edge");
}

/* What the scheduler does before entering the vCPU. */
static void soft_deliver(void)
{
	int v = vlapic_soft_pending(&m.soft);

	if (v < 0)
		return;
	vlapic_soft_ack(&m.soft, (uint8_t)v);
	m.soft_in_service++;
	FUZZ_CHECK(soft_bit(m.soft.isr, (unsigned int)v) &&
		   !soft_bit(m.soft.irr, (unsigned int)v),
		   "0x%x acknowledged but not in service", v);
}

static void soft_tick(void)
{
	uint32_t irr[VLAPIC_VECTOR_WORDS];
	uint64_t expiry = m.soft.expiry, now = m.soft_now, next;
	uint32_t lvt = m.soft_regs.lvt[SOFT_LVT_TIMER];
	uint32_t vector = lvt & LVT_VECTOR_MASK;
	bool fired = expiry && now >= expiry;
	unsigned __int128 period = soft_ticks(m.soft_regs.timer_initial);

	memcpy(irr, m.soft.irr, sizeof(irr));
	if (fired && !(lvt & LVT_MASKED) && vector >= 16 && soft_enabled())
		irr[vector / 32] |= 1U << (vector % 32);
	next = vlapic_soft_tick(&m.soft, now);
	FUZZ_CHECK(!memcmp(irr, m.soft.irr, sizeof(irr)),
		   "timer at %llu, expiry %llu, LVT 0x%x: wrong IRR",
		   (unsigned long long)now, (unsigned long long)expiry, lvt);
	FUZZ_CHECK(next == m.soft.expiry && (!next || next > now),
		   "next expiry %llu at %llu", (unsigned long long)next,
		   (unsigned long long)now);
	if (!fired) {
		FUZZ_CHECK(next == expiry, "an expiry moved before its time");
	} else if ((lvt & LVT_TIMER_MODE_MASK) == LVT_TIMER_PERIODIC) {
		FUZZ_CHECK(next && (next - now <= (period ? period : 1) ||
				    next == UINT64_MAX),
			   "periodic timer: next in %llu ticks, period %llu",
			   (unsigned long long)(next - now),
			   (unsigned long long)period);
	} else {
		FUZZ_CHECK(!next && !vlapic_soft_read(&m.soft,
						      APIC_TIMER_CURRENT, now),
			   "a one-shot or deadline timer rearmed itself");
	}
}

/* A divide change with the timer run up to now: the count reads on. */
static void soft_write_divide(uint32_t value)
{
	uint64_t now = m.soft_now;
	uint32_t before, after;
	struct vlapic_ipi ipi;
	int eoi_vector;
	bool eoi_level;

	soft_tick();
	before = vlapic_soft_read(&m.soft, APIC_TIMER_CURRENT, now);
	FUZZ_CHECK(!vlapic_soft_write(&m.soft, APIC_TIMER_DIVIDE, value, now,
				      &ipi, &eoi_vector, &eoi_level) &&
		   eoi_vector == -1, "a divide write sent an IPI or an EOI");
	after = vlapic_soft_read(&m.soft, APIC_TIMER_CURRENT, now);
	/* Exact while the timer is no faster than the TSC and now large. */
	if (m.soft.timer_hz <= m.soft.tsc_hz &&
	    soft_ticks(m.soft_regs.timer_initial) * SOFT_MAX_DIVISOR < now)
		FUZZ_CHECK(before == after,
			   "divide change: count %u became %u", before, after);
}

static void soft_write(struct fuzz_in *in)
{
	static const uint32_t regs[] = {
		APIC_TPR, APIC_SVR, APIC_EOI, APIC_LVT_TIMER,
		APIC_TIMER_INITIAL, APIC_TIMER_DIVIDE, APIC_ICR_LOW,
		APIC_ICR_HIGH, APIC_ESR, APIC_LVT_ERROR, APIC_PPR,
		APIC_TIMER_CURRENT,
	};
	uint8_t b = fuzz_u8(in);
	uint32_t off = b < 0xe0 ? regs[b % (sizeof(regs) / sizeof(regs[0]))] :
		       (uint32_t)(fuzz_u16(in) & 0xff0);
	uint32_t value = fuzz_u32(in), old_mode = soft_mode();
	uint32_t old_initial = m.soft_regs.timer_initial;
	int expected_eoi = soft_highest(m.soft.isr), eoi_vector;
	bool expected_level = expected_eoi >= 0 &&
			      soft_bit(m.soft.tmr, (unsigned int)expected_eoi);
	bool eoi_level;
	struct vlapic_ipi ipi;

	if (off == APIC_TIMER_DIVIDE) {
		soft_write_divide(value);
		return;
	}
	if (vlapic_soft_write(&m.soft, off, value, m.soft_now, &ipi,
			      &eoi_vector, &eoi_level))
		FUZZ_CHECK(off == APIC_ICR_LOW &&
			   ipi.vector == (m.soft_regs.icr_low & 0xff) &&
			   ipi.dest_id == m.soft_regs.icr_high >> 24,
			   "an IPI from 0x%x that is not the ICR's", off);
	if (off != APIC_EOI) {
		FUZZ_CHECK(eoi_vector == -1 && !eoi_level,
			   "an EOI from register 0x%x", off);
	} else {
		FUZZ_CHECK(eoi_vector == expected_eoi &&
			   eoi_level == expected_level,
			   "EOI of %d (%d), highest in service %d (%d)",
			   eoi_vector, eoi_level, expected_eoi, expected_level);
		m.soft_in_service -= eoi_vector >= 0;
	}
	if (soft_mode() != old_mode)
		FUZZ_CHECK(!m.soft.expiry, "a mode change left it armed");
	if (off != APIC_TIMER_INITIAL)
		return;
	if (old_mode == LVT_TIMER_DEADLINE) {
		FUZZ_CHECK(m.soft_regs.timer_initial == old_initial,
			   "initial count written in deadline mode");
	} else {
		FUZZ_CHECK(vlapic_soft_read(&m.soft, APIC_TIMER_CURRENT,
					    m.soft_now) == value &&
			   (m.soft.expiry > m.soft_now) == (value != 0),
			   "count %u loaded: reads %u, expiry %llu at %llu",
			   value, vlapic_soft_read(&m.soft, APIC_TIMER_CURRENT,
						   m.soft_now),
			   (unsigned long long)m.soft.expiry,
			   (unsigned long long)m.soft_now);
	}
}

static void soft_read(struct fuzz_in *in)
{
	uint32_t off = (uint32_t)(fuzz_u16(in) & 0xff0);
	uint32_t v = vlapic_soft_read(&m.soft, off, m.soft_now);
	const uint32_t *bitmap = off < SOFT_TMR0 ? m.soft.isr :
				 off < SOFT_IRR0 ? m.soft.tmr : m.soft.irr;

	if (off >= APIC_ISR0 && off <= APIC_IRR7)
		FUZZ_CHECK(v == bitmap[off / APIC_REG_STRIDE % APIC_ISR_REGS],
			   "register 0x%x reads 0x%x", off, v);
}

static void soft_set_deadline(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	uint64_t deadline = !how ? 0 : how & 1 ? m.soft_now + fuzz_u32(in) :
			    m.soft_now - fuzz_u16(in);

	vlapic_soft_set_deadline(&m.soft, deadline);
	FUZZ_CHECK(vlapic_soft_get_deadline(&m.soft) ==
		   (soft_mode() == LVT_TIMER_DEADLINE ? deadline : 0),
		   "deadline %llu reads %llu", (unsigned long long)deadline,
		   (unsigned long long)vlapic_soft_get_deadline(&m.soft));
}

static void soft_reset(struct fuzz_in *in)
{
	uint64_t tsc_hz = 1 + (uint64_t)fuzz_u32(in);
	uint64_t timer_hz = 1 + (uint64_t)fuzz_u32(in);

	vlapic_reset(&m.soft_regs, fuzz_u8(in));
	vlapic_soft_reset(&m.soft, &m.soft_regs, tsc_hz, timer_hz);
	m.soft_in_service = 0;
}

static void soft_op(struct fuzz_in *in, uint8_t op)
{
	uint8_t b;

	switch (op >> 4 & 7) {
	case 0: case 1:
		soft_post(fuzz_u8(in), op & 0x10);
		break;
	case 2:
		soft_deliver();
		break;
	case 3:
		soft_write(in);
		break;
	case 4:	/* time passes: a little (the tick may come later) */
		b = fuzz_u8(in);
		m.soft_now += fuzz_u16(in);
		if (b & 1)
			soft_tick();
		break;
	case 5:	/* or many periods */
		m.soft_now += (uint64_t)fuzz_u32(in) << 16;
		soft_tick();
		break;
	case 6:
		soft_set_deadline(in);
		break;
	default:
		b = fuzz_u8(in);
		if (b >= 0xf0)
			soft_reset(in);
		else
			soft_read(in);
		break;
	}
	check_soft();
}

/* ---- pure conversions ---- */

static void check_deadline(struct fuzz_in *in)
{
	uint64_t now = fuzz_u64(in), deadline = fuzz_u64(in);
	uint64_t tsc_hz = fuzz_u64(in), timer_hz = fuzz_u64(in);
	uint32_t count = vlapic_deadline_count(now, deadline, tsc_hz, timer_hz);
	unsigned __int128 exact;

	/* lib/scale.h is exact for any 64-bit rates. */
	if (!tsc_hz || !timer_hz)
		return;
	if (deadline <= now) {
		FUZZ_CHECK(count == 1, "a past deadline counts %u", count);
		return;
	}
	exact = (unsigned __int128)(deadline - now) * timer_hz / tsc_hz;
	if (exact > 0xffffffffU)
		exact = 0xffffffffU;
	if (!exact)
		exact = 1;
	FUZZ_CHECK(count == exact,
		   "deadline in %llu TSC ticks at %llu Hz, timer %llu Hz: %u, exactly %llu",
		   (unsigned long long)(deadline - now),
		   (unsigned long long)tsc_hz, (unsigned long long)timer_hz,
		   count, (unsigned long long)exact);
}

static void check_pit_ticks(struct fuzz_in *in)
{
	uint64_t tsc = fuzz_u64(in);
	/* From the PIT's own rate (no TSC is slower) to 15 THz. */
	uint64_t tsc_hz = fuzz_u64(in) % 15000000000000ULL;
	unsigned __int128 exact;

	if (tsc_hz < VPIT_HZ)
		return;
	exact = (unsigned __int128)tsc * VPIT_HZ / tsc_hz;
	FUZZ_CHECK(vpit_ticks_from_tsc(tsc, tsc_hz) == (uint64_t)exact &&
		   !(exact >> 64), "PIT ticks of %llu at %llu Hz",
		   (unsigned long long)tsc, (unsigned long long)tsc_hz);
}

static void check_calendar(struct fuzz_in *in)
{
	uint64_t secs = fuzz_u64(in) % (LAST_UNIX + 1);
	struct vrtc_time t;

	vrtc_unix_to_time(secs, &t);
	FUZZ_CHECK(t.year >= 1970 && t.year <= 9999 && t.month >= 1 &&
		   t.month <= 12 && t.day >= 1 && t.day <= 31 && t.hour < 24 &&
		   t.min < 60 && t.sec < 60 && t.wday < 7,
		   "%llu seconds: %u-%u-%u %u:%u:%u",
		   (unsigned long long)secs, t.year, t.month, t.day, t.hour,
		   t.min, t.sec);
	FUZZ_CHECK(vrtc_time_to_unix(&t) == secs, "%llu does not round-trip",
		   (unsigned long long)secs);
}

/* ---- the stream ---- */

static void run_op(struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	unsigned int size = 1U << (op >> 4 & 3);

	switch (op & 0xf) {
	case 0: case 1:
		port_io(in, true, size > 4 ? 4 : size);
		break;
	case 2: case 3:
		port_io(in, false, size > 4 ? 4 : size);
		break;
	case 4:
		vioapic_write(&m.ioapic, fuzz_u8(in) & 0x70, fuzz_u32(in),
			      op & 0x40 ? 2 : 4, deliver, NULL);
		break;
	case 5:
		(void)vioapic_read(&m.ioapic, fuzz_u8(in) & 0x70,
				   op & 0x40 ? 2 : 4);
		break;
	case 6:
		vioapic_set_irq(&m.ioapic, fuzz_u8(in) % 32, op & 0x80,
				deliver, NULL);
		break;
	case 7:
		vioapic_eoi(&m.ioapic, fuzz_u8(in), deliver, NULL);
		break;
	case 8:
		lapic_write(in);
		break;
	case 9:	/* time passes: PIT clocks and wall-clock seconds */
		m.pit_now += op & 0x80 ? fuzz_u32(in) : fuzz_u8(in);
		m.unix_now += fuzz_u8(in) & 3;
		break;
	case 10:
		uart_push(fuzz_u8(in));
		break;
	case 11:
		if (op & 0x80)
			vplatform_power_button(&m.platform);
		else
			vuart_flush(&m.uart);
		(void)vplatform_sci_pending(&m.platform);
		(void)vuart_irq_pending(&m.uart);
		(void)vpit_out(&m.pit, fuzz_u8(in) % 4, m.pit_now);
		break;
	case 12:
		check_deadline(in);
		break;
	case 13:
		check_pit_ticks(in);
		break;
	case 14:
		check_calendar(in);
		break;
	default:
		if (op & 0x80)
			soft_op(in, op);
		else
			(void)vlapic_read(&m.lapic,
					  (uint32_t)(fuzz_u16(in) & 0xff0));
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size, 0 };

	memset(&m, 0, sizeof(m));
	out.expected_len = out.seen_len = 0;
	vuart_init(&m.uart, emit, NULL);
	vpit_reset(&m.pit);
	vrtc_reset(&m.rtc);
	vplatform_reset(&m.platform);
	vioapic_reset(&m.ioapic, 1);
	vlapic_reset(&m.lapic, fuzz_u8(&in));
	vlapic_reset(&m.soft_regs, 1);
	vlapic_soft_reset(&m.soft, &m.soft_regs, SOFT_TSC_HZ, SOFT_TIMER_HZ);
	/* A wall clock from 1970 to about 2500, a TSC-derived PIT clock. */
	m.unix_now = fuzz_u32(&in) * 4ULL;
	m.pit_now = fuzz_u64(&in) >> 8;
	m.soft_now = m.pit_now;
	for (unsigned int n = 0; n < OPS_MAX && fuzz_more(&in); n++) {
		run_op(&in);
		check_pit();
		check_ioapic();
		FUZZ_CHECK(m.uart.rx_count <= VUART_RX_SIZE &&
			   m.uart.rx_head < VUART_RX_SIZE &&
			   m.uart.line_len <= VUART_LINE_MAX &&
			   m.uart.rx_count == m.rx_count,
			   "vUART receiver %u/%u", m.uart.rx_count, m.rx_count);
	}
	vuart_flush(&m.uart);
	/* OPS_MAX writes of 4 bytes cannot fill OUT_MAX. */
	FUZZ_CHECK(out.seen_len == out.expected_len &&
		   !memcmp(out.seen, out.expected, out.seen_len),
		   "console output differs from what the guest wrote");
	return 0;
}
