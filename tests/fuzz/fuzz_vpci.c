/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The config-space filter (drivers/emul/vpci.c) over the fake machine of
 * tests/unit/fake_pci.h: one to three functions with fuzzed BARs,
 * capabilities (PM, MSI, MSI-X, PCI Express and two that stay hidden) and
 * register contents, found by pci_scan(), then driven by a fuzzed sequence
 * of port 0xCF8/0xCFC, direct config-space and MSI-X table accesses.
 *
 * Invariants: what reaches the hardware is only the command register's
 * memory, I/O and bus-master bits (with INTx kept off), a BAR written back
 * with the firmware's address (BARs never move), the MSI registers, the
 * MSI-X enable and mask bits, PM control and PCIe device control 1 and 2;
 * no capability header changes; the guest's capability list shows only
 * PM, MSI, MSI-X and PCI Express and ends; a BAR reads as the firmware's
 * address or its size mask; extended space reads 0; MSI-X entries are
 * programmed only within the table.
 */
#include "tests/unit/fake_pci.h"
#include "drivers/emul/vpci.h"
#include "tests/fuzz/fuzz.h"

#define FUNCTIONS_MAX	3
#define OPS_MAX		256
#define CAP_START	0x40
#define CAP_VENDOR	0x09
#define CAP_DEBUG	0x0a
#define CAP_KINDS	6
#define COMMAND_GUEST	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
			 PCI_COMMAND_MASTER)

static const struct { uint8_t id, len; } cap_kind[CAP_KINDS] = {
	{ PCI_CAP_PM, 8 }, { PCI_CAP_MSI, 24 }, { PCI_CAP_MSIX, 12 },
	{ PCI_CAP_PCIE, 0x3c }, { CAP_VENDOR, 8 }, { CAP_DEBUG, 8 },
};

static struct pci_inventory inv;
static struct vpci v;
static uint32_t bar_snapshot[FUNCTIONS_MAX][PCI_BARS];
static uint32_t cmd_snapshot[FUNCTIONS_MAX];
static uint8_t caps[FUNCTIONS_MAX][CAP_KINDS];	/* offsets, 0: absent */
static bool recording;

static int fake_index(uint16_t rid)
{
	for (unsigned int i = 0; i < fake_count; i++)
		if (fake[i].rid == rid)
			return (int)i;
	return -1;
}

static const struct pci_function *function(uint16_t rid)
{
	return pci_find(&inv, rid);
}

static bool in_range(unsigned int off, unsigned int start, unsigned int len)
{
	return start && off >= start && off < start + len;
}

/* Every write the filter lets through, judged before it lands. */
static void checked_write(void *ctx, uint16_t rid, unsigned int off,
			  uint32_t value)
{
	int i = fake_index(rid);
	const struct pci_function *fn = function(rid);
	uint32_t old;

	if (recording) {
		FUZZ_CHECK(i >= 0 && fn, "a write to %04x, not the partition's",
			   rid);
		old = get32(&fake[i].cfg[off]);
		for (unsigned int k = 0; k < CAP_KINDS; k++)
			FUZZ_CHECK(!caps[i][k] || (caps[i][k] & ~3U) != off ||
				   ((old ^ value) & 0xffffU << 8 *
				    (caps[i][k] & 3)) == 0,
				   "a write at 0x%x changes capability header 0x%x",
				   off, caps[i][k]);
		if (off == PCI_COMMAND)
			FUZZ_CHECK(((old ^ value) & 0xffff &
				    ~(COMMAND_GUEST | PCI_COMMAND_INTX_OFF)) == 0 &&
				   (value & PCI_COMMAND_INTX_OFF) &&
				   (value >> 16) == (old >> 16),
				   "command 0x%04x -> 0x%08x", old & 0xffff, value);
		else if (off >= PCI_BAR0 && off < PCI_BAR0 + 4 * PCI_BARS)
			FUZZ_CHECK(value == bar_snapshot[i][(off - PCI_BAR0) / 4],
				   "BAR %u written with 0x%x, firmware put 0x%x",
				   (off - PCI_BAR0) / 4, value,
				   bar_snapshot[i][(off - PCI_BAR0) / 4]);
		else
			FUZZ_CHECK(in_range(off, fn->cap_msi, 24) ||
				   off == fn->cap_msix ||
				   (fn->cap_pm && off == fn->cap_pm + 4u) ||
				   (fn->cap_pcie && (off == fn->cap_pcie + 8u ||
						     off == fn->cap_pcie + 0x28u)),
				   "a write reaches register 0x%x of %04x", off, rid);
	}
	fake_write(ctx, rid, off, value);
}

static const struct pci_access hw = { fake_read, checked_write, NULL };

static bool route(void *ctx, uint16_t rid, unsigned int index,
		  const struct vpci_msg *guest, uint64_t *address,
		  uint32_t *data)
{
	(void)ctx;
	FUZZ_CHECK(function(rid), "a message routed for %04x", rid);
	*address = 0xfee00000ULL | (guest->address & 0xff000);
	*data = (guest->data & 0xff) | index << 8;
	return !(guest->data & 0x8000);	/* the IOMMU refuses some */
}

static void msix_entry(void *ctx, const struct pci_function *fn,
		       unsigned int index, uint64_t address, uint32_t data,
		       bool masked)
{
	const struct vpci_dev *d = vpci_find(&v, fn->rid);

	(void)ctx;
	(void)address;
	(void)data;
	(void)masked;
	FUZZ_CHECK(d && index < d->msix.size && index < VPCI_MSIX_MAX,
		   "MSI-X entry %u programmed", index);
}

/* ---- the fake machine ---- */

static void add_bars(struct fuzz_in *in, struct fake_fn *f)
{
	for (unsigned int b = 0; b < PCI_BARS; b++) {
		uint8_t kind = fuzz_u8(in);
		unsigned int order = 4 + (kind >> 3) % 28;	/* 16 B .. 2 GiB */
		uint64_t size = 1ULL << order, base = fuzz_u32(in) & ~(size - 1);

		switch (kind & 7) {
		case 1:		/* I/O */
			size = 1ULL << (2 + (kind >> 3) % 8);
			base = fuzz_u16(in) & ~(size - 1);
			bar(f, b, (uint32_t)base | 1, (uint32_t)~(size - 1) & ~3U);
			break;
		case 2: case 3:	/* 32-bit memory, prefetchable or not */
			bar(f, b, (uint32_t)base | (kind & 1) << 3,
			    (uint32_t)~(size - 1) & ~0xfU);
			break;
		case 4: case 5:	/* 64-bit memory */
			if (b + 1 == PCI_BARS)
				break;
			bar(f, b, (uint32_t)base | 4 | (kind & 1) << 3,
			    (uint32_t)~(size - 1) & ~0xfU);
			bar(f, b + 1, fuzz_u8(in), ~0U);
			b++;
			break;
		default:	/* none */
			break;
		}
	}
}

/* Capabilities at 4-byte-aligned offsets, in a fuzzed order, apart. */
static void add_caps(struct fuzz_in *in, struct fake_fn *f, unsigned int fi)
{
	uint8_t at = CAP_START, last = 0;
	uint8_t present = fuzz_u8(in), order = fuzz_u8(in);

	for (unsigned int n = 0; n < CAP_KINDS; n++) {
		unsigned int k = (n + order) % CAP_KINDS;

		if (!(present & (1U << k)))
			continue;
		caps[fi][k] = at;
		cap(f, at, cap_kind[k].id, 0);
		if (last)
			f->cfg[last + 1] = at;
		for (unsigned int b = 2; b < cap_kind[k].len; b++)
			f->cfg[at + b] = fuzz_u8(in);
		last = at;
		at = (uint8_t)(at + ((cap_kind[k].len + 3) & ~3U));
	}
}

static void build_machine(struct fuzz_in *in)
{
	unsigned int count = 1 + fuzz_u8(in) % FUNCTIONS_MAX;

	fake_count = 0;
	memset(caps, 0, sizeof(caps));
	for (unsigned int i = 0; i < count; i++) {
		struct fake_fn *f = add(RID(0, 2 + i, 0), 0x8086, fuzz_u16(in),
					0x010802, 0);

		for (unsigned int b = 0x40; b < PCI_CONFIG_SIZE; b++)
			f->cfg[b] = 0;
		f->cfg[PCI_INTERRUPT_PIN] = fuzz_u8(in) & 3;
		add_bars(in, f);
		add_caps(in, f, i);
	}
	inv = (struct pci_inventory){ .bus_start = 0, .bus_end = 0 };
	recording = false;
	pci_scan(&inv, &hw);
	vpci_init(&v, &hw, &(struct vpci_hooks){ route, msix_entry, NULL });
	for (unsigned int i = 0; i < inv.count; i++)
		vpci_add(&v, &inv.fn[i]);
	for (unsigned int i = 0; i < fake_count; i++) {
		cmd_snapshot[i] = get32(&fake[i].cfg[PCI_COMMAND]);
		for (unsigned int b = 0; b < PCI_BARS; b++)
			bar_snapshot[i][b] = get32(&fake[i].cfg[PCI_BAR0 + 4 * b]);
	}
	recording = true;
}

/* ---- what the guest sees ---- */

static void check_cap_list(uint16_t rid)
{
	unsigned int at = vpci_read(&v, rid, PCI_CAP_PTR, 1), n = 0;
	bool listed = vpci_read(&v, rid, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST;

	FUZZ_CHECK(listed == (at != 0), "status says %d, pointer 0x%x",
		   listed, at);
	for (; at; n++) {
		uint8_t id = (uint8_t)vpci_read(&v, rid, at, 1);

		FUZZ_CHECK(n < 4, "the capability list does not end");
		FUZZ_CHECK(id == PCI_CAP_PM || id == PCI_CAP_MSI ||
			   id == PCI_CAP_MSIX || id == PCI_CAP_PCIE,
			   "capability 0x%02x shown at 0x%x", id, at);
		at = vpci_read(&v, rid, at + 1, 1);
	}
}

static void check_bars(unsigned int i, const struct vpci_dev *d)
{
	for (unsigned int b = 0; b < PCI_BARS; b++) {
		uint32_t seen = vpci_read(&v, d->fn->rid, PCI_BAR0 + 4 * b, 4);
		uint32_t hw_now = get32(&fake[i].cfg[PCI_BAR0 + 4 * b]);
		bool upper = b && d->fn->bars[b - 1].kind == PCI_BAR_MEM64;
		const struct pci_bar *own = &d->fn->bars[upper ? b - 1 : b];
		uint64_t mask = ~(own->size - 1);
		uint32_t sizing = (uint32_t)(upper ? mask >> 32 : mask);

		FUZZ_CHECK(hw_now == bar_snapshot[i][b],
			   "BAR %u of %04x moved to 0x%x", b, d->fn->rid, hw_now);
		if (own->kind == PCI_BAR_NONE)
			continue;
		FUZZ_CHECK(seen == bar_snapshot[i][b] ||
			   ((seen ^ sizing) & (upper ? ~0U : ~0xfU) &
			    (own->kind == PCI_BAR_IO ? ~3U : ~0U)) == 0,
			   "BAR %u reads 0x%x: neither 0x%x nor the size mask 0x%x",
			   b, seen, bar_snapshot[i][b], sizing);
	}
}

static void check_all(void)
{
	for (unsigned int i = 0; i < fake_count; i++) {
		const struct vpci_dev *d = vpci_find(&v, fake[i].rid);
		uint32_t cmd = get32(&fake[i].cfg[PCI_COMMAND]);

		FUZZ_CHECK(d, "function %04x not in the view", fake[i].rid);
		FUZZ_CHECK(((cmd ^ cmd_snapshot[i]) & 0xffff &
			    ~(COMMAND_GUEST | PCI_COMMAND_INTX_OFF)) == 0,
			   "command register 0x%x", cmd);
		check_cap_list(fake[i].rid);
		check_bars(i, d);
		FUZZ_CHECK(vpci_read(&v, fake[i].rid, 0x100, 4) == 0,
			   "extended space is visible");
	}
}

/* ---- the guest's accesses ---- */

static uint16_t take_rid(struct fuzz_in *in)
{
	uint8_t r = fuzz_u8(in);

	/* Mostly the partition's functions, sometimes one it lacks. */
	return r < 0xf0 ? RID(0, 2 + r % FUNCTIONS_MAX, 0) : RID(r & 3, 9, 1);
}

static unsigned int take_size(uint8_t b)
{
	return 1U << (b & 3) > 4 ? 4 : 1U << (b & 3);
}

static void run_op(struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in);
	unsigned int size = take_size(op >> 4);
	uint16_t rid;
	unsigned int off;
	struct vpci_dev *d;
	uint64_t value;

	switch (op & 7) {
	case 0:	/* point 0xCF8 at a register */
		vpci_port_write(&v, VPCI_PORT_ADDRESS, 4,
				0x80000000U | (uint32_t)take_rid(in) << 8 |
				(fuzz_u8(in) & 0xfc));
		break;
	case 1:
		vpci_port_write(&v, (uint16_t)(VPCI_PORT_DATA + (fuzz_u8(in) & 3)),
				size, fuzz_u32(in));
		break;
	case 2:
		(void)vpci_port_read(&v, (uint16_t)(VPCI_PORT_ADDRESS +
						    (fuzz_u8(in) & 7)), size);
		break;
	case 3:	/* ECAM-style: any register, naturally aligned */
		rid = take_rid(in);
		off = fuzz_u16(in) % PCIE_CONFIG_SIZE & ~(size - 1);
		vpci_write(&v, rid, off, size, fuzz_u32(in));
		break;
	case 4:
		rid = take_rid(in);
		off = fuzz_u16(in) % PCIE_CONFIG_SIZE & ~(size - 1);
		(void)vpci_read(&v, rid, off, size);
		break;
	case 5:	/* the MSI-X table page */
		d = vpci_find(&v, take_rid(in));
		off = fuzz_u16(in);
		value = fuzz_u64(in);
		if (d && (op & 8))
			(void)vpci_msix_write(&v, d, off, op & 0x80 ? 8 : 4, value);
		else if (d)
			(void)vpci_msix_read(&v, d, off, op & 0x80 ? 8 : 4, &value);
		break;
	case 6:	/* a BAR the way a driver sizes it: all ones, then back */
		rid = take_rid(in);
		off = PCI_BAR0 + 4 * (fuzz_u8(in) % PCI_BARS);
		vpci_write(&v, rid, off, 4, ~0U);
		(void)vpci_read(&v, rid, off, 4);
		vpci_write(&v, rid, off, 4, vpci_read(&v, rid, off, 4));
		break;
	default:
		if (op & 0x80)
			vpci_quiesce(&v);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size, 0 };

	build_machine(&in);
	check_all();
	for (unsigned int n = 0; n < OPS_MAX && fuzz_more(&in); n++) {
		run_op(&in);
		check_all();
	}
	return 0;
}
