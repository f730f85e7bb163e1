/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_LIB_MULTIBOOT_H
#define GUESTS_LIB_MULTIBOOT_H

/* Multiboot (v1) structures, as in the Multiboot Specification 0.6.96. */

#define MB_HEADER_MAGIC		0x1badb002
#define MB_BOOTLOADER_MAGIC	0x2badb002
#define MB_HEADER_PAGE_ALIGN	(1u << 0)	/* modules page aligned */
#define MB_HEADER_MEMORY_INFO	(1u << 1)	/* mem_*, mmap wanted */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* mb_info.flags */
#define MB_INFO_MEMORY		(1u << 0)
#define MB_INFO_BOOTDEV		(1u << 1)
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_AOUT_SYMS	(1u << 4)
#define MB_INFO_ELF_SHDR	(1u << 5)
#define MB_INFO_MMAP		(1u << 6)
#define MB_INFO_DRIVES		(1u << 7)
#define MB_INFO_CONFIG_TABLE	(1u << 8)
#define MB_INFO_LOADER_NAME	(1u << 9)
#define MB_INFO_APM_TABLE	(1u << 10)
#define MB_INFO_VBE		(1u << 11)
#define MB_INFO_FRAMEBUFFER	(1u << 12)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower;		/* KiB from 0 */
	uint32_t mem_upper;		/* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
} __attribute__((packed));

#define MB_MMAP_AVAILABLE	1
#define MB_MMAP_RESERVED	2
#define MB_MMAP_ACPI		3
#define MB_MMAP_NVS		4
#define MB_MMAP_BAD		5

/* `size` does not count itself: the next entry is at (u8 *)e + size + 4. */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));

struct mb_module {
	uint32_t mod_start;
	uint32_t mod_end;		/* exclusive */
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

#endif /* !__ASSEMBLER__ */
#endif /* GUESTS_LIB_MULTIBOOT_H */
