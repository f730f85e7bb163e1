/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_INSN_H
#define ARCH_X86_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decoder for the few instructions guests use on emulated MMIO pages. A
 * nested page fault gives the guest-physical address but, without decode
 * assists, not what the access was: the hypervisor fetches the bytes at
 * RIP and learns here the direction, size, register or immediate, and the
 * length to step over. The effective address is not computed (the fault
 * has it), but every ModRM/SIB/displacement form is measured exactly.
 */

/* Architectural limit on instruction length (SDM vol. 2A, 2.3.11). */
#define INSN_MAX_LEN	15

/* The code segment's default operand/address size (CS.D, CS.L). */
enum insn_mode {
	INSN_MODE_16,		/* real mode, virtual-8086 or 16-bit PM */
	INSN_MODE_32,
	INSN_MODE_64,
};

/*
 * "Source" below is the register operand when reg >= 0, else imm. The
 * arithmetic kinds also set RFLAGS on the CPU; the decoder does not model
 * flags.
 */
enum insn_kind {
	INSN_MOV_TO_MEM,	/* mem = source */
	INSN_MOV_FROM_MEM,	/* reg = mem */
	INSN_MOV_IMM_TO_MEM,	/* mem = imm (reg is -1) */
	INSN_MOVZX_FROM_MEM,	/* reg = zero-extend(mem) to ext_size */
	INSN_MOVSX_FROM_MEM,	/* reg = sign-extend(mem) to ext_size */
	INSN_AND_TO_MEM,	/* mem &= source */
	INSN_OR_TO_MEM,		/* mem |= source */
	INSN_XOR_TO_MEM,	/* mem ^= source */
	INSN_TEST_MEM,		/* flags of mem & source */
	INSN_CMP_MEM,		/* flags of mem - source */
	INSN_CMP_REG_MEM,	/* flags of reg - mem (CMP r, r/m) */
	INSN_XCHG_MEM,		/* mem = reg and reg = old mem, atomically */
};

struct insn {
	enum insn_kind kind;
	unsigned int length;	/* bytes, to advance RIP */
	unsigned int size;	/* memory access size: 1, 2, 4 or 8 */
	/*
	 * Index into regs[] (RAX=0 ... R15=15) of the register operand, or
	 * -1 when the other operand is an immediate. AH, CH, DH and BH are
	 * reported as the register holding them (0-3) with reg_high8 set.
	 */
	int reg;
	bool reg_high8;
	/* Immediate, sign-extended as the CPU does and truncated to size. */
	uint64_t imm;
	unsigned int ext_size;	/* MOVZX/MOVSX: destination size, else 0 */
};

/*
 * Returns 0; -EINVAL when the bytes are not an instruction emulated here
 * (including register-direct forms, prefixes that would #UD, and lengths
 * over INSN_MAX_LEN); -E2BIG when more than avail bytes are needed.
 */
int insn_decode(const uint8_t *bytes, size_t avail, enum insn_mode mode,
		struct insn *out);

/* The source operand: the register at the access size, or imm. */
uint64_t insn_reg_read(const uint64_t regs[16], const struct insn *i);

/*
 * Writes a value read from memory to the register operand as the CPU
 * would: MOVZX/MOVSX extend it from size to ext_size first; 8- and 16-bit
 * writes merge, 32-bit writes zero the upper half. No-op when reg < 0.
 */
void insn_reg_write(uint64_t regs[16], const struct insn *i, uint64_t value);

#endif
