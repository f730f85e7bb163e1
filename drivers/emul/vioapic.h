/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VIOAPIC_H
#define DRIVERS_EMUL_VIOAPIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The I/O APIC a partition sees (Intel 82093AA datasheet, 290566), as
 * version 0x20 with the EOI register of the ICH/PCH I/O APICs: a 4 KiB MMIO
 * window with IOREGSEL at 0x00, IOWIN at 0x10 and EOI at 0x40, 24 pins.
 * Pure model: the caller feeds device interrupt requests to
 * vioapic_set_irq() and gets the interrupts to deliver through a callback,
 * which sends them to the partition's own LAPICs only.
 *
 * `level` is the device's request (asserted or not), not the wire's
 * voltage: the polarity bit is kept for the guest to read back but inverts
 * nothing, so a guest that programs it wrongly gets no interrupt storm.
 */

#define VIOAPIC_BASE		0xfec00000ULL
#define VIOAPIC_SIZE		0x1000ULL
#define VIOAPIC_PINS		24
#define VIOAPIC_VERSION		0x20

#define VIOAPIC_REG_SELECT	0x00	/* IOREGSEL */
#define VIOAPIC_REG_WINDOW	0x10	/* IOWIN */
#define VIOAPIC_REG_EOI		0x40

/* Delivery modes of a redirection entry (82093AA table 3.2.4). */
enum vioapic_delivery {
	VIOAPIC_FIXED = 0,
	VIOAPIC_LOWEST = 1,
	VIOAPIC_SMI = 2,
	VIOAPIC_NMI = 4,
	VIOAPIC_INIT = 5,
	VIOAPIC_EXTINT = 7,
};

/* An interrupt message as it would travel to the local APICs. */
struct vioapic_irq {
	uint8_t vector;
	uint8_t delivery_mode;	/* enum vioapic_delivery (3 bits) */
	uint8_t dest;		/* APIC ID, or logical MDA when `logical` */
	bool logical;
	bool level;		/* level triggered: the LAPIC sets TMR */
	unsigned int pin;
};

typedef void (*vioapic_deliver_fn)(void *ctx, const struct vioapic_irq *irq);
/*
 * A passed-through pin's redirection entry changed (a device's INTx line
 * routed by the physical I/O APIC): `rte` as the guest wrote it.
 */
typedef void (*vioapic_rte_fn)(void *ctx, unsigned int pin, uint64_t rte);

struct vioapic {
	uint8_t id;		/* bits 27:24 of the ID register */
	uint32_t select;	/* IOREGSEL */
	uint64_t redir[VIOAPIC_PINS];
	uint32_t lines;		/* bit n: pin n's request is asserted */
	/* Pins the hardware serves: their entries go to `routed`. */
	uint32_t passthrough;
	vioapic_rte_fn routed;
	void *routed_ctx;
};

/* Redirection entry fields the guest sets (82093AA 3.2.4). */
#define VIOAPIC_RTE_VECTOR	0xffULL
#define VIOAPIC_RTE_MODE_SHIFT	8
#define VIOAPIC_RTE_MODE_MASK	0x7ULL
#define VIOAPIC_RTE_LOGICAL	(1ULL << 11)
#define VIOAPIC_RTE_MASKED	(1ULL << 16)
#define VIOAPIC_RTE_DEST_SHIFT	56

/*
 * All pins masked, edge, active high, vector 0; the given APIC ID. The
 * passed-through pins and their callback stay.
 */
void vioapic_reset(struct vioapic *io, uint8_t id);
/* Offsets from VIOAPIC_BASE; only 4-byte accesses to registers count. */
uint32_t vioapic_read(struct vioapic *io, uint64_t offset, unsigned int size);
void vioapic_write(struct vioapic *io, uint64_t offset, uint32_t value,
		   unsigned int size, vioapic_deliver_fn deliver, void *ctx);
void vioapic_set_irq(struct vioapic *io, unsigned int pin, bool level,
		     vioapic_deliver_fn deliver, void *ctx);
/* Pins in `pins` are the hardware's from now on (io->passthrough). */
void vioapic_passthrough(struct vioapic *io, uint32_t pins, vioapic_rte_fn fn,
			 void *ctx);
/* An EOI for `vector` from a LAPIC (for level-triggered vectors). */
void vioapic_eoi(struct vioapic *io, uint8_t vector,
		 vioapic_deliver_fn deliver, void *ctx);

#endif
