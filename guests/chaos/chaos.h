/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_CHAOS_CHAOS_H
#define GUESTS_CHAOS_CHAOS_H

/*
 * The chaos guest: a seeded stream of operations a hostile partition can
 * do, each run under a recovery point so that the exceptions it raises
 * end only that operation. See guests/README.md.
 */
#include "guests/lib/runtime.h"

/* What each operation is; ops.c runs one, main.c draws them. */
enum op_kind {
	OP_RDMSR,
	OP_WRMSR,
	OP_IN,
	OP_OUT,
	OP_STRING_IO,
	OP_CPUID,
	OP_HYPERCALL,
	OP_LAPIC_READ,
	OP_LAPIC_WRITE,
	OP_LAPIC_FORM,		/* a read-modify-write or string form */
	OP_IOAPIC,
	OP_IPI,
	OP_CR,
	OP_DR,
	OP_XSETBV,
	OP_CACHE,		/* INVLPG, WBINVD, INVD */
	OP_TRAP,		/* INT3, UD2, INT n */
	OP_HLT,			/* with the LAPIC timer armed to wake it */
	OP_HOLE,		/* ends the seed: an access outside RAM */
	OP_KIND_COUNT
};

struct op {
	enum op_kind kind;
	uint32_t a;		/* MSR, port, offset, leaf, register... */
	uint32_t variant;	/* width, direction, form */
	uint64_t b, c;		/* values */
};

/*
 * variant: bits 0-1 width (0 byte, 1 word, 2 dword), bit 2 IN (else
 * OUT), bit 3 REP, bit 4 address size 32 (the 0x67 prefix), bit 5 DF.
 * b is the count for REP, c the offset into the scratch page.
 */
#define STRING_IO_SIZE(v)	((v) & 3)
#define STRING_IO_IN		0x04
#define STRING_IO_REP		0x08
#define STRING_IO_A32		0x10
#define STRING_IO_DF		0x20
#define STRING_IO_FORMS		0x40

/*
 * Read-modify-write and string forms on a device page: variant picks the
 * form, a the offset in the page (LAPIC or, with bit 8, the I/O APIC),
 * b the operand.
 */
#define FORM_IOAPIC		0x100
#define FORM_COUNT		16
enum mmio_form {
	FORM_ADD32, FORM_OR8, FORM_AND16, FORM_XOR64, FORM_SUB32, FORM_XCHG32,
	FORM_NOT32, FORM_NEG8, FORM_INC32, FORM_TEST32, FORM_CMP8,
	FORM_MOVZX8, FORM_MOVSX16, FORM_REP_STOS32, FORM_MOVS_TO_RAM32,
	FORM_CMPXCHG32,		/* not emulated: ends the seed */
};

/* ops.c */
void op_run(void *op);			/* a struct op, under chaos_try */
const char *op_name(enum op_kind kind);
void op_dr7_reset(void *unused);
/*
 * 1 + a vector the HLT operation found still in service, or 0; with
 * IN_SERVICE_STUCK when 256 EOIs left it there (the HLT is skipped).
 */
#define IN_SERVICE_STUCK	0x10000
extern uint32_t chaos_in_service;

/* entry.S */
uint32_t chaos_try(void (*fn)(void *), void *arg);
extern char chaos_stubs[];

/* Scratch RAM the string operations read and write. */
#define SCRATCH_SIZE	4096
extern uint8_t chaos_scratch[SCRATCH_SIZE];

/* Where the devices are (docs/guest-interface.md). */
#define LAPIC_BASE	0xfee00000U
#define IOAPIC_BASE	0xfec00000U
#define IOAPIC_DATA	0x10
#define IOAPIC_EOI	0x40
#define PAGE_BYTES	4096U

#endif /* GUESTS_CHAOS_CHAOS_H */
