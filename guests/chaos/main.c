/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * chaos: a hostile partition on purpose. A seeded xorshift stream draws
 * operations on everything a partition can reach (MSRs, ports, CPUID,
 * hypercalls, the APICs, IPIs, control and debug registers, holes in its
 * physical address space) and runs each under a recovery point, so the
 * exceptions they raise end only that operation. The seed is the base
 * seed plus the partition's restart count (CPUID 0x40000001 EAX): with
 * `on_fault = restart`, an operation that stops the partition is followed
 * by the next seed. After `ops` operations the guest reboots itself
 * (0xCF9) into the next seed; once `seeds` restarts have happened it
 * exits 0. Options and output: guests/README.md.
 */
#include "guests/chaos/chaos.h"

#define BULKHEAD_LEAF		0x40000000U
#define BULKHEAD_INFO_LEAF	0x40000001U
#define SIG_EBX			0x6b6c7542U	/* "Bulk" */
#define SIG_ECX			0x64616568U	/* "head" */
#define RESET_PORT		0xcf9
#define RESET_CPU_SYS		0x06		/* FADT reset value */
#define DEBUG_EXIT_PORT		0xf4
#define UART_DATA_PORT		0x3f8
#define PM1A_EVT		0x600		/* PM1a event and control */
#define PM1A_END		0x606
#define PM1A_CNT_HIGH		0x605
#define PM1A_SLP_EN_HIGH	0x20		/* SLP_EN, bit 13 of PM1a_CNT */
#define PM_TMR_PORT		0x608
#define I8042_DATA		0x60
#define I8042_CMD		0x64
#define LAPIC_ICR_LOW		0x300
#define LAPIC_REG_BYTES		4
#define ICR_MODE_SHIFT		8
#define ICR_MODE_INIT		5
#define ICR_DEST_LOGICAL	(1U << 11)
#define ICR_LEVEL_ASSERT	(1U << 14)
#define ICR_TRIGGER_LEVEL	(1U << 15)
#define ICR_SHORTHAND_SHIFT	18
#define ICR_ALL_BUT_SELF	3
#define APIC_BROADCAST		0xff
#define IDT_GATES		256
#define STUB_BYTES		16
#define GATE_INT64		0x8e
#define SEL_CODE64		0x08
#define CPUID1_ECX_XSAVE	(1U << 26)
#define CR4_OSXSAVE		(1ULL << 18)
#define EXIT_UNEXPECTED		3
#define EXIT_NO_REBOOT		4
#define EXC_DB 1
#define EXC_NMI 2
#define EXC_BP 3
#define EXC_UD 6
#define EXC_GP 13
#define EXC_PF 14
#define FIRST_IRQ 32

struct options {
	uint64_t base_seed;
	uint32_t ops;		/* per seed, then reboot */
	uint32_t seeds;		/* exit 0 at this restart count; 0: never */
	uint32_t report;	/* a progress line every N operations */
	uint32_t end;		/* per mille of drawn seed-enders kept */
	uint32_t hlt;		/* weight of HLT */
	int64_t trace;		/* print every operation from this one on */
	int64_t trace_seed;	/* ... in this seed only (-1: every seed) */
	uint32_t cr_strict;	/* flip any CR0/CR4 bit (else cr*_lenient) */
};

static struct options opt;
static uint64_t rng;
static uint64_t ram_end;
static bool page1g;
static uint32_t seed_index, op_index;
static uint32_t caught[IDT_GATES];

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_high, reserved;
} __attribute__((packed));

static struct idt_gate idt[IDT_GATES];

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p = { sizeof(idt) - 1, (uintptr_t)idt };

	for (unsigned int i = 0; i < IDT_GATES; i++) {
		uint64_t h = (uintptr_t)chaos_stubs + i * STUB_BYTES;

		idt[i] = (struct idt_gate){ (uint16_t)h, SEL_CODE64, 0,
					    GATE_INT64, (uint16_t)(h >> 16),
					    (uint32_t)(h >> 32), 0 };
	}
	asm volatile("lidt %0" : : "m"(p));
}

/* Called by entry.S for an exception outside every operation. */
void chaos_unexpected(uint64_t vector, const uint64_t *frame);
void chaos_unexpected(uint64_t vector, const uint64_t *frame)
{
	bool has_error = vector == 8 || (vector >= 10 && vector <= 14) ||
			 vector == 17 || vector == 21;

	serial_init();
	printf("chaos: unexpected vector %u outside an operation at RIP "
	       "0x%llx (seed %u op %u)\n", (uint32_t)vector,
	       (unsigned long long)frame[has_error ? 1 : 0], seed_index, op_index);
	guest_exit(EXIT_UNEXPECTED);
}

/* xorshift64* (Marsaglia; Vigna's multiplier), seeded by splitmix64. */
static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static void seed_rng(uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	rng = (z ^ (z >> 31)) | 1;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)((next() >> 32) % n);
}

static uint64_t pick(const uint64_t *v, unsigned int n)
{
	return v[below(n)];
}

/* A value with some structure: zero, ones, one bit, small, an address. */
static uint64_t any_value(void)
{
	switch (below(6)) {
	case 0: return 0;
	case 1: return ~0ULL;
	case 2: return 1ULL << below(64);
	case 3: return below(256);
	case 4: return (uint64_t)((int64_t)(next() << 16) >> 16);
	default: return next();
	}
}

static uint64_t flip_bit(uint64_t v)
{
	return v ^ (1ULL << below(64));
}

/* Runs a read-only operation for its result (the current MSR value). */
static bool read_msr(uint32_t index, uint64_t *value)
{
	struct op o = { .kind = OP_RDMSR, .a = index };

	if (chaos_try(op_run, &o))
		return false;
	*value = o.c;
	return true;
}

struct range {
	uint32_t base, count;
};

static const struct range msr_ranges[] = {
	{ 0x0, 0x20 }, { 0x10, 1 }, { 0x1b, 1 }, { 0x3a, 2 }, { 0x48, 2 },
	{ 0x8b, 1 }, { 0xc1, 8 }, { 0xfe, 1 }, { 0x10a, 1 }, { 0x174, 3 },
	{ 0x179, 4 }, { 0x186, 8 }, { 0x1a0, 1 }, { 0x1d9, 1 },
	{ 0x200, 0x20 }, { 0x250, 1 }, { 0x258, 2 }, { 0x268, 8 },
	{ 0x277, 1 }, { 0x2ff, 1 }, { 0x38d, 8 }, { 0x480, 0x12 },
	{ 0x4c1, 8 }, { 0x6e0, 1 }, { 0x800, 0x100 }, { 0xda0, 1 },
	{ 0xc0000080, 0x84 }, { 0xc0000100, 5 }, { 0xc0000300, 4 },
	{ 0xc0010000, 0x2000 },
};

static uint32_t draw_msr_index(void)
{
	const struct range *r;

	if (!below(8))
		return (uint32_t)next();
	r = &msr_ranges[below(ARRAY_SIZE(msr_ranges))];
	return r->base + below(r->count);
}

static void draw_wrmsr(struct op *o)
{
	uint64_t now;

	o->a = draw_msr_index();
	if (below(2) && read_msr(o->a, &now))
		o->b = flip_bit(now);
	else
		o->b = any_value();
}

static const uint64_t ports[] = {
	0x20, 0x21, 0x40, 0x41, 0x42, 0x43, 0x60, 0x61, 0x64, 0x70, 0x71,
	0x80, 0x92, 0xa0, 0xa1, 0xe9, 0xf0, 0xf4, 0xf5, 0xf7, 0x2e8, 0x3f8,
	0x3f9, 0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x402, 0x510, 0x511,
	0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x608, 0x609, 0xcf8,
	0xcf9, 0xcfa, 0xcfc, 0xcfe, 0xcff, 0xfffe, 0xffff,
};

static uint16_t draw_port(void)
{
	return below(2) ? (uint16_t)next() :
			  (uint16_t)pick(ports, ARRAY_SIZE(ports));
}

static bool covers(uint32_t port, unsigned int width, uint32_t which)
{
	return which >= port && which < port + width;
}

/*
 * An OUT may not end the guest by itself: not the debug-exit port (the
 * partition would just exit), no SLP_EN (power off), and nothing to the
 * UART's data register (garbage on the shared console).
 */
static bool draw_out(struct op *o)
{
	o->a = draw_port();
	o->variant = 1U << below(3);
	o->b = any_value();
	if (o->a == DEBUG_EXIT_PORT || covers(o->a, o->variant, UART_DATA_PORT))
		return false;
	if (covers(o->a, o->variant, PM1A_CNT_HIGH))
		o->b &= ~((uint64_t)PM1A_SLP_EN_HIGH <<
			  8 * (PM1A_CNT_HIGH - o->a));
	return true;
}

static bool draw_string_io(struct op *o)
{
	uint32_t width;

	o->a = draw_port();
	o->variant = below(3) | below(STRING_IO_FORMS / 4) * 4;
	width = 1U << STRING_IO_SIZE(o->variant);
	o->b = below(17);
	o->c = o->variant & STRING_IO_DF ? SCRATCH_SIZE - 128 : 64;
	return (o->variant & STRING_IO_IN) ||
	       !covers(o->a, width, UART_DATA_PORT);
}

static const uint64_t leaf_bases[] = {
	0, 0x40000000, 0x80000000, 0xc0000000, 0x8ffffff0, 0xfffffff0,
};

static void draw_cpuid(struct op *o)
{
	o->a = below(6) ? (uint32_t)pick(leaf_bases, ARRAY_SIZE(leaf_bases)) +
			  below(0x30) : (uint32_t)next();
	if (o->a >= 0x40000000 && o->a < 0x40001000 && below(2))
		o->a += below(0x200);
	o->b = below(2) ? below(0x40) : next();
}

/* Anywhere in the page but over the ICR's low word: that sends an IPI. */
static bool lapic_span_ok(uint32_t offset, uint32_t bytes)
{
	return offset + bytes <= PAGE_BYTES &&
	       (offset + bytes <= LAPIC_ICR_LOW ||
		offset >= LAPIC_ICR_LOW + LAPIC_REG_BYTES);
}

static bool draw_lapic(struct op *o, bool write)
{
	o->variant = 1U << below(4);
	o->a = below(PAGE_BYTES);
	if (below(2))
		o->a &= ~0xfU;			/* a register's start */
	o->b = any_value();
	if (o->a + o->variant > PAGE_BYTES)
		return false;
	return !write || lapic_span_ok(o->a, o->variant);
}

static const uint8_t form_width[FORM_COUNT] = {
	[FORM_ADD32] = 4, [FORM_OR8] = 1, [FORM_AND16] = 2, [FORM_XOR64] = 8,
	[FORM_SUB32] = 4, [FORM_XCHG32] = 4, [FORM_NOT32] = 4,
	[FORM_NEG8] = 1, [FORM_INC32] = 4, [FORM_TEST32] = 4, [FORM_CMP8] = 1,
	[FORM_MOVZX8] = 1, [FORM_MOVSX16] = 2, [FORM_REP_STOS32] = 16,
	[FORM_MOVS_TO_RAM32] = 16, [FORM_CMPXCHG32] = 4,
};

/* The I/O APIC takes aligned 32-bit accesses to its three registers. */
#define IOAPIC_REG_ALIGN	0xf
static const uint64_t ioapic_regs[] = { 0, IOAPIC_DATA, IOAPIC_EOI, 0x20 };

static bool draw_form(struct op *o)
{
	uint32_t form = below(FORM_COUNT);

	o->b = any_value();
	o->c = below(4);
	if (!below(4)) {
		o->variant = form | FORM_IOAPIC;
		o->a = below(2) ? (uint32_t)pick(ioapic_regs,
						 ARRAY_SIZE(ioapic_regs)) :
				  below(PAGE_BYTES - 16);
		return true;
	}
	o->variant = form;
	o->a = below(PAGE_BYTES - 16);
	if (below(2))
		o->a &= ~0xfU;
	return lapic_span_ok(o->a, 16);
}

static void draw_ioapic(struct op *o)
{
	o->variant = below(3);
	o->a = below(2) ? below(0x40) : below(256);
	o->b = any_value();
}

/*
 * Any delivery mode, vector, trigger, destination mode and shorthand to a
 * random APIC ID; but an INIT (level assert) never reaches this vCPU
 * itself: it would wait for a SIPI forever, as on hardware.
 */
static void draw_ipi(struct op *o)
{
	uint32_t low = (uint32_t)next() & 0x000ccfffU;
	uint32_t dest = below(4) ? below(8) : below(256);
	bool deassert = (low & ICR_TRIGGER_LEVEL) && !(low & ICR_LEVEL_ASSERT);

	if (((low >> ICR_MODE_SHIFT) & 7) == ICR_MODE_INIT && !deassert) {
		uint32_t shorthand = (low >> ICR_SHORTHAND_SHIFT) & 3;

		if (shorthand) {
			low |= ICR_ALL_BUT_SELF << ICR_SHORTHAND_SHIFT;
		} else {
			low &= ~ICR_DEST_LOGICAL;
			if (dest == 0 || dest == APIC_BROADCAST)
				dest = 1 + below(APIC_BROADCAST - 1);
		}
	}
	o->b = dest << 24;
	o->c = low;
}

/*
 * Without cr_strict, the CR0 and CR4 bits a write may flip in 64-bit mode
 * without a #GP: QEMU's TCG does not raise it for clearing CR0.PG, CR0.PE
 * or CR4.PAE, and stops the VMRUN (instead of a #GP) for CR0.NW without
 * CR0.CD and for a CR4 bit its CPUID does not offer. That is the CPU's business on SVM (no CR
 * intercepts), so the SVM scenario leaves those out.
 */
static const uint64_t cr0_lenient[] = {
	1ULL << 1, 1ULL << 2, 1ULL << 3, 1ULL << 5, 1ULL << 16, 1ULL << 18,
	1ULL << 30,
};

struct cr4_feature {
	uint8_t bit, leaf, reg, cpuid_bit;	/* reg: 1 EBX, 2 ECX */
};

static const struct cr4_feature cr4_features[] = {
	{ 11, 7, 2, 2 },	/* UMIP */
	{ 16, 7, 1, 0 },	/* FSGSBASE */
	{ 17, 1, 2, 17 },	/* PCIDE */
	{ 18, 1, 2, 26 },	/* OSXSAVE */
	{ 20, 7, 1, 7 },	/* SMEP */
	{ 21, 7, 1, 20 },	/* SMAP */
	{ 22, 7, 2, 3 },	/* PKE */
};

static uint8_t cr4_lenient[32];
static unsigned int cr4_lenient_count;

static void cr4_lenient_init(void)
{
	static const uint8_t always[] = { 0, 1, 2, 3, 4, 6, 7, 8, 9, 10 };

	for (unsigned int i = 0; i < ARRAY_SIZE(always); i++)
		cr4_lenient[cr4_lenient_count++] = always[i];
	for (unsigned int i = 0; i < ARRAY_SIZE(cr4_features); i++) {
		const struct cr4_feature *f = &cr4_features[i];
		struct cpuid_regs r = cpuid(f->leaf, 0);
		uint32_t reg = f->reg == 1 ? r.ebx : r.ecx;

		if (reg & (1U << f->cpuid_bit))
			cr4_lenient[cr4_lenient_count++] = f->bit;
	}
}

static void draw_cr(struct op *o)
{
	static const uint64_t crs[] = { 0, 2, 3, 4, 8 };
	uint64_t now = 0;

	o->variant = !below(4);
	o->a = (uint32_t)pick(crs, ARRAY_SIZE(crs));
	switch (o->a) {
	case 0: asm volatile("mov %%cr0, %0" : "=r"(now)); break;
	case 3: asm volatile("mov %%cr3, %0" : "=r"(now)); break;
	case 4: asm volatile("mov %%cr4, %0" : "=r"(now)); break;
	default: break;
	}
	/*
	 * CR3: its flag and ignored bits, never the table (a triple fault
	 * that says nothing) nor bits 52-63 (QEMU's TCG takes those and
	 * hangs, bare too).
	 */
	if (o->a == 3)
		o->b = now ^ (1ULL << below(12));
	else if ((o->a == 0 || o->a == 4) && opt.cr_strict)
		o->b = flip_bit(now);
	else if (o->a == 0)
		o->b = now ^ pick(cr0_lenient, ARRAY_SIZE(cr0_lenient));
	else if (o->a == 4)
		o->b = now ^ (1ULL << cr4_lenient[below(cr4_lenient_count)]);
	else if (o->a == 8)
		o->b = below(4) ? below(16) : any_value();
	else
		o->b = any_value();
}

static void draw_dr(struct op *o)
{
	o->a = below(8);
	o->b = o->a >= 6 && below(2) ? (uint32_t)next() : any_value();
}

static void draw_xsetbv(struct op *o)
{
	static const uint64_t xcr0[] = { 0, 1, 2, 3, 7, 0xe7, 0x207, 0x2ff };

	o->a = below(4) ? 0 : below(3);
	o->b = below(2) ? pick(xcr0, ARRAY_SIZE(xcr0)) : any_value();
}

/* Guest-physical addresses with neither RAM nor a device behind them. */
static uint64_t draw_hole(void)
{
	switch (below(page1g ? 5 : 4)) {
	case 0: return 0xa0000 + below(0x20000);
	case 1: return ram_end + below((uint32_t)(IOAPIC_BASE - ram_end));
	case 2: return IOAPIC_BASE + PAGE_BYTES + below(0x1ff000);
	case 3: return LAPIC_BASE + PAGE_BYTES + below(0x11ff000);
	default: return (4ULL << 30) + (next() % (508ULL << 30));
	}
}

/*
 * The reset controls (docs/guest-interface.md, Devices): RST_CPU in 0xCF9,
 * an 8042 pulse of the reset line, or the 8042's output port written with
 * the reset line low after command 0xD1. Byte accesses only.
 */
#define RST_CPU			0x04
#define KBC_PULSE_FIRST		0xf0
#define KBC_OUT_RESET_HIGH	0x01
#define KBC_WRITE_OUTPUT	0xd1
static bool kbc_wants_output;	/* the 8042's last command was 0xD1 */

static bool out_resets(const struct op *o)
{
	uint8_t v = (uint8_t)o->b;

	if (o->variant != 1)
		return false;
	if (o->a == RESET_PORT)
		return v & RST_CPU;
	if (o->a == I8042_CMD)
		return v >= KBC_PULSE_FIRST && !(v & KBC_OUT_RESET_HIGH);
	return o->a == I8042_DATA && kbc_wants_output &&
	       !(v & KBC_OUT_RESET_HIGH);
}

/* After an OUT has run: what the 8042 now waits for. */
static void track_kbc(const struct op *o)
{
	if (o->kind != OP_OUT || o->variant != 1)
		return;
	if (o->a == I8042_CMD)
		kbc_wants_output = (uint8_t)o->b == KBC_WRITE_OUTPUT;
	else if (o->a == I8042_DATA)
		kbc_wants_output = false;
}

/*
 * Which operations stop or reboot the partition (docs/guest-interface.md): an
 * access outside RAM, string I/O on the ports that take only IN/OUT, an
 * instruction form the MMIO emulation does not take.
 */
static bool ends_seed(const struct op *o)
{
	uint32_t width = 1U << STRING_IO_SIZE(o->variant);
	uint32_t form = o->variant & (FORM_IOAPIC - 1);

	switch (o->kind) {
	case OP_HOLE:
		return true;
	case OP_STRING_IO:
		return o->a == DEBUG_EXIT_PORT || o->a == PM_TMR_PORT ||
		       (width == 1 && (o->a == I8042_DATA ||
				       o->a == I8042_CMD ||
				       o->a == RESET_PORT)) ||
		       (o->a >= PM1A_EVT && o->a + width <= PM1A_END);
	case OP_OUT:
		return out_resets(o);
	case OP_LAPIC_FORM:
		if (form == FORM_CMPXCHG32)
			return true;
		if (form == FORM_REP_STOS32 || form == FORM_MOVS_TO_RAM32)
			/* One element takes; the next, 4 bytes on, does not. */
			return (o->variant & FORM_IOAPIC) &&
			       ((o->a & IOAPIC_REG_ALIGN) || (o->c & 3));
		return (o->variant & FORM_IOAPIC) &&
		       (form_width[form] != 4 || (o->a & IOAPIC_REG_ALIGN));
	default:
		return false;
	}
}

struct weight {
	enum op_kind kind;
	uint32_t weight;
};

static const struct weight weights[] = {
	{ OP_RDMSR, 110 }, { OP_WRMSR, 110 }, { OP_IN, 70 }, { OP_OUT, 70 },
	{ OP_STRING_IO, 50 }, { OP_CPUID, 70 }, { OP_HYPERCALL, 25 },
	{ OP_LAPIC_READ, 60 }, { OP_LAPIC_WRITE, 60 }, { OP_LAPIC_FORM, 45 },
	{ OP_IOAPIC, 60 }, { OP_IPI, 60 }, { OP_CR, 60 }, { OP_DR, 35 },
	{ OP_XSETBV, 15 }, { OP_CACHE, 15 }, { OP_TRAP, 25 }, { OP_HLT, 0 },
	{ OP_HOLE, 20 },
};

static enum op_kind draw_kind(void)
{
	uint32_t total = 0, r;

	for (unsigned int i = 0; i < ARRAY_SIZE(weights); i++)
		total += weights[i].kind == OP_HLT ? opt.hlt : weights[i].weight;
	r = below(total);
	for (unsigned int i = 0; i < ARRAY_SIZE(weights); i++) {
		uint32_t w = weights[i].kind == OP_HLT ? opt.hlt :
			     weights[i].weight;

		if (r < w)
			return weights[i].kind;
		r -= w;
	}
	return OP_CPUID;
}

/* Fills o; false when the draw must be thrown away and done again. */
static bool draw_once(struct op *o)
{
	*o = (struct op){ .kind = draw_kind() };
	switch (o->kind) {
	case OP_RDMSR: o->a = draw_msr_index(); return true;
	case OP_WRMSR: draw_wrmsr(o); return true;
	case OP_IN: o->a = draw_port(); o->variant = 1U << below(3); return true;
	case OP_OUT: return draw_out(o);
	case OP_STRING_IO: return draw_string_io(o);
	case OP_CPUID: draw_cpuid(o); return true;
	case OP_HYPERCALL:
		o->variant = below(2);
		o->a = (uint32_t)any_value();
		o->b = any_value();
		o->c = any_value();
		return true;
	case OP_LAPIC_READ: return draw_lapic(o, false);
	case OP_LAPIC_WRITE: return draw_lapic(o, true);
	case OP_LAPIC_FORM: return draw_form(o);
	case OP_IOAPIC: draw_ioapic(o); return true;
	case OP_IPI: draw_ipi(o); return true;
	case OP_CR: draw_cr(o); return true;
	case OP_DR: draw_dr(o); return true;
	case OP_XSETBV: draw_xsetbv(o); return true;
	case OP_CACHE: o->variant = below(3); o->b = any_value(); return true;
	case OP_TRAP: o->variant = below(4); o->a = below(256); return true;
	case OP_HLT: o->b = 1000 + below(100000); return true;
	case OP_HOLE:
		o->variant = below(3);
		o->c = 1U << below(4);
		o->b = draw_hole() & ~(o->c - 1);
		return true;
	default:
		return false;
	}
}

/* Seed-enders are kept `end` times in a thousand, so seeds last. */
static void draw(struct op *o)
{
	for (;;) {
		if (!draw_once(o))
			continue;
		if (!ends_seed(o) || below(1000) < opt.end)
			return;
	}
}

static void count_caught(uint32_t result)
{
	if (result)
		caught[(result - 1) % IDT_GATES]++;
}

static uint32_t irqs_caught(void)
{
	uint32_t n = 0;

	for (unsigned int v = FIRST_IRQ; v < IDT_GATES; v++)
		n += caught[v];
	return n;
}

static void print_op(const char *what, const struct op *o)
{
	serial_init();
	printf("chaos: seed %u op %u %s%s a=0x%x variant=0x%x b=0x%llx "
	       "c=0x%llx\n", seed_index, op_index, what, op_name(o->kind),
	       o->a, o->variant, (unsigned long long)o->b,
	       (unsigned long long)o->c);
}

static void seed_summary(void)
{
	uint32_t other = 0;

	for (unsigned int v = 0; v < FIRST_IRQ; v++)
		other += caught[v];
	other -= caught[EXC_GP] + caught[EXC_UD] + caught[EXC_PF] +
		 caught[EXC_DB] + caught[EXC_BP] + caught[EXC_NMI];
	serial_init();
	printf("chaos: seed %u survived %u ops: #GP %u #UD %u #PF %u #DB %u "
	       "#BP %u other %u, NMIs %u, interrupts %u\n", seed_index,
	       op_index, caught[EXC_GP], caught[EXC_UD], caught[EXC_PF],
	       caught[EXC_DB], caught[EXC_BP], other, caught[EXC_NMI],
	       irqs_caught());
}

static void report_in_service(void)
{
	if (!chaos_in_service)
		return;
	serial_init();
	printf("chaos: seed %u op %u: vector 0x%x was still in service "
	       "before HLT; %s\n", seed_index, op_index,
	       (chaos_in_service & ~IN_SERVICE_STUCK) - 1,
	       chaos_in_service & IN_SERVICE_STUCK ?
	       "256 EOIs left it there: HLT skipped" : "acknowledged");
	chaos_in_service = 0;
}

static bool tracing(void)
{
	return opt.trace >= 0 && op_index >= (uint64_t)opt.trace &&
	       (opt.trace_seed < 0 || opt.trace_seed == seed_index);
}

static void run_seed(void)
{
	struct op o;

	for (op_index = 0; op_index < opt.ops; op_index++) {
		draw(&o);
		if (ends_seed(&o))
			print_op("ends the seed: ", &o);
		else if (tracing())
			print_op("", &o);
		count_caught(chaos_try(op_run, &o));
		track_kbc(&o);
		report_in_service();
		if (o.kind == OP_DR)
			count_caught(chaos_try(op_dr7_reset, NULL));
		if ((op_index + 1) % opt.report == 0) {
			serial_init();
			printf("chaos: seed %u op %u\n", seed_index,
			       op_index + 1);
		}
	}
	seed_summary();
}

static uint32_t restarts(void)
{
	struct cpuid_regs r = cpuid(BULKHEAD_LEAF, 0);

	if (r.ebx != SIG_EBX || r.ecx != SIG_ECX || r.eax < BULKHEAD_INFO_LEAF)
		return 0;
	return cpuid(BULKHEAD_INFO_LEAF, 0).eax;
}

static uint32_t option(const char *cmdline, const char *key, long dflt,
		       long min)
{
	long v = cmdline_int(cmdline, key, dflt);

	return (uint32_t)(v < min ? min : v);
}

static void enable_xsave(void)
{
	uint64_t cr4;

	if (!(cpuid(1, 0).ecx & CPUID1_ECX_XSAVE))
		return;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_OSXSAVE));
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint32_t boot;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	idt_init();
	cmdline = mb_cmdline(mbi);
	opt.base_seed = (uint64_t)cmdline_int(cmdline, "seed", 1);
	opt.ops = option(cmdline, "ops", 20000, 1);
	opt.seeds = option(cmdline, "seeds", 0, 0);
	opt.report = option(cmdline, "report", 1000, 1);
	opt.end = option(cmdline, "end", 30, 0);
	opt.hlt = option(cmdline, "hlt", 5, 0);
	opt.trace = cmdline_int(cmdline, "trace", -1);
	opt.trace_seed = cmdline_int(cmdline, "trace_seed", -1);
	opt.cr_strict = option(cmdline, "cr_strict", 1, 0);
	ram_end = 0x100000 + ((uint64_t)mb_mem_upper_kib(mbi) << 10);
	page1g = cpuid(0x80000001U, 0).edx & (1U << 26);
	enable_xsave();
	cr4_lenient_init();

	boot = restarts();
	seed_index = (uint32_t)(opt.base_seed + boot);
	if (opt.seeds && boot >= opt.seeds) {
		printf("chaos: done: %u seeds from %u\n", opt.seeds,
		       (uint32_t)opt.base_seed);
		return 0;
	}
	printf("chaos: seed %u (base %u, restart %u), %u ops, RAM ends at "
	       "0x%llx\n", seed_index, (uint32_t)opt.base_seed, boot, opt.ops,
	       (unsigned long long)ram_end);
	seed_rng(seed_index);
	run_seed();
	outb(RESET_PORT, RESET_CPU_SYS);
	printf("chaos: the reboot through port 0xcf9 did not happen\n");
	return EXIT_NO_REBOOT;
}
