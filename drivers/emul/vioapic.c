/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * I/O APIC register model (82093AA datasheet, section 3). Messages leave
 * at once, so delivery status always reads idle; remote IRR tracks
 * level-triggered interrupts until the EOI.
 */
#include "drivers/emul/vioapic.h"

/* Indirect registers (datasheet table 3.2). */
#define IOAPICID		0x00
#define IOAPICVER		0x01
#define IOAPICARB		0x02
#define IOREDTBL		0x10
#define IOREDTBL_END		(IOREDTBL + 2 * VIOAPIC_PINS)

#define ID_SHIFT		24
#define ID_MASK			0x0fU
#define VER_MAX_REDIR_SHIFT	16
#define SELECT_MASK		0xffU
#define ACCESS_SIZE		4

/* Redirection table entry fields (datasheet 3.2.4). */
#define RTE_VECTOR_MASK		VIOAPIC_RTE_VECTOR
#define RTE_MODE_SHIFT		VIOAPIC_RTE_MODE_SHIFT
#define RTE_MODE_MASK		VIOAPIC_RTE_MODE_MASK
#define RTE_LOGICAL		VIOAPIC_RTE_LOGICAL
#define RTE_DELIVERY_STATUS	(1ULL << 12)
#define RTE_POLARITY_LOW	(1ULL << 13)
#define RTE_REMOTE_IRR		(1ULL << 14)
#define RTE_LEVEL		(1ULL << 15)
#define RTE_MASKED		VIOAPIC_RTE_MASKED
#define RTE_DEST_SHIFT		VIOAPIC_RTE_DEST_SHIFT
#define RTE_WRITABLE		(RTE_VECTOR_MASK | RTE_MODE_MASK << RTE_MODE_SHIFT | \
				 RTE_LOGICAL | RTE_POLARITY_LOW | RTE_LEVEL | \
				 RTE_MASKED | 0xffULL << RTE_DEST_SHIFT)

void vioapic_reset(struct vioapic *io, uint8_t id)
{
	*io = (struct vioapic){ .id = id & ID_MASK,
				.passthrough = io->passthrough,
				.routed = io->routed,
				.routed_ctx = io->routed_ctx };
	for (unsigned int i = 0; i < VIOAPIC_PINS; i++)
		io->redir[i] = RTE_MASKED;
}

static bool asserted(const struct vioapic *io, unsigned int pin)
{
	return io->lines & (1U << pin);
}

static void deliver_pin(struct vioapic *io, unsigned int pin,
			vioapic_deliver_fn deliver, void *ctx)
{
	uint64_t e = io->redir[pin];
	struct vioapic_irq irq = {
		.vector = (uint8_t)(e & RTE_VECTOR_MASK),
		.delivery_mode = (uint8_t)(e >> RTE_MODE_SHIFT & RTE_MODE_MASK),
		.dest = (uint8_t)(e >> RTE_DEST_SHIFT),
		.logical = e & RTE_LOGICAL,
		.level = e & RTE_LEVEL,
		.pin = pin,
	};

	if (irq.level)
		io->redir[pin] |= RTE_REMOTE_IRR;
	if (deliver)
		deliver(ctx, &irq);
}

/* A level-triggered pin sends while asserted and not waiting for an EOI. */
static void level_check(struct vioapic *io, unsigned int pin,
			vioapic_deliver_fn deliver, void *ctx)
{
	uint64_t e = io->redir[pin];

	if ((e & RTE_LEVEL) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) &&
	    asserted(io, pin))
		deliver_pin(io, pin, deliver, ctx);
}

void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level,
		     vioapic_deliver_fn deliver, void *ctx)
{
	bool was;
	uint64_t e;

	if (pin >= VIOAPIC_PINS || io->passthrough & (1U << pin))
		return;
	was = asserted(io, pin);
	if (level)
		io->lines |= 1U << pin;
	else
		io->lines &= ~(1U << pin);
	e = io->redir[pin];
	if (e & RTE_LEVEL)
		level_check(io, pin, deliver, ctx);
	else if (level && !was && !(e & RTE_MASKED))
		deliver_pin(io, pin, deliver, ctx);	/* a masked edge is lost */
}

void vioapic_eoi(struct vioapic *io, uint8_t vector,
		 vioapic_deliver_fn deliver, void *ctx)
{
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		uint64_t e = io->redir[pin];

		if (!(e & RTE_REMOTE_IRR) || (e & RTE_VECTOR_MASK) != vector)
			continue;
		io->redir[pin] &= ~RTE_REMOTE_IRR;
		level_check(io, pin, deliver, ctx);
	}
}

static uint32_t read_indirect(const struct vioapic *io)
{
	uint32_t sel = io->select;
	uint64_t e;

	switch (sel) {
	case IOAPICID:
	case IOAPICARB:	/* the arbitration ID starts as the APIC ID */
		return (uint32_t)io->id << ID_SHIFT;
	case IOAPICVER:
		return (VIOAPIC_PINS - 1U) << VER_MAX_REDIR_SHIFT |
		       VIOAPIC_VERSION;
	default:
		break;
	}
	if (sel < IOREDTBL || sel >= IOREDTBL_END)
		return 0;
	e = io->redir[(sel - IOREDTBL) / 2];
	return (uint32_t)(sel & 1 ? e >> 32 : e);
}

/*
 * Turning a pin to edge clears remote IRR: Linux's EOI for I/O APICs
 * without an EOI register. Unmasking an asserted level pin sends.
 */
static void write_redir(struct vioapic *io, unsigned int pin, bool high,
			uint32_t value, vioapic_deliver_fn deliver, void *ctx)
{
	uint64_t e = io->redir[pin];
	uint64_t v = high ? (uint64_t)value << 32 | (uint32_t)e :
			    (e & ~0xffffffffULL) | value;

	e = (e & RTE_REMOTE_IRR) | (v & RTE_WRITABLE);
	if (!(e & RTE_LEVEL))
		e &= ~RTE_REMOTE_IRR;
	io->redir[pin] = e;
	if (io->passthrough & (1U << pin)) {
		/* The physical I/O APIC keeps this line's remote IRR. */
		if (io->routed)
			io->routed(io->routed_ctx, pin, e);
		return;
	}
	level_check(io, pin, deliver, ctx);
}

void vioapic_passthrough(struct vioapic *io, uint32_t pins, vioapic_rte_fn fn,
			 void *ctx)
{
	io->passthrough = pins & ((1U << VIOAPIC_PINS) - 1);
	io->routed = fn;
	io->routed_ctx = ctx;
}

static void write_indirect(struct vioapic *io, uint32_t value,
			   vioapic_deliver_fn deliver, void *ctx)
{
	uint32_t sel = io->select;

	if (sel == IOAPICID)
		io->id = (uint8_t)(value >> ID_SHIFT & ID_MASK);
	else if (sel >= IOREDTBL && sel < IOREDTBL_END)
		write_redir(io, (sel - IOREDTBL) / 2, sel & 1, value, deliver,
			    ctx);
	/* VER and ARB are read-only. */
}

uint32_t vioapic_read(struct vioapic *io, uint64_t offset, unsigned int size)
{
	if (size != ACCESS_SIZE)
		return 0;
	if (offset == VIOAPIC_REG_SELECT)
		return io->select;
	if (offset == VIOAPIC_REG_WINDOW)
		return read_indirect(io);
	return 0;
}

void vioapic_write(struct vioapic *io, uint64_t offset, uint32_t value,
		   unsigned int size, vioapic_deliver_fn deliver, void *ctx)
{
	if (size != ACCESS_SIZE)
		return;
	if (offset == VIOAPIC_REG_SELECT)
		io->select = value & SELECT_MASK;
	else if (offset == VIOAPIC_REG_WINDOW)
		write_indirect(io, value, deliver, ctx);
	else if (offset == VIOAPIC_REG_EOI)
		vioapic_eoi(io, (uint8_t)value, deliver, ctx);
}
