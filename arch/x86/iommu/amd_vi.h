/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_AMD_VI_H
#define ARCH_X86_IOMMU_AMD_VI_H

#include "arch/x86/iommu/iommu.h"

/* The AMD-Vi driver (ACPI IVRS); encodings in amd_vi_tables.h. */
extern const struct iommu_ops amd_vi_ops;

#endif
