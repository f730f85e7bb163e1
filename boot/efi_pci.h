/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_EFI_PCI_H
#define BOOT_EFI_PCI_H

#include "boot/boot_info.h"

/*
 * Finds the PCI functions (ECAM from the ACPI MCFG, else ports), logs
 * them with their owners, checks every partition's `devices =` and lays
 * out each partition's RAM around its PCI hole (info->partitions[i].layout)
 * while the firmware can still take control back. 0, or a negative error
 * with *err naming the config line and the fix.
 */
int efi_pci_prepare(struct boot_info *info, struct config_error *err);

#endif
