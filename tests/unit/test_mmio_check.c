/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/insn.h"
#include "kernel/exit/mmio_check.h"

/*
 * The race: a vCPU faults on the local APIC page, and before the
 * hypervisor reads the instruction back another vCPU rewrites it. The
 * check compares what the bytes say now with what the CPU reported.
 * Encodings from GNU as --64; flat segments, identity paging, so the
 * operand's offset is its guest-physical address.
 */
#define B(...)		{ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })
#define LAPIC		0xfee00000ULL
#define RBX		3

static const struct {
	const char *text;
	uint8_t bytes[INSN_MAX_LEN];
	unsigned int len;
} code[] = {
#define READ_TPR	0
	{ "mov 0x80(%rbx),%eax", B(0x8b, 0x83, 0x80, 0x00, 0x00, 0x00) },
#define WRITE_TPR	1
	{ "mov %eax,0x80(%rbx)", B(0x89, 0x83, 0x80, 0x00, 0x00, 0x00) },
#define READ_ICR	2
	{ "mov 0x300(%rbx),%eax", B(0x8b, 0x83, 0x00, 0x03, 0x00, 0x00) },
#define READ_8_AT_FFC	3
	{ "mov 0xffc(%rbx),%rax",
	  B(0x48, 0x8b, 0x83, 0xfc, 0x0f, 0x00, 0x00) },
#define ADD_TPR		4
	{ "addl $0x1,0x80(%rbx)",
	  B(0x83, 0x83, 0x80, 0x00, 0x00, 0x00, 0x01) },
#define XCHG_TPR	5
	{ "xchg %eax,0x80(%rbx)", B(0x87, 0x83, 0x80, 0x00, 0x00, 0x00) },
#define STOS		6
	{ "stos %eax,%es:(%rdi)", B(0xab) },
#define LODS		7
	{ "lods %ds:(%rsi),%eax", B(0xad) },
#define MOVS		8
	{ "movsl %ds:(%rsi),%es:(%rdi)", B(0xa5) },
};

static struct insn decode(unsigned int which)
{
	struct insn in;

	assert_int_equal(insn_decode(code[which].bytes, code[which].len,
				     INSN_MODE_64, &in), 0);
	return in;
}

/* What the instruction accesses now, as mmio_emul.c works it out. */
static enum mmio_verdict check(unsigned int which, uint64_t gpa, bool write)
{
	uint64_t regs[16] = { [RBX] = LAPIC };
	const struct mmio_fault fault = { .gpa = gpa, .write = write };
	struct insn in = decode(which);

	return mmio_check_access(&fault, &in,
				 insn_mem_offset(&in, regs, 0x1000 +
						 in.length));
}

static void test_the_faulting_access_matches(void **state)
{
	(void)state;
	assert_int_equal(check(READ_TPR, LAPIC + 0x80, false), MMIO_MATCH);
	assert_int_equal(check(WRITE_TPR, LAPIC + 0x80, true), MMIO_MATCH);
	assert_int_equal(check(READ_ICR, LAPIC + 0x300, false), MMIO_MATCH);
}

/* The fault was a TPR read; the bytes now say something else. */
static void test_rewritten_instruction_refused(void **state)
{
	(void)state;
	/* Now a write: emulating it would write what the CPU only read. */
	assert_int_equal(check(WRITE_TPR, LAPIC + 0x80, false),
			 MMIO_OTHER_DIRECTION);
	assert_int_equal(check(READ_TPR, LAPIC + 0x80, true),
			 MMIO_OTHER_DIRECTION);
	/* Now another register. */
	assert_int_equal(check(READ_ICR, LAPIC + 0x80, false),
			 MMIO_OTHER_ADDRESS);
	/* The instruction fetch itself faulted: nothing to emulate. */
	{
		const struct mmio_fault fetch = { LAPIC, false, true };
		struct insn in = decode(READ_TPR);

		assert_int_equal(mmio_check_access(&fetch, &in, LAPIC),
				 MMIO_FETCH);
	}
}

/* An 8-byte read at 0xffc would emulate 4 bytes of the next page. */
static void test_access_stays_in_the_page(void **state)
{
	(void)state;
	assert_int_equal(check(READ_8_AT_FFC, LAPIC + 0xffc, false),
			 MMIO_CROSSES_PAGE);
}

/* Which access of a read-modify-write faults first is the CPU's. */
static void test_read_modify_write_either_way(void **state)
{
	(void)state;
	assert_int_equal(check(ADD_TPR, LAPIC + 0x80, false), MMIO_MATCH);
	assert_int_equal(check(ADD_TPR, LAPIC + 0x80, true), MMIO_MATCH);
	assert_int_equal(check(XCHG_TPR, LAPIC + 0x80, false), MMIO_MATCH);
	assert_int_equal(check(XCHG_TPR, LAPIC + 0x80, true), MMIO_MATCH);
}

/* String forms: the caller passes the element's address. */
static void test_string_directions(void **state)
{
	const struct mmio_fault read = { LAPIC + 0x80, false, false };
	const struct mmio_fault write = { LAPIC + 0x80, true, false };
	struct insn stos = decode(STOS), lods = decode(LODS);
	struct insn movs = decode(MOVS);

	(void)state;
	assert_int_equal(mmio_check_access(&write, &stos, LAPIC + 0x80),
			 MMIO_MATCH);
	assert_int_equal(mmio_check_access(&read, &stos, LAPIC + 0x80),
			 MMIO_OTHER_DIRECTION);
	assert_int_equal(mmio_check_access(&read, &lods, LAPIC + 0x80),
			 MMIO_MATCH);
	assert_int_equal(mmio_check_access(&write, &lods, LAPIC + 0x80),
			 MMIO_OTHER_DIRECTION);
	assert_int_equal(mmio_check_access(&read, &movs, LAPIC + 0x80),
			 MMIO_MATCH);
	assert_int_equal(mmio_check_access(&write, &movs, LAPIC + 0x84),
			 MMIO_OTHER_ADDRESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_faulting_access_matches),
		cmocka_unit_test(test_rewritten_instruction_refused),
		cmocka_unit_test(test_access_stays_in_the_page),
		cmocka_unit_test(test_read_modify_write_either_way),
		cmocka_unit_test(test_string_directions),
	};

	return cmocka_run_group_tests_name("mmio_check", tests, NULL, NULL);
}
