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

/* A device of 32-bit registers in a guest-physical page. */
struct mmio_device {
	const char *name;
	uint64_t base;
	uint32_t (*read)(struct vcpu *v, uint32_t offset);
	void (*write)(struct vcpu *v, uint32_t offset, uint32_t value);
};

static const struct mmio_device local_apic = {
	"local APIC", VLAPIC_BASE, lapic_emul_read, lapic_emul_write,
};

static uint32_t ioapic_read(struct vcpu *v, uint32_t offset)
{
	uint32_t value;

	spin_lock(&v->part->lock);
	value = vioapic_read(&v->part->ioapic, offset, sizeof(value));
	spin_unlock(&v->part->lock);
	return value;
}

static void ioapic_write(struct vcpu *v, uint32_t offset, uint32_t value)
{
	spin_lock(&v->part->lock);
	vioapic_write(&v->part->ioapic, offset, value, sizeof(value),
		      lapic_emul_deliver_irq, v->part);
	spin_unlock(&v->part->lock);
}

static const struct mmio_device io_apic = {
	"I/O APIC", VIOAPIC_BASE, ioapic_read, ioapic_write,
};

/* Returns 0, or -EINVAL for an access the device model cannot take. */
static int mmio_access(struct vcpu *v, const struct mmio_device *dev,
		       const struct insn *in, uint32_t offset)
{
	uint32_t old;

	/*
	 * Registers are 32 bits wide at 16-byte strides, in the local APIC
	 * (SDM 11.4.1) and the I/O APIC (82093AA 3.0) alike.
	 */
	if (in->size != 4 || (offset & APIC_REG_ALIGN))
		return -EINVAL;
	switch (in->kind) {
	case INSN_MOV_FROM_MEM:
		insn_reg_write(v->gpr, in, dev->read(v, offset));
		return 0;
	case INSN_XCHG_MEM:
		old = dev->read(v, offset);
		dev->write(v, offset, (uint32_t)insn_reg_read(v->gpr, in));
		insn_reg_write(v->gpr, in, old);
		return 0;
	case INSN_MOV_TO_MEM:
	case INSN_MOV_IMM_TO_MEM:
		dev->write(v, offset, (uint32_t)source_value(v, in));
		return 0;
	case INSN_AND_TO_MEM:
	case INSN_OR_TO_MEM:
	case INSN_XOR_TO_MEM:
		old = dev->read(v, offset);
		dev->write(v, offset,
			   (uint32_t)combine(in, old, source_value(v, in)));
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
	uint32_t offset = (uint32_t)(x->stage2.gpa - dev->base);

	if (fetch_insn(v, x->rip, bytes, &got) ||
	    insn_decode(bytes, got, decode_mode(v), &in) ||
	    mmio_access(v, dev, &in, offset)) {
		partition_fault(v->part, v, "%s access at offset %#x by an instruction that is not emulated (RIP %#llx, bytes %02x %02x %02x %02x)",
				dev->name, offset, (unsigned long long)x->rip, bytes[0],
				bytes[1], bytes[2], bytes[3]);
		return;
	}
	virt()->set_rip(v, x->rip + in.length);
}

void emulate_stage2_fault(struct vcpu *v, struct vm_exit *x)
{
	uint64_t gpa = x->stage2.gpa;

	if (gpa >= VLAPIC_BASE && gpa < VLAPIC_BASE + VLAPIC_SIZE)
		emulate_mmio(v, x, &local_apic);
	else if (gpa >= VIOAPIC_BASE && gpa < VIOAPIC_BASE + VIOAPIC_SIZE)
		emulate_mmio(v, x, &io_apic);
	else
		partition_fault(v->part, v, "%s of guest-physical %#llx, outside its memory, at RIP %#llx",
				x->stage2.fetch ? "instruction fetch" :
				x->stage2.write ? "write" : "read",
				(unsigned long long)gpa,
				(unsigned long long)x->rip);
}
