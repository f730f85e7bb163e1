/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_VTD_H
#define ARCH_X86_IOMMU_VTD_H

#include "arch/x86/iommu/iommu.h"

/* Intel VT-d (ACPI DMAR): DMA and interrupt remapping on every unit. */
extern const struct iommu_ops vtd_ops;

#endif
