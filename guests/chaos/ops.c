/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The operations themselves: each does what its struct op says, raw, and
 * relies on chaos_try() to end it at the first exception. main.c draws
 * the operands and keeps out what would stop the guest for reasons that
 * say nothing about the hypervisor (see draw_* there).
 */
#include "guests/chaos/chaos.h"

#define LAPIC_TPR		0x80
#define LAPIC_EOI		0xb0
#define LAPIC_ISR0		0x100
#define LAPIC_ISR_REGS		8
#define LAPIC_REG_STRIDE	0x10
#define LAPIC_SVR		0xf0
#define LAPIC_ICR_LOW		0x300
#define LAPIC_ICR_HIGH		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_INITIAL	0x380
#define LAPIC_TIMER_DIVIDE	0x3e0
#define SVR_ENABLE		0x100
#define TIMER_DIVIDE_BY_1	0xb
#define HLT_WAKE_VECTOR		0x40
#define DR7_RESET		0x400	/* SDM vol. 3B 18.2.4 */

static const char *const names[OP_KIND_COUNT] = {
	[OP_RDMSR] = "rdmsr", [OP_WRMSR] = "wrmsr", [OP_IN] = "in",
	[OP_OUT] = "out", [OP_STRING_IO] = "string-io", [OP_CPUID] = "cpuid",
	[OP_HYPERCALL] = "hypercall", [OP_LAPIC_READ] = "lapic-read",
	[OP_LAPIC_WRITE] = "lapic-write", [OP_LAPIC_FORM] = "mmio-form",
	[OP_IOAPIC] = "ioapic", [OP_IPI] = "ipi", [OP_CR] = "cr",
	[OP_DR] = "dr", [OP_XSETBV] = "xsetbv", [OP_CACHE] = "cache",
	[OP_TRAP] = "trap", [OP_HLT] = "hlt", [OP_HOLE] = "hole",
};

uint8_t chaos_scratch[SCRATCH_SIZE] __attribute__((aligned(4096)));
/* INT n needs its vector in the instruction: built here, then called. */
static uint8_t int_code[16] __attribute__((aligned(16)));

const char *op_name(enum op_kind kind)
{
	return kind < OP_KIND_COUNT ? names[kind] : "?";
}

static volatile void *mmio(uint64_t addr)
{
	return (volatile void *)(uintptr_t)addr;
}

static void lapic_write32(uint32_t offset, uint32_t value)
{
	*(volatile uint32_t *)mmio(LAPIC_BASE + offset) = value;
}

static uint64_t read_width(uint64_t addr, unsigned int width)
{
	switch (width) {
	case 1: return *(volatile uint8_t *)mmio(addr);
	case 2: return *(volatile uint16_t *)mmio(addr);
	case 4: return *(volatile uint32_t *)mmio(addr);
	default: return *(volatile uint64_t *)mmio(addr);
	}
}

static void write_width(uint64_t addr, unsigned int width, uint64_t value)
{
	switch (width) {
	case 1: *(volatile uint8_t *)mmio(addr) = (uint8_t)value; break;
	case 2: *(volatile uint16_t *)mmio(addr) = (uint16_t)value; break;
	case 4: *(volatile uint32_t *)mmio(addr) = (uint32_t)value; break;
	default: *(volatile uint64_t *)mmio(addr) = value; break;
	}
}

static void do_rdmsr(struct op *o)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(o->a));
	o->c = ((uint64_t)hi << 32) | lo;
}

static void do_wrmsr(const struct op *o)
{
	asm volatile("wrmsr" : : "c"(o->a), "a"((uint32_t)o->b),
		     "d"((uint32_t)(o->b >> 32)) : "memory");
}

static void do_in(const struct op *o)
{
	uint16_t port = (uint16_t)o->a;

	switch (o->variant) {
	case 1: (void)inb(port); break;
	case 2: (void)inw(port); break;
	default: (void)inl(port); break;
	}
}

static void do_out(const struct op *o)
{
	uint16_t port = (uint16_t)o->a;

	switch (o->variant) {
	case 1: outb(port, (uint8_t)o->b); break;
	case 2: outw(port, (uint16_t)o->b); break;
	default: outl(port, (uint32_t)o->b); break;
	}
}

#define STRING(insn)							\
	asm volatile(insn : "+D"(p), "+S"(p2), "+c"(count) : "d"(port)	\
		     : "memory")
#define STRING_PAIR(form, insn)						\
	case form: STRING(insn); break;					\
	case form | STRING_IO_A32: STRING(".byte 0x67\n\t" insn); break

static void do_string_io(const struct op *o)
{
	uint8_t *p = chaos_scratch + o->c, *p2 = p;
	uint64_t count = o->b;
	uint16_t port = (uint16_t)o->a;

	if (o->variant & STRING_IO_DF)
		asm volatile("std");
	switch (o->variant & (STRING_IO_FORMS - 1) & ~STRING_IO_DF) {
	STRING_PAIR(0, "outsb");
	STRING_PAIR(1, "outsw");
	STRING_PAIR(2, "outsl");
	STRING_PAIR(STRING_IO_IN | 0, "insb");
	STRING_PAIR(STRING_IO_IN | 1, "insw");
	STRING_PAIR(STRING_IO_IN | 2, "insl");
	STRING_PAIR(STRING_IO_REP | 0, "rep outsb");
	STRING_PAIR(STRING_IO_REP | 1, "rep outsw");
	STRING_PAIR(STRING_IO_REP | 2, "rep outsl");
	STRING_PAIR(STRING_IO_REP | STRING_IO_IN | 0, "rep insb");
	STRING_PAIR(STRING_IO_REP | STRING_IO_IN | 1, "rep insw");
	STRING_PAIR(STRING_IO_REP | STRING_IO_IN | 2, "rep insl");
	default: break;
	}
	asm volatile("cld");
}

static void do_cpuid(const struct op *o)
{
	(void)cpuid(o->a, (uint32_t)o->b);
}

/* Both vendors' instructions: the other one is #UD. */
static void do_hypercall(const struct op *o)
{
	uint64_t rax = o->b, rbx = o->c, rcx = o->a, rdx = ~o->b;

	if (o->variant)
		asm volatile("vmmcall" : "+a"(rax), "+b"(rbx), "+c"(rcx),
			     "+d"(rdx) : : "memory");
	else
		asm volatile("vmcall" : "+a"(rax), "+b"(rbx), "+c"(rcx),
			     "+d"(rdx) : : "memory");
}

static void do_form(const struct op *o)
{
	uint64_t base = o->variant & FORM_IOAPIC ? IOAPIC_BASE : LAPIC_BASE;
	volatile uint8_t *m = mmio(base + (o->a & (PAGE_BYTES - 1)));
	uint64_t v = o->b, count = 1 + (o->c & 3);
	void *dst = chaos_scratch, *src;

	switch ((enum mmio_form)(o->variant & (FORM_IOAPIC - 1))) {
	case FORM_ADD32: asm volatile("addl %k1, %0" : "+m"(*(volatile uint32_t *)m) : "r"(v)); break;
	case FORM_OR8: asm volatile("orb %b1, %0" : "+m"(*m) : "q"(v)); break;
	case FORM_AND16: asm volatile("andw %w1, %0" : "+m"(*(volatile uint16_t *)m) : "r"(v)); break;
	case FORM_XOR64: asm volatile("xorq %1, %0" : "+m"(*(volatile uint64_t *)m) : "r"(v)); break;
	case FORM_SUB32: asm volatile("lock subl %k1, %0" : "+m"(*(volatile uint32_t *)m) : "r"(v)); break;
	case FORM_XCHG32: asm volatile("xchgl %k1, %0" : "+m"(*(volatile uint32_t *)m), "+r"(v)); break;
	case FORM_NOT32: asm volatile("notl %0" : "+m"(*(volatile uint32_t *)m)); break;
	case FORM_NEG8: asm volatile("negb %0" : "+m"(*m)); break;
	case FORM_INC32: asm volatile("incl %0" : "+m"(*(volatile uint32_t *)m)); break;
	case FORM_TEST32: asm volatile("testl %k1, %0" : : "m"(*(volatile uint32_t *)m), "r"(v) : "cc"); break;
	case FORM_CMP8: asm volatile("cmpb %b1, %0" : : "m"(*m), "q"(v) : "cc"); break;
	case FORM_MOVZX8: asm volatile("movzbl %1, %k0" : "=r"(v) : "m"(*m)); break;
	case FORM_MOVSX16: asm volatile("movswq %1, %0" : "=r"(v) : "m"(*(volatile uint16_t *)m)); break;
	case FORM_REP_STOS32:
		dst = (void *)m;
		asm volatile("rep stosl" : "+D"(dst), "+c"(count) : "a"(v) : "memory");
		break;
	case FORM_MOVS_TO_RAM32:
		src = (void *)m;
		asm volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(count) : : "memory");
		break;
	case FORM_CMPXCHG32:
		asm volatile("lock cmpxchgl %k1, %0" : "+m"(*(volatile uint32_t *)m) : "r"(v), "a"(0) : "cc");
		break;
	}
}

static void do_ioapic(const struct op *o)
{
	volatile uint32_t *sel = mmio(IOAPIC_BASE);
	volatile uint32_t *data = mmio(IOAPIC_BASE + IOAPIC_DATA);

	switch (o->variant) {
	case 0:
		*sel = o->a;
		*data = (uint32_t)o->b;
		break;
	case 1:
		*sel = o->a;
		(void)*data;
		break;
	default:
		*(volatile uint32_t *)mmio(IOAPIC_BASE + IOAPIC_EOI) =
			(uint32_t)o->b;
		break;
	}
}

static void do_ipi(const struct op *o)
{
	lapic_write32(LAPIC_ICR_HIGH, (uint32_t)o->b);
	lapic_write32(LAPIC_ICR_LOW, (uint32_t)o->c);
}

static void do_cr(const struct op *o)
{
	uint64_t v = o->b;

	if (o->variant) {	/* reads: no exit on either vendor, cheap */
		asm volatile("mov %%cr0, %0\n\tmov %%cr2, %0\n\tmov %%cr3, %0\n\t"
			     "mov %%cr4, %0\n\tmov %%cr8, %0" : "=r"(v));
		return;
	}
	switch (o->a) {
	case 0: asm volatile("mov %0, %%cr0" : : "r"(v) : "memory"); break;
	case 2: asm volatile("mov %0, %%cr2" : : "r"(v) : "memory"); break;
	case 3: asm volatile("mov %0, %%cr3" : : "r"(v) : "memory"); break;
	case 4: asm volatile("mov %0, %%cr4" : : "r"(v) : "memory"); break;
	default: asm volatile("mov %0, %%cr8" : : "r"(v) : "memory"); break;
	}
}

static void do_dr(const struct op *o)
{
	uint64_t v = o->b;

	switch (o->a) {
	case 0: asm volatile("mov %0, %%db0" : : "r"(v)); break;
	case 1: asm volatile("mov %0, %%db1" : : "r"(v)); break;
	case 2: asm volatile("mov %0, %%db2" : : "r"(v)); break;
	case 3: asm volatile("mov %0, %%db3" : : "r"(v)); break;
	case 4: asm volatile("mov %0, %%db4" : : "r"(v)); break;
	case 5: asm volatile("mov %0, %%db5" : : "r"(v)); break;
	case 6: asm volatile("mov %0, %%db6" : : "r"(v)); break;
	default: asm volatile("mov %0, %%db7" : : "r"(v)); break;
	}
	/* Breakpoints live for this operation only: touch them now. */
	(void)*(volatile uint8_t *)chaos_scratch;
}

/* Run after every DR operation, under its own recovery point. */
void op_dr7_reset(void *unused)
{
	(void)unused;
	asm volatile("mov %0, %%db7" : : "r"((uint64_t)DR7_RESET));
}

static void do_xsetbv(const struct op *o)
{
	asm volatile("xsetbv" : : "c"(o->a), "a"((uint32_t)o->b),
		     "d"((uint32_t)(o->b >> 32)));
}

static void do_cache(const struct op *o)
{
	switch (o->variant) {
	case 0: asm volatile("invlpg (%0)" : : "r"(o->b) : "memory"); break;
	case 1: asm volatile("wbinvd" ::: "memory"); break;
	default: asm volatile("invd" ::: "memory"); break;
	}
}

static void do_trap(const struct op *o)
{
	switch (o->variant) {
	case 0: asm volatile("int3"); break;
	case 1: asm volatile("ud2"); break;
	case 2: asm volatile(".byte 0xf1"); break;	/* INT1 (ICEBP) */
	default:
		int_code[0] = 0xcd;		/* INT imm8 */
		int_code[1] = (uint8_t)o->a;
		int_code[2] = 0xc3;		/* RET */
		asm volatile("call *%0" : : "r"(int_code) : "memory");
		break;
	}
}

uint32_t chaos_in_service;

/* The highest vector in service (ISR), or -1. */
static int in_service(void)
{
	for (int reg = LAPIC_ISR_REGS - 1; reg >= 0; reg--) {
		uint32_t bits = *(volatile uint32_t *)mmio(LAPIC_BASE +
			LAPIC_ISR0 + reg * LAPIC_REG_STRIDE);

		if (bits)
			return reg * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

/*
 * HLT with interrupts on and the timer armed: the timer ends it. A vector
 * still in service would hold the timer back (PPR) for ever: each stub
 * EOIs what it took, so there should be none; one found is acknowledged
 * and reported (chaos_in_service, main.c prints it).
 */
static void do_hlt(const struct op *o)
{
	volatile uint32_t *svr = mmio(LAPIC_BASE + LAPIC_SVR);
	int v;

	for (int n = 0; n < 256 && (v = in_service()) >= 0; n++) {
		if (!chaos_in_service)
			chaos_in_service = 1 + (uint32_t)v;
		lapic_write32(LAPIC_EOI, 0);
	}
	if (in_service() >= 0) {	/* EOIs do not clear it: no HLT */
		chaos_in_service |= IN_SERVICE_STUCK;
		return;
	}
	*svr |= SVR_ENABLE;
	lapic_write32(LAPIC_TPR, 0);
	lapic_write32(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write32(LAPIC_LVT_TIMER, HLT_WAKE_VECTOR);
	lapic_write32(LAPIC_TIMER_INITIAL, (uint32_t)o->b);
	asm volatile("sti\n\thlt\n\tcli" ::: "memory");
}

/* variant: 0 read, 1 write, 2 instruction fetch; width in c. */
static void do_hole(const struct op *o)
{
	switch (o->variant) {
	case 0: (void)read_width(o->b, (unsigned int)o->c); break;
	case 1: write_width(o->b, (unsigned int)o->c, 0x5a5a5a5a5a5a5a5aULL); break;
	default: asm volatile("call *%0" : : "r"(o->b) : "memory"); break;
	}
}

void op_run(void *arg)
{
	struct op *o = arg;

	switch (o->kind) {
	case OP_RDMSR: do_rdmsr(o); break;
	case OP_WRMSR: do_wrmsr(o); break;
	case OP_IN: do_in(o); break;
	case OP_OUT: do_out(o); break;
	case OP_STRING_IO: do_string_io(o); break;
	case OP_CPUID: do_cpuid(o); break;
	case OP_HYPERCALL: do_hypercall(o); break;
	case OP_LAPIC_READ: (void)read_width(LAPIC_BASE + o->a, o->variant); break;
	case OP_LAPIC_WRITE: write_width(LAPIC_BASE + o->a, o->variant, o->b); break;
	case OP_LAPIC_FORM: do_form(o); break;
	case OP_IOAPIC: do_ioapic(o); break;
	case OP_IPI: do_ipi(o); break;
	case OP_CR: do_cr(o); break;
	case OP_DR: do_dr(o); break;
	case OP_XSETBV: do_xsetbv(o); break;
	case OP_CACHE: do_cache(o); break;
	case OP_TRAP: do_trap(o); break;
	case OP_HLT: do_hlt(o); break;
	case OP_HOLE: do_hole(o); break;
	default: break;
	}
}
