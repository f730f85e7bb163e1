/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_EFI_MEMTYPE_H
#define BOOT_EFI_MEMTYPE_H

#include <stdint.h>
#include "kernel/memmap.h"

/* Maps a UEFI memory type (UEFI 2.10 7.2, table 7-5) to what we do with it. */
enum mem_kind efi_mem_kind(uint32_t efi_type);

#endif
