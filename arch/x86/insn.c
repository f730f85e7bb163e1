/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Length and operand decoding for the memory-access instructions guests
 * aim at emulated devices. Encodings follow SDM vol. 2A chapter 2 and the
 * opcode map in vol. 2D appendix A; anything outside the small set below
 * is refused, so the caller never emulates a guess.
 */
#include "arch/x86/insn.h"
#include "lib/errno.h"

/* Legacy prefixes (SDM vol. 2A, 2.1.1). */
#define PFX_LOCK	0xf0
#define PFX_REPNE	0xf2
#define PFX_REP		0xf3
#define PFX_OPSIZE	0x66
#define PFX_ADDRSIZE	0x67
#define PFX_CS		0x2e
#define PFX_SS		0x36
#define PFX_DS		0x3e
#define PFX_ES		0x26
#define PFX_FS		0x64
#define PFX_GS		0x65

/* REX prefix 0100WRXB, 64-bit mode only (SDM vol. 2A, 2.2.1). */
#define REX_MASK	0xf0
#define REX_BASE	0x40
#define REX_W		0x08
#define REX_R		0x04
#define REX_X		0x02
#define REX_B		0x01

/* ModRM and SIB fields (SDM vol. 2A, 2.1.5, tables 2-1 to 2-3). */
#define MODRM_MOD(m)	((m) >> 6)
#define MODRM_REG(m)	(((m) >> 3) & 7)
#define MODRM_RM(m)	((m) & 7)
#define MOD_NO_DISP	0
#define MOD_DISP8	1
#define MOD_DISP_FULL	2
#define MOD_REGISTER	3
#define RM_SIB		4	/* 32/64-bit addressing: a SIB byte follows */
#define RM_DISP32	5	/* mod 0: disp32 (RIP-relative in 64-bit) */
#define SIB_BASE_NONE	5	/* mod 0: no base, disp32 */
#define SIB_INDEX_NONE	4	/* without REX.X: no index */
#define SIB_SCALE(s)	((s) >> 6)
#define SIB_INDEX(s)	(((s) >> 3) & 7)
#define SIB_BASE(s)	((s) & 7)
#define RM16_DISP16	6	/* 16-bit addressing, mod 0: disp16 only */
/* Register numbers (regs[] order, SDM vol. 2A table 2-2). */
#define REG_NUM_BX	3
#define REG_NUM_SP	4
#define REG_NUM_BP	5
#define REG_NUM_SI	6
#define REG_NUM_DI	7

/* ModRM.reg as an opcode extension of groups 3, 4, 5, 11 (vol. 2D A.4). */
#define GRP3_TEST	0
#define GRP3_NOT	2
#define GRP3_NEG	3
#define GRP45_INC	0
#define GRP45_DEC	1
#define GRP11_MOV	0

/*
 * The eight ALU operations in the order of both the 00-3F opcode rows
 * (opcode >> 3) and group 1's ModRM.reg (vol. 2D tables ).
 */
static const enum insn_kind alu_ops[8] = {
	INSN_ADD_TO_MEM, INSN_OR_TO_MEM, INSN_ADC_TO_MEM, INSN_SBB_TO_MEM,
	INSN_AND_TO_MEM, INSN_SUB_TO_MEM, INSN_XOR_TO_MEM, INSN_CMP_MEM,
};
#define ALU_OP_LAST	0x3b	/* 38-3B is CMP; 40 and up are not ALU */
#define ALU_FORM_MASK	0x07	/* low bits: 0/1 r/m,reg  2/3 reg,r/m */

/* Without REX, byte registers 4-7 are AH, CH, DH, BH (vol. 2A, 3.7.2.1). */
#define HIGH8_FIRST	4
#define HIGH8_LAST	7

struct decoder {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
	enum insn_mode mode;
	unsigned int opsize;
	unsigned int addrsize;
	uint8_t rex;
	bool lock;
	bool rep;
	bool seg_override;
	enum insn_seg seg;
	uint8_t modrm;
	struct insn_mem mem;
};

/* Whether n more bytes may be consumed. */
static int need(const struct decoder *d, size_t n)
{
	if (d->pos + n > INSN_MAX_LEN)
		return -EINVAL;
	if (d->pos + n > d->avail)
		return -E2BIG;
	return 0;
}

static int next_byte(struct decoder *d, uint8_t *b)
{
	int err = need(d, 1);

	if (err)
		return err;
	*b = d->bytes[d->pos++];
	return 0;
}

/* Reads an n-byte little-endian field. */
static int read_field(struct decoder *d, unsigned int n, uint64_t *value)
{
	int err = need(d, n);

	if (err)
		return err;
	*value = 0;
	for (unsigned int i = 0; i < n; i++)
		*value |= (uint64_t)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t sign_extend(uint64_t value, unsigned int from)
{
	uint64_t sign = 1ULL << (8 * from - 1);

	if (from >= 8)
		return value;
	value &= size_mask(from);
	return (value ^ sign) - sign;
}

static int seg_override(uint8_t b)
{
	switch (b) {
	case PFX_ES: return INSN_SEG_ES;
	case PFX_CS: return INSN_SEG_CS;
	case PFX_SS: return INSN_SEG_SS;
	case PFX_DS: return INSN_SEG_DS;
	case PFX_FS: return INSN_SEG_FS;
	case PFX_GS: return INSN_SEG_GS;
	default: return -1;
	}
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case PFX_LOCK: case PFX_REPNE: case PFX_REP:
	case PFX_OPSIZE: case PFX_ADDRSIZE:
	case PFX_CS: case PFX_SS: case PFX_DS: case PFX_ES:
	case PFX_FS: case PFX_GS:
		return true;
	default:
		return false;
	}
}

/*
 * Consumes the prefixes and returns the opcode byte. A segment override
 * matters only to a string form's source: for the other operand the fault
 * already resolved the address. REP is checked against the opcode later;
 * REPNE on these opcodes is reserved or an HLE hint: refused rather than
 * guessed at.
 */
static int read_prefixes(struct decoder *d, uint8_t *op)
{
	bool opsize = false, addrsize = false;
	int err;

	for (;;) {
		err = next_byte(d, op);
		if (err)
			return err;
		if (d->mode == INSN_MODE_64 && (*op & REX_MASK) == REX_BASE) {
			d->rex = *op;
			continue;
		}
		if (!is_legacy_prefix(*op))
			break;
		/* A REX prefix counts only right before the opcode (2.2.1). */
		d->rex = 0;
		if (*op == PFX_REPNE)
			return -EINVAL;
		d->rep |= *op == PFX_REP;
		if (seg_override(*op) >= 0) {
			d->seg = (enum insn_seg)seg_override(*op);
			d->seg_override = true;
		}
		opsize |= *op == PFX_OPSIZE;
		addrsize |= *op == PFX_ADDRSIZE;
		d->lock |= *op == PFX_LOCK;
	}

	switch (d->mode) {
	case INSN_MODE_16:
		d->opsize = opsize ? 4 : 2;
		d->addrsize = addrsize ? 4 : 2;
		break;
	case INSN_MODE_32:
		d->opsize = opsize ? 2 : 4;
		d->addrsize = addrsize ? 2 : 4;
		break;
	case INSN_MODE_64:
		/* REX.W wins over 0x66 (SDM vol. 2A, 2.2.1.2). */
		d->opsize = d->rex & REX_W ? 8 : opsize ? 2 : 4;
		d->addrsize = addrsize ? 4 : 8;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

/* Displacement length for 16-bit addressing (SDM vol. 2A, table 2-1). */
static unsigned int disp_len16(uint8_t modrm)
{
	switch (MODRM_MOD(modrm)) {
	case MOD_NO_DISP:
		return MODRM_RM(modrm) == RM16_DISP16 ? 2 : 0;
	case MOD_DISP8:
		return 1;
	default:
		return 2;
	}
}

/* A displacement of n bytes, sign-extended, into the memory operand. */
static int read_disp(struct decoder *d, unsigned int n)
{
	uint64_t value = 0;
	int err = n ? read_field(d, n, &value) : 0;

	if (!err)
		d->mem.disp = sign_extend(value, n ? n : 8);
	return err;
}

/*
 * 16-bit addressing (table 2-1): BX or BP plus SI or DI, one of them, or
 * a bare disp16; BP-based forms default to SS (vol. 1, 3.7.4).
 */
static int read_mem16(struct decoder *d)
{
	static const int8_t base[8] = {
		REG_NUM_BX, REG_NUM_BX, REG_NUM_BP, REG_NUM_BP, -1, -1,
		REG_NUM_BP, REG_NUM_BX,
	};
	static const int8_t index[8] = {
		REG_NUM_SI, REG_NUM_DI, REG_NUM_SI, REG_NUM_DI, REG_NUM_SI,
		REG_NUM_DI, -1, -1,
	};
	uint8_t rm = MODRM_RM(d->modrm);

	d->mem.base = base[rm];
	d->mem.index = index[rm];
	if (MODRM_MOD(d->modrm) == MOD_NO_DISP && rm == RM16_DISP16)
		d->mem.base = -1;
	return read_disp(d, disp_len16(d->modrm));
}

/*
 * SIB and displacement for 32/64-bit addressing (tables 2-2, 2-3). The
 * special cases look at the raw 3-bit fields, so REX.B (R12, R13) does
 * not change the length; REX.X makes index 4 R12 rather than none.
 */
static int read_mem32(struct decoder *d)
{
	uint8_t mod = MODRM_MOD(d->modrm), rm = MODRM_RM(d->modrm), sib = 0;
	unsigned int raw_base = rm;
	int err;

	if (rm == RM_SIB) {
		err = next_byte(d, &sib);
		if (err)
			return err;
		raw_base = SIB_BASE(sib);
		d->mem.scale = 1U << SIB_SCALE(sib);
		if (SIB_INDEX(sib) != SIB_INDEX_NONE || (d->rex & REX_X))
			d->mem.index = (int)(SIB_INDEX(sib) +
					     (d->rex & REX_X ? 8 : 0));
	}
	d->mem.base = (int)(raw_base + (d->rex & REX_B ? 8 : 0));
	/* rSP and rBP as a base default to SS (vol. 1, 3.7.4). */
	d->mem.default_ss = d->mem.base == REG_NUM_SP ||
			    d->mem.base == REG_NUM_BP;
	switch (mod) {
	case MOD_NO_DISP:
		if (rm == RM_DISP32) {
			d->mem.base = -1;
			d->mem.default_ss = false;
			/* RIP-relative in 64-bit mode (vol. 2A, 2.2.1.6). */
			d->mem.rip_relative = d->mode == INSN_MODE_64;
			return read_disp(d, 4);
		}
		if (rm == RM_SIB && raw_base == SIB_BASE_NONE) {
			d->mem.base = -1;
			d->mem.default_ss = false;
			return read_disp(d, 4);
		}
		return read_disp(d, 0);
	case MOD_DISP8:
		return read_disp(d, 1);
	default:
		return read_disp(d, 4);
	}
}

/* Consumes ModRM, SIB and displacement; only memory operands pass. */
static int read_modrm(struct decoder *d)
{
	int err = next_byte(d, &d->modrm);

	if (err)
		return err;
	if (MODRM_MOD(d->modrm) == MOD_REGISTER)
		return -EINVAL;
	if (d->addrsize == 2) {
		err = read_mem16(d);
		d->mem.default_ss = d->mem.base == REG_NUM_BP;
		return err;
	}
	return read_mem32(d);
}

static void set_reg(const struct decoder *d, struct insn *out,
		    unsigned int num, unsigned int size)
{
	if (size == 1 && !d->rex && num >= HIGH8_FIRST && num <= HIGH8_LAST) {
		out->reg = (int)(num - HIGH8_FIRST);
		out->reg_high8 = true;
		return;
	}
	out->reg = (int)num;
}

static unsigned int modrm_reg(const struct decoder *d)
{
	return MODRM_REG(d->modrm) + (d->rex & REX_R ? 8 : 0);
}

/* The register-and-memory forms: opcode bit 0 picks byte or full size. */
static int decode_rm_reg(struct decoder *d, struct insn *out,
			 enum insn_kind kind, uint8_t op)
{
	int err = read_modrm(d);

	if (err)
		return err;
	out->kind = kind;
	out->size = op & 1 ? d->opsize : 1;
	set_reg(d, out, modrm_reg(d), out->size);
	return 0;
}

/* Reads an immediate of imm_size bytes for an operand of out->size. */
static int read_imm(struct decoder *d, struct insn *out,
		    unsigned int imm_size)
{
	uint64_t value;
	int err = read_field(d, imm_size, &value);

	if (err)
		return err;
	out->imm = sign_extend(value, imm_size) & size_mask(out->size);
	return 0;
}

/* imm16/imm32: a 64-bit operand takes a sign-extended imm32 (2.2.1.5). */
static unsigned int full_imm_size(unsigned int opsize)
{
	return opsize == 2 ? 2 : 4;
}

static int decode_group1(struct decoder *d, struct insn *out, uint8_t op)
{
	int err = read_modrm(d);

	if (err)
		return err;
	out->kind = alu_ops[MODRM_REG(d->modrm)];
	out->size = op == 0x80 || op == 0x82 ? 1 : d->opsize;
	return read_imm(d, out, op == 0x81 ? full_imm_size(out->size) : 1);
}

/*
 * C6/C7 /0 (group 11), F6/F7 /0 /2 /3 (group 3), FE/FF /0 /1 (groups 4
 * and 5): ModRM.reg picks the kind; only TEST and MOV take an immediate.
 */
static int decode_group(struct decoder *d, struct insn *out, uint8_t op,
			const enum insn_kind kinds[8])
{
	int err = read_modrm(d);

	if (err)
		return err;
	out->kind = kinds[MODRM_REG(d->modrm)];
	if (out->kind == INSN_MOV_TO_MEM)	/* the table's empty slots */
		return -EINVAL;
	out->size = op & 1 ? d->opsize : 1;
	if (out->kind != INSN_MOV_IMM_TO_MEM && out->kind != INSN_TEST_MEM)
		return 0;
	return read_imm(d, out, op & 1 ? full_imm_size(out->size) : 1);
}

/* 00-3B: op r/m,reg writes memory; op reg,r/m only reads it. */
static int decode_alu(struct decoder *d, struct insn *out, uint8_t op)
{
	enum insn_kind alu = alu_ops[op >> 3];
	int err;

	if ((op & ALU_FORM_MASK) < 2)
		return decode_rm_reg(d, out, alu, op);
	err = decode_rm_reg(d, out, INSN_ALU_TO_REG, op);
	out->alu = alu;
	return err;
}

/*
 * A4-AF, 6C-6F: no ModRM. INS and OUTS move at most 4 bytes, REX.W or
 * not (vol. 2A, INS/OUTS).
 */
static int decode_string(struct insn *out, const struct decoder *d,
			 enum insn_kind kind, uint8_t op)
{
	out->kind = kind;
	out->reg = 0;
	out->size = op & 1 ? d->opsize : 1;
	if ((kind == INSN_INS || kind == INSN_OUTS) && out->size == 8)
		out->size = 4;
	return 0;
}

/* A0-A3: the accumulator and an absolute address of address size. */
static int decode_moffs(struct decoder *d, struct insn *out, uint8_t op)
{
	out->kind = op & 2 ? INSN_MOV_TO_MEM : INSN_MOV_FROM_MEM;
	out->size = op & 1 ? d->opsize : 1;
	out->reg = 0;
	return read_field(d, d->addrsize, &d->mem.disp);
}

/* 63 /r in 64-bit mode; the 16-bit form's source size differs by vendor. */
static int decode_movsxd(struct decoder *d, struct insn *out)
{
	int err;

	if (d->mode != INSN_MODE_64 || d->opsize == 2)
		return -EINVAL;
	err = read_modrm(d);
	if (err)
		return err;
	out->kind = INSN_MOVSX_FROM_MEM;
	out->size = 4;
	out->ext_size = d->opsize;
	out->reg = (int)modrm_reg(d);
	return 0;
}

/* 0F B6/B7 (MOVZX), 0F BE/BF (MOVSX). */
static int decode_two_byte(struct decoder *d, struct insn *out)
{
	uint8_t op;
	int err = next_byte(d, &op);

	if (err)
		return err;
	switch (op) {
	case 0xb6: case 0xb7:
		out->kind = INSN_MOVZX_FROM_MEM;
		break;
	case 0xbe: case 0xbf:
		out->kind = INSN_MOVSX_FROM_MEM;
		break;
	default:
		return -EINVAL;
	}
	err = read_modrm(d);
	if (err)
		return err;
	out->size = op & 1 ? 2 : 1;
	out->ext_size = d->opsize;
	out->reg = (int)modrm_reg(d);
	return 0;
}

static int decode_opcode(struct decoder *d, struct insn *out, uint8_t op)
{
	/* MOV_TO_MEM marks the slots that are not emulated. */
	static const enum insn_kind grp11[8] = { INSN_MOV_IMM_TO_MEM };
	static const enum insn_kind grp3[8] = {
		[GRP3_TEST] = INSN_TEST_MEM, [GRP3_NOT] = INSN_NOT_MEM,
		[GRP3_NEG] = INSN_NEG_MEM,
	};
	static const enum insn_kind grp45[8] = {
		[GRP45_INC] = INSN_INC_MEM, [GRP45_DEC] = INSN_DEC_MEM,
	};

	if (op <= ALU_OP_LAST && (op & ALU_FORM_MASK) < 4)
		return decode_alu(d, out, op);
	switch (op) {
	case 0x88: case 0x89:
		return decode_rm_reg(d, out, INSN_MOV_TO_MEM, op);
	case 0x8a: case 0x8b:
		return decode_rm_reg(d, out, INSN_MOV_FROM_MEM, op);
	case 0x84: case 0x85:
		return decode_rm_reg(d, out, INSN_TEST_MEM, op);
	case 0x86: case 0x87:
		return decode_rm_reg(d, out, INSN_XCHG_MEM, op);
	case 0x82:
		/* An alias of 0x80 that 64-bit mode dropped (vol. 2D A.3). */
		if (d->mode == INSN_MODE_64)
			return -EINVAL;
		return decode_group1(d, out, op);
	case 0x80: case 0x81: case 0x83:
		return decode_group1(d, out, op);
	case 0xc6: case 0xc7:
		return decode_group(d, out, op, grp11);
	case 0xf6: case 0xf7:
		return decode_group(d, out, op, grp3);
	case 0xfe: case 0xff:
		return decode_group(d, out, op, grp45);
	case 0xa4: case 0xa5:
		return decode_string(out, d, INSN_MOVS, op);
	case 0xaa: case 0xab:
		return decode_string(out, d, INSN_STOS, op);
	case 0xac: case 0xad:
		return decode_string(out, d, INSN_LODS, op);
	case 0x6c: case 0x6d:
		return decode_string(out, d, INSN_INS, op);
	case 0x6e: case 0x6f:
		return decode_string(out, d, INSN_OUTS, op);
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		return decode_moffs(d, out, op);
	case 0x63:
		return decode_movsxd(d, out);
	case 0x0f:
		return decode_two_byte(d, out);
	default:
		return -EINVAL;
	}
}

static bool is_string(enum insn_kind kind)
{
	return kind >= INSN_STOS && kind <= INSN_OUTS;
}

bool insn_writes_mem(enum insn_kind kind)
{
	switch (kind) {
	case INSN_MOVZX_FROM_MEM: case INSN_MOVSX_FROM_MEM:
	case INSN_MOV_FROM_MEM: case INSN_TEST_MEM: case INSN_CMP_MEM:
	case INSN_ALU_TO_REG: case INSN_LODS: case INSN_OUTS:
		return false;
	default:
		return true;
	}
}

bool insn_reads_mem(enum insn_kind kind)
{
	switch (kind) {
	case INSN_MOV_TO_MEM: case INSN_MOV_IMM_TO_MEM: case INSN_STOS:
	case INSN_INS:
		return false;
	default:
		return true;
	}
}

/* LOCK is valid only on read-modify-write of memory, else #UD (2.1.1). */
static bool lock_allowed(enum insn_kind kind)
{
	return insn_writes_mem(kind) && !is_string(kind) &&
	       kind != INSN_MOV_TO_MEM && kind != INSN_MOV_IMM_TO_MEM;
}

int insn_decode(const uint8_t *bytes, size_t avail, enum insn_mode mode,
		struct insn *out)
{
	struct decoder d = { .bytes = bytes, .avail = avail, .mode = mode,
			     .seg = INSN_SEG_DS,
			     .mem = { .base = -1, .index = -1, .scale = 1 } };
	uint8_t op;
	int err;

	*out = (struct insn){ .reg = -1 };
	err = read_prefixes(&d, &op);
	if (err)
		return err;
	err = decode_opcode(&d, out, op);
	if (err)
		return err;
	if ((d.lock && !lock_allowed(out->kind)) ||
	    (d.rep && !is_string(out->kind)))
		return -EINVAL;
	out->length = (unsigned int)d.pos;
	out->rep = d.rep;
	out->addr_size = d.addrsize;
	out->seg = d.seg;
	out->mem = d.mem;
	out->mem.seg = d.seg_override || !d.mem.default_ss ? d.seg :
		       INSN_SEG_SS;
	return 0;
}

uint64_t insn_mem_offset(const struct insn *in, const uint64_t regs[16],
			 uint64_t next_rip)
{
	const struct insn_mem *m = &in->mem;
	uint64_t ea = m->disp;

	if (m->rip_relative)
		ea += next_rip;
	if (m->base >= 0)
		ea += regs[m->base];
	if (m->index >= 0)
		ea += regs[m->index] * m->scale;
	return ea & size_mask(in->addr_size);
}

uint64_t insn_reg_read(const uint64_t regs[16], const struct insn *i)
{
	if (i->reg < 0 || i->reg > 15)
		return i->imm;
	if (i->reg_high8)
		return (regs[i->reg] >> 8) & 0xff;
	return regs[i->reg] & size_mask(i->size);
}

/*
 * Outside 64-bit mode the upper half of a register is undefined after a
 * 32-bit write (SDM vol. 1, 3.4.1.1); zeroing it there too is what the
 * hardware does and keeps one rule.
 */
void insn_reg_write(uint64_t regs[16], const struct insn *i, uint64_t value)
{
	unsigned int size = i->size;
	uint64_t mask;

	if (i->reg < 0 || i->reg > 15)
		return;
	if (i->kind == INSN_MOVZX_FROM_MEM || i->kind == INSN_MOVSX_FROM_MEM) {
		value &= size_mask(size);
		if (i->kind == INSN_MOVSX_FROM_MEM)
			value = sign_extend(value, size);
		size = i->ext_size;
	}
	if (i->reg_high8) {
		regs[i->reg] = (regs[i->reg] & ~0xff00ULL) |
			       ((value & 0xff) << 8);
		return;
	}
	if (size >= 4) {
		regs[i->reg] = value & size_mask(size);
		return;
	}
	mask = size_mask(size);
	regs[i->reg] = (regs[i->reg] & ~mask) | (value & mask);
}

/* PF: set when the low byte of the result has an even number of ones. */
static bool even_parity(uint64_t value)
{
	uint8_t b = (uint8_t)value;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

/*
 * The carry out of every bit of an addition (borrow for subtraction)
 * gives CF at the top bit and AF at bit 3; OF is a sign change the
 * operands' signs cannot explain (SDM vol. 1, 3.4.3.1, appendix A).
 */
uint64_t insn_alu(enum insn_kind op, unsigned int size, uint64_t dst,
		  uint64_t src, uint64_t *rflags)
{
	uint64_t mask = size_mask(size), top = 1ULL << (8 * size - 1);
	uint64_t cf = *rflags & RFLAGS_CF, carries = 0, ovf = 0, r;
	uint64_t flags = *rflags & ~RFLAGS_STATUS;
	bool keep_cf = op == INSN_INC_MEM || op == INSN_DEC_MEM;

	dst &= mask;
	src &= mask;
	switch (op) {
	case INSN_NOT_MEM:
		return ~dst & mask;
	case INSN_INC_MEM: case INSN_DEC_MEM:
		src = 1;
		op = op == INSN_INC_MEM ? INSN_ADD_TO_MEM : INSN_SUB_TO_MEM;
		break;
	case INSN_NEG_MEM:
		src = dst;
		dst = 0;
		op = INSN_SUB_TO_MEM;
		break;
	default:
		break;
	}
	switch (op) {
	case INSN_ADD_TO_MEM: case INSN_ADC_TO_MEM:
		r = (dst + src + (op == INSN_ADC_TO_MEM ? cf : 0)) & mask;
		carries = (dst & src) | ((dst | src) & ~r);
		ovf = (dst ^ r) & (src ^ r);
		break;
	case INSN_SUB_TO_MEM: case INSN_SBB_TO_MEM: case INSN_CMP_MEM:
		r = (dst - src - (op == INSN_SBB_TO_MEM ? cf : 0)) & mask;
		carries = (~dst & src) | ((~dst | src) & r);
		ovf = (dst ^ src) & (dst ^ r);
		break;
	case INSN_AND_TO_MEM: case INSN_TEST_MEM:
		r = dst & src;
		break;
	case INSN_OR_TO_MEM:
		r = dst | src;
		break;
	default:	/* XOR */
		r = dst ^ src;
		break;
	}
	if (keep_cf ? cf : carries & top)	/* INC and DEC keep CF */
		flags |= RFLAGS_CF;
	if (carries & 0x8)
		flags |= RFLAGS_AF;
	if (ovf & top)
		flags |= RFLAGS_OF;
	if (r & top)
		flags |= RFLAGS_SF;
	if (!r)
		flags |= RFLAGS_ZF;
	if (even_parity(r))
		flags |= RFLAGS_PF;
	*rflags = flags;
	return op == INSN_CMP_MEM || op == INSN_TEST_MEM ? dst : r;
}
