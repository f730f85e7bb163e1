/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LOADER_IMAGE_H
#define LOADER_IMAGE_H

#include <stdint.h>
#include "arch/x86/virt.h"
#include "config/config.h"
#include "drivers/emul/vpci.h"
#include "loader/ram_layout.h"

struct loaded_file {
	const uint8_t *data;
	uint64_t size;
};

/* What the UEFI stage prepared for one partition. */
struct partition_boot {
	uint64_t ram;			/* host-physical base, 2 MiB aligned */
	struct ram_layout layout;	/* where the guest sees that RAM */
	struct loaded_file kernel;
	struct loaded_file modules[CONFIG_MAX_MODULES];
	struct loaded_file initrd;	/* size 0: none */
};

/*
 * Clears the partition's RAM (boot->ram, boot->layout.size bytes) and
 * fills it with a fresh image and its boot information; pure of vCPUs.
 */
int image_load(const struct partition_config *cfg,
	       const struct partition_boot *boot, struct vcpu_entry *entry,
	       const char **why);
/*
 * The same for a partition that owns the PCI functions of pci (its
 * config-space view; NULL or none for no devices): the guest's ACPI
 * tables and memory map (e820 or Multiboot, with the RAM above 4 GiB of
 * boot->layout) then describe them (docs/architecture.md).
 */
int image_load_pci(const struct partition_config *cfg,
		   const struct partition_boot *boot, const struct vpci *pci,
		   struct vcpu_entry *entry, const char **why);

#endif
