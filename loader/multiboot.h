/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LOADER_MULTIBOOT_H
#define LOADER_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>
#include "loader/guest_acpi.h"

/*
 * Multiboot version 1 (Multiboot Specification 0.6.96) loader: puts a kernel
 * and its modules into a partition's RAM the way GRUB would and builds the
 * Multiboot information structure the kernel finds in EBX at its entry.
 */

#define MB_HEADER_MAGIC		0x1badb002U	/* 3.1.2 */
#define MB_BOOT_MAGIC		0x2badb002U	/* 3.2: EAX at the kernel entry */

/* Multiboot header flags (3.1.2); bits 0-15 are requirements. */
#define MB_HF_PAGE_ALIGN	(1U << 0)
#define MB_HF_MEMORY_INFO	(1U << 1)
#define MB_HF_VIDEO_MODE	(1U << 2)
#define MB_HF_AOUT_KLUDGE	(1U << 16)

/* Multiboot information flags (3.3). */
#define MB_INFO_MEMORY		(1U << 0)
#define MB_INFO_CMDLINE		(1U << 2)
#define MB_INFO_MODS		(1U << 3)
#define MB_INFO_MEM_MAP		(1U << 6)
#define MB_INFO_LOADER_NAME	(1U << 9)

/* Memory map entry types (3.3). */
#define MB_MMAP_AVAILABLE	1
#define MB_MMAP_RESERVED	2

/*
 * Where a Multiboot partition's ACPI tables go: the start of the BIOS
 * area, which the memory map already reserves and which no kernel, module
 * or info lands in (the loader steps over 0x9FC00-0xFFFFF). The RSDP is
 * their first table, on a 16-byte boundary inside 0xE0000-0xFFFFF, where
 * a BIOS-booted OS searches for it (ACPI 6.4 5.2.5.1): Multiboot v1 has
 * no field to pass it by pointer.
 */
#define MB_ACPI_GPA		0xf0000U

#define MB_LOADER_NAME		"Bulkhead"

struct mb_module {
	const uint8_t *data;
	uint32_t size;
	const char *string;	/* the module's command line (path + args) */
};

struct mb_boot_request {
	const uint8_t *kernel;
	size_t kernel_size;
	const char *cmdline;	/* the info's cmdline field; NULL means "" */
	const struct mb_module *modules;
	unsigned int module_count;
	uint64_t ram_size;	/* bytes of RAM from GPA 0 */
	uint64_t high_ram_size;	/* and from RAM_LAYOUT_HIGH_BASE (4 GiB) */
	/* The machine the ACPI tables describe; NULL: no tables. */
	const struct guest_acpi_platform *platform;
	unsigned int vcpu_count;
};

struct mb_boot_result {
	uint32_t entry;
	uint32_t mbi_addr;
	uint32_t kernel_start, kernel_end;	/* GPA range loaded incl. bss */
	uint32_t rsdp;		/* the RSDP's GPA; 0 without tables */
};

/*
 * Loads req->kernel into ram (GPA g is ram[g]), places the modules and the
 * Multiboot information above the kernel, the ACPI tables (when
 * req->platform is set) at MB_ACPI_GPA, and fills *res. On failure returns
 * -EINVAL (malformed image), -ENOTSUP (a feature we do not offer), -ERANGE
 * (kernel outside usable RAM) or -ENOSPC (modules or info do not fit), or
 * -EINVAL for tables no partition can have (vCPU count 0 or above
 * GUEST_ACPI_MAX_VCPUS), with
 * *why explaining it. *why may point to a static buffer that the next failing
 * load reuses.
 */
int multiboot_load(uint8_t *ram, const struct mb_boot_request *req,
		   struct mb_boot_result *res, const char **why);

#endif
