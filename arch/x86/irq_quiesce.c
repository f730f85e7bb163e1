/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/irq_quiesce.h"
#include "arch/x86/asm.h"
#include "arch/x86/iommu/iommu_select.h"
#include "arch/x86/lapic.h"
#include "arch/x86/lapic_regs.h"
#include "lib/errno.h"

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

void irq_quiesce_platform(const struct madt_info *madt)
{
	platform = madt;
	outb(PIC_MASTER_DATA, PIC_MASK_ALL);
	outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
	for (unsigned int i = 0; i < madt->ioapic_count; i++)
		mask_ioapic(madt->ioapics[i].address);
}

int irq_route_nmi(unsigned int gsi, uint32_t apic_id)
{
	for (unsigned int i = 0; platform && i < platform->ioapic_count; i++) {
		const struct madt_ioapic *io = &platform->ioapics[i];
		volatile uint32_t *base =
			(volatile uint32_t *)(uintptr_t)io->address;
		uint32_t reg = IOAPIC_REG_REDIR + 2 * (gsi - io->gsi_base);
		uint64_t rte;

		if (gsi < io->gsi_base || gsi - io->gsi_base >= ioapic_pins(base))
			continue;
		/* Edge, active high, physical destination: an ISA line. */
		rte = IOAPIC_DELIVERY_NMI |
		      (uint64_t)apic_id << (32 + IOAPIC_DEST_SHIFT);
		/* With interrupt remapping on, through the IOMMU's entry. */
		if (iommu() && iommu()->ioapic_nmi(io->id, gsi - io->gsi_base,
						   apic_id, &rte))
			return -ENOENT;
		ioapic_write(base, reg, IOAPIC_REDIR_MASKED);
		ioapic_write(base, reg + 1, (uint32_t)(rte >> 32));
		ioapic_write(base, reg, (uint32_t)rte);
		return 0;
	}
	return -ENOENT;
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
