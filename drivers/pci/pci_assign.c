/* SPDX-License-Identifier: BSD-2-Clause */
/* Which partition owns which PCI function, checked before takeover. */
#include "drivers/pci/pci_assign.h"
#include <stdarg.h>
#include "lib/errno.h"
#include "lib/format.h"

#define CLASS_OF(f)		((f)->class_code >> 16)
#define SUBCLASS_OF(f)		((f)->class_code >> 8)

static int assign_error(struct config_error *err, unsigned int line,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Fills *err; returns -EINVAL, the code of every assignment error. */
static int assign_error(struct config_error *err, unsigned int line,
			const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	va_start(ap, fmt);
	vsnformat(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool reserved(const struct pci_reserved *rsv,
		     const struct pci_function *f)
{
	for (unsigned int i = 0; i < rsv->count; i++)
		if (rsv->rids[i] == f->rid)
			return true;
	return SUBCLASS_OF(f) == PCI_CLASS_IOMMU;
}

static bool console_uart(const struct pci_reserved *rsv,
			 const struct pci_function *f)
{
	if (CLASS_OF(f) != PCI_CLASS_SERIAL || !rsv->console_port)
		return false;
	for (unsigned int i = 0; i < PCI_BARS; i++) {
		const struct pci_bar *b = &f->bars[i];

		if (b->kind == PCI_BAR_IO && rsv->console_port >= b->base &&
		    rsv->console_port < b->base + b->size)
			return true;
	}
	return false;
}

/* Whether f may go to a partition at all; the reason when not. */
static const char *unassignable(const struct pci_reserved *rsv,
				const struct pci_function *f)
{
	if (f->header_type == PCI_HEADER_BRIDGE)
		return "is a PCI bridge: assign the devices behind it instead";
	if (f->header_type != 0)
		return "is not an endpoint (unknown header type): it cannot be assigned";
	if (reserved(rsv, f))
		return "is the IOMMU, which keeps partitions apart: remove it from devices";
	if (SUBCLASS_OF(f) == PCI_CLASS_HOST_BRIDGE)
		return "is the host bridge: it stays with the hypervisor; assign endpoints only";
	if (console_uart(rsv, f))
		return "is the hypervisor's console UART: remove it from devices";
	return NULL;
}

static int check_one(struct pci_inventory *inv, const struct config *cfg,
		     const struct pci_reserved *rsv,
		     const struct partition_config *pc, uint32_t device,
		     struct config_error *err)
{
	char bdf[CONFIG_DEVICE_TEXT_MAX];
	struct pci_function *f;
	const char *why;

	config_format_device(device, bdf, sizeof(bdf));
	if (device >> 16)
		return assign_error(err, pc->devices_line, "partition \"%s\": device %s is on PCI segment %u, but this machine has segment 0 only: check the address with lspci or the boot log's PCI list",
				    pc->name, bdf, device >> 16);
	f = pci_find(inv, (uint16_t)device);
	if (!f)
		return assign_error(err, pc->devices_line, "partition \"%s\": device %s does not exist on this machine: check the address with lspci or the boot log's PCI list",
				    pc->name, bdf);
	if (f->owner >= 0)
		return assign_error(err, pc->devices_line, "partition \"%s\": device %s is already in partition \"%s\" (line %u): a PCI function belongs to one partition",
				    pc->name, bdf, cfg->partitions[f->owner].name,
				    cfg->partitions[f->owner].devices_line);
	why = unassignable(rsv, f);
	if (why)
		return assign_error(err, pc->devices_line,
				    "partition \"%s\": device %s (%04x:%04x) %s",
				    pc->name, bdf, f->vendor, f->device, why);
	return 0;
}

/*
 * A function of an earlier partition that the IOMMU cannot tell from f:
 * behind one bridge to conventional PCI, or in one device without ACS.
 */
static int check_group(struct pci_inventory *inv, const struct config *cfg,
		       unsigned int part, const struct pci_function *f,
		       struct config_error *err)
{
	const struct partition_config *pc = &cfg->partitions[part];
	uint32_t group = pci_dma_group(inv, f);
	char mine[CONFIG_DEVICE_TEXT_MAX], theirs[CONFIG_DEVICE_TEXT_MAX];

	for (unsigned int i = 0; i < inv->count; i++) {
		const struct pci_function *o = &inv->fn[i];
		const struct partition_config *other;

		/* Named at the later partition, whose line is the conflict. */
		if (o->owner < 0 || o->owner >= (int)part ||
		    pci_dma_group(inv, o) != group)
			continue;
		other = &cfg->partitions[o->owner];
		config_format_device(f->rid, mine, sizeof(mine));
		config_format_device(o->rid, theirs, sizeof(theirs));
		return assign_error(err, pc->devices_line, "partition \"%s\": device %s shares its DMA requester ID with %s of partition \"%s\" (line %u): the IOMMU cannot keep them apart; give both to one partition",
				    pc->name, mine, theirs, other->name,
				    other->devices_line);
	}
	return 0;
}

/*
 * A function of an earlier partition on the same INTx line (GSI): a level
 * line asserted by one device would interrupt the other partition, and
 * its masking and EOI would be shared between them.
 */
static int check_intx(struct pci_inventory *inv, const struct config *cfg,
		      unsigned int part, const struct pci_function *f,
		      struct config_error *err)
{
	const struct partition_config *pc = &cfg->partitions[part];
	char mine[CONFIG_DEVICE_TEXT_MAX], theirs[CONFIG_DEVICE_TEXT_MAX];

	if (f->gsi == PCI_GSI_NONE)
		return 0;
	for (unsigned int i = 0; i < inv->count; i++) {
		const struct pci_function *o = &inv->fn[i];
		const struct partition_config *other;

		if (o->owner < 0 || o->owner >= (int)part || o->gsi != f->gsi)
			continue;
		other = &cfg->partitions[o->owner];
		config_format_device(f->rid, mine, sizeof(mine));
		config_format_device(o->rid, theirs, sizeof(theirs));
		return assign_error(err, pc->devices_line, "partition \"%s\": device %s shares its INTx line (GSI %u) with %s of partition \"%s\" (line %u): give both to one partition, or move one to a slot on another line",
				    pc->name, mine, f->gsi, theirs, other->name,
				    other->devices_line);
	}
	return 0;
}

static void unassign_all(struct pci_inventory *inv)
{
	for (unsigned int i = 0; i < inv->count; i++)
		inv->fn[i].owner = -1;
}

int pci_assign(struct pci_inventory *inv, const struct config *cfg,
	       const struct pci_reserved *rsv, struct config_error *err)
{
	int ret = 0;

	unassign_all(inv);
	for (unsigned int p = 0; !ret && p < cfg->partition_count; p++) {
		const struct partition_config *pc = &cfg->partitions[p];

		for (unsigned int d = 0; !ret && d < pc->device_count; d++) {
			ret = check_one(inv, cfg, rsv, pc, pc->devices[d], err);
			if (!ret)
				pci_find(inv, (uint16_t)pc->devices[d])->owner =
					(int)p;
		}
	}
	for (unsigned int i = 0; !ret && i < inv->count; i++)
		if (inv->fn[i].owner >= 0)
			ret = check_group(inv, cfg, (unsigned int)inv->fn[i].owner,
					  &inv->fn[i], err);
	for (unsigned int i = 0; !ret && i < inv->count; i++)
		if (inv->fn[i].owner >= 0)
			ret = check_intx(inv, cfg, (unsigned int)inv->fn[i].owner,
					 &inv->fn[i], err);
	if (ret)
		unassign_all(inv);
	return ret;
}
