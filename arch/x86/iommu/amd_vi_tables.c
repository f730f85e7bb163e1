/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AMD-Vi encodings (AMD IOMMU spec 48882 rev 3.x; section numbers as that
 * revision numbers them). Every length read from the IVRS is checked
 * against the table before a byte beyond it is touched.
 */
#include "arch/x86/iommu/amd_vi_tables.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include <stddef.h>

/* IVRS (5.2): header, then IVHD/IVMD blocks from offset 48. */
#define IVRS_BLOCKS		48
#define IVHD_LEGACY		0x10	/* 24-byte header */
#define IVHD_EFR		0x11	/* 40-byte header, EFR image */
#define IVHD_ACPI_HID		0x40	/* 40-byte header, ACPI HID entries */
#define IVHD_LEGACY_LEN		24
#define IVHD_EFR_LEN		40
#define IVMD_FIRST		0x20	/* 0x20-0x22: all / one / a range */
#define IVMD_LAST		0x22
#define IVHD_FLAGS		1
#define IVHD_DEVID		4
#define IVHD_MMIO		8
#define IVHD_SEGMENT		16
/* IVHD device entries (5.2.2.2): type, DeviceID, DTE setting, data. */
#define DE_PAD4			0x00
#define DE_ALL			0x01
#define DE_SELECT		0x02
#define DE_RANGE_START		0x03
#define DE_RANGE_END		0x04
#define DE_PAD8			0x40
#define DE_ALIAS_SELECT		0x42
#define DE_ALIAS_RANGE		0x43
#define DE_EXT_SELECT		0x46
#define DE_EXT_RANGE		0x47
#define DE_SPECIAL		0x48
#define DE_ACPI_HID		0xf0	/* 22 bytes + UID length at byte 21 */
#define DE_HID_FIXED		22
#define DE_HID_UID_LEN		21
#define DE_VARIABLE		0x80	/* types from here have no fixed size */
#define DE_ALIAS_USED		5	/* alias and special: used DeviceID */
#define DE_SPECIAL_HANDLE	4
#define DE_SPECIAL_VARIETY	7
#define SPECIAL_IOAPIC		1

/* One IVHD's device entries as a running state (ranges span entries). */
struct entry_walk {
	struct amd_vi_ivrs *out;
	bool in_range, aliased;
	uint16_t first, used;
};

static unsigned int entry_len(const uint8_t *e, uint32_t left)
{
	if (e[0] < DE_VARIABLE)
		return 4U << (e[0] >> 6);
	if (e[0] == DE_ACPI_HID && left > DE_HID_UID_LEN)
		return DE_HID_FIXED + e[DE_HID_UID_LEN];
	return 0;
}

static int add_alias(struct amd_vi_ivrs *o, uint16_t first, uint16_t last,
		     uint16_t used)
{
	if (o->aliases == AMD_VI_MAX_ALIASES)
		return -E2BIG;
	o->alias[o->aliases++] = (struct amd_vi_alias){ first, last, used };
	return 0;
}

static int add_special(struct amd_vi_ivrs *o, const uint8_t *e)
{
	if (e[DE_SPECIAL_VARIETY] != SPECIAL_IOAPIC)
		return 0;	/* an HPET: its DTE stays blocking */
	if (o->ioapics == IOMMU_MAX_IOAPICS)
		return -E2BIG;
	o->ioapic[o->ioapics++] = (struct amd_vi_ioapic){
		e[DE_SPECIAL_HANDLE], get16(e + DE_ALIAS_USED), e[3] };
	return 0;
}

static int start_range(struct entry_walk *w, const uint8_t *e, bool alias)
{
	if (w->in_range)
		return -EINVAL;
	w->in_range = true;
	w->aliased = alias;
	w->first = get16(e + 1);
	w->used = alias ? get16(e + DE_ALIAS_USED) : 0;
	return 0;
}

static int end_range(struct entry_walk *w, uint16_t last)
{
	if (!w->in_range || last < w->first)
		return -EINVAL;
	w->in_range = false;
	w->out->listed += last - w->first + 1U;
	return w->aliased ? add_alias(w->out, w->first, last, w->used) : 0;
}

static int device_entry(struct entry_walk *w, const uint8_t *e)
{
	uint16_t id = get16(e + 1);

	switch (e[0]) {
	case DE_ALL:
		w->out->listed = AMD_VI_DEVICE_IDS;
		return 0;
	case DE_SELECT:
	case DE_EXT_SELECT:
	case DE_ACPI_HID:
		w->out->listed++;
		return 0;
	case DE_ALIAS_SELECT:
		w->out->listed++;
		return add_alias(w->out, id, id, get16(e + DE_ALIAS_USED));
	case DE_RANGE_START:
	case DE_EXT_RANGE:
		return start_range(w, e, false);
	case DE_ALIAS_RANGE:
		return start_range(w, e, true);
	case DE_RANGE_END:
		return end_range(w, id);
	case DE_SPECIAL:
		return add_special(w->out, e);
	default:	/* padding and types we need not know */
		return 0;
	}
}

static int parse_ivhd(const uint8_t *b, uint32_t len, struct amd_vi_ivrs *o)
{
	uint32_t off = b[0] == IVHD_LEGACY ? IVHD_LEGACY_LEN : IVHD_EFR_LEN;
	struct entry_walk w = { .out = o };
	int err;

	if (len < off)
		return -EINVAL;
	if (o->units == AMD_VI_MAX_UNITS)
		return -E2BIG;
	o->unit[o->units++] = (struct amd_vi_unit){ get64(b + IVHD_MMIO),
		get16(b + IVHD_DEVID), get16(b + IVHD_SEGMENT),
		b[IVHD_FLAGS] };
	while (off < len) {
		unsigned int n = entry_len(b + off, len - off);

		if (!n || n > len - off)
			return -EINVAL;
		err = device_entry(&w, b + off);
		if (err)
			return err;
		off += n;
	}
	return w.in_range ? -EINVAL : 0;
}

static bool is_ivhd(uint8_t type)
{
	return type == IVHD_LEGACY || type == IVHD_EFR || type == IVHD_ACPI_HID;
}

/*
 * Walks every block, lengths checked; returns the highest IVHD type seen.
 * With `want`, parses the IVHDs of that type: firmware describes one
 * IOMMU once per IVHD type it supports, so one type counts it once.
 */
static int each_block(const uint8_t *t, uint32_t len, uint8_t want,
		      struct amd_vi_ivrs *o)
{
	int best = 0, err = 0;

	for (uint32_t off = IVRS_BLOCKS; off < len && !err;) {
		const uint8_t *b = t + off;
		uint32_t n = len - off >= 4 ? get16(b + 2) : 0;

		if (n < 4 || n > len - off)
			return -EINVAL;
		if (is_ivhd(b[0]) && b[0] > best)
			best = b[0];
		if (want && b[0] == want)
			err = parse_ivhd(b, n, o);
		else if (want && b[0] >= IVMD_FIRST && b[0] <= IVMD_LAST)
			o->ivmds++;
		off += n;
	}
	return err ? err : best;
}

int amd_vi_parse_ivrs(const uint8_t *t, uint32_t len, struct amd_vi_ivrs *out)
{
	int best;

	*out = (struct amd_vi_ivrs){ 0 };
	if (len < IVRS_BLOCKS)
		return -EINVAL;
	best = each_block(t, len, 0, out);
	if (best <= 0)
		return best ? best : -ENOENT;
	best = each_block(t, len, (uint8_t)best, out);
	return best < 0 ? best : 0;
}

uint16_t amd_vi_alias_of(const struct amd_vi_ivrs *ivrs, uint16_t rid)
{
	for (unsigned int i = 0; i < ivrs->aliases; i++)
		if (rid >= ivrs->alias[i].first && rid <= ivrs->alias[i].last)
			return ivrs->alias[i].used;
	return rid;
}

const struct amd_vi_ioapic *amd_vi_ioapic_of(const struct amd_vi_ivrs *ivrs,
					     uint8_t id)
{
	for (unsigned int i = 0; i < ivrs->ioapics; i++)
		if (ivrs->ioapic[i].id == id)
			return &ivrs->ioapic[i];
	return NULL;
}

/* Device table entry (2.2.2.1), bit numbers within each qword. */
#define DTE_V			(1ULL << 0)
#define DTE_TV			(1ULL << 1)
#define DTE_MODE_SHIFT		9
#define DTE_IR			(1ULL << 61)
#define DTE_IW			(1ULL << 62)
#define DTE_IV			(1ULL << 0)	/* qword 2 from here */
#define DTE_INT_LEN_SHIFT	1
#define DTE_IRT_MASK		0x000fffffffffffc0ULL	/* bits 51:6 in place */
#define DTE_PASS_SHIFT		56	/* INIT, ExtINT, NMI pass: bits 58:56 */
#define DTE_PASS_MASK		0x7
#define DTE_NMI_PASS		(1ULL << 58)
#define DTE_INTCTL_REMAP	(2ULL << 60)
#define DTE_LINT_SHIFT		62	/* LINT0/1 pass: bits 63:62 */
/* IVHD DTE-setting byte (5.2.2.2): bits 2:0 and 7:6 hold the pass bits. */
#define SETTING_PASS_MASK	0x7
#define SETTING_LINT_SHIFT	6

/*
 * V=1 and TV=1 with Mode 0 and IR=IW=0: DMA is checked and refused (V=0
 * would let it through untranslated). IV=1 with IntCtl=0 and every pass
 * bit clear aborts every interrupt; SysMgt=0 and IoCtl=0 abort the rest.
 */
struct amd_vi_dte amd_vi_dte_blocked(void)
{
	return (struct amd_vi_dte){ { DTE_V | DTE_TV, 0, DTE_IV, 0 } };
}

static uint64_t irq_qword(uint64_t irt)
{
	return DTE_IV | (uint64_t)AMD_VI_IRT_LEN_LOG2 << DTE_INT_LEN_SHIFT |
	       (irt & DTE_IRT_MASK) | DTE_INTCTL_REMAP;
}

/* IR and IW here are ANDed with every level's: the leaves decide. */
struct amd_vi_dte amd_vi_dte_translated(uint64_t root, uint16_t domain_id,
					uint64_t irt)
{
	return (struct amd_vi_dte){ {
		DTE_V | DTE_TV | (uint64_t)AMD_VI_PT_LEVELS << DTE_MODE_SHIFT |
			(root & PT_ADDR_MASK) | DTE_IR | DTE_IW,
		domain_id, irq_qword(irt), 0 } };
}

/* NMIPass lets the console's NMI through untranslated (see rte below). */
struct amd_vi_dte amd_vi_dte_ioapic(uint64_t irt, uint8_t setting)
{
	uint64_t pass = (uint64_t)(setting & SETTING_PASS_MASK) <<
			DTE_PASS_SHIFT |
			(uint64_t)(setting >> SETTING_LINT_SHIFT) << DTE_LINT_SHIFT;

	return (struct amd_vi_dte){ { DTE_V | DTE_TV, 0,
		irq_qword(irt) | pass | DTE_NMI_PASS, 0 } };
}

/* I/O page-table entries (2.2.3): PR, NextLevel 11:9, IR 61, IW 62. */
#define PTE_PR			(1ULL << 0)
#define PTE_NEXT_SHIFT		9
#define PTE_NEXT_MASK		(7ULL << PTE_NEXT_SHIFT)
#define PTE_IR			(1ULL << 61)
#define PTE_IW			(1ULL << 62)

/*
 * paging.c's level L entry points to a table of level L - 1 entries,
 * which AMD-Vi counts from 1: NextLevel = L. Both rights are set here
 * because the IOMMU ANDs them down the walk.
 */
static uint64_t amd_table_entry(uint64_t phys, int level)
{
	return (phys & PT_ADDR_MASK) | PTE_PR |
	       (uint64_t)level << PTE_NEXT_SHIFT | PTE_IR | PTE_IW;
}

/* NextLevel 0: a page of the level's default size (4K, 2M, 1G). */
static uint64_t amd_leaf_entry(uint64_t phys, int level, unsigned int attrs)
{
	(void)level;
	return (phys & PT_ADDR_MASK) | PTE_PR | PTE_IR |
	       (attrs & PT_ATTR_WRITE ? PTE_IW : 0);
}

static bool amd_present(uint64_t e)
{
	return e & PTE_PR;
}

static bool amd_is_large(uint64_t e)
{
	return !(e & PTE_NEXT_MASK);
}

static unsigned int amd_attrs(uint64_t e)
{
	return e & PTE_IW ? PT_ATTR_WRITE : 0;
}

const struct pt_format amd_vi_pt_format = {
	.name = "AMD-Vi",
	.table_entry = amd_table_entry,
	.leaf_entry = amd_leaf_entry,
	.present = amd_present,
	.is_large = amd_is_large,
	.attrs = amd_attrs,
};

/* Commands (2.4): opcode in bits 63:60 of the first qword. */
#define CMD_OP_SHIFT		60
#define CMD_COMPLETION_WAIT	0x1ULL
#define CMD_INV_DEVTAB_ENTRY	0x2ULL
#define CMD_INV_IOMMU_PAGES	0x3ULL
#define CMD_INV_INT_TABLE	0x5ULL
#define CMD_INV_IOMMU_ALL	0x8ULL
#define CMD_WAIT_STORE		(1ULL << 0)
#define CMD_WAIT_ADDR_MASK	0x000ffffffffffff8ULL
#define CMD_DOMAIN_SHIFT	32
#define CMD_PAGES_S		(1ULL << 0)	/* second qword: a range */
#define CMD_PAGES_PDE		(1ULL << 1)	/* cached directories too */
/* With S=1, address[63:12] all ones but bit 63: every page. */
#define CMD_PAGES_ALL		0x7ffffffffffff000ULL

static struct amd_vi_cmd cmd(uint64_t op, uint64_t q0, uint64_t q1)
{
	return (struct amd_vi_cmd){ { op << CMD_OP_SHIFT | q0, q1 } };
}

struct amd_vi_cmd amd_vi_cmd_completion_wait(uint64_t store, uint64_t data)
{
	return cmd(CMD_COMPLETION_WAIT,
		   (store & CMD_WAIT_ADDR_MASK) | CMD_WAIT_STORE, data);
}

struct amd_vi_cmd amd_vi_cmd_inv_dte(uint16_t devid)
{
	return cmd(CMD_INV_DEVTAB_ENTRY, devid, 0);
}

struct amd_vi_cmd amd_vi_cmd_inv_domain(uint16_t domain_id)
{
	return cmd(CMD_INV_IOMMU_PAGES, (uint64_t)domain_id << CMD_DOMAIN_SHIFT,
		   CMD_PAGES_ALL | CMD_PAGES_S | CMD_PAGES_PDE);
}

struct amd_vi_cmd amd_vi_cmd_inv_irt(uint16_t devid)
{
	return cmd(CMD_INV_INT_TABLE, devid, 0);
}

struct amd_vi_cmd amd_vi_cmd_inv_all(void)
{
	return cmd(CMD_INV_IOMMU_ALL, 0, 0);
}

/* Interrupt remapping entry, basic 32-bit format (2.2.5). */
#define IRTE_REMAP_EN		(1U << 0)
#define IRTE_SUP_IOPF		(1U << 1)
#define IRTE_TYPE_SHIFT		2
#define IRTE_TYPE_NMI		4U	/* the MSI delivery-mode encoding */
#define IRTE_DEST_SHIFT		8
#define IRTE_VECTOR_SHIFT	16
/* The MSI a remapped device sends: data bits 10:0 index its table. */
#define MSI_ADDRESS		0xfee00000ULL
/* I/O APIC redirection entry (82093AA 3.2.4): NMI, edge, physical. */
#define RTE_DELIVERY_NMI	(4ULL << 8)
#define RTE_DEST_SHIFT		56

uint32_t amd_vi_irte(uint8_t dest, uint8_t vector, enum amd_vi_int_type type)
{
	uint32_t t = type == AMD_VI_INT_NMI ? IRTE_TYPE_NMI : 0;

	return IRTE_REMAP_EN | t << IRTE_TYPE_SHIFT |
	       (uint32_t)dest << IRTE_DEST_SHIFT |
	       (uint32_t)vector << IRTE_VECTOR_SHIFT;
}

uint32_t amd_vi_irte_masked(uint32_t irte, bool masked)
{
	if (!irte)
		return 0;
	return masked ? (irte & ~IRTE_REMAP_EN) | IRTE_SUP_IOPF :
			(irte & ~IRTE_SUP_IOPF) | IRTE_REMAP_EN;
}

/* Index < 256 keeps data bits 10:8 (the delivery mode) at fixed. */
struct iommu_msi amd_vi_msi(unsigned int index)
{
	return (struct iommu_msi){ MSI_ADDRESS, index };
}

/*
 * An NMI is not looked up in the table: with NMIPass in the I/O APIC's
 * DTE it passes as sent. So the console keeps its plain NMI entry (and
 * QEMU 7.2 refuses NMI-type IRTEs anyway).
 */
uint64_t amd_vi_ioapic_nmi_rte(uint8_t apic_id)
{
	return RTE_DELIVERY_NMI | (uint64_t)apic_id << RTE_DEST_SHIFT;
}

/* Event log records (2.5): code 63:60, DeviceID 15:0, flags from 48. */
#define EV_CODE_SHIFT		60
#define EV_DEVID_MASK		0xffffULL
#define EV_INTERRUPT		(1ULL << 51)
#define EV_WRITE		(1ULL << 53)
#define EV_LAST_WITH_I		0x3	/* codes 1-3 carry the I flag */

static const char *const event_names[] = {
	[0x1] = "illegal device table entry",
	[0x2] = "I/O page fault",
	[0x3] = "device table hardware error",
	[0x4] = "page table hardware error",
	[0x5] = "illegal command",
	[0x6] = "command hardware error",
	[0x7] = "IOTLB invalidation timeout",
	[0x8] = "invalid device request",
};

bool amd_vi_decode_event(const uint64_t ev[2], struct iommu_fault *f)
{
	unsigned int code = (unsigned int)(ev[0] >> EV_CODE_SHIFT);
	const char *name = code < sizeof(event_names) / sizeof(event_names[0])
			   ? event_names[code] : NULL;

	if (!code)
		return false;
	*f = (struct iommu_fault){
		.rid = (uint16_t)(ev[0] & EV_DEVID_MASK),
		.address = ev[1],
		.write = ev[0] & EV_WRITE,
		.interrupt = code <= EV_LAST_WITH_I && (ev[0] & EV_INTERRUPT),
		.reason = code,
		.what = name ? name : "unknown event",
	};
	return true;
}
