/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stage-2 faults: a partition touched guest-physical memory it has no RAM
 * at. The local APIC page is emulated (the instruction is fetched and
 * decoded here, since no decode assist can be relied on); anything else
 * stops the partition, naming the address.
 */
#include "kernel/emulate.h"
#include "arch/x86/guest_walk.h"
#include "arch/x86/insn.h"
#include "arch/x86/lapic.h"
#include "drivers/emul/vlapic.h"
#include "kernel/errno.h"
#include "kernel/exit.h"
#include "kernel/log.h"
#include "kernel/partition.h"
#include "kernel/string.h"

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

static void deliver_ipi(struct vcpu *from, const struct vlapic_ipi *ipi)
{
	struct partition *p = from->part;
	bool reached = false;

	for (unsigned int i = 0; i < p->vcpu_count; i++) {
		struct vcpu *t = p->vcpus[i];

		if (!vlapic_ipi_targets(ipi, from->lapic.id, &t->lapic))
			continue;
		reached = true;
		if (ipi->kind == VLAPIC_IPI_INIT) {
			__atomic_store_n(&t->init_request, true,
					 __ATOMIC_SEQ_CST);
			if (t != from && t->in_guest)
				lapic_send_nmi(t->phys_apic_id);
		} else if (ipi->kind == VLAPIC_IPI_STARTUP &&
			   t->state == VCPU_WAIT_SIPI) {
			t->sipi_vector = ipi->vector;
			__atomic_store_n(&t->sipi_pending, true,
					 __ATOMIC_SEQ_CST);
		} else if (ipi->kind != VLAPIC_IPI_STARTUP) {
			pr_warn("partition %s: IPI of kind %d is not emulated yet",
				p->cfg->name, ipi->kind);
		}
	}
	if (!reached)
		pr_debug("partition %s: IPI to APIC ID %u reaches no vCPU",
			 p->cfg->name, ipi->dest_id);
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

/* Returns 0, or -EINVAL for an access the APIC model cannot take. */
static int apic_access(struct vcpu *v, const struct insn *in,
		       uint32_t offset)
{
	struct vlapic_ipi ipi;
	uint32_t old;

	/* Registers are 32 bits wide at 16-byte strides (SDM 11.4.1). */
	if (in->size != 4 || (offset & APIC_REG_ALIGN))
		return -EINVAL;
	old = vlapic_read(&v->lapic, offset);
	switch (in->kind) {
	case INSN_MOV_FROM_MEM:
		insn_reg_write(v->gpr, in, old);
		return 0;
	case INSN_XCHG_MEM:
		if (vlapic_write(&v->lapic, offset,
				 (uint32_t)insn_reg_read(v->gpr, in), &ipi))
			deliver_ipi(v, &ipi);
		insn_reg_write(v->gpr, in, old);
		return 0;
	case INSN_MOV_TO_MEM:
	case INSN_MOV_IMM_TO_MEM:
	case INSN_AND_TO_MEM:
	case INSN_OR_TO_MEM:
	case INSN_XOR_TO_MEM:
		if (vlapic_write(&v->lapic, offset,
				 (uint32_t)combine(in, old, source_value(v, in)),
				 &ipi))
			deliver_ipi(v, &ipi);
		return 0;
	default:
		return -EINVAL;
	}
}

static void emulate_apic(struct vcpu *v, struct vm_exit *x)
{
	uint8_t bytes[MAX_INSN_BYTES];
	struct insn in;
	size_t got;
	uint32_t offset = (uint32_t)(x->stage2.gpa - VLAPIC_BASE);

	if (fetch_insn(v, x->rip, bytes, &got) ||
	    insn_decode(bytes, got, decode_mode(v), &in) ||
	    apic_access(v, &in, offset)) {
		partition_fault(v->part, v, "local APIC access at offset %#x by an instruction that is not emulated (RIP %#llx, bytes %02x %02x %02x %02x)",
				offset, (unsigned long long)x->rip, bytes[0],
				bytes[1], bytes[2], bytes[3]);
		return;
	}
	virt()->set_rip(v, x->rip + in.length);
}

void emulate_stage2_fault(struct vcpu *v, struct vm_exit *x)
{
	uint64_t gpa = x->stage2.gpa;

	if (gpa >= VLAPIC_BASE && gpa < VLAPIC_BASE + VLAPIC_SIZE)
		return emulate_apic(v, x);
	partition_fault(v->part, v, "%s of guest-physical %#llx, outside its memory, at RIP %#llx",
			x->stage2.fetch ? "instruction fetch" :
			x->stage2.write ? "write" : "read",
			(unsigned long long)gpa, (unsigned long long)x->rip);
}
