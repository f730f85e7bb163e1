/* SPDX-License-Identifier: BSD-2-Clause */
/* PCI devices and the IOMMU, from takeover to the partitions' start. */
#include "kernel/passthrough.h"
#include "arch/x86/iommu/iommu_select.h"
#include "kernel/log.h"

#define CLASS_HOST_BRIDGE	0x0600	/* class << 8 | subclass */
#define CLASS_IOMMU		0x0806

static struct pci_access hw;

static const void *identity_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)len;
	(void)ctx;
	return (const void *)(uintptr_t)phys;
}

/* The bridges and the IOMMU itself keep their settings. */
static bool keeps_bus_master(const struct pci_function *f)
{
	uint32_t class = f->class_code >> 8;

	return f->owner >= 0 || f->header_type != 0 ||
	       class == CLASS_HOST_BRIDGE || class == CLASS_IOMMU;
}

static void stop_unowned_dma(struct pci_inventory *inv)
{
	unsigned int stopped = 0;

	for (unsigned int i = 0; i < inv->count; i++) {
		const struct pci_function *f = &inv->fn[i];
		uint32_t cmd;

		if (keeps_bus_master(f))
			continue;
		cmd = pci_read(&hw, f->rid, PCI_COMMAND, 2);
		if (!(cmd & PCI_COMMAND_MASTER))
			continue;
		pci_write(&hw, f->rid, PCI_COMMAND, 2,
			  cmd & ~PCI_COMMAND_MASTER);
		stopped++;
	}
	pr_info("PCI: bus mastering turned off on %u function(s) no partition owns",
		stopped);
}

static void start_iommu(struct boot_info *info)
{
	static const char *const names[] = { "none", "AMD-Vi", "VT-d" };
	struct acpi_tables acpi;
	int err;

	if (info->iommu == IOMMU_NONE) {
		pr_info("IOMMU: none described by ACPI; devices stay with the hypervisor");
		return;
	}
	err = acpi_init(&acpi, info->rsdp, identity_map, NULL);
	if (!err)
		err = iommu_start(info->iommu, &acpi, &info->madt);
	if (err)
		pr_warn("IOMMU: %s described by ACPI but not started (error %d): partitions get no devices",
			names[info->iommu], err);
}

void passthrough_takeover(struct boot_info *info)
{
	pci_config_access(&hw, &info->pci_window);
	stop_unowned_dma(&info->pci);
	start_iommu(info);
}
