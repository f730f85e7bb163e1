/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_IOMMU_SELECT_H
#define ARCH_X86_IOMMU_IOMMU_SELECT_H

#include "arch/x86/iommu/iommu.h"
#include "drivers/acpi/acpi.h"

/*
 * Starts the driver for `kind` on the table the firmware published; 0,
 * -ENODEV when no driver for it is built in, or the driver's error.
 */
int iommu_start(enum iommu_kind kind, const struct acpi_tables *acpi,
		const struct madt_info *madt);
/* Whether this build has a driver for `kind`. */
bool iommu_has_driver(enum iommu_kind kind);
/* The running driver, or NULL. */
const struct iommu_ops *iommu(void);

#endif
