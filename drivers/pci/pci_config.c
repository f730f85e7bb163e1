/* SPDX-License-Identifier: BSD-2-Clause */
/* Physical PCI config space: ECAM where ACPI gives it, else the ports. */
#include "drivers/pci/pci_config.h"
#include "arch/x86/asm.h"

/* Configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2). */
#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc
#define PCI_CONFIG_ENABLE	0x80000000U
/* ECAM: 4 KiB per function, rid << 12 (PCIe 5.0, 7.2.2). */
#define ECAM_FUNCTION_SHIFT	12

static volatile uint32_t *ecam_reg(const struct pci_config_window *w,
				   uint16_t rid, unsigned int offset)
{
	return (volatile uint32_t *)(uintptr_t)(w->ecam_base +
		((uint64_t)rid << ECAM_FUNCTION_SHIFT) + offset);
}

static bool in_window(const struct pci_config_window *w, uint16_t rid)
{
	return pci_bus(rid) >= w->bus_start && pci_bus(rid) <= w->bus_end;
}

static uint32_t ecam_read(void *ctx, uint16_t rid, unsigned int offset)
{
	struct pci_config_window *w = ctx;

	return in_window(w, rid) ? *ecam_reg(w, rid, offset) : ~0U;
}

static void ecam_write(void *ctx, uint16_t rid, unsigned int offset,
		       uint32_t value)
{
	struct pci_config_window *w = ctx;

	if (in_window(w, rid))
		*ecam_reg(w, rid, offset) = value;
}

static uint32_t port_address(uint16_t rid, unsigned int offset)
{
	return PCI_CONFIG_ENABLE | (uint32_t)rid << 8 | (offset & 0xfc);
}

static uint32_t port_read(void *ctx, uint16_t rid, unsigned int offset)
{
	(void)ctx;
	if (offset >= PCI_CONFIG_SIZE)
		return ~0U;
	outl(PCI_CONFIG_ADDRESS, port_address(rid, offset));
	return inl(PCI_CONFIG_DATA);
}

static void port_write(void *ctx, uint16_t rid, unsigned int offset,
		       uint32_t value)
{
	(void)ctx;
	if (offset >= PCI_CONFIG_SIZE)
		return;
	outl(PCI_CONFIG_ADDRESS, port_address(rid, offset));
	outl(PCI_CONFIG_DATA, value);
}

void pci_config_access(struct pci_access *a, struct pci_config_window *w)
{
	if (w->ecam_base)
		*a = (struct pci_access){ ecam_read, ecam_write, w };
	else
		*a = (struct pci_access){ port_read, port_write, w };
}
