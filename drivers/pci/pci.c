/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Finding the PCI functions and what the hypervisor must know of them:
 * identity, BARs, the capabilities that matter for assignment, and which
 * requester IDs their DMA carries. Pure logic over a config accessor.
 */
#include "drivers/pci/pci.h"
#include "lib/format.h"

#define PCI_DEVICES_PER_BUS	32
#define PCI_FUNCTIONS_PER_DEV	8
#define PCI_CAP_LIST_MAX	48	/* 256-byte space / 4-byte minimum */
#define PCI_ECAP_START		0x100
#define PCI_ECAP_LIST_MAX	960	/* 3840 bytes / 4-byte minimum */
/* BAR low bits (PCI 3.0 6.2.5.1). */
#define PCI_BAR_IO_FLAG		0x1U
#define PCI_BAR_MEM_TYPE_MASK	0x6U
#define PCI_BAR_MEM_TYPE_64	0x4U
#define PCI_BAR_PREFETCH	0x8U
#define PCI_BAR_IO_MASK		0xfffffffcU
#define PCI_BAR_MEM_MASK	0xfffffff0U
#define PCI_IO_SPACE_MASK	0xffffU	/* x86 ports are 16 bits */
/* PCI Express capability (PCIe 5.0 7.5.3). */
#define PCIE_CAPS_REG		0x02
#define PCIE_TYPE_SHIFT		4
#define PCIE_TYPE_MASK		0xfU
#define PCIE_DEVCAP_REG		0x04
#define PCIE_DEVCAP_FLR		(1U << 28)
/* Port types whose secondary side is conventional PCI (PCIe 7.5.3.2). */
#define PCIE_TYPE_PCIE_TO_PCI	0x7
#define BRIDGE_DEPTH_MAX	8	/* nesting we follow */

uint32_t pci_read(const struct pci_access *a, uint16_t rid,
		  unsigned int offset, unsigned int size)
{
	uint32_t v = a->read(a->ctx, rid, offset & ~3U);
	unsigned int shift = (offset & 3) * 8;

	if (size == 4)
		return v;
	return v >> shift & ((1U << (size * 8)) - 1);
}

void pci_write(const struct pci_access *a, uint16_t rid, unsigned int offset,
	       unsigned int size, uint32_t value)
{
	unsigned int shift = (offset & 3) * 8;
	uint32_t mask, v;

	if (size == 4) {
		a->write(a->ctx, rid, offset, value);
		return;
	}
	mask = ((1U << (size * 8)) - 1) << shift;
	v = a->read(a->ctx, rid, offset & ~3U);
	a->write(a->ctx, rid, offset & ~3U, (v & ~mask) | (value << shift &
							    mask));
}

uint8_t pci_find_cap(const struct pci_access *a, uint16_t rid, uint8_t id)
{
	uint8_t at;

	if (!(pci_read(a, rid, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	at = (uint8_t)pci_read(a, rid, PCI_CAP_PTR, 1) & 0xfc;
	for (int n = 0; at >= 0x40 && n < PCI_CAP_LIST_MAX; n++) {
		if (pci_read(a, rid, at, 1) == id)
			return at;
		at = (uint8_t)pci_read(a, rid, at + 1u, 1) & 0xfc;
	}
	return 0;
}

/* Extended capabilities exist only where ECAM reaches offset 0x100. */
static uint16_t find_ecap(const struct pci_access *a, uint16_t rid,
			  uint16_t id)
{
	unsigned int at = PCI_ECAP_START;

	for (int n = 0; at >= PCI_ECAP_START && n < PCI_ECAP_LIST_MAX; n++) {
		uint32_t hdr = pci_read(a, rid, at, 4);

		if (hdr == 0 || hdr == ~0U)
			return 0;
		if ((hdr & 0xffff) == id)
			return (uint16_t)at;
		at = hdr >> 20 & 0xffc;
	}
	return 0;
}

static uint64_t probe_dword(const struct pci_access *a, uint16_t rid,
			    unsigned int reg)
{
	uint32_t orig = pci_read(a, rid, reg, 4), mask;

	pci_write(a, rid, reg, 4, ~0U);
	mask = pci_read(a, rid, reg, 4);
	pci_write(a, rid, reg, 4, orig);
	return mask;
}

/* The sizing protocol (PCI 3.0 6.2.5.1); returns how many BARs it used. */
static unsigned int size_bar(const struct pci_access *a, uint16_t rid,
			     unsigned int i, struct pci_bar *bar)
{
	unsigned int reg = PCI_BAR0 + 4 * i;
	uint32_t low = pci_read(a, rid, reg, 4);
	uint64_t mask = probe_dword(a, rid, reg), base;

	if (low & PCI_BAR_IO_FLAG) {
		mask &= PCI_BAR_IO_MASK & PCI_IO_SPACE_MASK;
		if (mask) {
			bar->kind = PCI_BAR_IO;
			bar->base = low & PCI_BAR_IO_MASK & PCI_IO_SPACE_MASK;
			bar->size = (~mask & PCI_IO_SPACE_MASK) + 1;
		}
		return 1;
	}
	base = low & PCI_BAR_MEM_MASK;
	mask &= PCI_BAR_MEM_MASK;
	bar->prefetchable = low & PCI_BAR_PREFETCH;
	if ((low & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 &&
	    i + 1 < PCI_BARS) {
		base |= (uint64_t)pci_read(a, rid, reg + 4, 4) << 32;
		mask |= probe_dword(a, rid, reg + 4) << 32;
		if (mask) {
			bar->kind = PCI_BAR_MEM64;
			bar->base = base;
			bar->size = ~mask + 1;
		}
		return 2;
	}
	if (mask) {
		bar->kind = PCI_BAR_MEM32;
		bar->base = base;
		bar->size = (~mask & 0xffffffffULL) + 1;
	}
	return 1;
}

static void size_bars(const struct pci_access *a, struct pci_function *f)
{
	uint32_t cmd = pci_read(a, f->rid, PCI_COMMAND, 2);

	/* A half-written BAR must not decode: turn decoding off meanwhile. */
	pci_write(a, f->rid, PCI_COMMAND, 2,
		  cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned int i = 0; i < PCI_BARS;)
		i += size_bar(a, f->rid, i, &f->bars[i]);
	pci_write(a, f->rid, PCI_COMMAND, 2, cmd);
}

static void read_caps(const struct pci_access *a, struct pci_function *f)
{
	f->cap_msi = pci_find_cap(a, f->rid, PCI_CAP_MSI);
	f->cap_msix = pci_find_cap(a, f->rid, PCI_CAP_MSIX);
	f->cap_pm = pci_find_cap(a, f->rid, PCI_CAP_PM);
	f->cap_pcie = pci_find_cap(a, f->rid, PCI_CAP_PCIE);
	if (!f->cap_pcie)
		return;
	f->pcie_type = (uint8_t)(pci_read(a, f->rid, f->cap_pcie +
					  PCIE_CAPS_REG, 2) >>
				 PCIE_TYPE_SHIFT & PCIE_TYPE_MASK);
	f->flr = pci_read(a, f->rid, f->cap_pcie + PCIE_DEVCAP_REG, 4) &
		 PCIE_DEVCAP_FLR;
	f->ecap_acs = find_ecap(a, f->rid, PCI_ECAP_ACS);
}

static struct pci_function *add_function(struct pci_inventory *inv,
					 const struct pci_access *a,
					 uint16_t rid, uint16_t parent,
					 bool multifunction)
{
	uint32_t id = pci_read(a, rid, PCI_VENDOR_ID, 4);
	/* Only function 0's multi-function bit counts (PCI 3.0 6.2.1). */
	uint8_t hdr = (uint8_t)pci_read(a, rid, PCI_HEADER_TYPE, 1);
	struct pci_function *f;

	if (inv->count == PCI_MAX_FUNCTIONS) {
		inv->skipped++;
		return NULL;
	}
	f = &inv->fn[inv->count++];
	*f = (struct pci_function){
		.rid = rid, .vendor = (uint16_t)id,
		.device = (uint16_t)(id >> 16),
		.class_code = pci_read(a, rid, PCI_CLASS_REVISION, 4) >> 8,
		.header_type = hdr & (uint8_t)~PCI_HEADER_MULTI,
		.multifunction = multifunction,
		.irq_pin = (uint8_t)pci_read(a, rid, PCI_INTERRUPT_PIN, 1),
		.gsi = PCI_GSI_NONE, .parent = parent, .owner = -1,
	};
	read_caps(a, f);
	if (f->header_type == PCI_HEADER_BRIDGE) {
		uint32_t buses = pci_read(a, rid, PCI_BUS_NUMBERS, 4);

		f->secondary_bus = (uint8_t)(buses >> 8);
		f->subordinate_bus = (uint8_t)(buses >> 16);
	} else if (f->header_type == 0) {
		size_bars(a, f);
	}
	return f;
}

static bool present(const struct pci_access *a, uint16_t rid)
{
	return (pci_read(a, rid, PCI_VENDOR_ID, 4) & 0xffff) != 0xffff;
}

static void scan_bus(struct pci_inventory *inv, const struct pci_access *a,
		     uint8_t bus, uint16_t parent, int depth);

static void scan_function(struct pci_inventory *inv,
			  const struct pci_access *a, uint16_t rid,
			  uint16_t parent, int depth, bool multifunction)
{
	struct pci_function *f = add_function(inv, a, rid, parent,
					      multifunction);
	uint16_t self;

	if (!f || f->header_type != PCI_HEADER_BRIDGE)
		return;
	self = (uint16_t)(f - inv->fn);
	/* Only forward: a bridge pointing back at its own bus is broken. */
	if (f->secondary_bus > pci_bus(rid) &&
	    f->secondary_bus <= inv->bus_end && depth < BRIDGE_DEPTH_MAX)
		scan_bus(inv, a, f->secondary_bus, self, depth + 1);
}

static void scan_bus(struct pci_inventory *inv, const struct pci_access *a,
		     uint8_t bus, uint16_t parent, int depth)
{
	for (unsigned int dev = 0; dev < PCI_DEVICES_PER_BUS; dev++) {
		uint16_t rid = (uint16_t)(bus << 8 | dev << 3);
		unsigned int fns = 1;

		if (!present(a, rid))
			continue;
		if (pci_read(a, rid, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTI)
			fns = PCI_FUNCTIONS_PER_DEV;
		for (unsigned int fn = 0; fn < fns; fn++)
			if (present(a, (uint16_t)(rid | fn)))
				scan_function(inv, a, (uint16_t)(rid | fn),
					      parent, depth, fns > 1);
	}
}

void pci_scan(struct pci_inventory *inv, const struct pci_access *a)
{
	inv->count = 0;
	inv->skipped = 0;
	scan_bus(inv, a, inv->bus_start, PCI_NONE, 0);
}

struct pci_function *pci_find(struct pci_inventory *inv, uint16_t rid)
{
	for (unsigned int i = 0; i < inv->count; i++)
		if (inv->fn[i].rid == rid)
			return &inv->fn[i];
	return NULL;
}

/* A bridge whose secondary side is conventional PCI (or PCI-X). */
static bool to_conventional(const struct pci_function *bridge)
{
	return !bridge->cap_pcie || bridge->pcie_type == PCIE_TYPE_PCIE_TO_PCI;
}

/* The topmost bridge to conventional PCI above f, or PCI_NONE. */
static uint16_t conventional_root(const struct pci_inventory *inv,
				  const struct pci_function *f)
{
	uint16_t found = PCI_NONE;

	for (uint16_t up = f->parent; up != PCI_NONE; up = inv->fn[up].parent)
		if (to_conventional(&inv->fn[up]))
			found = up;
	return found;
}

#define GROUP_BRIDGE	(1U << 24)
#define GROUP_SLOT	(2U << 24)
#define GROUP_SELF	(3U << 24)

uint32_t pci_dma_group(const struct pci_inventory *inv,
		       const struct pci_function *f)
{
	uint16_t root = conventional_root(inv, f);

	if (root != PCI_NONE)
		return GROUP_BRIDGE | inv->fn[root].rid;
	/* Without ACS, functions of one device may reach each other. */
	if (f->multifunction && !f->ecap_acs)
		return GROUP_SLOT | (f->rid & ~7U);
	return GROUP_SELF | f->rid;
}

unsigned int pci_dma_aliases(const struct pci_inventory *inv,
			     const struct pci_function *f, uint16_t out[3])
{
	uint16_t root = conventional_root(inv, f);
	unsigned int n = 0;

	out[n++] = f->rid;
	if (root != PCI_NONE) {
		/* PCIe-to-PCI bridges tag with (secondary bus, 0) or their
		 * own ID (PCIe-to-PCI Bridge spec 2.3): block or allow both. */
		out[n++] = (uint16_t)(inv->fn[root].secondary_bus << 8);
		out[n++] = inv->fn[root].rid;
	}
	return n;
}

uint32_t pci_bar_flags(const struct pci_bar *b)
{
	if (b->kind == PCI_BAR_IO)
		return PCI_BAR_IO_FLAG;
	return (b->kind == PCI_BAR_MEM64 ? PCI_BAR_MEM_TYPE_64 : 0) |
	       (b->prefetchable ? PCI_BAR_PREFETCH : 0);
}

static const char *const bar_kinds[] = { "-", "io", "mem32", "mem64" };

static size_t describe_bar(const struct pci_bar *b, unsigned int i, char *buf,
			   size_t size)
{
	static const char units[] = "KMG";
	uint64_t amount = b->size;
	char unit = 0;

	for (unsigned int u = 0; u < 3 && amount >= 1024 && !(amount & 1023);
	     u++) {
		amount >>= 10;
		unit = units[u];
	}
	return (size_t)snformat(buf, size, " bar%u %s%s %#llx+%llu%s", i,
				bar_kinds[b->kind], b->prefetchable ? "-pf" : "",
				(unsigned long long)b->base,
				(unsigned long long)amount,
				unit ? (char[2]){ unit, 0 } : "");
}

void pci_describe(const struct pci_function *f, char *buf, size_t size)
{
	size_t n = (size_t)snformat(buf, size, "%02x:%02x.%x %04x:%04x class %06x%s",
				    pci_bus(f->rid), pci_slot(f->rid),
				    f->rid & 7, f->vendor, f->device,
				    f->class_code,
				    f->header_type == PCI_HEADER_BRIDGE ?
				    " bridge" : "");

	for (unsigned int i = 0; i < PCI_BARS && n < size; i++)
		if (f->bars[i].kind != PCI_BAR_NONE)
			n += describe_bar(&f->bars[i], i, buf + n, size - n);
}
