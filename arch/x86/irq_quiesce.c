/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/irq_quiesce.h"
#include <stddef.h>
#include "arch/x86/asm.h"
#include "arch/x86/lapic.h"
#include "arch/x86/lapic_regs.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

/* 8259A: OCW1 masks all eight inputs of each controller. */
#define PIC_MASTER_DATA		0x21
#define PIC_SLAVE_DATA		0xa1
#define PIC_MASK_ALL		0xff
/* I/O APIC (82093AA datasheet 3.0, 3.2.4): indirect registers. */
#define IOAPIC_INDEX		0x00
#define IOAPIC_DATA		0x10
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_REDIR	0x10
#define IOAPIC_MAX_REDIR_SHIFT	16
#define IOAPIC_REDIR_MASKED	(1U << 16)
#define IOAPIC_REDIR_VECTOR	0xffU
#define IOAPIC_REDIR_ACTIVE_LOW	(1U << 13)
#define IOAPIC_REDIR_LEVEL	(1U << 15)
#define IOAPIC_EOI		0x40	/* version 0x20 and up (ICH/PCH) */
#define IOAPIC_VERSION_EOI	0x20
#define IOAPIC_VERSION_MASK	0xffU
#define IOAPIC_DELIVERY_NMI	(4U << 8)
#define IOAPIC_DEST_SHIFT	24	/* in the high dword */
/* Local APIC version register: LVT count - 1 (SDM vol. 3A 11.4.8). */
#define LAPIC_MAX_LVT_SHIFT	16
#define LAPIC_LVT_CMCI_INDEX	6

static uint32_t ioapic_read(volatile uint32_t *base, uint32_t reg)
{
	base[IOAPIC_INDEX / 4] = reg;
	return base[IOAPIC_DATA / 4];
}

static void ioapic_write(volatile uint32_t *base, uint32_t reg, uint32_t v)
{
	base[IOAPIC_INDEX / 4] = reg;
	base[IOAPIC_DATA / 4] = v;
}

static unsigned int ioapic_pins(volatile uint32_t *base)
{
	return ((ioapic_read(base, IOAPIC_REG_VERSION) >>
		 IOAPIC_MAX_REDIR_SHIFT) & 0xff) + 1;
}

static void mask_ioapic(uint32_t address)
{
	volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)address;
	unsigned int pins = ioapic_pins(base);

	for (unsigned int i = 0; i < pins; i++) {
		uint32_t reg = IOAPIC_REG_REDIR + 2 * i;

		ioapic_write(base, reg, ioapic_read(base, reg) |
					IOAPIC_REDIR_MASKED);
	}
}

static const struct madt_info *platform;
/*
 * Read once at boot (one CPU): later lookups touch no indirect register
 * outside ioapic_lock, so no CPU's index write lands between another's
 * index and data accesses.
 */
static struct {
	unsigned int pins;
	uint8_t version;
} ioapic_facts[MAX_IOAPICS];

void irq_quiesce_platform(const struct madt_info *madt)
{
	platform = madt;
	outb(PIC_MASTER_DATA, PIC_MASK_ALL);
	outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
	for (unsigned int i = 0; i < madt->ioapic_count; i++) {
		volatile uint32_t *base = (volatile uint32_t *)(uintptr_t)
			madt->ioapics[i].address;

		ioapic_facts[i].pins = ioapic_pins(base);
		ioapic_facts[i].version = (uint8_t)(ioapic_read(base,
			IOAPIC_REG_VERSION) & IOAPIC_VERSION_MASK);
		mask_ioapic(madt->ioapics[i].address);
	}
}

/* The indirect registers of all I/O APICs, used from any CPU. */
static struct spinlock ioapic_lock;

static volatile uint32_t *ioapic_base(const struct madt_ioapic *io)
{
	return (volatile uint32_t *)(uintptr_t)io->address;
}

static const struct madt_ioapic *ioapic_find(unsigned int gsi,
					     unsigned int *pin)
{
	for (unsigned int i = 0; platform && i < platform->ioapic_count; i++) {
		const struct madt_ioapic *io = &platform->ioapics[i];

		*pin = gsi - io->gsi_base;
		if (gsi >= io->gsi_base && *pin < ioapic_facts[i].pins)
			return io;
	}
	return NULL;
}

/*
 * Only the mask bit changes: a level-triggered input keeps being sensed
 * while masked, so a line raised meanwhile fires on unmask (an entry
 * turned to edge would drop it, as QEMU's I/O APIC does).
 */
static void mask_pin(volatile uint32_t *base, uint32_t reg)
{
	ioapic_write(base, reg, ioapic_read(base, reg) | IOAPIC_REDIR_MASKED);
}

/* Masked while the halves change, so no half-written entry fires. */
static void write_rte(const struct madt_ioapic *io, unsigned int pin,
		      uint64_t rte)
{
	volatile uint32_t *base = ioapic_base(io);
	uint32_t reg = IOAPIC_REG_REDIR + 2 * pin;

	spin_lock(&ioapic_lock);
	mask_pin(base, reg);
	ioapic_write(base, reg + 1, (uint32_t)(rte >> 32));
	ioapic_write(base, reg, (uint32_t)rte);
	spin_unlock(&ioapic_lock);
}

int irq_route_nmi(unsigned int gsi, uint32_t apic_id, irq_remap_fn remap)
{
	unsigned int pin;
	const struct madt_ioapic *io = ioapic_find(gsi, &pin);
	/* Edge, active high, physical destination: an ISA line. */
	uint64_t rte = (uint64_t)apic_id << (32 + IOAPIC_DEST_SHIFT) |
		       IOAPIC_DELIVERY_NMI;

	if (!io)
		return -ENOENT;
	if (remap && remap(io->id, pin, apic_id, &rte))
		return -EIO;
	write_rte(io, pin, rte);
	return 0;
}

int irq_ioapic_of(unsigned int gsi, uint8_t *ioapic_id, unsigned int *pin)
{
	const struct madt_ioapic *io = ioapic_find(gsi, pin);

	if (!io)
		return -ENOENT;
	*ioapic_id = io->id;
	return 0;
}

int irq_route_level(unsigned int gsi, uint64_t rte, bool active_low)
{
	unsigned int pin;
	const struct madt_ioapic *io = ioapic_find(gsi, &pin);

	if (!io)
		return -ENOENT;
	rte &= ~(uint64_t)(IOAPIC_REDIR_MASKED | IOAPIC_REDIR_ACTIVE_LOW);
	rte |= IOAPIC_REDIR_LEVEL | (active_low ? IOAPIC_REDIR_ACTIVE_LOW : 0);
	write_rte(io, pin, rte);
	return 0;
}

void irq_mask_gsi(unsigned int gsi)
{
	unsigned int pin;
	const struct madt_ioapic *io = ioapic_find(gsi, &pin);

	if (!io)
		return;
	spin_lock(&ioapic_lock);
	mask_pin(ioapic_base(io), IOAPIC_REG_REDIR + 2 * pin);
	spin_unlock(&ioapic_lock);
}

/*
 * The EOI register where the I/O APIC has one, naming the entry's own
 * vector field; on older ones an entry switched to edge and back clears
 * remote IRR, as Linux does.
 */
void irq_eoi_gsi(unsigned int gsi)
{
	unsigned int pin;
	const struct madt_ioapic *io = ioapic_find(gsi, &pin);
	volatile uint32_t *base;
	uint32_t reg, low;

	if (!io)
		return;
	base = ioapic_base(io);
	reg = IOAPIC_REG_REDIR + 2 * pin;
	spin_lock(&ioapic_lock);
	low = ioapic_read(base, reg);
	if (ioapic_facts[io - platform->ioapics].version >= IOAPIC_VERSION_EOI) {
		base[IOAPIC_EOI / 4] = low & IOAPIC_REDIR_VECTOR;
	} else {
		ioapic_write(base, reg, (low | IOAPIC_REDIR_MASKED) &
					~IOAPIC_REDIR_LEVEL);
		ioapic_write(base, reg, low);
	}
	spin_unlock(&ioapic_lock);
}

void irq_quiesce_local(void)
{
	unsigned int max_lvt = (lapic_read(APIC_VERSION) >>
				LAPIC_MAX_LVT_SHIFT) & 0xff;

	lapic_write(APIC_TIMER_INITIAL, 0);
	/* Timer, thermal, performance, LINT0, LINT1, error. */
	for (uint32_t reg = APIC_LVT_TIMER; reg <= APIC_LVT_ERROR;
	     reg += APIC_REG_STRIDE)
		lapic_write(reg, lapic_read(reg) | LVT_MASKED);
	/* CMCI exists only where the version register counts 7 LVTs. */
	if (max_lvt >= LAPIC_LVT_CMCI_INDEX)
		lapic_write(APIC_LVT_CMCI, lapic_read(APIC_LVT_CMCI) |
					    LVT_MASKED);
}
