/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_PCI_PCI_H
#define DRIVERS_PCI_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The machine's PCI functions: found once at boot, before the firmware is
 * left, and kept for the assignment checks, the IOMMU and the partitions'
 * config-space views. Config space is reached through a caller's accessor
 * (ECAM or ports 0xCF8/0xCFC at the edge, fake memory in host tests).
 */

#define PCI_MAX_FUNCTIONS	64
#define PCI_BARS		6
#define PCI_NONE		0xffffU	/* no such function index */
#define PCI_GSI_NONE		0xffffffffU	/* INTx line not known */

/* Type 0/1 header registers (PCI Local Bus Specification 3.0, 6.1). */
#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CLASS_REVISION	0x08
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_BUS_NUMBERS		0x18	/* type 1: primary, secondary, sub. */
#define PCI_CAP_PTR		0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_CONFIG_SIZE		0x100
#define PCIE_CONFIG_SIZE	0x1000	/* with extended space (PCIe 7.5) */

#define PCI_COMMAND_IO		(1U << 0)
#define PCI_COMMAND_MEMORY	(1U << 1)
#define PCI_COMMAND_MASTER	(1U << 2)
#define PCI_COMMAND_INTX_OFF	(1U << 10)
#define PCI_STATUS_CAP_LIST	(1U << 4)
#define PCI_HEADER_MULTI	0x80
#define PCI_HEADER_BRIDGE	0x01

/* Capability IDs (PCI Code and ID Assignment 1.11, chapters 2 and 3). */
#define PCI_CAP_PM		0x01
#define PCI_CAP_MSI		0x05
#define PCI_CAP_PCIE		0x10
#define PCI_CAP_MSIX		0x11
#define PCI_ECAP_ACS		0x000d

/* Classes (class << 16 | subclass << 8 | interface). */
#define PCI_CLASS_HOST_BRIDGE	0x0600
#define PCI_CLASS_SERIAL	0x07
#define PCI_CLASS_IOMMU		0x0806

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64 };

struct pci_bar {
	uint64_t base;
	uint64_t size;
	uint8_t kind;		/* enum pci_bar_kind */
	bool prefetchable;
};

struct pci_function {
	uint16_t rid;		/* bus << 8 | device << 3 | function */
	uint16_t vendor, device;
	uint32_t class_code;	/* class << 16 | subclass << 8 | prog-if */
	uint8_t header_type;	/* 0 endpoint, 1 bridge (multi bit off) */
	bool multifunction;
	uint8_t irq_pin;	/* 0 none, 1-4 INTA-INTD */
	/* Where irq_pin goes: the firmware's _PRT, or PCI_GSI_NONE. */
	uint32_t gsi;
	bool gsi_active_low;
	uint8_t cap_msi, cap_msix, cap_pcie, cap_pm;	/* 0: absent */
	uint16_t ecap_acs;
	uint8_t pcie_type;	/* PCIe capability's port type, 4 bits */
	bool flr;		/* function level reset (PCIe 7.5.3.3) */
	uint8_t secondary_bus, subordinate_bus;	/* bridges */
	uint16_t parent;	/* index of the bridge above, or PCI_NONE */
	struct pci_bar bars[PCI_BARS];
	int owner;		/* partition index, -1 for none */
};

struct pci_inventory {
	uint64_t ecam_base;	/* 0: ports 0xCF8/0xCFC only */
	uint8_t bus_start, bus_end;
	unsigned int count;
	unsigned int skipped;	/* found beyond PCI_MAX_FUNCTIONS */
	struct pci_function fn[PCI_MAX_FUNCTIONS];
};

/* Aligned 32-bit config-space accesses; absent functions read ~0. */
struct pci_access {
	uint32_t (*read)(void *ctx, uint16_t rid, unsigned int offset);
	void (*write)(void *ctx, uint16_t rid, unsigned int offset,
		      uint32_t value);
	void *ctx;
};

static inline uint8_t pci_bus(uint16_t rid)
{
	return (uint8_t)(rid >> 8);
}

static inline uint8_t pci_slot(uint16_t rid)
{
	return (uint8_t)(rid >> 3 & 0x1f);
}

/* PCIe 5.0 7.2.2: ECAM gives each bus 1 MiB of configuration space. */
#define PCI_ECAM_BUS_BYTES	0x100000ULL

/* The ECAM window of inv's buses, [*start, *end); false without ECAM. */
static inline bool pci_ecam_window(const struct pci_inventory *inv,
				   uint64_t *start, uint64_t *end)
{
	*start = inv->ecam_base + inv->bus_start * PCI_ECAM_BUS_BYTES;
	*end = inv->ecam_base + (inv->bus_end + 1) * PCI_ECAM_BUS_BYTES;
	return inv->ecam_base != 0;
}

uint32_t pci_read(const struct pci_access *a, uint16_t rid,
		  unsigned int offset, unsigned int size);
void pci_write(const struct pci_access *a, uint16_t rid, unsigned int offset,
	       unsigned int size, uint32_t value);

/*
 * Walks every bus reachable from inv->bus_start through bridges, records
 * each function and sizes its BARs (decoding off while a BAR is probed, so
 * call it where nothing else touches the devices).
 */
void pci_scan(struct pci_inventory *inv, const struct pci_access *a);
/* The function at rid, or NULL. */
struct pci_function *pci_find(struct pci_inventory *inv, uint16_t rid);
/* Offset of the first capability `id` in the classic list, or 0. */
uint8_t pci_find_cap(const struct pci_access *a, uint16_t rid, uint8_t id);

/*
 * The set of functions whose DMA the IOMMU cannot tell apart from f's:
 * everything below a bridge to conventional PCI above f, or the functions
 * of a multi-function device without ACS. Two functions share a group
 * when their keys are equal.
 */
uint32_t pci_dma_group(const struct pci_inventory *inv,
		       const struct pci_function *f);
/*
 * The requester IDs f's DMA may carry: its own, and the IDs a bridge to
 * conventional PCI above it substitutes. Returns how many (at most 3).
 */
unsigned int pci_dma_aliases(const struct pci_inventory *inv,
			     const struct pci_function *f, uint16_t out[3]);

/* The low bits a BAR register holds for b: I/O, 64-bit, prefetchable. */
uint32_t pci_bar_flags(const struct pci_bar *b);

/* "00:05.0 1234:11e8 class 00ff00 bar0 mem32 0xfea00000+1M ..." */
void pci_describe(const struct pci_function *f, char *buf, size_t size);

#endif
