/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI devices of partitions, from takeover to stop: the IOMMU domain of
 * each partition, its devices' BARs in stage 2, their config space and
 * MSI-X tables emulated, their interrupts remapped onto the cores of the
 * vCPUs the guest named, and everything quiesced before RAM is reused.
 */
#include "kernel/passthrough.h"
#include "arch/x86/iommu/iommu_select.h"
#include "arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/msi_post.h"
#include "kernel/partition.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

/* An MSI address (SDM vol. 3A 11.11.1). */
#define MSI_ADDRESS_BASE	0xfee00000ULL
#define MSI_ADDRESS_MASK	0xfff00000ULL
#define MSI_DEST_SHIFT		12
#define MSI_DEST_LOGICAL	(1U << 2)
#define MSI_DATA_VECTOR		0xffU
#define MSI_DATA_MODE_SHIFT	8
#define MSI_DATA_MODE_MASK	7U
#define MSI_MODE_FIXED		0
#define MSI_MODE_LOWEST		1
#define FIRST_DEVICE_VECTOR	16	/* 0-15 are reserved (SDM 6.2) */
/* Function level reset (PCIe 5.0 7.5.3.4, 6.6.2): then 100 ms. */
#define PCIE_DEVCTL		8
#define PCIE_DEVCTL_FLR		(1U << 15)
#define FLR_WAIT_US		100000

static struct pci_access hw;
static struct pci_inventory *inventory;
static struct spinlock iommu_lock;	/* one command queue per IOMMU */

/* ---- takeover ---- */

/* The bridges and the IOMMU itself keep their settings. */
static bool keeps_bus_master(const struct pci_function *f)
{
	uint32_t class = f->class_code >> 8;

	return f->owner >= 0 || f->header_type != 0 ||
	       class == PCI_CLASS_HOST_BRIDGE || class == PCI_CLASS_IOMMU;
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
		/* INTx off too: its line may be a partition's. */
		pci_write(&hw, f->rid, PCI_COMMAND, 2,
			  (cmd & ~PCI_COMMAND_MASTER) | PCI_COMMAND_INTX_OFF);
		if (cmd & PCI_COMMAND_MASTER)
			stopped++;
	}
	pr_info("PCI: bus mastering turned off on %u function(s) no partition owns (and INTx on all of them)",
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
	err = acpi_init(&acpi, info->rsdp, acpi_identity_map, NULL);
	if (!err)
		err = iommu_start(info->iommu, &acpi, &info->madt);
	if (err)
		pr_warn("IOMMU: %s described by ACPI but not started (error %d): partitions get no devices",
			names[info->iommu], err);
}

void passthrough_takeover(struct boot_info *info)
{
	inventory = &info->pci;
	pci_config_access(&hw, &info->pci_window);
	stop_unowned_dma(&info->pci);
	start_iommu(info);
}

void passthrough_high_bars(const struct pci_inventory *inv,
			   struct host_mm_layout *layout)
{
	for (unsigned int i = 0; i < inv->count; i++) {
		const struct pci_function *f = &inv->fn[i];

		for (unsigned int b = 0; f->owner >= 0 && b < PCI_BARS; b++) {
			const struct pci_bar *bar = &f->bars[b];

			if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_IO ||
			    bar->base + bar->size <= layout->map_top ||
			    layout->mmio_count == HOST_MM_MMIO_MAX)
				continue;
			layout->mmio[layout->mmio_count++] =
				(struct host_mm_range){ bar->base, bar->size };
		}
	}
}

/* ---- interrupts: the guest's message, onto its vCPU's core ---- */

/*
 * The vCPU a fixed or lowest-priority interrupt for `dest` reaches, or
 * NULL. Lowest priority: any one target will do (SDM 10.6.2.4).
 */
static struct vcpu *irq_target(struct partition *p, uint8_t dest,
			       bool logical, unsigned int mode, uint8_t vector)
{
	struct vlapic_ipi ipi = {
		.kind = VLAPIC_IPI_FIXED,
		.dest = VLAPIC_DEST_FIELD,
		.dest_id = dest,
		.logical = logical,
	};

	if ((mode != MSI_MODE_FIXED && mode != MSI_MODE_LOWEST) ||
	    vector < FIRST_DEVICE_VECTOR)
		return NULL;
	for (unsigned int i = 0; i < p->vcpu_count; i++)
		if (vlapic_ipi_targets(&ipi, ~0U, &p->vcpus[i]->lapic))
			return p->vcpus[i];
	return NULL;
}

static struct vcpu *msi_target(struct partition *p, const struct vpci_msg *m)
{
	if ((m->address & MSI_ADDRESS_MASK) != MSI_ADDRESS_BASE)
		return NULL;
	return irq_target(p, (uint8_t)(m->address >> MSI_DEST_SHIFT),
			  m->address & MSI_DEST_LOGICAL,
			  m->data >> MSI_DATA_MODE_SHIFT & MSI_DATA_MODE_MASK,
			  (uint8_t)(m->data & MSI_DATA_VECTOR));
}

/* One interrupt of one function, as the posting tables name it. */
#define MSI_SOURCE_INDEX_BITS	8
_Static_assert(IOMMU_IRQS_PER_DEVICE <= 1U << MSI_SOURCE_INDEX_BITS,
	       "a source names every remapped index");

static uint32_t msi_source(uint16_t rid, unsigned int index)
{
	return (uint32_t)rid << MSI_SOURCE_INDEX_BITS | index;
}

/*
 * Under iommu_lock. In place: the entry keeps its index, so the message
 * the device was given stays valid; while masked, the IOMMU drops what
 * the source sends, and logs no fault.
 */
static void mask_source(uint32_t source, bool masked)
{
	iommu()->irq_mask((uint16_t)(source >> MSI_SOURCE_INDEX_BITS),
			  source & ((1U << MSI_SOURCE_INDEX_BITS) - 1),
			  masked);
}

void passthrough_post_sync(struct core_sched *s, const struct vcpu *running)
{
	if (!msi_post_sync_pending(s, running))
		return;
	spin_lock(&iommu_lock);
	msi_post_sync(s, running, mask_source);
	spin_unlock(&iommu_lock);
}

/*
 * Under iommu_lock. A vCPU on a core shared in time gets the message as
 * one of the core's posting vectors (kernel/msi_post.c), whose handler
 * holds the guest's vector for it until its window; a vCPU on a core of
 * its own gets the guest's vector directly. The new route is in place
 * before the old posting vector is freed, so nothing sent meanwhile is
 * lost.
 */
static int msi_set(struct partition *p, struct vcpu *v, uint16_t rid,
		   unsigned int index, uint8_t vector, struct iommu_msi *msg)
{
	uint32_t source = msi_source(rid, index);
	int hw_vector = vector, err;

	if (v->timeshare) {
		hw_vector = msi_post_route(v, source, vector);
		if (hw_vector < 0) {
			pr_warn("partition %s: %02x:%02x.%x interrupt %u not routed to vCPU %u on cpu %u: %s (error %d)",
				p->cfg->name, pci_bus(rid), pci_slot(rid),
				rid & 7, index, v->index, v->cpu,
				hw_vector == -ENOSPC ?
				"all its posting vectors are taken" :
				"no posting table there", hw_vector);
			return hw_vector;
		}
	}
	err = iommu()->irq_set(rid, index, v->phys_apic_id,
			       (uint8_t)hw_vector, msg);
	/* Its old posting vector, if any, once the new route is in place. */
	msi_post_unroute(source, !err && v->timeshare ? v : NULL);
	return err;
}

static bool msi_route(void *ctx, uint16_t rid, unsigned int index,
		      const struct vpci_msg *guest, uint64_t *address,
		      uint32_t *data)
{
	struct partition *p = ctx;
	struct vcpu *v = msi_target(p, guest);
	struct iommu_msi msg;
	int err = -EINVAL;

	if (index >= IOMMU_IRQS_PER_DEVICE)
		return false;
	spin_lock(&iommu_lock);
	if (v) {
		err = msi_set(p, v, rid, index, (uint8_t)guest->data, &msg);
	} else {
		iommu()->irq_clear(rid, index);
		msi_post_unroute(msi_source(rid, index), NULL);
	}
	spin_unlock(&iommu_lock);
	if (err)
		return false;
	*address = msg.address;
	*data = msg.data;
	return true;
}

/* MSI-X table entry layout (PCI 3.0 6.8.2.6). */
#define MSIX_VECTOR_CONTROL	12
#define MSIX_ENTRY_MASKED	1U

/* Masked while it changes, so the device never sends half an entry. */
static void msix_entry(void *ctx, const struct pci_function *fn,
		       unsigned int index, uint64_t address, uint32_t data,
		       bool masked)
{
	struct partition *p = ctx;
	volatile uint32_t *e = (volatile uint32_t *)(uintptr_t)
		vpci_msix_entry_address(vpci_find(&p->vpci, fn->rid), index);

	e[MSIX_VECTOR_CONTROL / 4] = MSIX_ENTRY_MASKED;
	if (masked)
		return;
	e[0] = (uint32_t)address;
	e[1] = (uint32_t)(address >> 32);
	e[2] = data;
	e[MSIX_VECTOR_CONTROL / 4] = 0;
}

/* ---- INTx: the guest's I/O APIC entry, onto the physical I/O APIC ---- */

/* The function whose INTx line is guest GSI `gsi`, or NULL. */
static const struct pci_function *intx_function(struct partition *p,
						unsigned int gsi)
{
	for (unsigned int i = 0; i < p->vpci.count; i++)
		if (p->vpci.dev[i].intx_gsi == gsi)
			return p->vpci.dev[i].fn;
	return NULL;
}

/* Stops the line: physical entry masked, its remapping entry cleared. */
static void intx_unroute(struct partition *p, unsigned int gsi,
			 const struct pci_function *fn)
{
	uint8_t ioapic;
	unsigned int pin;

	__atomic_and_fetch(&p->intx_routed, ~(1U << gsi), __ATOMIC_SEQ_CST);
	irq_mask_gsi(fn->gsi);
	if (irq_ioapic_of(fn->gsi, &ioapic, &pin))
		return;
	spin_lock(&iommu_lock);
	iommu()->ioapic_irq_clear(ioapic, pin);
	spin_unlock(&iommu_lock);
}

/*
 * A level-triggered line would need its host EOI from the guest's, which
 * a software LAPIC does not relay: the line stays masked, said once per
 * line and boot.
 */
static void intx_refuse(struct partition *p, unsigned int gsi,
			const struct vcpu *v)
{
	if (__atomic_fetch_or(&p->intx_refused, 1U << gsi, __ATOMIC_SEQ_CST) &
	    1U << gsi)
		return;
	pr_warn("partition %s: INTx GSI %u not routed: vCPU %u is on cpu %u, shared in time, which takes only MSI and MSI-X: use MSI, or route the line to a vCPU on a core of its own",
		p->cfg->name, gsi, v->index, v->cpu);
}

/*
 * The guest wrote its I/O APIC entry for a passed-through line (under
 * p->lock): the physical entry follows, level-triggered with the host's
 * polarity, through a remapping entry that lets that I/O APIC pin send
 * only this vector to the named vCPU's core. Masked, or naming no vCPU
 * of the partition, the line stays masked.
 */
static void intx_route(void *ctx, unsigned int gsi, uint64_t rte)
{
	struct partition *p = ctx;
	const struct pci_function *fn = intx_function(p, gsi);
	uint8_t vector = (uint8_t)(rte & VIOAPIC_RTE_VECTOR), ioapic;
	struct vcpu *v = irq_target(p, (uint8_t)(rte >> VIOAPIC_RTE_DEST_SHIFT),
				    rte & VIOAPIC_RTE_LOGICAL,
				    rte >> VIOAPIC_RTE_MODE_SHIFT &
				    VIOAPIC_RTE_MODE_MASK, vector);
	unsigned int pin;
	uint64_t hw;
	int err;

	if (!fn)
		return;
	intx_unroute(p, gsi, fn);
	if ((rte & VIOAPIC_RTE_MASKED) || !v ||
	    irq_ioapic_of(fn->gsi, &ioapic, &pin))
		return;
	if (v->timeshare) {
		intx_refuse(p, gsi, v);
		return;
	}
	spin_lock(&iommu_lock);
	err = iommu()->ioapic_irq(ioapic, pin, v->phys_apic_id, vector, &hw);
	spin_unlock(&iommu_lock);
	if (err) {
		pr_warn("partition %s: INTx GSI %u (host GSI %u) not routed (error %d)",
			p->cfg->name, gsi, fn->gsi, err);
		return;
	}
	p->intx_vector[gsi] = vector;
	__atomic_or_fetch(&p->intx_routed, 1U << gsi, __ATOMIC_SEQ_CST);
	irq_route_level(fn->gsi, hw, fn->gsi_active_low);
}

void passthrough_intx_eoi(struct partition *p, uint8_t vector)
{
	uint32_t routed = __atomic_load_n(&p->intx_routed, __ATOMIC_ACQUIRE);

	for (unsigned int gsi = 0; routed; gsi++, routed >>= 1) {
		const struct pci_function *fn;

		if (!(routed & 1) || p->intx_vector[gsi] != vector)
			continue;
		fn = intx_function(p, gsi);
		if (fn)
			irq_eoi_gsi(fn->gsi);
	}
}

/*
 * Keeps the INTx line of each function whose host line the hardware can
 * route (an I/O APIC has the GSI, the IOMMU remaps it); the others read
 * interrupt pin 0, with the reason logged.
 */
static void intx_setup(struct partition *p)
{
	uint32_t pins = 0;

	for (unsigned int i = 0; i < p->vpci.count; i++) {
		struct vpci_dev *d = &p->vpci.dev[i];
		const struct pci_function *fn = d->fn;
		uint8_t ioapic;
		unsigned int pin;

		if (!d->intx_gsi)
			continue;
		if (irq_ioapic_of(fn->gsi, &ioapic, &pin)) {
			pr_warn("partition %s: %02x:%02x.%x gets no INTx: no I/O APIC in the MADT has its GSI %u",
				p->cfg->name, pci_bus(fn->rid),
				pci_slot(fn->rid), fn->rid & 7, fn->gsi);
			d->intx_gsi = 0;
			continue;
		}
		pins |= 1U << d->intx_gsi;
		pr_info("partition %s: %02x:%02x.%x INT%c is its GSI %u (host GSI %u, I/O APIC %u pin %u)",
			p->cfg->name, pci_bus(fn->rid), pci_slot(fn->rid),
			fn->rid & 7, 'A' + fn->irq_pin - 1, d->intx_gsi,
			fn->gsi, ioapic, pin);
	}
	vioapic_passthrough(&p->ioapic, pins, intx_route, p);
}

/*
 * Stop and restart: every line masked and unrouted, and re-armed at its
 * I/O APIC: an interrupt the guest never acknowledged would leave remote
 * IRR set, and the next boot would get no INTx at all. The devices'
 * INTx is off by now (vpci_quiesce), so nothing fires.
 */
static void intx_quiesce(struct partition *p)
{
	for (unsigned int i = 0; i < p->vpci.count; i++) {
		uint8_t gsi = p->vpci.dev[i].intx_gsi;
		const struct pci_function *fn = p->vpci.dev[i].fn;

		if (!gsi)
			continue;
		intx_unroute(p, gsi, fn);
		irq_eoi_gsi(fn->gsi);
	}
}

/* ---- a partition's devices ---- */

static uint64_t page_floor(uint64_t v)
{
	return v & ~(PAGE_4K - 1);
}

static uint64_t page_ceil(uint64_t v)
{
	return (v + PAGE_4K - 1) & ~(PAGE_4K - 1);
}

/* BARs at the host's addresses, uncached: registers with no exit. */
static int map_bars(struct partition *p, const struct vpci_dev *d)
{
	unsigned int attrs = PT_ATTR_WRITE | PT_ATTR_UNCACHED;
	uint64_t start, end;
	int err = 0;

	for (unsigned int b = 0; !err && b < PCI_BARS; b++) {
		const struct pci_bar *bar = &d->fn->bars[b];

		if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_IO)
			continue;
		err = pt_map(&p->stage2, page_floor(bar->base),
			     page_floor(bar->base),
			     page_ceil(bar->base + bar->size) -
			     page_floor(bar->base), attrs);
	}
	/* The MSI-X table's pages stay out, to be emulated. */
	vpci_msix_pages(d, &start, &end);
	if (!err && end)
		err = pt_unmap(&p->stage2, start, end - start);
	return err;
}

/* The partition's RAM as its devices see it: the same map as stage 2. */
static int map_domain(struct partition *p)
{
	struct ram_range pieces[RAM_LAYOUT_PIECES];
	unsigned int n = ram_layout_mapped(&p->boot->layout, pieces);
	int err = 0;

	for (unsigned int i = 0; !err && i < n; i++)
		err = iommu()->map(p->id, pieces[i].gpa,
				   p->boot->ram + pieces[i].offset,
				   pieces[i].size);
	return err;
}

static int attach(struct partition *p, const struct pci_function *fn)
{
	uint16_t ids[3];
	unsigned int n = pci_dma_aliases(inventory, fn, ids);
	int err = 0;

	for (unsigned int i = 0; !err && i < n; i++)
		err = iommu()->attach(ids[i], p->id);
	return err;
}

static int add_device(struct partition *p, const struct pci_function *fn)
{
	int err = vpci_add(&p->vpci, fn);

	if (!err)
		err = map_bars(p, &p->vpci.dev[p->vpci.count - 1]);
	if (!err)
		err = attach(p, fn);
	if (err)
		pr_err("partition %s: cannot give it %02x:%02x.%x (error %d)",
		       p->cfg->name, pci_bus(fn->rid), pci_slot(fn->rid),
		       fn->rid & 7, err);
	return err;
}

int passthrough_create(struct partition *p)
{
	const struct vpci_hooks hooks = { msi_route, msix_entry, p };
	int err = 0;

	vpci_init(&p->vpci, &hw, &hooks);
	if (!p->cfg->device_count)
		return 0;
	/* The partition's ECAM window is where the host's is (its MCFG). */
	p->vpci.ecam_base = inventory->ecam_base;
	p->vpci.bus_start = inventory->bus_start;
	p->vpci.bus_end = inventory->bus_end;
	if (!iommu()) {
		pr_err("partition %s: its devices need the IOMMU, which did not start",
		       p->cfg->name);
		return -ENODEV;
	}
	spin_lock(&iommu_lock);
	err = map_domain(p);
	spin_unlock(&iommu_lock);
	for (unsigned int i = 0; !err && i < inventory->count; i++)
		if (inventory->fn[i].owner == (int)p->id) {
			spin_lock(&iommu_lock);
			err = add_device(p, &inventory->fn[i]);
			spin_unlock(&iommu_lock);
		}
	if (!err)
		intx_setup(p);
	return err;
}

/* ---- stop and restart ---- */

/* A reset function forgets its BARs: put the firmware's back. */
static void restore_bars(const struct pci_function *fn)
{
	for (unsigned int b = 0; b < PCI_BARS; b++) {
		const struct pci_bar *bar = &fn->bars[b];
		unsigned int reg = PCI_BAR0 + 4 * b;

		if (bar->kind == PCI_BAR_NONE)
			continue;
		pci_write(&hw, fn->rid, reg, 4,
			  (uint32_t)bar->base | pci_bar_flags(bar));
		if (bar->kind == PCI_BAR_MEM64)
			pci_write(&hw, fn->rid, reg + 4, 4,
				  (uint32_t)(bar->base >> 32));
	}
}

static void reset_functions(struct partition *p)
{
	bool any = false;

	for (unsigned int i = 0; i < p->vpci.count; i++) {
		const struct pci_function *fn = p->vpci.dev[i].fn;

		if (!fn->flr)
			continue;
		pci_write(&hw, fn->rid, fn->cap_pcie + PCIE_DEVCTL, 2,
			  PCIE_DEVCTL_FLR);
		any = true;
	}
	if (!any)
		return;
	tsc_delay_us(FLR_WAIT_US);
	for (unsigned int i = 0; i < p->vpci.count; i++)
		if (p->vpci.dev[i].fn->flr)
			restore_bars(p->vpci.dev[i].fn);
}

void passthrough_quiesce(struct partition *p)
{
	if (!p->vpci.count)
		return;
	spin_lock(&p->lock);
	vpci_quiesce(&p->vpci);
	intx_quiesce(p);
	spin_unlock(&p->lock);
	spin_lock(&iommu_lock);
	msi_post_release(p);
	spin_unlock(&iommu_lock);
	p->intx_refused = 0;
	reset_functions(p);
	pr_info("partition %s: %u PCI function(s) quiesced (bus master, MSI, MSI-X, INTx off; FLR where offered)",
		p->cfg->name, p->vpci.count);
}

/* ---- the console's NMI through the I/O APIC ---- */

static int ioapic_nmi(uint8_t ioapic_id, unsigned int pin, uint32_t apic_id,
		      uint64_t *rte)
{
	int err;

	spin_lock(&iommu_lock);
	err = iommu()->ioapic_nmi(ioapic_id, pin, apic_id, rte);
	spin_unlock(&iommu_lock);
	return err;
}

irq_remap_fn passthrough_nmi_remap(void)
{
	return iommu() ? ioapic_nmi : NULL;
}

/* ---- faults ---- */

static void log_fault(const struct iommu_fault *f, void *ctx)
{
	const struct pci_function *fn = pci_find(inventory, f->rid);
	const char *owner = "no partition";

	(void)ctx;
	if (fn && fn->owner >= 0)
		owner = partitions[fn->owner].cfg->name;
	pr_warn("IOMMU: %s fault by %02x:%02x.%x (partition %s) at %#llx%s: %s (reason %#x)",
		f->interrupt ? "interrupt" : "DMA", pci_bus(f->rid),
		pci_slot(f->rid), f->rid & 7, owner,
		(unsigned long long)f->address,
		f->interrupt ? "" : f->write ? " (write)" : " (read)",
		f->what, f->reason);
}

void passthrough_poll_faults(void)
{
	if (!iommu())
		return;
	spin_lock(&iommu_lock);
	iommu()->poll_faults(log_fault, NULL);
	spin_unlock(&iommu_lock);
}
