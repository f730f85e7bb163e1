/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_ACPI_PRT_H
#define DRIVERS_ACPI_PRT_H

#include <stdbool.h>
#include <stdint.h>
#include "drivers/acpi/aml.h"

/*
 * The INTx routing of a PCI root bridge in APIC mode, read statically from
 * the firmware's _PRT (ACPI 6.4 6.2.13). Entries either name the GSI
 * themselves (source 0) or an interrupt link device whose _CRS is a
 * constant resource template. A table needing any method evaluated (the
 * PIC-mode links, whose _CRS reads chipset registers) is not used.
 */

#define PRT_MAX_ROUTES		128	/* 32 slots x 4 pins */

struct prt_route {
	uint8_t slot;		/* PCI device number */
	uint8_t pin;		/* 0-3: INTA-INTD */
	bool active_low;
	uint32_t gsi;
};

struct prt_table {
	unsigned int count;
	struct prt_route route[PRT_MAX_ROUTES];
	const char *why;	/* on failure: what could not be read */
};

/*
 * The routes of the root bridge of `bus` (PNP0A08 or PNP0A03 with that
 * _BBN), or a negative error with out->why set.
 */
int prt_read(const struct aml_tables *t, uint8_t bus, struct prt_table *out);
/* The route of (slot, pin 0-3), or NULL. */
const struct prt_route *prt_lookup(const struct prt_table *p, uint8_t slot,
				   uint8_t pin);

#endif
