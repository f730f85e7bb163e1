/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LOADER_RAM_LAYOUT_H
#define LOADER_RAM_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>
#include "config/config.h"
#include "drivers/pci/pci.h"

/*
 * Where a partition's RAM lies in its guest-physical space. The host
 * backs it with one block of `size` bytes (struct partition_boot.ram).
 * The first `low` bytes are at guest-physical 0, the rest (if any) at
 * 4 GiB, as on a PC whose RAM goes around the PCI hole: a partition that
 * owns PCI functions sees their BARs and the ECAM window at the host's
 * addresses, so its RAM ends below the lowest of them and continues
 * above 4 GiB. A partition without functions keeps all of it at 0.
 * Every user of a partition's RAM (stage 2, the IOMMU domain, the e820
 * and Multiboot maps, guest memory accesses) goes through this layout.
 */

#define RAM_LAYOUT_HIGH_BASE	0x100000000ULL	/* 4 GiB */
#define RAM_LAYOUT_RANGES	2	/* below the hole, above 4 GiB */
#define RAM_LAYOUT_PIECES	3	/* the ranges minus the VGA window */

struct ram_layout {
	uint64_t size;		/* bytes of RAM in all */
	uint64_t low;		/* of which at guest-physical 0 */
};

/* A run of RAM: guest-physical gpa is the host block's byte offset. */
struct ram_range {
	uint64_t gpa;
	uint64_t offset;
	uint64_t size;
};

/* All of size at guest-physical 0: a partition without PCI functions. */
void ram_layout_flat(struct ram_layout *l, uint64_t size);

/*
 * The layout of partition `index` of cfg, whose functions inv records as
 * owned by it (after pci_assign()). Without functions all RAM is at 0.
 * With functions RAM runs from 0 to the PCI hole, the lowest of their
 * memory BARs, the ECAM window and the I/O APIC (rounded down to 2 MiB,
 * the stage-2 large page), and the rest from 4 GiB up. -ERANGE with *err
 * when the hole starts inside the first MiB, or when the RAM above 4 GiB
 * would reach one of the partition's 64-bit BARs or its ECAM window.
 */
int ram_layout_plan(struct ram_layout *l, const struct config *cfg,
		    unsigned int index, const struct pci_inventory *inv,
		    struct config_error *err);

/* Bytes of RAM at RAM_LAYOUT_HIGH_BASE (0 for a flat layout). */
uint64_t ram_layout_high(const struct ram_layout *l);

/* The ranges of RAM, lowest first; returns how many (1 or 2). */
unsigned int ram_layout_ranges(const struct ram_layout *l,
			       struct ram_range out[RAM_LAYOUT_RANGES]);

/*
 * What stage 2 and the IOMMU map: the ranges without the legacy VGA
 * window 0xA0000-0xBFFFF, which is a hole as on a PC. Returns how many.
 */
unsigned int ram_layout_mapped(const struct ram_layout *l,
			       struct ram_range out[RAM_LAYOUT_PIECES]);

/*
 * Whether [gpa, gpa + len) is RAM of one range; then *offset is where
 * gpa lies in the host block.
 */
bool ram_layout_offset(const struct ram_layout *l, uint64_t gpa,
		       uint64_t len, uint64_t *offset);

#endif
