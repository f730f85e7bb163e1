/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VPCI_H
#define DRIVERS_EMUL_VPCI_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/emul/vioapic.h"
#include "drivers/pci/pci.h"

/*
 * A partition's view of PCI config space: only its own functions, at their
 * real addresses. Identity and capability contents read as the hardware
 * has them; BARs stay where the firmware put them (sizing works, moving
 * does not); the command register keeps only memory, I/O and bus-master,
 * and INTx-disable where the partition has the function's INTx line
 * (elsewhere INTx stays disabled and the pin reads 0); the capability list
 * shows PM, MSI, MSI-X and PCI Express only; extended space is empty.
 * MSI and MSI-X messages are the guest's: the hardware gets what the
 * msi_route hook makes of them.
 */

#define VPCI_MAX_DEVICES	8
#define VPCI_MSIX_MAX		64	/* MSI-X vectors per function we model */
/* Ports of configuration mechanism #1 (PCI 3.0, 3.2.2.3.2). */
#define VPCI_PORT_ADDRESS	0xcf8
#define VPCI_PORT_DATA		0xcfc
#define VPCI_PORT_LAST		0xcff
/* PCI INTx lines go to I/O APIC pins 16 and up: 0-15 are the ISA IRQs. */
#define VPCI_INTX_FIRST_GSI	16

/* A message as the guest wrote it, and whether the guest wants it sent. */
struct vpci_msg {
	uint64_t address;
	uint32_t data;
	bool enabled;
};

/*
 * Programs the hardware for message `index` of function `rid` (MSI: 0; MSI-X:
 * the table entry) from the guest's message; returns the address/data the
 * device must write, or false when the message must not reach anyone
 * (then the vector stays masked in hardware).
 */
typedef bool (*vpci_msi_route_fn)(void *ctx, uint16_t rid, unsigned int index,
				  const struct vpci_msg *guest,
				  uint64_t *address, uint32_t *data);

struct vpci_msix {
	uint8_t bar;			/* BIR of the table */
	uint32_t table_offset;		/* in that BAR */
	uint16_t size;			/* entries, at most VPCI_MSIX_MAX */
	struct vpci_msg entry[VPCI_MSIX_MAX];
	bool masked[VPCI_MSIX_MAX];	/* the guest's vector mask bits */
};

struct vpci_dev {
	const struct pci_function *fn;
	uint8_t bar_probing;		/* bit i: BAR i reads its size mask */
	uint8_t interrupt_line;		/* scratch for the guest's driver */
	/*
	 * The guest GSI (its I/O APIC pin) of the function's INTx line, 0
	 * for none: the host's line (fn->gsi) is the partition's alone, and
	 * the caller clears it when the hardware cannot route that line.
	 */
	uint8_t intx_gsi;
	/* MSI (PCI 3.0 6.8.1): the guest's control and message. */
	uint16_t msi_control;
	struct vpci_msg msi;
	struct vpci_msix msix;
};

/* Writes MSI-X table entry `index` of `fn` in hardware. */
typedef void (*vpci_msix_hw_fn)(void *ctx, const struct pci_function *fn,
				unsigned int index, uint64_t address,
				uint32_t data, bool masked);

struct vpci_hooks {
	vpci_msi_route_fn route;
	vpci_msix_hw_fn msix_entry;
	void *ctx;
};

struct vpci {
	/* The ECAM window the partition is told about (its MCFG). */
	uint64_t ecam_base;
	uint8_t bus_start, bus_end;
	unsigned int count;
	struct vpci_dev dev[VPCI_MAX_DEVICES];
	uint32_t address;		/* the 0xCF8 latch */
	const struct pci_access *hw;	/* physical config space */
	struct vpci_hooks hooks;
};

void vpci_init(struct vpci *v, const struct pci_access *hw,
	       const struct vpci_hooks *hooks);
/* Adds one of the partition's functions; -ENOSPC when full. */
int vpci_add(struct vpci *v, const struct pci_function *fn);
struct vpci_dev *vpci_find(struct vpci *v, uint16_t rid);

/* Config space at (rid, offset); size 1, 2 or 4, naturally aligned. */
uint32_t vpci_read(struct vpci *v, uint16_t rid, unsigned int offset,
		   unsigned int size);
void vpci_write(struct vpci *v, uint16_t rid, unsigned int offset,
		unsigned int size, uint32_t value);

/*
 * An access in the ECAM window at byte `offset` from its base: the
 * function and register it names, or false outside the window.
 */
bool vpci_ecam_decode(const struct vpci *v, uint64_t offset, uint16_t *rid,
		      unsigned int *reg);

/* Ports 0xCF8-0xCFF. */
uint32_t vpci_port_read(struct vpci *v, uint16_t port, unsigned int size);
void vpci_port_write(struct vpci *v, uint16_t port, unsigned int size,
		     uint32_t value);

/*
 * The MSI-X table page of a device: an access at `offset` into BAR `bar`
 * of `dev`. Returns false for an offset outside the table (the caller
 * forwards those: the pending bits, or other registers on that page).
 */
bool vpci_msix_read(struct vpci *v, struct vpci_dev *dev, uint64_t offset,
		    unsigned int size, uint64_t *value);
bool vpci_msix_write(struct vpci *v, struct vpci_dev *dev, uint64_t offset,
		     unsigned int size, uint64_t value);

/* Where entry `index` of dev's MSI-X table is (host = guest physical). */
uint64_t vpci_msix_entry_address(const struct vpci_dev *dev,
				 unsigned int index);
/* The pages the table covers, [*start, *end); both 0 without MSI-X. */
void vpci_msix_pages(const struct vpci_dev *dev, uint64_t *start,
		     uint64_t *end);

/* Quiesce for stop/restart: bus master, MSI and MSI-X off in hardware. */
void vpci_quiesce(struct vpci *v);

#endif
