/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mmio-forms: every instruction form a compiler emits for a device
 * register, aimed at the local APIC page, and string port I/O on the
 * UART. Each row is fixed inline assembly (the bytes are the test) and
 * prints "PASS name" or "FAIL name: got ... want ...". The TPR (0x80) is
 * the writable register: 8 bits, all read back. Sub-dword rows expect
 * what docs/guest-interface.md promises: a narrower read sees those bytes
 * of the register, a narrower write replaces those bytes.
 * Exit code: the number of failed rows.
 */
#include "guests/lib/runtime.h"

#define LAPIC		0xfee00000u
#define APIC_ID		(LAPIC + 0x20)
#define APIC_VERSION	(LAPIC + 0x30)
#define APIC_TPR	(LAPIC + 0x80)
#define UART		0x3f8
#define UART_SCRATCH	(UART + 7)
#define LOW_BUF		0x6000u		/* below 64 KiB: 16-bit addressing */
#define RFLAGS_CF	0x001u
#define RFLAGS_ZF	0x040u
#define RFLAGS_SF	0x080u
#define RFLAGS_OF	0x800u
#define PTE_P		0x01u
#define PTE_W		0x02u
#define PTE_PWT		0x08u
#define PTE_PCD		0x10u
#define PTE_PS		0x80u

static unsigned int failed;

static void row(const char *name, uint64_t got, uint64_t want)
{
	if (got == want) {
		printf("PASS %s\n", name);
		return;
	}
	failed++;
	printf("FAIL %s: got %llx want %llx\n", name, got, want);
}

static uint32_t tpr(void)
{
	return mmio_read32(APIC_TPR);
}

static void set_tpr(uint32_t v)
{
	mmio_write32(APIC_TPR, v);
}

/* Reads: every width and extension of the version and ID registers. */
static void read_rows(uint32_t ver)
{
	uint32_t a = 0xaaaaaaaau, b;

	asm volatile("movb 0xfee00030, %%al" : "+a"(a));
	row("movb load (a0)", a, 0xaaaaaa00u | (ver & 0xff));
	asm volatile("movw 0xfee00030, %%ax" : "=a"(a));
	row("movw load (66 8b)", a & 0xffff, ver & 0xffff);
	asm volatile("movb 0xfee00032, %%ch" : "=c"(a) : "c"(0x11111111u));
	row("movb load byte 2 into CH (8a 2d)", a, 0x11110011u |
	    ((ver >> 16) & 0xff) << 8);
	asm volatile("movzbl (%1), %0" : "=r"(a) : "r"(APIC_VERSION));
	row("movzbl (0f b6)", a, ver & 0xff);
	asm volatile("movzwl 2(%1), %0" : "=r"(a) : "r"(APIC_VERSION));
	row("movzwl upper half (0f b7)", a, ver >> 16);
	set_tpr(0xf0);
	asm volatile("movsbl (%1), %0" : "=r"(a) : "r"(APIC_TPR));
	row("movsbl (0f be)", a, 0xfffffff0u);
	asm volatile("movswl (%1), %0" : "=r"(a) : "r"(APIC_TPR));
	row("movswl (0f bf)", a, 0xf0);
	asm volatile("movsbw (%1), %%ax" : "=a"(a) : "r"(APIC_TPR),
		     "a"(0x12345678u));
	row("movsbw (66 0f be)", a, 0x1234fff0u);
	asm volatile("movl 0xfee00034, %0" : "=r"(b));
	row("movl bytes 4-7 of a register read 0", b, 0);
}

static void write_rows(void)
{
	set_tpr(0);
	asm volatile("movb $0x20, 0xfee00080" ::: "memory");
	row("movb imm store (c6)", tpr(), 0x20);
	asm volatile("movb %%dl, 0xfee00080" :: "d"(0x3321u) : "memory");
	row("movb DL store (88)", tpr(), 0x21);
	asm volatile("movb %%dh, 0xfee00080" :: "d"(0x3321u) : "memory");
	row("movb DH store (88, high byte)", tpr(), 0x33);
	asm volatile("movw $0x40, 0xfee00080" ::: "memory");
	row("movw imm store (66 c7)", tpr(), 0x40);
	asm volatile("movw %%ax, 0xfee00080" :: "a"(0x50u) : "memory");
	row("movw store (66 a3)", tpr(), 0x50);
	asm volatile("movl %0, (%1)" :: "r"(0x60u), "r"(APIC_TPR) : "memory");
	row("movl store (89)", tpr(), 0x60);
	asm volatile("movb $0x77, 0xfee00081" ::: "memory");
	row("movb to reserved byte 1 keeps byte 0", tpr() & 0xff, 0x60);
}

static uint32_t flags_after(uint32_t v, uint32_t op)
{
	uint32_t fl;

	set_tpr(v);
	switch (op) {
	case 0:
		asm volatile("addb $0xff, 0xfee00080; pushf; pop %0"
			     : "=r"(fl) :: "memory", "cc");
		break;
	case 1:
		asm volatile("cmpl $0x30, 0xfee00080; pushf; pop %0"
			     : "=r"(fl) :: "memory", "cc");
		break;
	default:
		asm volatile("testb $0x80, 0xfee00080; pushf; pop %0"
			     : "=r"(fl) :: "memory", "cc");
		break;
	}
	return fl & (RFLAGS_CF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_OF);
}

/* Read-modify-write and read-only ALU forms, with their flags. */
static void alu_rows(void)
{
	uint32_t a;

	set_tpr(0x40);
	asm volatile("orl $0x10, 0xfee00080" ::: "memory", "cc");
	row("orl imm (83 /1)", tpr(), 0x50);
	asm volatile("andb $0xf0, 0xfee00080" ::: "memory", "cc");
	row("andb imm (80 /4)", tpr(), 0x50);
	asm volatile("addl %0, 0xfee00080" :: "r"(0x10u) : "memory", "cc");
	row("addl reg (01)", tpr(), 0x60);
	asm volatile("subb $0x20, 0xfee00080" ::: "memory", "cc");
	row("subb imm (80 /5)", tpr(), 0x40);
	asm volatile("xorw $0x3, 0xfee00080" ::: "memory", "cc");
	row("xorw imm (66 83 /6)", tpr(), 0x43);
	asm volatile("incl 0xfee00080" ::: "memory", "cc");
	row("incl (ff /0)", tpr(), 0x44);
	asm volatile("decb 0xfee00080" ::: "memory", "cc");
	row("decb (fe /1)", tpr(), 0x43);
	asm volatile("notb 0xfee00080" ::: "memory");
	row("notb (f6 /2)", tpr(), 0xbc);
	asm volatile("negb 0xfee00080" ::: "memory", "cc");
	row("negb (f6 /3)", tpr(), 0x44);
	asm volatile("lock orb $0x1, 0xfee00080" ::: "memory", "cc");
	row("lock orb (f0 80 /1)", tpr(), 0x45);
	a = 0x99;
	asm volatile("xchg %0, 0xfee00080" : "+r"(a) :: "memory");
	row("xchg (87) old value", a, 0x45);
	row("xchg (87) new value", tpr(), 0x99);
	a = 1;
	asm volatile("addl 0xfee00080, %0" : "+r"(a) :: "cc");
	row("addl to register (03)", a, 0x9a);
	row("addb 0xff to 0x01: CF ZF", flags_after(1, 0),
	    RFLAGS_CF | RFLAGS_ZF);
	row("cmpl 0x30 with 0x20: CF SF", flags_after(0x20, 1),
	    RFLAGS_CF | RFLAGS_SF);
	row("testb 0x80 of 0x90: SF", flags_after(0x90, 2), RFLAGS_SF);
}

static uint32_t buf[1024];

/* STOS, LODS and MOVS with the LAPIC on one side, REP and DF. */
static void string_rows(uint32_t ver)
{
	uint32_t a, c, s, d;

	set_tpr(0);
	asm volatile("stosl" : "=D"(d) : "D"(APIC_TPR), "a"(0x12u) : "memory");
	row("stosl (ab)", tpr(), 0x12);
	row("stosl moves EDI", d, APIC_TPR + 4);
	asm volatile("rep stosb" : "=D"(d), "=c"(c) : "D"(APIC_TPR),
		     "c"(1u), "a"(0x34u) : "memory");
	row("rep stosb (f3 aa)", tpr(), 0x34);
	asm volatile("lodsl" : "=a"(a), "=S"(s) : "S"(APIC_VERSION));
	row("lodsl (ad)", a, ver);
	asm volatile("lodsw" : "=a"(a), "=S"(s) : "S"(APIC_VERSION), "a"(0));
	row("lodsw (66 ad)", a, ver & 0xffff);
	buf[0] = 0x56;
	asm volatile("movsl" : "=S"(s), "=D"(d) : "S"(buf), "D"(APIC_TPR)
		     : "memory");
	row("movsl RAM to LAPIC (a5)", tpr(), 0x56);
	buf[0] = 0;
	asm volatile("movsb" : "=S"(s), "=D"(d) : "S"(APIC_VERSION), "D"(buf)
		     : "memory");
	row("movsb LAPIC to RAM (a4)", buf[0], ver & 0xff);
	/* The whole page: more elements than one exit does. */
	set_tpr(0x67);
	asm volatile("rep movsl" : "=S"(s), "=D"(d), "=c"(c)
		     : "S"(LAPIC), "D"(buf), "c"(1024u) : "memory");
	row("rep movsl 1024 dwords: ECX", c, 0);
	row("rep movsl 1024 dwords: ESI", s, LAPIC + 4096);
	row("rep movsl 1024 dwords: version", buf[0x30 / 4], ver);
	row("rep movsl 1024 dwords: TPR", buf[0x80 / 4], 0x67);
	/* Backwards: the second element (from buf[0]) lands in the TPR. */
	buf[0] = 0x71;
	buf[1] = 0x72;
	asm volatile("std; rep movsl; cld" : "=S"(s), "=D"(d), "=c"(c)
		     : "S"(&buf[1]), "D"(APIC_TPR + 4), "c"(2u)
		     : "memory");
	row("std rep movsl: TPR", tpr(), 0x71);
	row("std rep movsl: EDI", d, APIC_TPR - 4);
	set_tpr(0);
}

/* 2 MiB identity pages: the first 16 MiB, and the LAPIC's uncached. */
static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pdpt[512] __attribute__((aligned(4096)));
static uint64_t pd_low[512] __attribute__((aligned(4096)));
static uint64_t pd_high[512] __attribute__((aligned(4096)));
uint64_t *const long_pml4 = pml4;
extern uint32_t long_got[9];
void call64(void);

static void long_rows(uint32_t ver)
{
	for (uint32_t i = 0; i < 8; i++)
		pd_low[i] = (i << 21) | PTE_P | PTE_W | PTE_PS;
	pd_high[(LAPIC >> 21) & 511] = (LAPIC & ~0x1fffffu) | PTE_P | PTE_W |
				       PTE_PS | PTE_PCD | PTE_PWT;
	pdpt[0] = (uint32_t)pd_low | PTE_P | PTE_W;
	pdpt[3] = (uint32_t)pd_high | PTE_P | PTE_W;
	pml4[0] = (uint32_t)pdpt | PTE_P | PTE_W;
	call64();
	row("64-bit mov %sil,(%rcx) (40 88 31)", long_got[0], 0x70);
	row("64-bit mov %dil,(%rcx) (40 88 39)", long_got[1], 0x31);
	row("64-bit mov %bh,(%rcx) (88 39)", long_got[2], 0x42);
	row("64-bit movq store/load (4c 89/8b)",
	    long_got[3] | (uint64_t)long_got[4] << 32, 0x55);
	row("64-bit movzbq (4c 0f b6)", long_got[5] | (uint64_t)long_got[6] << 32,
	    ver & 0xff);
	row("64-bit add %r8b + movsbq (44 00, 48 0f be)",
	    long_got[7] | (uint64_t)long_got[8] << 32, 0xffffffffffffff95ull);
}

static void string_io_rows(void)
{
	static const char hello[] = "hello from rep outsb\n";
	uint8_t *low = (uint8_t *)LOW_BUF;
	uint8_t in[4] = { 0 };
	uint32_t c, s, d;

	asm volatile("rep outsb" : "=S"(s), "=c"(c)
		     : "S"(hello), "c"(sizeof(hello) - 1), "d"(UART)
		     : "memory");
	row("rep outsb (f3 6e): ECX", c, 0);
	row("rep outsb (f3 6e): ESI", s, (uint32_t)hello + sizeof(hello) - 1);
	outb(UART_SCRATCH, 0x5a);
	asm volatile("rep insb" : "=D"(d), "=c"(c)
		     : "D"(in), "c"(3u), "d"(UART_SCRATCH) : "memory");
	row("rep insb (f3 6c) from the scratch register",
	    in[0] | in[1] << 8 | in[2] << 16 | (uint32_t)in[3] << 24,
	    0x005a5a5au);
	outb(UART_SCRATCH, 0xa5);
	asm volatile("std; rep insb; cld" : "=D"(d), "=c"(c)
		     : "D"(&in[3]), "c"(2u), "d"(UART_SCRATCH) : "memory");
	row("std rep insb", in[2] | in[3] << 8, 0xa5a5);
	row("std rep insb: EDI", d, (uint32_t)&in[1]);
	asm volatile("outsb %%es:(%%esi), (%%dx)" : "=S"(s)
		     : "S"("\x34"), "d"(UART_SCRATCH));
	row("es outsb (26 6e): scratch", inb(UART_SCRATCH), 0x34);
	low[0] = low[1] = 0;
	outb(UART_SCRATCH, 0xc3);
	asm volatile("addr16 rep insb" : "=D"(d), "=c"(c)
		     : "D"(0xabcd0000u | LOW_BUF), "c"(0x00010002u),
		       "d"(UART_SCRATCH) : "memory");
	row("addr16 rep insb (67 f3 6c): DI, CX", (uint64_t)d << 32 | c,
	    (uint64_t)(0xabcd0000u | (LOW_BUF + 2)) << 32 | 0x00010000u);
	row("addr16 rep insb: data", low[0] | low[1] << 8, 0xc3c3);
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t ver;

	if (!mb_check(magic, mbi))
		return 0x7f;
	ver = mmio_read32(APIC_VERSION);
	printf("mmio-forms: LAPIC version %x, ID %x\n", ver,
	       mmio_read32(APIC_ID));
	read_rows(ver);
	write_rows();
	alu_rows();
	string_rows(ver);
	long_rows(ver);
	string_io_rows();
	printf("mmio-forms: %u failed\n", failed);
	return (int)failed;
}
