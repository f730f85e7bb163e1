/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LOADER_LINUX_BOOT_H
#define LOADER_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "loader/guest_acpi.h"

/*
 * Linux x86 boot protocol loader (Documentation/arch/x86/boot.rst, 32-bit
 * boot protocol): puts an unmodified bzImage, its initrd and command line
 * into a partition's RAM with a boot_params "zero page" describing the
 * partition (e820 map, ACPI tables). The command line is the caller's
 * (loader/image.c adds the tsc_early_khz= hint to the config's).
 *
 * Guest-physical layout below 1 MiB (docs/config.md, "Linux partitions"):
 *   0x10000  boot_params (4 KiB)       0x11000  command line
 *   0x9f000  ACPI tables (e820 type 3, 4 KiB up to 0xa0000)
 *   0xe0000  a copy of the RSDP, where pre-2.14 kernels search for it
 * The protected-mode kernel goes to its pref_address (16 MiB for Debian's
 * kernels), the initrd as high as RAM and initrd_addr_max allow, both
 * below 4 GiB; RAM above 4 GiB (loader/ram_layout.h) is only in the e820.
 */

#define LINUX_BOOT_PARAMS_GPA	0x10000U
#define LINUX_CMDLINE_GPA	0x11000U
#define LINUX_ACPI_GPA		0x9f000U
#define LINUX_LEGACY_RSDP_GPA	0xe0000U
/* Bytes from the command line to the ACPI tables, the zero included. */
#define LINUX_CMDLINE_SPACE	(LINUX_ACPI_GPA - LINUX_CMDLINE_GPA)

struct linux_boot_request {
	const uint8_t *kernel;
	size_t kernel_size;
	const uint8_t *initrd;		/* NULL or initrd_size 0: none */
	size_t initrd_size;
	const char *cmdline;		/* NULL means "" */
	size_t cmdline_added;		/* its last characters the caller added */
	uint64_t ram_size;		/* bytes of RAM from GPA 0 */
	uint64_t high_ram_size;		/* and from RAM_LAYOUT_HIGH_BASE */
	unsigned int vcpu_count;
	const struct guest_acpi_platform *platform;
};

/* Everything is below 4 GiB: the 32-bit entry reaches nothing above. */
struct linux_boot_result {
	uint32_t entry;			/* code32_start: where the kernel went */
	uint32_t boot_params;		/* ESI at the entry */
	uint32_t kernel_start, kernel_end;	/* incl. init_size */
	uint32_t initrd_start, initrd_end;	/* equal when there is none */
	uint32_t rsdp;
};

/* The setup header's signatures: "HdrS" at 0x202 and 0xAA55 at 0x1fe. */
bool linux_is_bzimage(const uint8_t *img, size_t size);

/*
 * Loads req into ram (GPA g is ram[g], RAM already zeroed). The vCPU then
 * starts in flat 32-bit protected mode, paging and interrupts off, at
 * res->entry with ESI = res->boot_params. On failure returns -EINVAL
 * (malformed image or request), -ENOTSUP (a kernel this loader cannot
 * start) or -ENOSPC (RAM too small), with *why saying what to change; it
 * may point to a static buffer the next failing load reuses.
 */
int linux_boot_load(uint8_t *ram, const struct linux_boot_request *req,
		    struct linux_boot_result *res, const char **why);

#endif
