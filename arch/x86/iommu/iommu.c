/* SPDX-License-Identifier: BSD-2-Clause */
/* Chooses the IOMMU driver from the ACPI table the firmware publishes. */
#include "arch/x86/iommu/iommu_select.h"
#include "arch/x86/iommu/amd_vi.h"
#include "arch/x86/iommu/vtd.h"
#include "kernel/log.h"
#include "lib/errno.h"
#include <stddef.h>

/* The drivers built in, NULL-terminated; a vendor's driver adds itself. */
static const struct iommu_ops *const drivers[] = {
	&amd_vi_ops,
	&vtd_ops,
	NULL,
};

static const struct iommu_ops *active;

const struct iommu_ops *iommu(void)
{
	return active;
}

static const char *table_of(enum iommu_kind kind)
{
	return kind == IOMMU_AMD_VI ? "IVRS" : "DMAR";
}

static const struct iommu_ops *driver_for(enum iommu_kind kind)
{
	for (unsigned int i = 0; drivers[i]; i++)
		if (drivers[i]->kind == kind)
			return drivers[i];
	return NULL;
}

bool iommu_has_driver(enum iommu_kind kind)
{
	return driver_for(kind);
}

int iommu_start(enum iommu_kind kind, const struct acpi_tables *acpi,
		const struct madt_info *madt)
{
	struct iommu_ioapic ioapics[IOMMU_MAX_IOAPICS];
	const struct iommu_ops *ops = driver_for(kind);
	const uint8_t *table;
	uint32_t len;
	unsigned int n = 0;
	int err;

	if (!ops)
		return -ENODEV;
	err = acpi_find_table(acpi, table_of(kind), &table, &len);
	if (err)
		return err;
	for (; n < madt->ioapic_count && n < IOMMU_MAX_IOAPICS; n++)
		ioapics[n] = (struct iommu_ioapic){ madt->ioapics[n].id,
						    madt->ioapics[n].address };
	err = ops->init(table, len, ioapics, n);
	if (!err)
		active = ops;
	return err;
}
