/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intel VT-d remapping units: every requester's DMA blocked until it is
 * attached to a domain's second-level table, every interrupt remapped
 * through one table all units share (its entries check the exact source
 * ID), caches invalidated through the invalidation queue.
 */
#include "arch/x86/iommu/vtd.h"
#include "arch/x86/asm.h"
#include "arch/x86/iommu/vtd_tables.h"
#include "drivers/pci/pci_config.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

/* Registers (10.4). 32-bit ones take only 32-bit accesses. */
#define REG_CAP			0x08
#define REG_ECAP		0x10
#define REG_GCMD		0x18	/* 32-bit */
#define REG_GSTS		0x1c	/* 32-bit */
#define REG_RTADDR		0x20
#define REG_FSTS		0x34	/* 32-bit */
#define REG_PMEN		0x64	/* 32-bit */
#define REG_IQT			0x88
#define REG_IQA			0x90
#define REG_IRTA		0xb8
/* Global command and status bits (10.4.4, 10.4.5). */
#define GCMD_TE			(1U << 31)
#define GCMD_SRTP		(1U << 30)
#define GCMD_WBF		(1U << 27)
#define GCMD_QIE		(1U << 26)
#define GCMD_IRE		(1U << 25)
#define GCMD_SIRTP		(1U << 24)
#define GCMD_CFI		(1U << 23)
#define PMEN_PRS		(1U << 0)	/* protected regions on (10.4.16) */
/* The status bits that are states, written back with each command. */
#define GSTS_STATES		0x96ffffffU
#define FSTS_PFO		(1U << 0)
#define FSTS_IQE		(1U << 4)
#define FSTS_ERRORS		0x71U	/* PFO, IQE, ICE, ITE: write 1 to clear */
/* IRTA (10.4.29): 2^(S + 1) entries, xAPIC format (EIME = 0). */
#define IRT_SIZE_FIELD		9
#define IRT_ENTRIES		(2U << IRT_SIZE_FIELD)
#define IRT_PAGES		(IRT_ENTRIES * 16 / PAGE_4K)
/* Invalidation queue (10.4.22-24): one page, 256 descriptors, QS = 0. */
#define QUEUE_ENTRIES		256
#define IQT_SHIFT		4
#define TABLE_ENTRIES		256	/* root and context tables (9.1, 9.3) */
#define ROOT_PAGES		(1 + TABLE_ENTRIES)	/* root, then per bus */
#define POLL_LIMIT		100000000UL
#define NMI_VECTOR		2
#define XAPIC_MAX_ID		0xff
/* Who owns an IRTE: source ID << 16 | OWNED | MSI index or I/O APIC pin. */
#define OWNED			0x8000U
#define IOAPIC_PIN		0x100U

struct vtd_unit {
	uintptr_t regs;
	uint64_t cap, ecap;
	int aw;			/* context AW: 1 = 3-level, 2 = 4-level */
	volatile struct vtd_entry *root;	/* context tables follow */
	volatile struct vtd_entry *queue;
	unsigned int tail;
	volatile uint32_t done;	/* written by invalidation-wait */
};

static struct vtd_dmar dmar;
static struct vtd_unit units[VTD_MAX_UNITS];
static struct page_table domains[IOMMU_MAX_DOMAINS];
static volatile struct vtd_entry *irt;
static uint32_t irt_owner[IRT_ENTRIES];
static uint64_t iova_limit = ~0ULL;
static int max_leaf_level = 2;
static bool coherent = true;	/* every unit snoops its table reads */
static struct spinlock lock;

#define REG32(u, reg)	(*(volatile uint32_t *)((u)->regs + (reg)))
#define REG64(u, reg)	(*(volatile uint64_t *)((u)->regs + (reg)))

static uint64_t phys(volatile const void *p)
{
	return (uint64_t)(uintptr_t)p;	/* identity-mapped */
}

static int wait_status(struct vtd_unit *u, unsigned int reg, uint32_t bit,
		       bool set)
{
	for (unsigned long i = 0; i < POLL_LIMIT; i++) {
		if (!(REG32(u, reg) & bit) == !set)
			return 0;
		cpu_relax();
	}
	pr_err("IOMMU: VT-d at 0x%llx: register 0x%x = 0x%x never followed command 0x%x",
	       (unsigned long long)u->regs, reg, REG32(u, reg), bit);
	return -ETIMEDOUT;
}

/*
 * One command bit per write, the other states written back as they are
 * (10.4.4). A write-buffer flush is done when its status clears again.
 */
static int command(struct vtd_unit *u, uint32_t bit, bool on)
{
	uint32_t states = REG32(u, REG_GSTS) & GSTS_STATES;

	REG32(u, REG_GCMD) = on ? states | bit : states & ~bit;
	return wait_status(u, REG_GSTS, bit, on && bit != GCMD_WBF);
}

/* Table writes must reach memory before the unit reads them (6.1). */
static void flush_writes(struct vtd_unit *u)
{
	if (!coherent)
		asm volatile("wbinvd" ::: "memory");
	if (u->cap & VTD_CAP_RWBF)
		command(u, GCMD_WBF, true);
}

/* Queues descriptors and an invalidation wait, and spins on its status. */
static int submit(struct vtd_unit *u, const struct vtd_entry *d,
		  unsigned int n)
{
	struct vtd_entry wait = vtd_inv_wait(phys(&u->done), 1);

	u->done = 0;
	flush_writes(u);
	for (unsigned int i = 0; i <= n; i++) {
		u->queue[u->tail] = i < n ? d[i] : wait;
		u->tail = (u->tail + 1) % QUEUE_ENTRIES;
	}
	REG64(u, REG_IQT) = (uint64_t)u->tail << IQT_SHIFT;
	for (unsigned long i = 0; i < POLL_LIMIT; i++) {
		if (u->done)
			return 0;
		if (REG32(u, REG_FSTS) & FSTS_IQE)
			break;
		cpu_relax();
	}
	pr_err("IOMMU: VT-d at 0x%llx: invalidation failed, fault status 0x%x",
	       (unsigned long long)u->regs, REG32(u, REG_FSTS));
	return -EIO;
}

static int flush_context(struct vtd_unit *u)
{
	struct vtd_entry d[] = { vtd_inv_context_global(),
				 vtd_inv_iotlb_global() };

	return submit(u, d, 2);
}

/* The IRT and domains' tables are shared: every unit flushes them. */
static int flush_all(struct vtd_entry d)
{
	int err = 0;

	for (unsigned int i = 0; i < dmar.unit_count; i++)
		err = err ? err : submit(&units[i], &d, 1);
	return err;
}


/*
 * Every domain's table, at boot. 3-level units start at the table under
 * the top entry 0 (IOVAs stay below 512 GiB), made now.
 */
static int init_domains(void)
{
	for (unsigned int d = 0; d < IOMMU_MAX_DOMAINS; d++) {
		struct page_table *pt = &domains[d];
		uint64_t below = hv_alloc_pages_for(HV_MEM_IOMMU, 1,
						    FRAME_NO_LIMIT);

		if (!below ||
		    pt_init(pt, &pt_format_vtd, &hv_iommu_pt_memory, false))
			return -ENOMEM;
		pt->max_leaf_level = max_leaf_level;
		*(uint64_t *)(uintptr_t)pt->root =
			pt_format_vtd.table_entry(below, 3);
	}
	return 0;
}

static uint64_t table_root(const struct vtd_unit *u, unsigned int domain)
{
	uint64_t top = domains[domain].root;

	return u->aw == 1 ? *(uint64_t *)(uintptr_t)top & PT_ADDR_MASK :
			    top;
}

static int probe_unit(struct vtd_unit *u, const struct vtd_drhd *d)
{
	u->regs = (uintptr_t)d->base;
	u->cap = REG64(u, REG_CAP);
	u->ecap = REG64(u, REG_ECAP);
	u->aw = vtd_pick_aw(u->cap);
	if (u->aw < 0 || !(u->ecap & VTD_ECAP_QI) || !(u->ecap & VTD_ECAP_IR)) {
		pr_err("IOMMU: VT-d at 0x%llx lacks %s (CAP 0x%llx, ECAP 0x%llx)",
		       (unsigned long long)d->base, u->aw < 0 ?
		       "39- and 48-bit tables" : "queued invalidation or interrupt remapping",
		       (unsigned long long)u->cap, (unsigned long long)u->ecap);
		return -ENOTSUP;
	}
	if (!(u->cap & VTD_CAP_SLLPS_1G) && max_leaf_level > 1)
		max_leaf_level = 1;
	if (!(u->cap & VTD_CAP_SLLPS_2M))
		max_leaf_level = 0;
	coherent = coherent && (u->ecap & VTD_ECAP_C);
	if (iova_limit > 1ULL << (u->aw == 2 ? 48 : 39))
		iova_limit = 1ULL << (u->aw == 2 ? 48 : 39);
	u->root = (void *)(uintptr_t)hv_alloc_pages_for(HV_MEM_IOMMU, ROOT_PAGES,
							FRAME_NO_LIMIT);
	u->queue = (void *)(uintptr_t)hv_alloc_pages_for(HV_MEM_IOMMU, 1,
							 FRAME_NO_LIMIT);
	if (!u->root || !u->queue)
		return -ENOMEM;
	/* Every bus has a context table, with no entry present: blocked. */
	for (unsigned int bus = 0; bus < TABLE_ENTRIES; bus++)
		u->root[bus] = vtd_root_entry(phys(u->root) +
					      (bus + 1) * PAGE_4K);
	return 0;
}

static unsigned int poll_unit(struct vtd_unit *u, iommu_fault_fn fn,
			      void *ctx)
{
	unsigned int fro = VTD_CAP_FRO(u->cap), count = 0;

	for (unsigned int i = 0; i < VTD_CAP_NFR(u->cap); i++) {
		unsigned int reg = fro + 16 * i;
		struct vtd_entry rec = { 0, REG64(u, reg + 8) };
		struct iommu_fault f;

		if (!(rec.hi & VTD_FRCD_F))
			continue;
		rec.lo = REG64(u, reg);
		REG64(u, reg + 8) = VTD_FRCD_F;
		vtd_decode_fault(rec, &f);
		if (fn)
			fn(&f, ctx);
		count++;
	}
	if (REG32(u, REG_FSTS) & FSTS_PFO)	/* faults lost: none to report */
		REG32(u, REG_FSTS) = FSTS_PFO;
	return count;
}

/* What firmware left on goes off, then queue, IRT, IRE, root, TE. */
static int enable_unit(struct vtd_unit *u)
{
	static const uint32_t off[] = { GCMD_TE, GCMD_IRE, GCMD_CFI, GCMD_QIE };
	struct vtd_entry iec = vtd_inv_iec_global();
	int err = 0;

	for (unsigned int i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if (!err && (REG32(u, REG_GSTS) & off[i]))
			err = command(u, off[i], false);
	poll_unit(u, NULL, NULL);	/* stale faults cleared */
	REG32(u, REG_FSTS) = FSTS_ERRORS;
	REG64(u, REG_IQT) = 0;
	REG64(u, REG_IQA) = phys(u->queue);
	if (!err)
		err = command(u, GCMD_QIE, true);
	REG64(u, REG_IRTA) = phys(irt) | IRT_SIZE_FIELD;
	if (!err)
		err = command(u, GCMD_SIRTP, true);
	if (!err)
		err = submit(u, &iec, 1);
	if (!err)	/* CFI stays 0: compatibility-format interrupts blocked */
		err = command(u, GCMD_IRE, true);
	REG64(u, REG_RTADDR) = phys(u->root);
	if (!err)
		err = command(u, GCMD_SRTP, true);
	if (!err)
		err = flush_context(u);
	if (!err)
		err = command(u, GCMD_TE, true);
	/* Firmware's DMA protection ranges would outlive translation. */
	if (!err && (u->cap & (VTD_CAP_PLMR | VTD_CAP_PHMR))) {
		REG32(u, REG_PMEN) = 0;
		err = wait_status(u, REG_PMEN, PMEN_PRS, false);
	}
	return err;
}

static int vtd_init(const uint8_t *table, uint32_t len,
		    const struct iommu_ioapic *ioapics, unsigned int n)
{
	static struct pci_config_window ports;	/* 0xCF8, for bus numbers */
	struct pci_access pci;
	uint64_t irt_mem;
	uint16_t sid;
	int err;

	pci_config_access(&pci, &ports);
	err = vtd_parse_dmar(table, len, pci.read, pci.ctx, &dmar);
	if (err || !dmar.intr_remap) {
		pr_err("IOMMU: VT-d: %s DMAR table (error %d)",
		       err ? "malformed" : "no interrupt remapping in the", err);
		return err ? err : -ENOTSUP;
	}
	/* Aligned to its size, as IRTA wants when larger than a page. */
	irt_mem = hv_alloc_pages_for(HV_MEM_IOMMU, 2 * IRT_PAGES - 1,
				     FRAME_NO_LIMIT);
	irt = (void *)(uintptr_t)align_up(irt_mem, IRT_PAGES * PAGE_4K);
	for (unsigned int i = 0; !err && i < dmar.unit_count; i++)
		err = irt_mem ? probe_unit(&units[i], &dmar.units[i]) : -ENOMEM;
	if (!err)
		err = init_domains();
	for (unsigned int i = 0; !err && i < dmar.unit_count; i++) {
		err = enable_unit(&units[i]);
		pr_info("IOMMU: VT-d at 0x%llx: %d-bit %d-level tables, every requester blocked; DMA translation %s, interrupt remapping %s (%u IRTEs, xAPIC)",
			(unsigned long long)dmar.units[i].base,
			units[i].aw == 2 ? 48 : 39, units[i].aw + 2,
			REG32(&units[i], REG_GSTS) & GCMD_TE ? "on" : "OFF",
			REG32(&units[i], REG_GSTS) & GCMD_IRE ? "on" : "OFF",
			IRT_ENTRIES);
	}
	for (unsigned int i = 0; i < n; i++)
		if (vtd_ioapic_sid(&dmar, ioapics[i].id, &sid) < 0)
			pr_warn("IOMMU: VT-d: DMAR lists no I/O APIC %u: its interrupts stay blocked",
				ioapics[i].id);
	return err;
}

static int vtd_map(unsigned int domain, uint64_t iova, uint64_t hpa,
		   uint64_t size)
{
	int err;

	if (domain >= IOMMU_MAX_DOMAINS || iova + size < iova ||
	    iova + size > iova_limit)
		return -EINVAL;
	spin_lock(&lock);
	err = pt_map(&domains[domain], iova, hpa, size, PT_ATTR_WRITE);
	if (!err)
		err = flush_all(vtd_inv_iotlb_global());
	spin_unlock(&lock);
	return err;
}

/* A present entry goes away and is flushed before the new one appears. */
static int set_context(struct vtd_unit *u, uint16_t rid, struct vtd_entry e)
{
	volatile struct vtd_entry *c = &u->root[TABLE_ENTRIES + rid];
	int err = 0;

	if (c->lo & VTD_ENTRY_PRESENT) {
		c->lo = 0;
		err = flush_context(u);
	}
	c->hi = e.hi;
	c->lo = e.lo;
	return err ? err : flush_context(u);
}

static int vtd_attach(uint16_t rid, unsigned int domain)
{
	int unit = vtd_unit_of(&dmar, rid), err;
	struct vtd_unit *u;

	if (unit < 0 || domain >= IOMMU_MAX_DOMAINS)
		return unit < 0 ? -ENODEV : -EINVAL;
	u = &units[unit];
	spin_lock(&lock);
	err = set_context(u, rid, vtd_context_entry(table_root(u, domain),
						    u->aw, domain));
	spin_unlock(&lock);
	return err;
}

/*
 * Where each owner's entry was last put, by a hash of the owner: the scan
 * below reads every entry, too slow for a shared core's masking between
 * an exit and the next entry (kernel/msi_post.c). A stale hint is only
 * a miss: the owner table says whose an entry is.
 */
#define HANDLE_HINTS		256
static uint16_t handle_hint[HANDLE_HINTS];
_Static_assert(IRT_ENTRIES <= 1U << 16, "a hint holds any handle");

static uint16_t *hint_of(uint32_t owner)
{
	return &handle_hint[(owner ^ owner >> 16) % HANDLE_HINTS];
}

/* The entry `owner` has, or else a free one, or -ENOSPC. */
static int irte_of(uint32_t owner)
{
	int free = -ENOSPC;

	if (irt_owner[*hint_of(owner)] == owner)
		return *hint_of(owner);
	for (int h = IRT_ENTRIES - 1; h >= 0; h--) {
		if (irt_owner[h] == owner)
			return h;
		if (!irt_owner[h])
			free = h;
	}
	return free;
}

/*
 * The half with P is written last when it appears and first when it goes;
 * an owner's high half (its SID) never changes while present.
 */
static int set_irte(uint32_t owner, struct vtd_entry e)
{
	int h = irte_of(owner), err;

	if (h < 0)
		return h;
	irt_owner[h] = e.lo ? owner : 0;
	*hint_of(owner) = (uint16_t)h;
	if (!e.lo)
		irt[h].lo = 0;
	irt[h].hi = e.hi;
	irt[h].lo = e.lo;
	err = flush_all(vtd_inv_iec_global());
	return err ? err : h;
}

static void clear_irte(uint32_t owner)
{
	int h = irte_of(owner);

	if (h >= 0 && irt_owner[h] == owner)
		set_irte(owner, (struct vtd_entry){ 0, 0 });
}

static uint32_t msi_owner(uint16_t rid, unsigned int index)
{
	return (uint32_t)rid << 16 | OWNED | index;
}

static void vtd_detach(uint16_t rid)
{
	int unit = vtd_unit_of(&dmar, rid);

	if (unit < 0)
		return;
	spin_lock(&lock);
	set_context(&units[unit], rid, (struct vtd_entry){ 0, 0 });
	for (unsigned int i = 0; i < IOMMU_IRQS_PER_DEVICE; i++)
		clear_irte(msi_owner(rid, i));
	spin_unlock(&lock);
}

static int vtd_irq_set(uint16_t rid, unsigned int index, uint32_t apic_id,
		       uint8_t vector, struct iommu_msi *msg)
{
	int h;

	if (index >= IOMMU_IRQS_PER_DEVICE || apic_id > XAPIC_MAX_ID ||
	    vtd_unit_of(&dmar, rid) < 0)
		return -EINVAL;
	spin_lock(&lock);
	h = set_irte(msi_owner(rid, index),
		     vtd_irte(vector, apic_id, VTD_DLM_FIXED, rid));
	spin_unlock(&lock);
	if (h >= 0)
		*msg = vtd_msi((unsigned int)h);
	return h < 0 ? h : 0;
}

static void vtd_irq_clear(uint16_t rid, unsigned int index)
{
	spin_lock(&lock);
	clear_irte(msi_owner(rid, index));
	spin_unlock(&lock);
}

/* In place: the handle, so the device's message, stays valid. */
static void vtd_irq_mask(uint16_t rid, unsigned int index, bool masked)
{
	uint32_t owner = msi_owner(rid, index);
	int h;

	spin_lock(&lock);
	h = irte_of(owner);
	if (h >= 0 && irt_owner[h] == owner) {
		irt[h].lo = vtd_irte_masked(irt[h].lo, masked);
		flush_all(vtd_inv_iec_global());
	}
	spin_unlock(&lock);
}

static uint32_t ioapic_owner(uint16_t sid, unsigned int pin)
{
	return (uint32_t)sid << 16 | OWNED | IOAPIC_PIN | pin;
}

/* The I/O APIC's messages carry its DMAR source ID (0xFF00 on QEMU). */
static int ioapic_source(uint8_t ioapic_id, unsigned int pin,
			 uint32_t apic_id, uint16_t *sid)
{
	if (vtd_ioapic_sid(&dmar, ioapic_id, sid) < 0)
		return -ENOENT;
	if (pin >= IOAPIC_PIN || apic_id > XAPIC_MAX_ID)
		return -EINVAL;
	return 0;
}

/* Installs the pin's IRTE; the remappable entry carries rte_vector. */
static int ioapic_install(uint16_t sid, unsigned int pin, struct vtd_entry e,
			  uint8_t rte_vector, uint64_t *rte)
{
	int h;

	spin_lock(&lock);
	h = set_irte(ioapic_owner(sid, pin), e);
	spin_unlock(&lock);
	if (h < 0)
		return h;
	*rte = vtd_ioapic_rte((unsigned int)h, rte_vector);
	return 0;
}

static int vtd_ioapic_nmi(uint8_t ioapic_id, unsigned int pin,
			  uint32_t apic_id, uint64_t *rte)
{
	uint16_t sid;
	int err = ioapic_source(ioapic_id, pin, apic_id, &sid);

	if (err)
		return err;
	return ioapic_install(sid, pin,
			      vtd_irte(NMI_VECTOR, apic_id, VTD_DLM_NMI, sid),
			      NMI_VECTOR, rte);
}

/*
 * Level-triggered in the IRTE (the LAPIC sets TMR). The entry's vector
 * field, which only EOIs are matched against (VT-d 5.1.5.1), is the pin,
 * as Linux does with remapping: unique on that I/O APIC, so the explicit
 * EOI naming it re-arms this line alone, and the LAPIC's broadcast of
 * the guest's vector matches no such entry (vectors below 32 are never
 * delivered).
 */
static int vtd_ioapic_irq(uint8_t ioapic_id, unsigned int pin,
			  uint32_t apic_id, uint8_t vector, uint64_t *rte)
{
	struct vtd_entry e;
	uint16_t sid;
	int err = ioapic_source(ioapic_id, pin, apic_id, &sid);

	if (err)
		return err;
	e = vtd_irte(vector, apic_id, VTD_DLM_FIXED, sid);
	e.lo |= VTD_IRTE_LEVEL;
	return ioapic_install(sid, pin, e, (uint8_t)pin, rte);
}

static void vtd_ioapic_irq_clear(uint8_t ioapic_id, unsigned int pin)
{
	uint16_t sid;

	if (vtd_ioapic_sid(&dmar, ioapic_id, &sid) < 0 || pin >= IOAPIC_PIN)
		return;
	spin_lock(&lock);
	clear_irte(ioapic_owner(sid, pin));
	spin_unlock(&lock);
}

/* Never waits: a CPU inside another op just reports at the next poll. */
static unsigned int vtd_poll_faults(iommu_fault_fn fn, void *ctx)
{
	unsigned int count = 0;

	if (!spin_trylock(&lock))
		return 0;
	for (unsigned int i = 0; i < dmar.unit_count && units[i].root; i++)
		count += poll_unit(&units[i], fn, ctx);
	spin_unlock(&lock);
	return count;
}

const struct iommu_ops vtd_ops = {
	.name = "VT-d",
	.kind = IOMMU_VT_D,
	.init = vtd_init,
	.map = vtd_map,
	.attach = vtd_attach,
	.detach = vtd_detach,
	.irq_set = vtd_irq_set,
	.irq_clear = vtd_irq_clear,
	.irq_mask = vtd_irq_mask,
	.ioapic_nmi = vtd_ioapic_nmi,
	.ioapic_irq = vtd_ioapic_irq,
	.ioapic_irq_clear = vtd_ioapic_irq_clear,
	.poll_faults = vtd_poll_faults,
};
