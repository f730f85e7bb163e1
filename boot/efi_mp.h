/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef BOOT_EFI_MP_H
#define BOOT_EFI_MP_H

#include <efi.h>
#include "drivers/acpi/acpi.h"

/*
 * Lists the processors through the firmware's MP Services protocol
 * (UEFI PI 1.7 vol. 2, 13.4), for firmware without an ACPI MADT (OVMF
 * under Bochs has no ACPI tables). Fills cpus/cpu_count of `info`.
 */
EFI_STATUS efi_mp_list_cpus(struct madt_info *info);

#endif
