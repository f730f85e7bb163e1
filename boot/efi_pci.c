/* SPDX-License-Identifier: BSD-2-Clause */
#include "boot/efi_pci.h"
#include "boot/efi_util.h"
#include "arch/x86/iommu/iommu_select.h"
#include "drivers/pci/pci_assign.h"
#include "drivers/pci/pci_config.h"
#include "drivers/uart16550.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "kernel/log.h"

#define PCI_SEGMENT		0	/* the only one we enumerate */
#define PCI_DESCRIPTION_MAX	200

/* The ECAM window of segment 0 and which IOMMU table the firmware has. */
static void read_acpi(struct boot_info *info)
{
	struct acpi_tables t;
	struct mcfg_window w;
	const uint8_t *table;
	uint32_t len;

	info->pci_window = (struct pci_config_window){ .bus_end = 0xff };
	if (!info->rsdp || acpi_init(&t, info->rsdp, acpi_identity_map, NULL))
		return;
	if (!acpi_find_table(&t, "MCFG", &table, &len) &&
	    !mcfg_parse(table, len, PCI_SEGMENT, &w))
		info->pci_window = (struct pci_config_window){
			.ecam_base = w.base, .bus_start = w.bus_start,
			.bus_end = w.bus_end,
		};
	if (!acpi_find_table(&t, "IVRS", &table, &len))
		info->iommu = IOMMU_AMD_VI;
	else if (!acpi_find_table(&t, "DMAR", &table, &len))
		info->iommu = IOMMU_VT_D;
}

/* Decoding is off while BARs are probed: no firmware timer may run then. */
static void scan(struct boot_info *info, const struct pci_access *a)
{
	EFI_TPL tpl = efi_st->BootServices->RaiseTPL(TPL_HIGH_LEVEL);

	info->pci.bus_start = info->pci_window.bus_start;
	info->pci.bus_end = info->pci_window.bus_end;
	info->pci.ecam_base = info->pci_window.ecam_base;
	pci_scan(&info->pci, a);
	efi_st->BootServices->RestoreTPL(tpl);
}

static void log_functions(const struct boot_info *info)
{
	char text[PCI_DESCRIPTION_MAX];

	if (info->pci.ecam_base)
		pr_info("PCI: %u function(s) through ECAM at %#llx (buses %u-%u)",
			info->pci.count,
			(unsigned long long)info->pci.ecam_base,
			info->pci.bus_start, info->pci.bus_end);
	else
		pr_info("PCI: %u function(s) through ports 0xcf8/0xcfc (no ACPI MCFG)",
			info->pci.count);
	for (unsigned int i = 0; i < info->pci.count; i++) {
		const struct pci_function *f = &info->pci.fn[i];

		pci_describe(f, text, sizeof(text));
		pr_info("PCI %s: %s%s", text, f->owner < 0 ?
			"unassigned" : "partition ", f->owner < 0 ? "" :
			info->config.partitions[f->owner].name);
	}
	if (info->pci.skipped)
		pr_warn("PCI: %u function(s) beyond the limit of %u are left off (and cannot be assigned)",
			info->pci.skipped, PCI_MAX_FUNCTIONS);
}

static unsigned int assigned_devices(const struct config *cfg,
				     const struct partition_config **first)
{
	unsigned int n = 0;

	for (unsigned int i = cfg->partition_count; i-- > 0;)
		if (cfg->partitions[i].device_count) {
			n += cfg->partitions[i].device_count;
			*first = &cfg->partitions[i];
		}
	return n;
}

static int need_iommu(const struct boot_info *info, struct config_error *err)
{
	static const char *const names[] = { "", "AMD-Vi (IVRS)",
					     "VT-d (DMAR)" };
	const struct partition_config *pc = NULL;

	if (!assigned_devices(&info->config, &pc) ||
	    iommu_has_driver(info->iommu))
		return 0;
	err->line = pc->devices_line;
	if (info->iommu == IOMMU_NONE)
		snformat(err->message, sizeof(err->message), "partition \"%s\": devices need an IOMMU to confine their DMA, and the firmware publishes none (no ACPI IVRS or DMAR): turn on AMD-Vi / VT-d (\"IOMMU\") in the firmware setup",
			 pc->name);
	else
		snformat(err->message, sizeof(err->message), "partition \"%s\": the firmware describes an %s IOMMU, which this build has no driver for: remove the devices line",
			 pc->name, names[info->iommu]);
	return -ENODEV;
}

int efi_pci_prepare(struct boot_info *info, struct config_error *err)
{
	const struct pci_reserved rsv = { .console_port = COM1_PORT };
	struct pci_access a;
	int ret;

	read_acpi(info);
	pci_config_access(&a, &info->pci_window);
	scan(info, &a);
	ret = pci_assign(&info->pci, &info->config, &rsv, err);
	for (unsigned int p = 0; !ret && p < info->config.partition_count; p++)
		ret = ram_layout_plan(&info->partitions[p].layout,
				      &info->config, p, &info->pci, err);
	if (!ret)
		ret = need_iommu(info, err);
	log_functions(info);
	return ret;
}
