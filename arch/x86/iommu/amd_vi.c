/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AMD-Vi, the hardware half (AMD IOMMU spec 48882 rev 3.x): registers,
 * the enabling sequence, the command buffer and the event log. One
 * device table serves every unit: each DeviceID belongs to one of them,
 * and commands go to all, which costs nothing where they do not apply.
 */
#include "arch/x86/iommu/amd_vi.h"
#include "arch/x86/asm.h"
#include "arch/x86/iommu/amd_vi_tables.h"
#include "arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/spinlock.h"

/* MMIO registers (3.4), all accessed 64 bits wide. */
#define REG_DEV_TABLE		0x0000
#define REG_CMD_BASE		0x0008
#define REG_EVT_BASE		0x0010
#define REG_CONTROL		0x0018
#define REG_EXCL_BASE		0x0020
#define REG_EXCL_LIMIT		0x0028
#define REG_EFR			0x0030
#define REG_CMD_HEAD		0x2000
#define REG_CMD_TAIL		0x2008
#define REG_EVT_HEAD		0x2010
#define REG_EVT_TAIL		0x2018
#define REG_STATUS		0x2020
/* Device Table Base: Size = 4 KiB pages - 1; 0x1ff = all 65536 DTEs. */
#define DEV_TABLE_PAGES		(AMD_VI_DEVICE_IDS * 32 / PAGE_4K)
#define DEV_TABLE_SIZE		(DEV_TABLE_PAGES - 1)
/* Command buffer and event log: 256 entries of 16 bytes, one page. */
#define RING_LEN_LOG2		8ULL
#define RING_LEN_SHIFT		56
#define RING_ENTRY		16
#define RING_BYTES		(RING_ENTRY << RING_LEN_LOG2)
#define RING_PTR_MASK		0x7fff0ULL	/* head/tail bits 18:4 */
/* Control register bits. */
#define CTL_IOMMU_EN		(1ULL << 0)
#define CTL_HT_TUN_EN		(1ULL << 1)
#define CTL_EVT_LOG_EN		(1ULL << 2)
#define CTL_INV_TIMEOUT_1S	(4ULL << 5)
#define CTL_PASS_PW		(1ULL << 8)
#define CTL_RES_PASS_PW		(1ULL << 9)
#define CTL_COHERENT		(1ULL << 10)
#define CTL_ISOC		(1ULL << 11)
#define CTL_CMD_BUF_EN		(1ULL << 12)
/* Status: overflow is write-1-to-clear; the run bits read only. */
#define ST_EVT_OVERFLOW		(1ULL << 0)
#define ST_EVT_LOG_RUN		(1ULL << 3)
#define ST_CMD_BUF_RUN		(1ULL << 4)
#define EFR_IA_SUP		(1ULL << 6)	/* INVALIDATE_IOMMU_ALL */
/* IVHD flags copied into Control (5.2.2.1). */
#define IVHD_HT_TUN		(1U << 0)
#define IVHD_PASS_PW		(1U << 1)
#define IVHD_RES_PASS_PW	(1U << 2)
#define IVHD_ISOC		(1U << 3)

#define TIMEOUT_US		100000	/* generous: commands take microseconds */
#define SEM_BUSY		1
#define SEM_DONE		0
/* Interrupt tables: the partitions' devices and the I/O APICs. */
#define MAX_IRTS		(IOMMU_MAX_DOMAINS * 8 + IOMMU_MAX_IOAPICS)
#define IRT_POOL_PAGES		((MAX_IRTS * AMD_VI_IRT_BYTES + PAGE_4K - 1) / PAGE_4K)

struct unit {
	const struct amd_vi_unit *desc;
	uintptr_t mmio;
	volatile uint64_t *cmd, *evt;
	uint32_t cmd_tail;
	bool inv_all;
};

struct irt {
	uint16_t devid;
	volatile uint32_t *entry;
};

static struct {
	struct amd_vi_ivrs ivrs;
	struct unit unit[AMD_VI_MAX_UNITS];
	volatile struct amd_vi_dte *dt;
	volatile uint64_t *sem;		/* one completion word per unit */
	uint8_t *irt_pool;
	unsigned int irts;
	struct irt irt[MAX_IRTS];
	bool pt_ready[IOMMU_MAX_DOMAINS];
	struct page_table pt[IOMMU_MAX_DOMAINS];
	struct spinlock lock;		/* the command buffers */
} amd;

static uint64_t rd(const struct unit *u, unsigned int reg)
{
	return *(volatile uint64_t *)(u->mmio + reg);
}

static void wr(const struct unit *u, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(u->mmio + reg) = v;
}

static void *alloc(uint64_t pages)
{
	return (void *)(uintptr_t)hv_alloc_pages_for(HV_MEM_IOMMU, pages,
						     FRAME_NO_LIMIT);
}

static uint64_t phys(volatile const void *p)
{
	return (uint64_t)(uintptr_t)p;	/* hypervisor memory is identity-mapped */
}

static int wait_status_clear(const struct unit *u, uint64_t bits)
{
	uint64_t deadline = tsc_deadline_us(TIMEOUT_US);

	while (rd(u, REG_STATUS) & bits)
		if (tsc_passed(deadline))
			return -ETIMEDOUT;
		else
			cpu_relax();
	return 0;
}

/* Queues one command; waits while the buffer is full. */
static int push(struct unit *u, struct amd_vi_cmd c)
{
	uint32_t next = (u->cmd_tail + RING_ENTRY) % RING_BYTES;
	uint64_t deadline = tsc_deadline_us(TIMEOUT_US);

	while (next == (rd(u, REG_CMD_HEAD) & RING_PTR_MASK)) {
		if (tsc_passed(deadline))
			return -ETIMEDOUT;
		cpu_relax();
	}
	u->cmd[u->cmd_tail / 8] = c.q[0];
	u->cmd[u->cmd_tail / 8 + 1] = c.q[1];
	u->cmd_tail = next;
	/* Table and entry stores must be visible before the IOMMU runs it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(u, REG_CMD_TAIL, next);
	return 0;
}

static int push_all(struct amd_vi_cmd c)
{
	int err = 0;

	for (unsigned int i = 0; i < amd.ivrs.units && !err; i++)
		err = push(&amd.unit[i], c);
	return err;
}

/* COMPLETION_WAIT on every unit: all earlier commands have taken effect. */
static int sync_all(void)
{
	uint64_t deadline;
	int err = 0;

	for (unsigned int i = 0; i < amd.ivrs.units && !err; i++) {
		amd.sem[i] = SEM_BUSY;
		err = push(&amd.unit[i],
			   amd_vi_cmd_completion_wait(phys(&amd.sem[i]), SEM_DONE));
	}
	deadline = tsc_deadline_us(TIMEOUT_US);
	for (unsigned int i = 0; i < amd.ivrs.units && !err; i++)
		while (amd.sem[i] != SEM_DONE && !err) {
			cpu_relax();
			err = tsc_passed(deadline) ? -ETIMEDOUT : 0;
		}
	if (err)
		pr_err("IOMMU: AMD-Vi command buffer stuck (error %d)", err);
	return err;
}

/* Sends up to three commands (zero ones skipped), then waits for them. */
static int submit(struct amd_vi_cmd a, struct amd_vi_cmd b, struct amd_vi_cmd c)
{
	const struct amd_vi_cmd cmds[] = { a, b, c };
	int err = 0;

	spin_lock(&amd.lock);
	for (unsigned int i = 0; i < 3 && !err; i++)
		if (cmds[i].q[0])
			err = push_all(cmds[i]);
	if (!err)
		err = sync_all();
	spin_unlock(&amd.lock);
	return err;
}

static const struct amd_vi_cmd NONE;

static uint64_t ivhd_control(uint8_t flags)
{
	return (flags & IVHD_HT_TUN ? CTL_HT_TUN_EN : 0) |
	       (flags & IVHD_PASS_PW ? CTL_PASS_PW : 0) |
	       (flags & IVHD_RES_PASS_PW ? CTL_RES_PASS_PW : 0) |
	       (flags & IVHD_ISOC ? CTL_ISOC : 0);
}

/*
 * The enabling order of the spec and of every driver we read: off (a
 * firmware may have left it on), device table, command buffer, event
 * log, no exclusion range, then command processing, logging, IommuEn.
 */
static int unit_enable(struct unit *u)
{
	/*
	 * From 0: no IOMMU interrupts (we poll), no PPR, guest translation,
	 * GAEn (128-bit IRTEs) or x2APIC, nothing a firmware left on.
	 */
	uint64_t ctl = 0;

	wr(u, REG_CONTROL, ctl);
	if (wait_status_clear(u, ST_CMD_BUF_RUN | ST_EVT_LOG_RUN))
		return -ETIMEDOUT;
	wr(u, REG_DEV_TABLE, phys(amd.dt) | DEV_TABLE_SIZE);
	wr(u, REG_CMD_BASE, phys(u->cmd) | RING_LEN_LOG2 << RING_LEN_SHIFT);
	wr(u, REG_CMD_HEAD, 0);
	wr(u, REG_CMD_TAIL, 0);
	u->cmd_tail = 0;
	wr(u, REG_EVT_BASE, phys(u->evt) | RING_LEN_LOG2 << RING_LEN_SHIFT);
	wr(u, REG_EVT_HEAD, 0);
	wr(u, REG_EVT_TAIL, 0);
	wr(u, REG_EXCL_BASE, 0);
	wr(u, REG_EXCL_LIMIT, 0);
	ctl |= ivhd_control(u->desc->flags) | CTL_COHERENT | CTL_INV_TIMEOUT_1S;
	wr(u, REG_CONTROL, ctl |= CTL_CMD_BUF_EN);
	wr(u, REG_CONTROL, ctl |= CTL_EVT_LOG_EN);
	wr(u, REG_CONTROL, ctl | CTL_IOMMU_EN);
	return 0;
}

/* Nothing cached from before us survives: DTEs, IRTEs, translations. */
static int flush_everything(void)
{
	bool all = true;
	int err = 0;

	for (unsigned int i = 0; i < amd.ivrs.units; i++)
		all = all && amd.unit[i].inv_all;
	if (all)
		return submit(amd_vi_cmd_inv_all(), NONE, NONE);
	spin_lock(&amd.lock);
	for (uint32_t id = 0; id < AMD_VI_DEVICE_IDS && !err; id++) {
		err = push_all(amd_vi_cmd_inv_dte((uint16_t)id));
		if (!err)
			err = push_all(amd_vi_cmd_inv_irt((uint16_t)id));
		if (!err)
			err = push_all(amd_vi_cmd_inv_domain((uint16_t)id));
	}
	if (!err)
		err = sync_all();
	spin_unlock(&amd.lock);
	return err;
}

/* Attach writes the DTE's first qword (DMA on) last, detach first. */
static void write_dte(uint16_t devid, struct amd_vi_dte d, bool dma_first)
{
	volatile uint64_t *q = amd.dt[devid].q;

	if (dma_first)
		q[0] = d.q[0];
	q[1] = d.q[1];
	q[2] = d.q[2];
	q[3] = d.q[3];
	q[0] = d.q[0];
}

static struct irt *irt_of(uint16_t devid)
{
	for (unsigned int i = 0; i < amd.irts; i++)
		if (amd.irt[i].devid == devid)
			return &amd.irt[i];
	return NULL;
}

/* The device's table, taken from the pool at its first attach. */
static struct irt *irt_take(uint16_t devid)
{
	struct irt *t = irt_of(devid);

	if (t || amd.irts == MAX_IRTS)
		return t;
	t = &amd.irt[amd.irts];
	*t = (struct irt){ devid, (volatile uint32_t *)(amd.irt_pool +
				amd.irts * AMD_VI_IRT_BYTES) };
	amd.irts++;
	return t;
}

static int alloc_tables(void)
{
	amd.dt = alloc(DEV_TABLE_PAGES);
	amd.sem = alloc(1);
	amd.irt_pool = alloc(IRT_POOL_PAGES);
	if (!amd.dt || !amd.sem || !amd.irt_pool)
		return -ENOMEM;
	for (unsigned int i = 0; i < amd.ivrs.units; i++) {
		struct unit *u = &amd.unit[i];

		u->desc = &amd.ivrs.unit[i];
		u->mmio = (uintptr_t)u->desc->mmio;
		u->cmd = alloc(1);
		u->evt = alloc(1);
		if (!u->cmd || !u->evt)
			return -ENOMEM;
	}
	return 0;
}

/* Every DTE blocks, but the I/O APICs' remap through an empty table. */
static int fill_device_table(void)
{
	for (uint32_t id = 0; id < AMD_VI_DEVICE_IDS; id++)
		write_dte((uint16_t)id, amd_vi_dte_blocked(), true);
	for (unsigned int i = 0; i < amd.ivrs.ioapics; i++) {
		const struct amd_vi_ioapic *io = &amd.ivrs.ioapic[i];
		struct irt *t = irt_take(io->devid);

		if (!t)
			return -ENOSPC;
		write_dte(io->devid, amd_vi_dte_ioapic(phys(t->entry),
						       io->setting), false);
	}
	return 0;
}

/* What the hardware can be trusted with; logged when it is refused. */
static int check_ivrs(const struct iommu_ioapic *ioapics, unsigned int n)
{
	for (unsigned int i = 0; i < amd.ivrs.units; i++) {
		const struct amd_vi_unit *u = &amd.ivrs.unit[i];

		if (u->segment || u->mmio >= FOUR_GIB) {
			pr_err("IOMMU: AMD-Vi at 0x%llx in PCI segment %u: only segment 0 below 4 GiB is supported",
			       (unsigned long long)u->mmio, u->segment);
			return -ENOTSUP;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		if (!amd_vi_ioapic_of(&amd.ivrs, ioapics[i].id)) {
			pr_err("IOMMU: AMD-Vi: IVRS does not name I/O APIC %u: its interrupts could not be remapped",
			       ioapics[i].id);
			return -ENODEV;
		}
	if (!amd.ivrs.ioapics) {	/* QEMU with intremap=off */
		pr_err("IOMMU: AMD-Vi: IVRS names no I/O APIC");
		return -ENODEV;
	}
	if (amd.ivrs.ivmds)
		pr_warn("IOMMU: AMD-Vi: %u IVMD range(s) ignored: their devices' DMA stays blocked",
			amd.ivrs.ivmds);
	return 0;
}

static void log_unit(const struct unit *u)
{
	const struct amd_vi_ioapic *io = &amd.ivrs.ioapic[0];
	uint16_t d = u->desc->devid;

	pr_info("IOMMU: AMD-Vi at 0x%llx (%02x:%02x.%x): DMA and interrupts of all %u device IDs blocked (%u listed by IVRS), interrupt remapping on, I/O APIC %u as %02x:%02x.%x with NMIs passed",
		(unsigned long long)u->desc->mmio, d >> 8, (d >> 3) & 0x1f,
		d & 7, AMD_VI_DEVICE_IDS, amd.ivrs.listed, io->id,
		io->devid >> 8, (io->devid >> 3) & 0x1f, io->devid & 7);
}

static int amd_vi_init(const uint8_t *table, uint32_t len,
		       const struct iommu_ioapic *ioapics, unsigned int n)
{
	int err = amd_vi_parse_ivrs(table, len, &amd.ivrs);

	if (err) {
		pr_err("IOMMU: AMD-Vi: IVRS unreadable (error %d)", err);
		return err;
	}
	err = check_ivrs(ioapics, n);
	if (!err)
		err = alloc_tables();
	if (!err)
		err = fill_device_table();
	for (unsigned int i = 0; i < amd.ivrs.units && !err; i++) {
		amd.unit[i].inv_all = rd(&amd.unit[i], REG_EFR) & EFR_IA_SUP;
		err = unit_enable(&amd.unit[i]);
	}
	if (!err)
		err = flush_everything();
	for (unsigned int i = 0; i < amd.ivrs.units && !err; i++)
		log_unit(&amd.unit[i]);
	return err;
}

static struct page_table *domain_pt(unsigned int domain)
{
	if (domain >= IOMMU_MAX_DOMAINS)
		return NULL;
	if (!amd.pt_ready[domain] &&
	    pt_init(&amd.pt[domain], &amd_vi_pt_format, &hv_iommu_pt_memory,
		    true))
		return NULL;
	amd.pt_ready[domain] = true;
	return &amd.pt[domain];
}

static uint16_t domain_id(unsigned int domain)
{
	return (uint16_t)(domain + 1);
}

/* Read and write: the IOMMU checks the rights of every level and the DTE. */
static int amd_vi_map(unsigned int domain, uint64_t iova, uint64_t hpa,
		      uint64_t size)
{
	struct page_table *pt = domain_pt(domain);
	int err;

	if (!pt)
		return domain < IOMMU_MAX_DOMAINS ? -ENOMEM : -EINVAL;
	err = pt_map(pt, iova, hpa, size, PT_ATTR_WRITE);
	/* Units may cache not-present entries (NpCache): flush after a map. */
	return err ? err : submit(amd_vi_cmd_inv_domain(domain_id(domain)),
				  NONE, NONE);
}

/* DomainID: DTE bits 79:64, the low 16 bits of qword 1 (0 = blocked). */
static uint16_t old_domain(uint16_t devid)
{
	return (uint16_t)amd.dt[devid].q[1];
}

/* DMA of an aliased function arrives with the alias: that DTE counts. */
static int amd_vi_attach(uint16_t rid, unsigned int domain)
{
	uint16_t devid = amd_vi_alias_of(&amd.ivrs, rid);
	struct page_table *pt = domain_pt(domain);
	uint16_t old = old_domain(devid);
	struct irt *t;

	if (!pt)
		return domain < IOMMU_MAX_DOMAINS ? -ENOMEM : -EINVAL;
	t = irt_take(devid);
	if (!t)
		return -ENOSPC;
	write_dte(devid, amd_vi_dte_translated(pt->root, domain_id(domain),
					       phys(t->entry)), false);
	return submit(amd_vi_cmd_inv_dte(devid), amd_vi_cmd_inv_irt(devid),
		      amd_vi_cmd_inv_domain(old));
}

static void amd_vi_detach(uint16_t rid)
{
	uint16_t devid = amd_vi_alias_of(&amd.ivrs, rid);
	uint16_t old = old_domain(devid);
	struct irt *t = irt_of(devid);

	write_dte(devid, amd_vi_dte_blocked(), true);
	for (unsigned int i = 0; t && i < IOMMU_IRQS_PER_DEVICE; i++)
		t->entry[i] = 0;
	submit(amd_vi_cmd_inv_dte(devid), amd_vi_cmd_inv_irt(devid),
	       amd_vi_cmd_inv_domain(old));
}

/* One aligned 32-bit store replaces an entry atomically. */
static int set_irte(uint16_t rid, unsigned int index, uint32_t irte)
{
	uint16_t devid = amd_vi_alias_of(&amd.ivrs, rid);
	struct irt *t = irt_of(devid);

	if (!t)
		return -ENOENT;
	if (index >= IOMMU_IRQS_PER_DEVICE)
		return -EINVAL;
	t->entry[index] = irte;
	return submit(amd_vi_cmd_inv_irt(devid), NONE, NONE);
}

/* 32-bit IRTEs carry 8-bit xAPIC IDs (x2APIC would need GAEn + XTEn). */
static int amd_vi_irq_set(uint16_t rid, unsigned int index, uint32_t apic_id,
			  uint8_t vector, struct iommu_msi *msg)
{
	int err;

	if (apic_id > UINT8_MAX)
		return -ERANGE;
	err = set_irte(rid, index,
		       amd_vi_irte((uint8_t)apic_id, vector, AMD_VI_INT_FIXED));
	if (!err)
		*msg = amd_vi_msi(index);
	return err;
}

static void amd_vi_irq_clear(uint16_t rid, unsigned int index)
{
	set_irte(rid, index, 0);
}

/* In place: the device's message (its index) stays valid. */
static void amd_vi_irq_mask(uint16_t rid, unsigned int index, bool masked)
{
	struct irt *t = irt_of(amd_vi_alias_of(&amd.ivrs, rid));

	if (t && index < IOMMU_IRQS_PER_DEVICE && t->entry[index])
		set_irte(rid, index, amd_vi_irte_masked(t->entry[index], masked));
}

/* The pin does not matter: the NMI passes untranslated (NMIPass). */
static int amd_vi_ioapic_nmi(uint8_t ioapic_id, unsigned int pin,
			     uint32_t apic_id, uint64_t *rte)
{
	(void)pin;
	if (!amd_vi_ioapic_of(&amd.ivrs, ioapic_id))
		return -ENOENT;
	if (apic_id > UINT8_MAX)
		return -ERANGE;
	*rte = amd_vi_ioapic_nmi_rte((uint8_t)apic_id);
	return 0;
}

/*
 * The I/O APIC's message is remapped by the entry its data bits 10:0
 * select (AMD IOMMU spec 48882, 2.2.5.1): the redirection entry holds
 * the IRTE index, the pin, in its vector field with fixed delivery. An
 * EOI to the I/O APIC names that index too.
 */
static int amd_vi_ioapic_irq(uint8_t ioapic_id, unsigned int pin,
			     uint32_t apic_id, uint8_t vector, uint64_t *rte)
{
	const struct amd_vi_ioapic *io = amd_vi_ioapic_of(&amd.ivrs, ioapic_id);
	int err;

	if (!io)
		return -ENOENT;
	if (apic_id > UINT8_MAX || pin >= IOMMU_IRQS_PER_DEVICE)
		return -ERANGE;
	err = set_irte(io->devid, pin,
		       amd_vi_irte((uint8_t)apic_id, vector, AMD_VI_INT_FIXED));
	if (!err)
		*rte = pin;
	return err;
}

static void amd_vi_ioapic_irq_clear(uint8_t ioapic_id, unsigned int pin)
{
	const struct amd_vi_ioapic *io = amd_vi_ioapic_of(&amd.ivrs, ioapic_id);

	if (io && pin < IOMMU_IRQS_PER_DEVICE)
		set_irte(io->devid, pin, 0);
}

/* After an overflow the log stops; the spec's restart sequence. */
static void restart_log(struct unit *u)
{
	uint64_t ctl = rd(u, REG_CONTROL);

	wr(u, REG_CONTROL, ctl & ~CTL_EVT_LOG_EN);
	wait_status_clear(u, ST_EVT_LOG_RUN);
	wr(u, REG_STATUS, ST_EVT_OVERFLOW);
	wr(u, REG_EVT_HEAD, 0);
	wr(u, REG_EVT_TAIL, 0);
	wr(u, REG_CONTROL, ctl | CTL_EVT_LOG_EN);
	pr_warn("IOMMU: AMD-Vi at 0x%llx: event log overflowed, events lost",
		(unsigned long long)u->desc->mmio);
}

/*
 * Head to tail. The tail may move before the entry is written (errata
 * 732/733): an empty entry ends this round, and consumed ones are zeroed.
 */
static unsigned int drain(struct unit *u, iommu_fault_fn fn, void *ctx)
{
	uint32_t head = rd(u, REG_EVT_HEAD) & RING_PTR_MASK;
	uint32_t tail = rd(u, REG_EVT_TAIL) & RING_PTR_MASK;
	unsigned int n = 0;
	struct iommu_fault f;

	for (; head != tail; head = (head + RING_ENTRY) % RING_BYTES, n++) {
		volatile uint64_t *e = &u->evt[head / 8];
		uint64_t ev[2] = { e[0], e[1] };

		if (!amd_vi_decode_event(ev, &f))
			break;
		fn(&f, ctx);
		e[0] = 0;
		e[1] = 0;
	}
	wr(u, REG_EVT_HEAD, head);
	return n;
}

/* One caller at a time (the fault poller). */
static unsigned int amd_vi_poll_faults(iommu_fault_fn fn, void *ctx)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < amd.ivrs.units; i++) {
		n += drain(&amd.unit[i], fn, ctx);
		if (rd(&amd.unit[i], REG_STATUS) & ST_EVT_OVERFLOW)
			restart_log(&amd.unit[i]);
	}
	return n;
}

const struct iommu_ops amd_vi_ops = {
	.name = "AMD-Vi",
	.kind = IOMMU_AMD_VI,
	.init = amd_vi_init,
	.map = amd_vi_map,
	.attach = amd_vi_attach,
	.detach = amd_vi_detach,
	.irq_set = amd_vi_irq_set,
	.irq_clear = amd_vi_irq_clear,
	.irq_mask = amd_vi_irq_mask,
	.ioapic_nmi = amd_vi_ioapic_nmi,
	.ioapic_irq = amd_vi_ioapic_irq,
	.ioapic_irq_clear = amd_vi_ioapic_irq_clear,
	.poll_faults = amd_vi_poll_faults,
};
