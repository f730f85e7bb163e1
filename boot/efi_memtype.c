/* SPDX-License-Identifier: BSD-2-Clause */
#include "boot/efi_memtype.h"

/* EFI_MEMORY_TYPE values (UEFI 2.10 table 7-5). */
enum {
	EFI_RESERVED = 0,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL,
	EFI_UNUSABLE,
	EFI_ACPI_RECLAIM,
	EFI_ACPI_NVS,
	EFI_MMIO,
	EFI_MMIO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT,
};

enum mem_kind efi_mem_kind(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_CONVENTIONAL:
		return MEM_USABLE;
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
		return MEM_RECLAIMABLE;
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
		return MEM_HYPERVISOR;
	case EFI_ACPI_RECLAIM:
	case EFI_ACPI_NVS:
		return MEM_ACPI;
	case EFI_MMIO:
	case EFI_MMIO_PORT_SPACE:
		return MEM_MMIO;
	default:
		/* Runtime services, reserved, persistent and unknown types. */
		return MEM_FIRMWARE;
	}
}
