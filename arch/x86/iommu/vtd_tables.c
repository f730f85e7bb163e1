/* SPDX-License-Identifier: BSD-2-Clause */
/* VT-d without hardware: the DMAR table and the entries units read. */
#include "arch/x86/iommu/vtd_tables.h"
#include "lib/bytes.h"
#include "lib/errno.h"

/* DMAR header (8.1): host address width - 1, flags; structures follow. */
#define DMAR_HAW		36
#define DMAR_FLAGS		37
#define DMAR_INTR_REMAP		(1U << 0)
#define DMAR_X2APIC_OPT_OUT	(1U << 1)
#define DMAR_STRUCTURES		48
#define DMAR_STRUCT_HEADER	4	/* u16 type, u16 length */
#define DMAR_TYPE_DRHD		0
/* DRHD (8.3). */
#define DRHD_FLAGS		4
#define DRHD_INCLUDE_PCI_ALL	(1U << 0)
#define DRHD_SEGMENT		6
#define DRHD_BASE		8
#define DRHD_SCOPES		16
/* Device scope (8.3.1): a start bus, then (device, function) pairs. */
#define SCOPE_TYPE		0
#define SCOPE_LENGTH		1
#define SCOPE_ENUM_ID		4
#define SCOPE_BUS		5
#define SCOPE_PATH		6
/* Bridge bus numbers, a dword (PCI-to-PCI Bridge spec 1.2, 3.2.5.3). */
#define PCI_BUS_NUMBERS		0x18
#define SECONDARY_BUS(v)	((uint8_t)((v) >> 8))
#define SUBORDINATE_BUS(v)	((uint8_t)((v) >> 16))

static uint16_t path_rid(uint8_t bus, const uint8_t *pair)
{
	return (uint16_t)(bus << 8 | (pair[0] & 0x1f) << 3 | (pair[1] & 7));
}

/* Each pair but the last names a bridge whose secondary bus comes next. */
static uint16_t scope_rid(const uint8_t *s, unsigned int pairs,
			  vtd_config_read_fn read, void *ctx)
{
	uint8_t bus = s[SCOPE_BUS];
	const uint8_t *pair = s + SCOPE_PATH;

	for (; pairs > 1; pairs--, pair += 2)
		bus = SECONDARY_BUS(read(ctx, path_rid(bus, pair),
					 PCI_BUS_NUMBERS));
	return path_rid(bus, pair);
}

static int add_range(struct vtd_drhd *u, uint16_t first, uint16_t last)
{
	if (u->range_count == VTD_MAX_RANGES)
		return -E2BIG;
	u->ranges[u->range_count].first = first;
	u->ranges[u->range_count++].last = last;
	return 0;
}

/* A bridge scope covers the bridge and every bus below it. */
static int add_bridge(struct vtd_drhd *u, uint16_t rid,
		      vtd_config_read_fn read, void *ctx)
{
	uint32_t buses = read(ctx, rid, PCI_BUS_NUMBERS);
	int err = add_range(u, rid, rid);

	/* An unconfigured bridge (secondary bus 0) forwards nothing. */
	if (err || !SECONDARY_BUS(buses) ||
	    SECONDARY_BUS(buses) > SUBORDINATE_BUS(buses))
		return err;
	return add_range(u, (uint16_t)(SECONDARY_BUS(buses) << 8),
			 (uint16_t)(SUBORDINATE_BUS(buses) << 8 | 0xff));
}

static int add_scope(struct vtd_drhd *u, const uint8_t *s,
		     vtd_config_read_fn read, void *ctx)
{
	unsigned int len = s[SCOPE_LENGTH];
	uint16_t rid;

	if (len < SCOPE_PATH + 2 || (len - SCOPE_PATH) % 2)
		return -EINVAL;
	rid = scope_rid(s, (len - SCOPE_PATH) / 2, read, ctx);
	switch (s[SCOPE_TYPE]) {
	case VTD_SCOPE_ENDPOINT:
		return add_range(u, rid, rid);
	case VTD_SCOPE_BRIDGE:
		return add_bridge(u, rid, read, ctx);
	case VTD_SCOPE_IOAPIC:
	case VTD_SCOPE_HPET:
		if (u->source_count == VTD_MAX_SOURCES)
			return -E2BIG;
		u->sources[u->source_count++] = (struct vtd_source){
			s[SCOPE_TYPE], s[SCOPE_ENUM_ID], rid };
		return 0;
	}
	return 0;	/* ACPI namespace devices: no assignable function */
}

static int parse_drhd(struct vtd_drhd *u, const uint8_t *p, uint32_t len,
		      vtd_config_read_fn read, void *ctx)
{
	int err = 0;

	if (len < DRHD_SCOPES)
		return -EINVAL;
	u->base = get64(p + DRHD_BASE);
	u->segment = get16(p + DRHD_SEGMENT);
	u->include_all = p[DRHD_FLAGS] & DRHD_INCLUDE_PCI_ALL;
	for (uint32_t off = DRHD_SCOPES; !err && off < len; off += p[off + 1]) {
		if (len - off < SCOPE_PATH || p[off + SCOPE_LENGTH] > len - off)
			return -EINVAL;
		err = add_scope(u, p + off, read, ctx);
	}
	return err;
}

int vtd_parse_dmar(const uint8_t *t, uint32_t len, vtd_config_read_fn read,
		   void *ctx, struct vtd_dmar *out)
{
	*out = (struct vtd_dmar){ 0 };
	if (len < DMAR_STRUCTURES)
		return -EINVAL;
	out->host_address_width = t[DMAR_HAW] + 1U;
	out->intr_remap = t[DMAR_FLAGS] & DMAR_INTR_REMAP;
	out->x2apic_opt_out = t[DMAR_FLAGS] & DMAR_X2APIC_OPT_OUT;
	for (uint32_t off = DMAR_STRUCTURES, n; off < len; off += n) {
		int err = 0;

		if (len - off < DMAR_STRUCT_HEADER)
			return -EINVAL;
		n = get16(t + off + 2);
		if (n < DMAR_STRUCT_HEADER || n > len - off)
			return -EINVAL;
		if (get16(t + off) != DMAR_TYPE_DRHD)
			continue;	/* RMRR, ATSR, RHSA...: not used */
		if (out->unit_count == VTD_MAX_UNITS)
			return -E2BIG;
		err = parse_drhd(&out->units[out->unit_count++], t + off, n,
				 read, ctx);
		if (err)
			return err;
	}
	return out->unit_count ? 0 : -EINVAL;
}

/* Listed units first: an INCLUDE_PCI_ALL unit takes only the rest. */
int vtd_unit_of(const struct vtd_dmar *d, uint16_t rid)
{
	for (unsigned int i = 0; i < d->unit_count; i++)
		for (unsigned int r = 0; r < d->units[i].range_count; r++)
			if (!d->units[i].segment &&
			    rid >= d->units[i].ranges[r].first &&
			    rid <= d->units[i].ranges[r].last)
				return (int)i;
	for (unsigned int i = 0; i < d->unit_count; i++)
		if (!d->units[i].segment && d->units[i].include_all)
			return (int)i;
	return -ENOENT;
}

int vtd_ioapic_sid(const struct vtd_dmar *d, uint8_t id, uint16_t *sid)
{
	for (unsigned int i = 0; i < d->unit_count; i++)
		for (unsigned int s = 0; s < d->units[i].source_count; s++)
			if (d->units[i].sources[s].type == VTD_SCOPE_IOAPIC &&
			    d->units[i].sources[s].id == id) {
				*sid = d->units[i].sources[s].sid;
				return (int)i;
			}
	return -ENOENT;
}

/* SAGAW bit n supports AW n (10.4.2): 1 = 39-bit 3-level, 2 = 48-bit. */
int vtd_pick_aw(uint64_t cap)
{
	if (VTD_CAP_SAGAW(cap) & (1U << 2))
		return 2;
	if (VTD_CAP_SAGAW(cap) & (1U << 1))
		return 1;
	return -ENOTSUP;
}

/* Root and context entries (9.1, 9.3): legacy mode. */
#define CONTEXT_DID_SHIFT	8	/* bits 87:72 */

struct vtd_entry vtd_root_entry(uint64_t context_table)
{
	return (struct vtd_entry){ context_table | VTD_ENTRY_PRESENT, 0 };
}

/* TT = 00: untranslated requests only, through the second-level table. */
struct vtd_entry vtd_context_entry(uint64_t slpt, int aw, unsigned int domain)
{
	return (struct vtd_entry){ slpt | VTD_ENTRY_PRESENT,
		(uint64_t)aw | (uint64_t)(domain + 1) << CONTEXT_DID_SHIFT };
}

/* Second-level paging entries (9.8): present means R or W. */
#define SL_READ		(1ULL << 0)
#define SL_WRITE	(1ULL << 1)
#define SL_PAGE_SIZE	(1ULL << 7)

/* R and W count at every level: upper levels allow both. */
static uint64_t sl_table_entry(uint64_t phys, int level)
{
	(void)level;
	return phys | SL_READ | SL_WRITE;
}

static uint64_t sl_leaf_entry(uint64_t phys, int level, unsigned int attrs)
{
	return phys | SL_READ | (attrs & PT_ATTR_WRITE ? SL_WRITE : 0) |
	       (level ? SL_PAGE_SIZE : 0);
}

static bool sl_present(uint64_t e)
{
	return e & (SL_READ | SL_WRITE);
}

static bool sl_is_large(uint64_t e)
{
	return e & SL_PAGE_SIZE;
}

static unsigned int sl_attrs(uint64_t e)
{
	return e & SL_WRITE ? PT_ATTR_WRITE : 0;
}

const struct pt_format pt_format_vtd = {
	.name = "VT-d second level",
	.table_entry = sl_table_entry,
	.leaf_entry = sl_leaf_entry,
	.present = sl_present,
	.is_large = sl_is_large,
	.attrs = sl_attrs,
};

/* IRTE (9.10): remapped format, physical destination, edge. */
#define IRTE_DLM_SHIFT		5
#define IRTE_VECTOR_SHIFT	16
#define IRTE_XAPIC_DEST_SHIFT	40	/* bits 47:40 with EIME = 0 */
#define IRTE_SVT_VERIFY_SID	(1ULL << 18)	/* bits 83:82 = 01, SQ = 0 */

struct vtd_entry vtd_irte(uint8_t vector, uint32_t apic_id, unsigned int dlm,
			  uint16_t sid)
{
	return (struct vtd_entry){
		VTD_ENTRY_PRESENT | (uint64_t)dlm << IRTE_DLM_SHIFT |
		(uint64_t)vector << IRTE_VECTOR_SHIFT |
		(uint64_t)(apic_id & 0xff) << IRTE_XAPIC_DEST_SHIFT,
		sid | IRTE_SVT_VERIFY_SID };
}

#define IRTE_FPD		(1ULL << 1)

uint64_t vtd_irte_masked(uint64_t lo, bool masked)
{
	if (!lo)
		return 0;
	return masked ? (lo & ~VTD_ENTRY_PRESENT) | IRTE_FPD :
			(lo & ~IRTE_FPD) | VTD_ENTRY_PRESENT;
}

/* Remappable format: handle[14:0] in 19:5 (or 63:49), handle[15] in 2 (11). */
#define MSI_BASE		0xfee00000U
#define MSI_HANDLE_SHIFT	5
#define MSI_REMAPPABLE		(1U << 4)
#define MSI_HANDLE15_SHIFT	2
#define RTE_HANDLE15_SHIFT	11
#define RTE_REMAPPABLE		(1ULL << 48)
#define RTE_HANDLE_SHIFT	49
#define HANDLE_LOW		0x7fffU

struct iommu_msi vtd_msi(unsigned int handle)
{
	return (struct iommu_msi){
		MSI_BASE | (handle & HANDLE_LOW) << MSI_HANDLE_SHIFT |
		MSI_REMAPPABLE | (handle >> 15 & 1) << MSI_HANDLE15_SHIFT, 0 };
}

/* Edge, active high, unmasked; the vector must match the IRTE's. */
uint64_t vtd_ioapic_rte(unsigned int handle, uint8_t vector)
{
	return vector | (uint64_t)(handle >> 15 & 1) << RTE_HANDLE15_SHIFT |
	       RTE_REMAPPABLE | (uint64_t)(handle & HANDLE_LOW) << RTE_HANDLE_SHIFT;
}

/* Invalidation descriptors (6.5.2.1, 6.5.2.3, 6.5.2.7, 6.5.2.8). */
#define INV_CONTEXT		0x1
#define INV_IOTLB		0x2
#define INV_IEC			0x4	/* bit 4 clear: global */
#define INV_WAIT		0x5
#define INV_GLOBAL		(1ULL << 4)
#define INV_IOTLB_DRAIN_WRITES	(1ULL << 6)
#define INV_IOTLB_DRAIN_READS	(1ULL << 7)
#define INV_WAIT_STATUS_WRITE	(1ULL << 5)	/* never with IF (bit 4) */
#define INV_WAIT_DATA_SHIFT	32

struct vtd_entry vtd_inv_context_global(void)
{
	return (struct vtd_entry){ INV_CONTEXT | INV_GLOBAL, 0 };
}

/* Drains in-flight DMA; units without CAP.DRD/DWD ignore the bits. */
struct vtd_entry vtd_inv_iotlb_global(void)
{
	return (struct vtd_entry){ INV_IOTLB | INV_GLOBAL |
		INV_IOTLB_DRAIN_WRITES | INV_IOTLB_DRAIN_READS, 0 };
}

struct vtd_entry vtd_inv_iec_global(void)
{
	return (struct vtd_entry){ INV_IEC, 0 };
}

struct vtd_entry vtd_inv_wait(uint64_t status, uint32_t data)
{
	return (struct vtd_entry){ INV_WAIT | INV_WAIT_STATUS_WRITE |
		(uint64_t)data << INV_WAIT_DATA_SHIFT, status };
}

/* Fault record fields (10.4.14) and reasons (appendix A). */
#define FRCD_PAGE		(~0xfffULL)
#define FRCD_IR_INDEX_SHIFT	48
#define FRCD_REASON(hi)		((uint32_t)((hi) >> 32) & 0xff)
#define FRCD_TYPE_READ		(1ULL << 62)
#define FAULT_IR_FIRST		0x20

static const char *const dma_reasons[] = {
	"unknown", "root entry not present", "context entry not present",
	"bad context entry", "address beyond the address width",
	"write denied", "read denied", "paging-entry access error",
	"root-table access error", "context-table access error",
	"reserved bit in a root entry", "reserved bit in a context entry",
	"reserved bit in a paging entry", "blocked by translation type",
	"translated into the interrupt range",
};
static const char *const ir_reasons[] = {
	"reserved bit in an interrupt request", "interrupt index too large",
	"IRTE not present", "IRT access error", "reserved bit in an IRTE",
	"compatibility-format interrupt blocked", "source ID check failed",
};

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

static const char *reason_name(uint32_t r)
{
	if (r >= FAULT_IR_FIRST && r - FAULT_IR_FIRST < COUNT(ir_reasons))
		return ir_reasons[r - FAULT_IR_FIRST];
	return r < COUNT(dma_reasons) ? dma_reasons[r] : dma_reasons[0];
}

void vtd_decode_fault(struct vtd_entry rec, struct iommu_fault *f)
{
	f->rid = (uint16_t)rec.hi;
	f->reason = FRCD_REASON(rec.hi);
	f->interrupt = f->reason >= FAULT_IR_FIRST;
	f->address = f->interrupt ? rec.lo >> FRCD_IR_INDEX_SHIFT :
				    rec.lo & FRCD_PAGE;
	f->write = !f->interrupt && !(rec.hi & FRCD_TYPE_READ);
	f->what = reason_name(f->reason);
}
