/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_PCI_PCI_ASSIGN_H
#define DRIVERS_PCI_PCI_ASSIGN_H

#include <stdint.h>
#include "drivers/pci/pci.h"
#include "config/config.h"

#define PCI_MAX_RESERVED	8

/* Functions that stay with the hypervisor whatever the config says. */
struct pci_reserved {
	unsigned int count;
	uint16_t rids[PCI_MAX_RESERVED];	/* e.g. the AMD IOMMU itself */
	uint16_t console_port;			/* the console UART's base */
};

/*
 * Checks every partition's `devices =` against the machine and records
 * each function's owner. A function must exist, be an endpoint that is
 * neither the IOMMU, the host bridge nor the console UART, and share its
 * DMA requester ID and its INTx line (f->gsi, when known) only with
 * functions of the same partition. On error
 * nothing is assigned and *err names the device, the line and the fix.
 */
int pci_assign(struct pci_inventory *inv, const struct config *cfg,
	       const struct pci_reserved *rsv, struct config_error *err);

#endif
