/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stage-2 faults: a partition touched guest-physical memory it has no RAM
 * at. The local APIC and I/O APIC pages are emulated (the instruction is
 * fetched and decoded here, since no decode assist can be relied on);
 * anything else stops the partition, naming the address.
 */
#include "kernel/exit/mmio_emul.h"
#include "arch/x86/guest_walk.h"
#include "arch/x86/insn.h"
#include "arch/x86/lapic.h"
#include "drivers/emul/vlapic.h"
#include "lib/errno.h"
#include "kernel/exit/exit.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/log.h"
#include "kernel/partition.h"
#include "lib/string.h"

#define MAX_INSN_BYTES		15
#define APIC_REG_ALIGN		0xfU

static int read_guest_ram(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct partition *p = ctx;

	if (gpa >= p->ram_size || len > p->ram_size - gpa)
		return -EFAULT;
	memcpy(buf, (const uint8_t *)(uintptr_t)p->boot->ram + gpa, len);
	return 0;
}

/* Copies the bytes at CS:RIP, page by page through the guest's tables. */
static int fetch_insn(struct vcpu *v, uint64_t rip, uint8_t *bytes,
		      size_t *got)
{
	struct guest_paging paging;
	uint64_t linear = virt()->cs_base(v) + rip;
	size_t n = 0;

	virt()->get_paging(v, &paging);
	while (n < MAX_INSN_BYTES) {
		uint64_t gpa;
		size_t chunk = 0x1000 - ((linear + n) & 0xfff);

		if (chunk > MAX_INSN_BYTES - n)
			chunk = MAX_INSN_BYTES - n;
		if (guest_virt_to_phys(&paging, linear + n, read_guest_ram,
				       v->part, &gpa) ||
		    read_guest_ram(v->part, gpa, bytes + n, chunk))
			break;
		n += chunk;
	}
	*got = n;
	return n ? 0 : -EFAULT;
}

static enum insn_mode decode_mode(struct vcpu *v)
{
	switch (virt()->code_bits(v)) {
	case 64:
		return INSN_MODE_64;
	case 32:
		return INSN_MODE_32;
	default:
		return INSN_MODE_16;
	}
}

static uint64_t combine(const struct insn *in, uint64_t old, uint64_t src)
{
	switch (in->kind) {
	case INSN_AND_TO_MEM:
		return old & src;
	case INSN_OR_TO_MEM:
		return old | src;
	case INSN_XOR_TO_MEM:
		return old ^ src;
	default:
		return src;
	}
}

static uint64_t source_value(struct vcpu *v, const struct insn *in)
{
	return in->reg >= 0 ? insn_reg_read(v->gpr, in) : in->imm;
}

/*
 * An emulated register block in guest-physical space: which access sizes
 * at which offsets it takes, and how it reads and writes.
 */
struct mmio_device {
	const char *name;
	uint64_t base;
	bool (*size_ok)(unsigned int size, uint64_t offset);
	uint64_t (*read)(struct vcpu *v, uint64_t offset, unsigned int size);
	void (*write)(struct vcpu *v, uint64_t offset, unsigned int size,
		      uint64_t value);
};

/*
 * Registers are 32 bits wide at 16-byte strides, in the local APIC
 * (SDM 11.4.1) and the I/O APIC (82093AA 3.0) alike.
 */
static bool apic_size_ok(unsigned int size, uint64_t offset)
{
	return size == 4 && !(offset & APIC_REG_ALIGN);
}

static uint64_t local_apic_read(struct vcpu *v, uint64_t offset,
				unsigned int size)
{
	(void)size;
	return lapic_emul_read(v, (uint32_t)offset);
}

static void local_apic_write(struct vcpu *v, uint64_t offset,
			     unsigned int size, uint64_t value)
{
	(void)size;
	lapic_emul_write(v, (uint32_t)offset, (uint32_t)value);
}

static const struct mmio_device local_apic = {
	"local APIC", VLAPIC_BASE, apic_size_ok, local_apic_read,
	local_apic_write,
};

static uint64_t ioapic_read(struct vcpu *v, uint64_t offset,
			    unsigned int size)
{
	uint32_t value;

	spin_lock(&v->part->lock);
	value = vioapic_read(&v->part->ioapic, (uint32_t)offset, size);
	spin_unlock(&v->part->lock);
	return value;
}

static void ioapic_write(struct vcpu *v, uint64_t offset, unsigned int size,
			 uint64_t value)
{
	spin_lock(&v->part->lock);
	vioapic_write(&v->part->ioapic, (uint32_t)offset, (uint32_t)value,
		      size, lapic_emul_deliver_irq, v->part);
	spin_unlock(&v->part->lock);
}

static const struct mmio_device io_apic = {
	"I/O APIC", VIOAPIC_BASE, apic_size_ok, ioapic_read, ioapic_write,
};

/*
 * A partition's PCI devices: config space through its ECAM window, and
 * the MSI-X table pages of its functions' BARs. Both are based at 0 so
 * that an offset is the guest-physical address itself.
 */
static bool ecam_size_ok(unsigned int size, uint64_t offset)
{
	return (size == 1 || size == 2 || size == 4) && !(offset & (size - 1));
}

static uint64_t ecam_read(struct vcpu *v, uint64_t gpa, unsigned int size)
{
	struct vpci *pci = &v->part->vpci;
	unsigned int reg;
	uint16_t rid;
	uint32_t value;

	vpci_ecam_decode(pci, gpa - pci->ecam_base, &rid, &reg);
	spin_lock(&v->part->lock);
	value = vpci_read(pci, rid, reg, size);
	spin_unlock(&v->part->lock);
	return value;
}

static void ecam_write(struct vcpu *v, uint64_t gpa, unsigned int size,
		       uint64_t value)
{
	struct vpci *pci = &v->part->vpci;
	unsigned int reg;
	uint16_t rid;

	vpci_ecam_decode(pci, gpa - pci->ecam_base, &rid, &reg);
	spin_lock(&v->part->lock);
	vpci_write(pci, rid, reg, size, (uint32_t)value);
	spin_unlock(&v->part->lock);
}

static bool msix_size_ok(unsigned int size, uint64_t offset)
{
	return (size == 4 || size == 8) && !(offset & (size - 1));
}

/* The function whose MSI-X table page holds gpa, and gpa's BAR offset. */
static struct vpci_dev *msix_owner(struct partition *p, uint64_t gpa,
				   uint64_t *bar_offset)
{
	for (unsigned int i = 0; i < p->vpci.count; i++) {
		struct vpci_dev *d = &p->vpci.dev[i];
		uint64_t start, end;

		vpci_msix_pages(d, &start, &end);
		if (gpa >= start && gpa < end) {
			*bar_offset = gpa - d->fn->bars[d->msix.bar].base;
			return d;
		}
	}
	return NULL;
}

/* Other registers on the table's pages (the PBA) are the hardware's. */
static uint64_t msix_read(struct vcpu *v, uint64_t gpa, unsigned int size)
{
	uint64_t offset, value;
	struct vpci_dev *d = msix_owner(v->part, gpa, &offset);
	bool emulated;

	spin_lock(&v->part->lock);
	emulated = vpci_msix_read(&v->part->vpci, d, offset, size, &value);
	spin_unlock(&v->part->lock);
	if (emulated)
		return value;
	if (size == 8)
		return *(volatile uint64_t *)(uintptr_t)gpa;
	return *(volatile uint32_t *)(uintptr_t)gpa;
}

static void msix_write(struct vcpu *v, uint64_t gpa, unsigned int size,
		       uint64_t value)
{
	uint64_t offset;
	struct vpci_dev *d = msix_owner(v->part, gpa, &offset);
	bool emulated;

	spin_lock(&v->part->lock);
	emulated = vpci_msix_write(&v->part->vpci, d, offset, size, value);
	spin_unlock(&v->part->lock);
	if (emulated)
		return;
	if (size == 8)
		*(volatile uint64_t *)(uintptr_t)gpa = value;
	else
		*(volatile uint32_t *)(uintptr_t)gpa = (uint32_t)value;
}

static bool pci_mmio_device(struct partition *p, uint64_t gpa,
			    struct mmio_device *out)
{
	static const struct mmio_device ecam = {
		"PCI config space (ECAM)", 0, ecam_size_ok, ecam_read,
		ecam_write,
	};
	static const struct mmio_device msix = {
		"MSI-X table", 0, msix_size_ok, msix_read, msix_write,
	};
	unsigned int reg;
	uint16_t rid;
	uint64_t offset;

	if (!p->vpci.count)
		return false;
	if (gpa >= p->vpci.ecam_base &&
	    vpci_ecam_decode(&p->vpci, gpa - p->vpci.ecam_base, &rid, &reg))
		*out = ecam;
	else if (msix_owner(p, gpa, &offset))
		*out = msix;
	else
		return false;
	return true;
}

/* Returns 0, or -EINVAL for an access the device model cannot take. */
static int mmio_access(struct vcpu *v, const struct mmio_device *dev,
		       const struct insn *in, uint64_t offset)
{
	uint64_t old;

	if (!dev->size_ok(in->size, offset))
		return -EINVAL;
	switch (in->kind) {
	case INSN_MOV_FROM_MEM:
		insn_reg_write(v->gpr, in, dev->read(v, offset, in->size));
		return 0;
	case INSN_XCHG_MEM:
		old = dev->read(v, offset, in->size);
		dev->write(v, offset, in->size, insn_reg_read(v->gpr, in));
		insn_reg_write(v->gpr, in, old);
		return 0;
	case INSN_MOV_TO_MEM:
	case INSN_MOV_IMM_TO_MEM:
		dev->write(v, offset, in->size, source_value(v, in));
		return 0;
	case INSN_AND_TO_MEM:
	case INSN_OR_TO_MEM:
	case INSN_XOR_TO_MEM:
		old = dev->read(v, offset, in->size);
		dev->write(v, offset, in->size,
			   combine(in, old, source_value(v, in)));
		return 0;
	default:
		return -EINVAL;
	}
}

static void emulate_mmio(struct vcpu *v, struct vm_exit *x,
			 const struct mmio_device *dev)
{
	uint8_t bytes[MAX_INSN_BYTES] = { 0 };
	struct insn in;
	size_t got;
	uint64_t offset = x->stage2.gpa - dev->base;

	if (fetch_insn(v, x->rip, bytes, &got) ||
	    insn_decode(bytes, got, decode_mode(v), &in) ||
	    mmio_access(v, dev, &in, offset)) {
		partition_fault(v->part, v, "%s access at offset %#llx by an instruction that is not emulated (RIP %#llx, bytes %02x %02x %02x %02x)",
				dev->name, (unsigned long long)offset,
				(unsigned long long)x->rip, bytes[0],
				bytes[1], bytes[2], bytes[3]);
		return;
	}
	virt()->set_rip(v, x->rip + in.length);
}

void emulate_stage2_fault(struct vcpu *v, struct vm_exit *x)
{
	uint64_t gpa = x->stage2.gpa;
	struct mmio_device pci;

	if (gpa >= VLAPIC_BASE && gpa < VLAPIC_BASE + VLAPIC_SIZE)
		emulate_mmio(v, x, &local_apic);
	else if (gpa >= VIOAPIC_BASE && gpa < VIOAPIC_BASE + VIOAPIC_SIZE)
		emulate_mmio(v, x, &io_apic);
	else if (pci_mmio_device(v->part, gpa, &pci))
		emulate_mmio(v, x, &pci);
	else
		partition_fault(v->part, v, "%s of guest-physical %#llx, outside its memory, at RIP %#llx",
				x->stage2.fetch ? "instruction fetch" :
				x->stage2.write ? "write" : "read",
				(unsigned long long)gpa,
				(unsigned long long)x->rip);
}
