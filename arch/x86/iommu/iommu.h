/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_IOMMU_H
#define ARCH_X86_IOMMU_IOMMU_H

/* Which DMA remapping hardware the firmware describes, if any. */
enum iommu_kind {
	IOMMU_NONE,
	IOMMU_AMD_VI,	/* ACPI IVRS */
	IOMMU_VT_D,	/* ACPI DMAR */
};

#endif
