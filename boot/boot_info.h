/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_BOOT_INFO_H
#define BOOT_BOOT_INFO_H

#include <stdint.h>
#include "arch/x86/cpu_check.h"
#include "arch/x86/iommu/iommu.h"
#include "drivers/acpi/acpi.h"
#include "config/config.h"
#include "drivers/pci/pci.h"
#include "drivers/pci/pci_config.h"
#include "kernel/memmap.h"
#include "loader/image.h"
#include "kernel/test_hooks.h"

/* Everything the UEFI stage learned, handed to the hypervisor proper. */
struct boot_info {
	uint64_t tsc_at_entry;
	uint64_t tsc_hz;
	uint64_t tsc_before_exit;	/* just before ExitBootServices */
	uint64_t tsc_after_exit;
	unsigned int exit_attempts;

	uint64_t image_base;
	uint64_t image_size;
	uint64_t text_start;		/* [text_start, text_end) is code */
	uint64_t text_end;

	uint64_t rsdp;
	struct madt_info madt;
	struct cpu_verdict cpu;

	const char *config_text;
	uint64_t config_size;
	struct config config;
	struct partition_boot partitions[CONFIG_MAX_PARTITIONS];
	uint64_t partition_ram_bytes;
	struct test_hooks hooks;

	struct pci_config_window pci_window;
	struct pci_inventory pci;	/* owners filled in from the config */
	enum iommu_kind iommu;

	uint64_t trampoline;		/* two pages below 1 MiB */
	uint64_t boot_stack_top;
	uint64_t boot_alloc_bytes;	/* what we took from UEFI besides the image */

	struct mem_map memmap;
};

/* The hypervisor proper: entered on its own stack after ExitBootServices. */
void __attribute__((noreturn)) hypervisor_main(struct boot_info *info);

#endif
