/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_PCI_PCI_CONFIG_H
#define DRIVERS_PCI_PCI_CONFIG_H

#include <stdint.h>
#include "drivers/pci/pci.h"

/* How the hypervisor reaches physical config space. */
struct pci_config_window {
	uint64_t ecam_base;	/* 0: ports 0xCF8/0xCFC, first 256 bytes */
	uint8_t bus_start, bus_end;
};

/* An accessor over `w`, which must stay valid while it is used. */
void pci_config_access(struct pci_access *a, struct pci_config_window *w);

#endif
