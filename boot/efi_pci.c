/* SPDX-License-Identifier: BSD-2-Clause */
#include "boot/efi_pci.h"
#include "boot/efi_util.h"
#include "arch/x86/iommu/iommu_select.h"
#include "drivers/acpi/prt.h"
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

/* The firmware's DSDT and SSDTs, for the AML reader. */
static void aml_tables_of(const struct acpi_tables *t, struct aml_tables *out)
{
	const uint8_t *table;
	uint32_t len;

	*out = (struct aml_tables){ 0 };
	if (!acpi_find_dsdt(t, &table, &len))
		aml_add_table(out, table, len);
	for (unsigned int n = 0; out->count < AML_MAX_TABLES &&
	     !acpi_find_nth_table(t, "SSDT", n, &table, &len); n++)
		aml_add_table(out, table, len);
}

/*
 * Each function's INTx line, from the _PRT of the root bridge (functions
 * on the root bus only: behind a bridge the firmware may route by its
 * own _PRT or by the bridge swizzle, and we do not guess which).
 */
static void read_intx_routes(struct boot_info *info)
{
	static struct prt_table prt;
	struct aml_tables aml = { 0 };
	struct acpi_tables t;
	unsigned int routed = 0;

	if (info->rsdp && !acpi_init(&t, info->rsdp, acpi_identity_map, NULL))
		aml_tables_of(&t, &aml);
	prt = (struct prt_table){ .why = "the firmware has no DSDT" };
	if (!aml.count || prt_read(&aml, info->pci.bus_start, &prt)) {
		pr_info("PCI: INTx unavailable, MSI and MSI-X only: %s",
			prt.why);
		return;
	}
	for (unsigned int i = 0; i < info->pci.count; i++) {
		struct pci_function *f = &info->pci.fn[i];
		const struct prt_route *r;

		if (!f->irq_pin || f->irq_pin > 4 ||
		    pci_bus(f->rid) != info->pci.bus_start)
			continue;
		r = prt_lookup(&prt, pci_slot(f->rid), f->irq_pin - 1);
		if (!r)
			continue;
		f->gsi = r->gsi;
		f->gsi_active_low = r->active_low;
		routed++;
	}
	pr_info("PCI: INTx lines from the firmware's _PRT (%u entries; DSDT and %u SSDT(s) read): %u function(s) routed",
		prt.count, aml.count - 1, routed);
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

/* ", INTA GSI 20" or ", INTA unrouted", after the owner. */
static const char *intx_text(const struct pci_function *f, char *buf,
			     size_t size)
{
	if (!f->irq_pin || f->irq_pin > 4)
		return "";
	if (f->gsi == PCI_GSI_NONE)
		snformat(buf, size, ", INT%c unrouted", 'A' + f->irq_pin - 1);
	else
		snformat(buf, size, ", INT%c GSI %u (active %s)",
			 'A' + f->irq_pin - 1, f->gsi,
			 f->gsi_active_low ? "low" : "high");
	return buf;
}

static void log_functions(const struct boot_info *info)
{
	char text[PCI_DESCRIPTION_MAX], intx[40];

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
		pr_info("PCI %s: %s%s%s", text, f->owner < 0 ?
			"unassigned" : "partition ", f->owner < 0 ? "" :
			info->config.partitions[f->owner].name,
			intx_text(f, intx, sizeof(intx)));
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
	read_intx_routes(info);
	ret = pci_assign(&info->pci, &info->config, &rsv, err);
	for (unsigned int p = 0; !ret && p < info->config.partition_count; p++)
		ret = ram_layout_plan(&info->partitions[p].layout,
				      &info->config, p, &info->pci, err);
	if (!ret)
		ret = need_iommu(info, err);
	log_functions(info);
	return ret;
}
