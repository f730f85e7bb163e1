/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stage-2 faults: a partition touched guest-physical memory it has no RAM
 * at. The local APIC and I/O APIC pages are emulated (the instruction is
 * fetched and decoded here, since no decode assist can be relied on);
 * anything else stops the partition, naming the address.
 *
 * The instruction is read from guest RAM after the exit, so another vCPU
 * may have rewritten it (or the page tables) since the CPU faulted. What
 * is emulated must be the access that faulted (kernel/exit/mmio_check.h):
 * otherwise nothing is emulated and the guest executes the instruction
 * again, as KVM retries an instruction it cannot trust; the CPU then
 * faults with what is really there, or finds RAM. A mismatch that
 * persists (MMIO_REFUSALS_MAX times in a row at one RIP) is no race but
 * an instruction the hypervisor misreads: the partition stops, naming it.
 */
#include "kernel/exit/mmio_emul.h"
#include "arch/x86/insn.h"
#include "arch/x86/lapic.h"
#include "drivers/emul/vlapic.h"
#include "lib/errno.h"
#include "kernel/exit/exit.h"
#include "kernel/exit/guest_mem.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/exit/mmio_check.h"
#include "kernel/log.h"
#include "kernel/partition.h"
#include "lib/string.h"

#define APIC_REG_ALIGN		0xfU
#define APIC_REG_BYTES		4	/* bytes 4-15 of each 16 are unused */
#define MMIO_PAGE_MASK		0xfffULL
/* A race repeats rarely; a misread instruction on every retry. */
#define MMIO_REFUSALS_MAX	16

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

/*
 * The SDM (11.4.1) asks for aligned 32-bit accesses, calls narrower ones
 * model specific and any touching bytes 4-15 of a register undefined. As
 * KVM and the CPUs that take them do, any width at any offset in the page
 * is taken here: reads see the register's bytes (zero beyond byte 3);
 * a narrower write replaces its bytes of the register, the others kept,
 * and is then one 32-bit write; bytes 4-15 ignore writes.
 */
static bool local_apic_size_ok(unsigned int size, uint64_t offset)
{
	return offset + size <= VLAPIC_SIZE;
}

static uint64_t local_apic_read(struct vcpu *v, uint64_t offset,
				unsigned int size)
{
	unsigned int byte = offset & APIC_REG_ALIGN;
	uint64_t reg;

	if (byte >= APIC_REG_BYTES)
		return 0;
	reg = lapic_emul_read(v, (uint32_t)(offset - byte));
	return size >= 8 ? reg >> (8 * byte) :
	       (reg >> (8 * byte)) & ((1ULL << (8 * size)) - 1);
}

static void local_apic_write(struct vcpu *v, uint64_t offset,
			     unsigned int size, uint64_t value)
{
	unsigned int byte = offset & APIC_REG_ALIGN;
	uint32_t reg = (uint32_t)(offset - byte), mask = 0xffffffffU;

	if (byte >= APIC_REG_BYTES)
		return;
	if (size < APIC_REG_BYTES)
		mask = ((1U << (8 * size)) - 1) << (8 * byte);
	else
		mask <<= 8 * byte;
	if (mask != 0xffffffffU)
		value = (lapic_emul_read(v, reg) & ~mask) |
			((uint32_t)(value << (8 * byte)) & mask);
	lapic_emul_write(v, reg, (uint32_t)value);
}

static const struct mmio_device local_apic = {
	"local APIC", VLAPIC_BASE, local_apic_size_ok, local_apic_read,
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

/* The status flags come from insn_alu, as the instruction sets them. */
static void alu_access(struct vcpu *v, const struct mmio_device *dev,
		       const struct insn *in, uint64_t offset)
{
	uint64_t flags = virt()->get_rflags(v);
	uint64_t mem = dev->read(v, offset, in->size), result;

	if (in->kind == INSN_ALU_TO_REG) {
		result = insn_alu(in->alu, in->size, insn_reg_read(v->gpr, in),
				  mem, &flags);
		if (in->alu != INSN_CMP_MEM)
			insn_reg_write(v->gpr, in, result);
	} else {
		result = insn_alu(in->kind, in->size, mem,
				  source_value(v, in), &flags);
		if (insn_writes_mem(in->kind))
			dev->write(v, offset, in->size, result);
	}
	virt()->set_rflags(v, flags);
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
	case INSN_MOVZX_FROM_MEM:
	case INSN_MOVSX_FROM_MEM:
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
	case INSN_STOS: case INSN_LODS: case INSN_MOVS:
	case INSN_INS: case INSN_OUTS:
		return -EINVAL;
	default:
		alu_access(v, dev, in, offset);
		return 0;
	}
}

/*
 * One element of STOS, LODS or MOVS with the device at offset; MOVS's
 * other side is RAM. A fault on a write means the device is the
 * destination (a MOVS from one device page to another is refused there).
 */
static int string_element(struct vcpu *v, const struct mmio_device *dev,
			  const struct insn *in, const struct string_op *s,
			  uint64_t offset, bool write)
{
	uint64_t value = 0;

	if (!dev->size_ok(in->size, offset))
		return -EINVAL;
	if (in->kind == INSN_STOS) {
		dev->write(v, offset, in->size, insn_reg_read(v->gpr, in));
	} else if (in->kind == INSN_LODS) {
		insn_reg_write(v->gpr, in, dev->read(v, offset, in->size));
	} else if (write) {
		if (guest_linear_copy(v, string_src(v, s), &value, in->size,
				      false))
			return -EFAULT;
		dev->write(v, offset, in->size, value);
	} else {
		value = dev->read(v, offset, in->size);
		if (guest_linear_copy(v, string_dst(v, s), &value, in->size,
				      true))
			return -EFAULT;
	}
	if (in->kind != INSN_LODS)
		string_advance(v, s, REG_RDI);
	if (in->kind != INSN_STOS)
		string_advance(v, s, REG_RSI);
	return 0;
}

/*
 * Elements are done while the device side stays in the page that
 * faulted; past it the guest executes the instruction again, and the
 * hardware goes on or faults anew.
 */
static int mmio_string(struct vcpu *v, struct vm_exit *x,
		       const struct mmio_device *dev, const struct insn *in)
{
	struct string_op s;
	uint64_t gpa = x->stage2.gpa, n;
	bool write = x->stage2.write;

	if ((in->kind == INSN_STOS && !write) ||
	    (in->kind == INSN_LODS && write) || in->kind >= INSN_INS)
		return -EINVAL;
	string_begin(v, &s, in->size, in->addr_size, in->seg, in->rep);
	for (n = 0; n < s.count; n++, gpa += (uint64_t)s.step) {
		int err;

		if ((gpa & ~MMIO_PAGE_MASK) != (x->stage2.gpa & ~MMIO_PAGE_MASK))
			break;
		err = string_element(v, dev, in, &s, gpa - dev->base, write);
		if (err && !n)
			return err;
		if (err)
			break;
	}
	string_end(v, &s, n, x->rip + in->length);
	return 0;
}

/*
 * The guest-physical address the decoded instruction accesses now: its
 * ModRM or moffs operand, or for the string forms the element at rDI
 * (STOS, INS, a MOVS that faulted on a write) or at seg:rSI.
 */
static int decoded_gpa(struct vcpu *v, const struct vm_exit *x,
		       const struct insn *in, uint64_t *gpa)
{
	struct string_op s;
	uint64_t linear;

	if (in->kind >= INSN_STOS) {
		string_begin(v, &s, in->size, in->addr_size, in->seg, in->rep);
		linear = in->kind == INSN_STOS || in->kind == INSN_INS ||
			 (in->kind == INSN_MOVS && x->stage2.write) ?
			 string_dst(v, &s) : string_src(v, &s);
	} else {
		linear = guest_seg_linear(v, in->mem.seg,
					  insn_mem_offset(in, v->gpr,
							  x->rip + in->length));
	}
	return guest_linear_to_phys(v, linear, gpa);
}

/*
 * Whether the decoded instruction is the faulting access; if not, the
 * guest is left to execute it again, or stopped once that keeps failing.
 */
static bool access_matches(struct vcpu *v, const struct vm_exit *x,
			   const struct mmio_device *dev,
			   const struct insn *in)
{
	const struct mmio_fault fault = {
		.gpa = x->stage2.gpa, .write = x->stage2.write,
		.fetch = x->stage2.fetch,
	};
	uint64_t gpa = ~0ULL;
	enum mmio_verdict verdict = MMIO_OTHER_ADDRESS;

	if (!decoded_gpa(v, x, in, &gpa))
		verdict = mmio_check_access(&fault, in, gpa);
	if (verdict == MMIO_MATCH) {
		v->mmio_refusals = 0;
		return true;
	}
	if (v->mmio_refused_rip != x->rip)
		v->mmio_refusals = 0;
	v->mmio_refused_rip = x->rip;
	if (++v->mmio_refusals < MMIO_REFUSALS_MAX) {
		pr_debug("partition %s: %s %s at %#llx: the instruction at RIP %#llx %s (%#llx); executing it again",
			 v->part->cfg->name, dev->name,
			 fault.write ? "write" : "read",
			 (unsigned long long)fault.gpa,
			 (unsigned long long)x->rip, mmio_verdict_text(verdict),
			 (unsigned long long)gpa);
		return false;
	}
	v->mmio_refusals = 0;
	partition_fault(v->part, v, "%s %s at %#llx: the instruction at RIP %#llx, as read after the exit, %s (%#llx, %u bytes), %u times in a row: it is not emulated",
			dev->name, fault.write ? "write" : "read",
			(unsigned long long)fault.gpa,
			(unsigned long long)x->rip, mmio_verdict_text(verdict),
			(unsigned long long)gpa, in->size, MMIO_REFUSALS_MAX);
	return false;
}

static void emulate_mmio(struct vcpu *v, struct vm_exit *x,
			 const struct mmio_device *dev)
{
	uint8_t bytes[INSN_MAX_LEN];
	struct insn in;
	uint64_t offset = x->stage2.gpa - dev->base;
	int err = guest_insn_decode(v, x->rip, &in, bytes);

	if (!err && !access_matches(v, x, dev, &in))
		return;
	if (!err && in.kind >= INSN_STOS)
		err = mmio_string(v, x, dev, &in);
	else if (!err)
		err = mmio_access(v, dev, &in, offset);
	if (err) {
		partition_fault(v->part, v, "%s access at offset %#llx by an instruction that is not emulated (RIP %#llx, bytes %02x %02x %02x %02x)",
				dev->name, (unsigned long long)offset,
				(unsigned long long)x->rip, bytes[0],
				bytes[1], bytes[2], bytes[3]);
		return;
	}
	if (in.kind < INSN_STOS)
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
