/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_EFI_UTIL_H
#define BOOT_EFI_UTIL_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>

extern EFI_SYSTEM_TABLE *efi_st;

const char *efi_status_text(EFI_STATUS status);
/* Logs to ConOut, and to COM1 directly when ConOut does not already. */
void efi_console_init(void);
void efi_console_sink(const char *line, size_t len);
/* Sets the hypervisor's wall clock (arch/x86/tsc.h) from the RTC. */
void efi_read_wall_clock(void);
/* Reads a file of the boot volume into LoaderData memory, NUL-terminated. */
EFI_STATUS efi_read_file(EFI_HANDLE image, const char *path, char **data,
			 UINTN *size);
EFI_STATUS efi_alloc_pages(UINTN pages, EFI_PHYSICAL_ADDRESS max_addr,
			   EFI_PHYSICAL_ADDRESS *addr);

#endif
