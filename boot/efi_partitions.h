/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_EFI_PARTITIONS_H
#define BOOT_EFI_PARTITIONS_H

#include <efi.h>
#include "boot/boot_info.h"

/*
 * Everything about partitions that can fail, done while the firmware can
 * still take control back: parse and check bulkhead.cfg, read every file
 * it names, reserve each partition's RAM and load its kernel once.
 */
EFI_STATUS efi_prepare_partitions(EFI_HANDLE image, struct boot_info *info);

#endif
