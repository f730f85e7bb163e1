/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/exit/guest_mem.h"
#include "arch/x86/guest_walk.h"
#include "arch/x86/host_mm.h"
#include "arch/x86/virt.h"
#include "kernel/partition.h"
#include "lib/errno.h"
#include "lib/string.h"

#define GUEST_PAGE_SIZE		0x1000ULL
/* Elements of a REP string instruction emulated per exit. */
#define STRING_CHUNK		256

/*
 * The hypervisor does not map partition RAM: each access goes through
 * this CPU's window, open only for the copy.
 */
static int ram_copy(struct partition *p, uint64_t gpa, void *buf,
		    size_t len, bool write)
{
	uint64_t offset;
	uint8_t *ram;

	if (!ram_layout_offset(&p->boot->layout, gpa, len, &offset))
		return -EFAULT;
	ram = host_mm_window_open(p->boot->ram + offset, len);
	if (!ram)
		return -EFAULT;
	if (write)
		memcpy(ram, buf, len);
	else
		memcpy(buf, ram, len);
	host_mm_window_close();
	return 0;
}

static int read_guest_ram(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	return ram_copy(ctx, gpa, buf, len, false);
}

/* Page by page: consecutive linear pages need not be physically so. */
static int linear_copy(struct vcpu *v, uint64_t linear, uint8_t *buf,
		       size_t len, bool write, size_t *done)
{
	struct guest_paging paging;

	virt()->get_paging(v, &paging);
	for (*done = 0; *done < len;) {
		uint64_t gpa, at = linear + *done;
		size_t chunk = GUEST_PAGE_SIZE - (at & (GUEST_PAGE_SIZE - 1));

		if (chunk > len - *done)
			chunk = len - *done;
		if (guest_virt_to_phys(&paging, at, read_guest_ram, v->part,
				       &gpa) ||
		    ram_copy(v->part, gpa, buf + *done, chunk, write))
			return -EFAULT;
		*done += chunk;
	}
	return 0;
}

int guest_linear_copy(struct vcpu *v, uint64_t linear, void *buf, size_t len,
		      bool write)
{
	size_t done;

	return linear_copy(v, linear, buf, len, write, &done);
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

/* An instruction may end just before a page the guest has not mapped. */
int guest_insn_decode(struct vcpu *v, uint64_t rip, struct insn *in,
		      uint8_t bytes[INSN_MAX_LEN])
{
	size_t got;

	memset(bytes, 0, INSN_MAX_LEN);
	linear_copy(v, virt()->cs_base(v) + rip, bytes, INSN_MAX_LEN, false,
		    &got);
	if (!got)
		return -EFAULT;
	return insn_decode(bytes, got, decode_mode(v), in);
}

static uint64_t addr_mask(const struct string_op *s)
{
	return s->addr_size == 8 ? ~0ULL : (1ULL << (8 * s->addr_size)) - 1;
}

void string_begin(struct vcpu *v, struct string_op *s, unsigned int size,
		  unsigned int addr_size, unsigned int seg, bool rep)
{
	*s = (struct string_op){
		.size = size, .addr_size = addr_size, .seg = seg, .rep = rep,
		.count = 1,
	};
	s->step = virt()->get_rflags(v) & RFLAGS_DF ? -(int64_t)size : size;
	if (rep)
		s->count = v->gpr[REG_RCX] & addr_mask(s);
	if (s->count > STRING_CHUNK)
		s->count = STRING_CHUNK;
}

/*
 * In 64-bit mode only FS and GS have a base (SDM vol. 3A, 3.4.4);
 * elsewhere, compatibility mode included, a linear address is 32 bits
 * and wraps (3.4: base plus offset).
 */
uint64_t guest_seg_linear(struct vcpu *v, unsigned int seg, uint64_t offset)
{
	if (virt()->code_bits(v) != 64)
		return (uint32_t)(virt()->seg_base(v, seg) + offset);
	if (seg != INSN_SEG_FS && seg != INSN_SEG_GS)
		return offset;
	return virt()->seg_base(v, seg) + offset;
}

int guest_linear_to_phys(struct vcpu *v, uint64_t linear, uint64_t *gpa)
{
	struct guest_paging paging;

	virt()->get_paging(v, &paging);
	return guest_virt_to_phys(&paging, linear, read_guest_ram, v->part,
				  gpa);
}

uint64_t string_src(struct vcpu *v, const struct string_op *s)
{
	return guest_seg_linear(v, s->seg, v->gpr[REG_RSI] & addr_mask(s));
}

uint64_t string_dst(struct vcpu *v, const struct string_op *s)
{
	return guest_seg_linear(v, INSN_SEG_ES, v->gpr[REG_RDI] & addr_mask(s));
}

/*
 * The register is written at the address size: a 16-bit one keeps the
 * bits above, a 32-bit one zeroes them, as any write to it would.
 */
static void reg_set(struct vcpu *v, const struct string_op *s, int reg,
		    uint64_t value)
{
	uint64_t mask = addr_mask(s);

	if (s->addr_size == 2)
		v->gpr[reg] = (v->gpr[reg] & ~mask) | (value & mask);
	else
		v->gpr[reg] = value & mask;
}

void string_advance(struct vcpu *v, const struct string_op *s, int reg)
{
	reg_set(v, s, reg, v->gpr[reg] + (uint64_t)s->step);
}

void string_end(struct vcpu *v, const struct string_op *s, uint64_t done,
		uint64_t next_rip)
{
	if (s->rep) {
		reg_set(v, s, REG_RCX, v->gpr[REG_RCX] - done);
		if (v->gpr[REG_RCX] & addr_mask(s))
			return;
	}
	virt()->set_rip(v, next_rip);
}
