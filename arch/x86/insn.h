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
 * length to step over, and the memory operand's address as encoded, so
 * the caller can check it against the fault: the bytes are read after
 * the exit, and another vCPU may have changed them meanwhile.
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
 * arithmetic kinds set the status flags; insn_alu() computes them.
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
	INSN_XCHG_MEM,		/* mem = reg and reg = old mem, atomically */
	INSN_ADD_TO_MEM,	/* mem += source */
	INSN_ADC_TO_MEM,	/* mem += source + CF */
	INSN_SUB_TO_MEM,	/* mem -= source */
	INSN_SBB_TO_MEM,	/* mem -= source + CF */
	INSN_INC_MEM,		/* mem += 1, CF kept */
	INSN_DEC_MEM,		/* mem -= 1, CF kept */
	INSN_NOT_MEM,		/* mem = ~mem, no flags */
	INSN_NEG_MEM,		/* mem = -mem */
	INSN_ALU_TO_REG,	/* reg = reg alu mem (alu: a kind above) */
	/*
	 * String forms (reg is 0, the accumulator): the source is seg:rSI,
	 * the destination ES:rDI, both stepped by size (down with DF).
	 */
	INSN_STOS,		/* ES:rDI = accumulator */
	INSN_LODS,		/* accumulator = seg:rSI */
	INSN_MOVS,		/* ES:rDI = seg:rSI */
	INSN_INS,		/* ES:rDI = port DX */
	INSN_OUTS,		/* port DX = seg:rSI */
};

/* Segment registers in their encoding order (SDM vol. 2A, 3.1.1.3). */
enum insn_seg {
	INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS, INSN_SEG_FS,
	INSN_SEG_GS,
};

/* Status flags in RFLAGS (SDM vol. 1, 3.4.3.1) and the direction flag. */
#define RFLAGS_CF	(1ULL << 0)
#define RFLAGS_PF	(1ULL << 2)
#define RFLAGS_AF	(1ULL << 4)
#define RFLAGS_ZF	(1ULL << 6)
#define RFLAGS_SF	(1ULL << 7)
#define RFLAGS_DF	(1ULL << 10)
#define RFLAGS_OF	(1ULL << 11)
#define RFLAGS_STATUS	(RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | \
			 RFLAGS_SF | RFLAGS_OF)

/*
 * A memory operand as encoded (SDM vol. 2A, 2.1.5, tables 2-1 to 2-3):
 * base + index * scale + disp, plus the next instruction's address when
 * RIP-relative, at the address size.
 */
struct insn_mem {
	int base;		/* regs[] index, or -1 */
	int index;		/* regs[] index, or -1 */
	unsigned int scale;	/* 1, 2, 4 or 8 */
	uint64_t disp;		/* sign-extended (moffs: zero-extended) */
	bool rip_relative;
	bool default_ss;	/* based on rBP or rSP (vol. 1, 3.7.4) */
	enum insn_seg seg;	/* the override, else SS or DS */
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
	enum insn_kind alu;	/* INSN_ALU_TO_REG: the operation */
	bool rep;		/* F3 on a string form */
	unsigned int addr_size;	/* 2, 4 or 8: the string registers' width */
	enum insn_seg seg;	/* segment of a memory source (DS unless overridden) */
	struct insn_mem mem;	/* the ModRM or moffs operand; not strings' */
};

/*
 * Returns 0; -EINVAL when the bytes are not an instruction emulated here
 * (including register-direct forms, prefixes that would #UD, and lengths
 * over INSN_MAX_LEN); -E2BIG when more than avail bytes are needed.
 */
int insn_decode(const uint8_t *bytes, size_t avail, enum insn_mode mode,
		struct insn *out);

/*
 * The ModRM or moffs operand's offset in its segment (mem.seg), wrapped
 * at the address size; next_rip is the address after the instruction.
 * Meaningless for the string kinds, whose operands are rSI and rDI.
 */
uint64_t insn_mem_offset(const struct insn *in, const uint64_t regs[16],
			 uint64_t next_rip);

/* The source operand: the register at the access size, or imm. */
uint64_t insn_reg_read(const uint64_t regs[16], const struct insn *i);

/*
 * Writes a value read from memory to the register operand as the CPU
 * would: MOVZX/MOVSX extend it from size to ext_size first; 8- and 16-bit
 * writes merge, 32-bit writes zero the upper half. No-op when reg < 0.
 */
void insn_reg_write(uint64_t regs[16], const struct insn *i, uint64_t value);

/*
 * dst op src at size bytes, for op one of the arithmetic or logic kinds;
 * sets the status flags in *rflags as the CPU does (AF, undefined after
 * AND/OR/XOR/TEST, is cleared). CMP and TEST return dst unchanged.
 */
uint64_t insn_alu(enum insn_kind op, unsigned int size, uint64_t dst,
		  uint64_t src, uint64_t *rflags);

/* Whether the kind writes its result back to memory. */
bool insn_writes_mem(enum insn_kind kind);
/* Whether it reads memory (MOVS: both; read-modify-write forms: both). */
bool insn_reads_mem(enum insn_kind kind);

#endif
