/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Config space as a partition sees it. Every register is either read from
 * the hardware, kept here (BAR sizing, MSI/MSI-X messages, interrupt line)
 * or written through a mask of the bits a guest may change; nothing else
 * reaches the device.
 */
#include "drivers/emul/vpci.h"
#include "lib/errno.h"

/* BAR flag bits (PCI 3.0 6.2.5.1). */
#define BAR_BASE_MASK_IO	0xfffffffcULL
#define BAR_BASE_MASK_MEM	0xfffffff0ULL
#define PCI_BAR_LAST		(PCI_BAR0 + 4 * PCI_BARS)
#define PCI_ROM_ADDRESS		0x30
/* Command bits a partition may change; INTx-disable only with a line. */
#define COMMAND_GUEST_BITS	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
				 PCI_COMMAND_MASTER)
#define PCI_INTERRUPT_PIN_SHIFT	8	/* in the dword at 0x3c */
/* Port 0xCF8 (PCI 3.0 3.2.2.3.2). */
#define CF8_ENABLE		0x80000000U
#define CF8_RID_SHIFT		8
#define CF8_REG_MASK		0xfcU
/* MSI capability (PCI 3.0 6.8.1). */
#define MSI_CONTROL		2
#define MSI_ADDRESS_LO		4
#define MSI_ADDRESS_HI		8
#define MSI_DATA_32		8
#define MSI_DATA_64		12
#define MSI_CTRL_ENABLE		(1U << 0)
#define MSI_CTRL_MMC_MASK	(7U << 1)	/* vectors capable: shown as 1 */
#define MSI_CTRL_MME_MASK	(7U << 4)	/* vectors enabled: kept at 1 */
#define MSI_CTRL_64BIT		(1U << 7)
#define MSI_CTRL_MASKABLE	(1U << 8)
/* MSI-X capability and table (PCI 3.0 6.8.2). */
#define MSIX_CONTROL		2
#define MSIX_TABLE		4
#define MSIX_CTRL_SIZE_MASK	0x7ffU
#define MSIX_CTRL_MASK_ALL	(1U << 14)
#define MSIX_CTRL_ENABLE	(1U << 15)
#define MSIX_BIR_MASK		0x7U
#define MSIX_ENTRY_SIZE		16
#define MSIX_ENTRY_ADDR_LO	0
#define MSIX_ENTRY_ADDR_HI	4
#define MSIX_ENTRY_DATA		8
#define MSIX_ENTRY_CTRL		12
#define MSIX_ENTRY_MASKED	(1U << 0)
/* Registers a guest may write inside the capabilities it sees. */
#define PM_CONTROL		4	/* PMCSR: power state (PCI PM 1.2) */
#define PCIE_DEVCTL		8	/* FLR, error reporting (PCIe 7.5.3.4) */
#define PCIE_DEVCTL2		0x28

void vpci_init(struct vpci *v, const struct pci_access *hw,
	       const struct vpci_hooks *hooks)
{
	*v = (struct vpci){ .hw = hw, .hooks = *hooks };
}

struct vpci_dev *vpci_find(struct vpci *v, uint16_t rid)
{
	for (unsigned int i = 0; i < v->count; i++)
		if (v->dev[i].fn->rid == rid)
			return &v->dev[i];
	return NULL;
}

static void msix_setup(struct vpci *v, struct vpci_dev *d)
{
	const struct pci_function *fn = d->fn;
	uint32_t ctrl = pci_read(v->hw, fn->rid, fn->cap_msix + MSIX_CONTROL, 2);
	uint32_t table = pci_read(v->hw, fn->rid, fn->cap_msix + MSIX_TABLE, 4);

	d->msix.bar = table & MSIX_BIR_MASK;
	d->msix.table_offset = table & ~MSIX_BIR_MASK;
	d->msix.size = (uint16_t)((ctrl & MSIX_CTRL_SIZE_MASK) + 1);
	if (d->msix.size > VPCI_MSIX_MAX)
		d->msix.size = VPCI_MSIX_MAX;
	for (unsigned int i = 0; i < d->msix.size; i++)
		d->msix.masked[i] = true;	/* the reset state */
}

static bool guest_gsi_used(const struct vpci *v, uint8_t gsi)
{
	for (unsigned int i = 0; i < v->count; i++)
		if (v->dev[i].intx_gsi == gsi)
			return true;
	return false;
}

/*
 * The guest's GSI for d's INTx line: the one of a function on the same
 * host line, else the host's GSI when the partition's I/O APIC has that
 * pin free, else the first free PCI pin; 0 when none is left.
 */
static uint8_t intx_guest_gsi(const struct vpci *v, const struct vpci_dev *d)
{
	uint32_t host = d->fn->gsi;

	if (host == PCI_GSI_NONE || !d->fn->irq_pin)
		return 0;
	for (unsigned int i = 0; i < v->count; i++)
		if (&v->dev[i] != d && v->dev[i].intx_gsi &&
		    v->dev[i].fn->gsi == host)
			return v->dev[i].intx_gsi;
	if (host >= VPCI_INTX_FIRST_GSI && host < VIOAPIC_PINS &&
	    !guest_gsi_used(v, (uint8_t)host))
		return (uint8_t)host;
	for (uint8_t gsi = VPCI_INTX_FIRST_GSI; gsi < VIOAPIC_PINS; gsi++)
		if (!guest_gsi_used(v, gsi))
			return gsi;
	return 0;
}

int vpci_add(struct vpci *v, const struct pci_function *fn)
{
	struct vpci_dev *d;

	if (v->count == VPCI_MAX_DEVICES)
		return -ENOSPC;
	d = &v->dev[v->count++];
	*d = (struct vpci_dev){ .fn = fn };
	if (fn->cap_msix)
		msix_setup(v, d);
	d->intx_gsi = intx_guest_gsi(v, d);
	return 0;
}

/* ---- capability list: PM, MSI, MSI-X and PCI Express only ---- */

static uint8_t next_visible_cap(const struct pci_function *fn, unsigned int after)
{
	const uint8_t caps[] = { fn->cap_pm, fn->cap_msi, fn->cap_msix,
				 fn->cap_pcie };
	uint8_t best = 0;

	for (unsigned int i = 0; i < sizeof(caps); i++)
		if (caps[i] > after && (!best || caps[i] < best))
			best = caps[i];
	return best;
}

static bool is_visible_cap(const struct pci_function *fn, unsigned int at)
{
	return at && (at == fn->cap_pm || at == fn->cap_msi ||
		      at == fn->cap_msix || at == fn->cap_pcie);
}

/* ---- BARs: where the firmware put them; sizing works ---- */

/* BAR register i as 64 bits: its own BAR, or the upper half of i - 1. */
static const struct pci_bar *bar_of(const struct pci_function *fn,
				    unsigned int i, bool *upper)
{
	*upper = i > 0 && fn->bars[i - 1].kind == PCI_BAR_MEM64;
	return *upper ? &fn->bars[i - 1] : &fn->bars[i];
}

static uint32_t read_bar(const struct vpci_dev *d, unsigned int i)
{
	bool upper;
	const struct pci_bar *b = bar_of(d->fn, i, &upper);
	unsigned int own = upper ? i - 1 : i;
	uint64_t v;

	if (b->kind == PCI_BAR_NONE)
		return 0;
	if (d->bar_probing & (1U << own))
		v = ~(b->size - 1);
	else
		v = b->base;
	v = (v & (b->kind == PCI_BAR_IO ? BAR_BASE_MASK_IO :
		  ~0xfULL)) | pci_bar_flags(b);
	if (b->kind == PCI_BAR_IO)
		v &= 0xffffffffULL;
	return upper ? (uint32_t)(v >> 32) : (uint32_t)v;
}

/*
 * All ones starts sizing; the firmware's address ends it and goes to the
 * hardware too (a driver restores BARs after a reset); any other address
 * would move the BAR, which is refused: the write is dropped.
 */
static void write_bar(struct vpci *v, struct vpci_dev *d, unsigned int i,
		      uint32_t value)
{
	bool upper;
	const struct pci_bar *b = bar_of(d->fn, i, &upper);
	unsigned int own = upper ? i - 1 : i;
	uint32_t mask = (uint32_t)(upper ? ~(b->size - 1) >> 32 :
				   ~(b->size - 1));
	uint32_t firmware = (uint32_t)(upper ? b->base >> 32 : b->base);

	if (b->kind == PCI_BAR_NONE)
		return;
	if (b->kind == PCI_BAR_IO)
		mask &= (uint32_t)BAR_BASE_MASK_IO;
	else if (!upper)
		mask &= (uint32_t)BAR_BASE_MASK_MEM;
	if ((value & mask) == mask && mask != (firmware & mask)) {
		d->bar_probing |= (uint8_t)(1U << own);
	} else if ((value & mask) == (firmware & mask)) {
		d->bar_probing &= (uint8_t)~(1U << own);
		pci_write(v->hw, d->fn->rid, PCI_BAR0 + 4 * i, 4,
			  firmware | (upper ? 0 : (uint32_t)pci_bar_flags(b)));
	}
}

/* ---- MSI ---- */

static unsigned int msi_data_offset(const struct vpci_dev *d)
{
	return d->msi_control & MSI_CTRL_64BIT ? MSI_DATA_64 : MSI_DATA_32;
}

/* Hardware sends what route() made of the guest's message, or nothing. */
static void msi_update(struct vpci *v, struct vpci_dev *d)
{
	uint16_t rid = d->fn->rid;
	unsigned int cap = d->fn->cap_msi;
	uint32_t ctrl = pci_read(v->hw, rid, cap + MSI_CONTROL, 2);
	uint64_t address;
	uint32_t data;

	ctrl &= ~(MSI_CTRL_ENABLE | MSI_CTRL_MME_MASK);
	pci_write(v->hw, rid, cap + MSI_CONTROL, 2, ctrl);
	if (!d->msi.enabled ||
	    !v->hooks.route(v->hooks.ctx, rid, 0, &d->msi, &address, &data))
		return;
	pci_write(v->hw, rid, cap + MSI_ADDRESS_LO, 4, (uint32_t)address);
	if (ctrl & MSI_CTRL_64BIT)
		pci_write(v->hw, rid, cap + MSI_ADDRESS_HI, 4,
			  (uint32_t)(address >> 32));
	pci_write(v->hw, rid, cap + msi_data_offset(d), 2, data & 0xffff);
	pci_write(v->hw, rid, cap + MSI_CONTROL, 2, ctrl | MSI_CTRL_ENABLE);
}

static uint32_t msi_read(struct vpci *v, struct vpci_dev *d, unsigned int reg)
{
	uint32_t hw = pci_read(v->hw, d->fn->rid, d->fn->cap_msi + reg, 4);

	d->msi_control = (uint16_t)(pci_read(v->hw, d->fn->rid,
					     d->fn->cap_msi + MSI_CONTROL, 2) &
				    ~(MSI_CTRL_ENABLE | MSI_CTRL_MMC_MASK |
				      MSI_CTRL_MME_MASK)) |
			 (d->msi.enabled ? MSI_CTRL_ENABLE : 0);
	if (reg == 0)
		return (hw & 0xffff) | (uint32_t)d->msi_control << 16;
	if (reg == MSI_ADDRESS_LO)
		return (uint32_t)d->msi.address;
	if (reg == MSI_ADDRESS_HI && (d->msi_control & MSI_CTRL_64BIT))
		return (uint32_t)(d->msi.address >> 32);
	if (reg == msi_data_offset(d))
		return d->msi.data & 0xffff;
	return hw;	/* mask and pending bits: the hardware's */
}

static void msi_write(struct vpci *v, struct vpci_dev *d, unsigned int reg,
		      unsigned int size, uint32_t value)
{
	unsigned int data = msi_data_offset(d);

	(void)msi_read(v, d, 0);	/* refresh msi_control */
	if (reg == MSI_CONTROL && size == 2) {
		d->msi.enabled = value & MSI_CTRL_ENABLE;
	} else if (reg == 0 && size == 4) {
		d->msi.enabled = value >> 16 & MSI_CTRL_ENABLE;
	} else if (reg == MSI_ADDRESS_LO && size == 4) {
		d->msi.address = (d->msi.address & ~0xffffffffULL) | value;
	} else if (reg == MSI_ADDRESS_HI && size == 4 &&
		   (d->msi_control & MSI_CTRL_64BIT)) {
		d->msi.address = (d->msi.address & 0xffffffffULL) |
				 (uint64_t)value << 32;
	} else if (reg == data) {
		d->msi.data = value & 0xffff;
	} else if ((d->msi_control & MSI_CTRL_MASKABLE) && reg == data + 4 &&
		   size == 4) {
		/* Per-vector mask bits: the guest's to set. */
		pci_write(v->hw, d->fn->rid, d->fn->cap_msi + reg, 4, value);
		return;
	} else {
		return;
	}
	msi_update(v, d);
}

/* ---- MSI-X ---- */

static void msix_program(struct vpci *v, struct vpci_dev *d, unsigned int i)
{
	uint64_t address = 0;
	uint32_t data = 0;
	bool ok = v->hooks.route(v->hooks.ctx, d->fn->rid, i,
				 &d->msix.entry[i], &address, &data);

	v->hooks.msix_entry(v->hooks.ctx, d->fn, i, address, data,
			    d->msix.masked[i] || !ok);
}

static uint32_t msix_control_read(struct vpci *v, struct vpci_dev *d)
{
	return pci_read(v->hw, d->fn->rid, d->fn->cap_msix + MSIX_CONTROL, 2);
}

/* Enable and function mask go to the hardware, entries programmed first. */
static void msix_control_write(struct vpci *v, struct vpci_dev *d,
			       uint32_t value)
{
	uint32_t ctrl = msix_control_read(v, d);
	bool enable = value & MSIX_CTRL_ENABLE;

	for (unsigned int i = 0; enable && i < d->msix.size; i++) {
		d->msix.entry[i].enabled = true;
		msix_program(v, d, i);
	}
	ctrl = (ctrl & ~(MSIX_CTRL_ENABLE | MSIX_CTRL_MASK_ALL)) |
	       (value & (MSIX_CTRL_ENABLE | MSIX_CTRL_MASK_ALL));
	pci_write(v->hw, d->fn->rid, d->fn->cap_msix + MSIX_CONTROL, 2, ctrl);
}

uint64_t vpci_msix_entry_address(const struct vpci_dev *dev,
				 unsigned int index)
{
	return dev->fn->bars[dev->msix.bar].base + dev->msix.table_offset +
	       (uint64_t)index * MSIX_ENTRY_SIZE;
}

#define PAGE_MASK_4K	0xfffULL

void vpci_msix_pages(const struct vpci_dev *dev, uint64_t *start,
		     uint64_t *end)
{
	*start = *end = 0;
	if (!dev->fn->cap_msix)
		return;
	*start = vpci_msix_entry_address(dev, 0) & ~PAGE_MASK_4K;
	*end = (vpci_msix_entry_address(dev, dev->msix.size) + PAGE_MASK_4K) &
	       ~PAGE_MASK_4K;
}

static bool msix_entry_at(const struct vpci_dev *d, uint64_t offset,
			  unsigned int size, unsigned int *index,
			  unsigned int *reg)
{
	uint64_t rel = offset - d->msix.table_offset;

	if (!d->fn->cap_msix || offset < d->msix.table_offset ||
	    rel >= (uint64_t)d->msix.size * MSIX_ENTRY_SIZE ||
	    (size != 4 && size != 8) || (rel & (size - 1)))
		return false;
	*index = (unsigned int)(rel / MSIX_ENTRY_SIZE);
	*reg = (unsigned int)(rel % MSIX_ENTRY_SIZE);
	return true;
}

static uint32_t msix_entry_read32(const struct vpci_dev *d, unsigned int i,
				  unsigned int reg)
{
	const struct vpci_msg *m = &d->msix.entry[i];

	switch (reg) {
	case MSIX_ENTRY_ADDR_LO:
		return (uint32_t)m->address;
	case MSIX_ENTRY_ADDR_HI:
		return (uint32_t)(m->address >> 32);
	case MSIX_ENTRY_DATA:
		return m->data;
	default:
		return d->msix.masked[i] ? MSIX_ENTRY_MASKED : 0;
	}
}

bool vpci_msix_read(struct vpci *v, struct vpci_dev *dev, uint64_t offset,
		    unsigned int size, uint64_t *value)
{
	unsigned int i, reg;

	(void)v;
	if (!msix_entry_at(dev, offset, size, &i, &reg))
		return false;
	*value = msix_entry_read32(dev, i, reg);
	if (size == 8)
		*value |= (uint64_t)msix_entry_read32(dev, i, reg + 4) << 32;
	return true;
}

static void msix_entry_write32(struct vpci_dev *d, unsigned int i,
			       unsigned int reg, uint32_t value)
{
	struct vpci_msg *m = &d->msix.entry[i];

	switch (reg) {
	case MSIX_ENTRY_ADDR_LO:
		m->address = (m->address & ~0xffffffffULL) | value;
		break;
	case MSIX_ENTRY_ADDR_HI:
		m->address = (m->address & 0xffffffffULL) |
			     (uint64_t)value << 32;
		break;
	case MSIX_ENTRY_DATA:
		m->data = value;
		break;
	default:
		d->msix.masked[i] = value & MSIX_ENTRY_MASKED;
	}
}

bool vpci_msix_write(struct vpci *v, struct vpci_dev *dev, uint64_t offset,
		     unsigned int size, uint64_t value)
{
	unsigned int i, reg;

	if (!msix_entry_at(dev, offset, size, &i, &reg))
		return false;
	msix_entry_write32(dev, i, reg, (uint32_t)value);
	if (size == 8)
		msix_entry_write32(dev, i, reg + 4, (uint32_t)(value >> 32));
	dev->msix.entry[i].enabled = true;
	msix_program(v, dev, i);
	return true;
}

/* ---- the register map ---- */

static uint32_t read_header(struct vpci *v, struct vpci_dev *d,
			    unsigned int reg)
{
	const struct pci_function *fn = d->fn;
	uint32_t hw;

	if (reg >= PCI_BAR0 && reg < PCI_BAR_LAST)
		return read_bar(d, (reg - PCI_BAR0) / 4);
	if (reg == PCI_ROM_ADDRESS)
		return 0;	/* no option ROM */
	if (fn->cap_msi && reg >= fn->cap_msi &&
	    reg < fn->cap_msi + MSI_DATA_64 + 4u)
		return msi_read(v, d, reg - fn->cap_msi);
	hw = pci_read(v->hw, fn->rid, reg, 4);
	if (reg == PCI_COMMAND) {
		hw &= ~(uint32_t)(PCI_STATUS_CAP_LIST << 16);
		if (next_visible_cap(fn, 0))
			hw |= PCI_STATUS_CAP_LIST << 16;
	} else if (reg == PCI_CAP_PTR) {
		hw = next_visible_cap(fn, 0);
	} else if (reg == PCI_INTERRUPT_LINE) {
		/* The pin only where the partition has the line. */
		hw = (hw & 0xffff0000U) | d->interrupt_line;
		if (d->intx_gsi)
			hw |= (uint32_t)fn->irq_pin << PCI_INTERRUPT_PIN_SHIFT;
	}
	return hw;
}

static uint32_t read_dword(struct vpci *v, struct vpci_dev *d,
			   unsigned int reg)
{
	uint32_t value;

	if (reg >= PCI_CONFIG_SIZE)
		return 0;	/* no extended capabilities */
	value = read_header(v, d, reg);
	/* A visible capability links to the next visible one. */
	if (is_visible_cap(d->fn, reg))
		value = (value & 0xffff00ffU) |
			(uint32_t)next_visible_cap(d->fn, reg) << 8;
	return value;
}

uint32_t vpci_read(struct vpci *v, uint16_t rid, unsigned int offset,
		   unsigned int size)
{
	struct vpci_dev *d = vpci_find(v, rid);
	uint32_t dword;

	if (!d)
		return size == 4 ? ~0U : (1U << (size * 8)) - 1;
	dword = read_dword(v, d, offset & ~3U);
	if (size == 4)
		return dword;
	return dword >> ((offset & 3) * 8) & ((1U << (size * 8)) - 1);
}

static bool in_cap(unsigned int cap, unsigned int offset, unsigned int reg)
{
	return cap && offset == cap + reg;
}

static void write_cap(struct vpci *v, struct vpci_dev *d, unsigned int offset,
		      unsigned int size, uint32_t value)
{
	const struct pci_function *fn = d->fn;

	if (fn->cap_msi && offset >= fn->cap_msi &&
	    offset < fn->cap_msi + MSI_DATA_64 + 8u)
		msi_write(v, d, offset - fn->cap_msi, size, value);
	else if (in_cap(fn->cap_msix, offset, MSIX_CONTROL) && size == 2)
		msix_control_write(v, d, value);
	else if ((in_cap(fn->cap_pm, offset, PM_CONTROL) ||
		  in_cap(fn->cap_pcie, offset, PCIE_DEVCTL) ||
		  in_cap(fn->cap_pcie, offset, PCIE_DEVCTL2)) && size == 2)
		pci_write(v->hw, fn->rid, offset, 2, value);
}

void vpci_write(struct vpci *v, uint16_t rid, unsigned int offset,
		unsigned int size, uint32_t value)
{
	struct vpci_dev *d = vpci_find(v, rid);
	uint32_t cmd;

	if (!d || offset >= PCI_CONFIG_SIZE)
		return;
	if (offset == PCI_COMMAND && size >= 2) {
		uint32_t intx = d->intx_gsi ? value & PCI_COMMAND_INTX_OFF :
				PCI_COMMAND_INTX_OFF;

		cmd = pci_read(v->hw, rid, PCI_COMMAND, 2);
		cmd = (cmd & ~(COMMAND_GUEST_BITS | PCI_COMMAND_INTX_OFF)) |
		      (value & COMMAND_GUEST_BITS) | intx;
		pci_write(v->hw, rid, PCI_COMMAND, 2, cmd);
	} else if (offset >= PCI_BAR0 && offset < PCI_BAR_LAST && size == 4) {
		write_bar(v, d, (offset - PCI_BAR0) / 4, value);
	} else if (offset == PCI_INTERRUPT_LINE && size == 1) {
		d->interrupt_line = (uint8_t)value;
	} else if (offset >= 0x40) {
		write_cap(v, d, offset, size, value);
	}
}

/* ---- ECAM (PCIe 5.0 7.2.2): 4 KiB per function ---- */

#define ECAM_FUNCTION_SHIFT	12
#define ECAM_REG_MASK		0xfffU

bool vpci_ecam_decode(const struct vpci *v, uint64_t offset, uint16_t *rid,
		      unsigned int *reg)
{
	uint64_t function = offset >> ECAM_FUNCTION_SHIFT;

	if (!v->ecam_base || function < (uint64_t)v->bus_start << 8 ||
	    function >= ((uint64_t)v->bus_end + 1) << 8)
		return false;
	*rid = (uint16_t)function;
	*reg = (unsigned int)(offset & ECAM_REG_MASK);
	return true;
}

/* ---- ports 0xCF8-0xCFF ---- */

uint32_t vpci_port_read(struct vpci *v, uint16_t port, unsigned int size)
{
	unsigned int reg = (v->address & CF8_REG_MASK) | (port & 3);

	if (port == VPCI_PORT_ADDRESS && size == 4)
		return v->address;
	if (port < VPCI_PORT_DATA || !(v->address & CF8_ENABLE))
		return size == 4 ? ~0U : (1U << (size * 8)) - 1;
	return vpci_read(v, (uint16_t)(v->address >> CF8_RID_SHIFT), reg, size);
}

void vpci_port_write(struct vpci *v, uint16_t port, unsigned int size,
		     uint32_t value)
{
	unsigned int reg = (v->address & CF8_REG_MASK) | (port & 3);

	if (port == VPCI_PORT_ADDRESS && size == 4)
		v->address = value & (CF8_ENABLE | 0x00ffffffU) & ~3U;
	else if (port >= VPCI_PORT_DATA && (v->address & CF8_ENABLE))
		vpci_write(v, (uint16_t)(v->address >> CF8_RID_SHIFT), reg,
			   size, value);
}

void vpci_quiesce(struct vpci *v)
{
	for (unsigned int i = 0; i < v->count; i++) {
		struct vpci_dev *d = &v->dev[i];
		uint16_t rid = d->fn->rid;
		uint32_t cmd = pci_read(v->hw, rid, PCI_COMMAND, 2);

		pci_write(v->hw, rid, PCI_COMMAND, 2,
			  (cmd & ~COMMAND_GUEST_BITS) | PCI_COMMAND_INTX_OFF);
		d->msi.enabled = false;
		if (d->fn->cap_msi)
			msi_update(v, d);
		if (d->fn->cap_msix)
			msix_control_write(v, d, MSIX_CTRL_MASK_ALL);
		d->bar_probing = 0;
	}
}
