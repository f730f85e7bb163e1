/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MMIO instruction decoder (arch/x86/insn.c) on any bytes, checked
 * against Capstone (Debian's libcapstone-dev) for what it accepts: the
 * same length, memory operand size, register operand and immediate.
 * insn_alu() is checked against this CPU's own arithmetic: the result and
 * the status flags (AF only where the SDM defines it).
 *
 * Input: [mode | avail << 2] [up to avail instruction bytes]
 *        [dst u64] [src u64] [rflags u8], fields past the end read 0.
 */
#include <capstone/capstone.h>
#include <string.h>

#include "arch/x86/insn.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

static csh cs[3];

static void capstone_open(void)
{
	static const cs_mode modes[3] = { CS_MODE_16, CS_MODE_32, CS_MODE_64 };

	if (cs[0])
		return;
	for (int i = 0; i < 3; i++) {
		FUZZ_CHECK(cs_open(CS_ARCH_X86, modes[i], &cs[i]) == CS_ERR_OK,
			   "cs_open");
		cs_option(cs[i], CS_OPT_DETAIL, CS_OPT_ON);
	}
}

/* Capstone register name to (index into regs[], high8); -1 if none. */
static int reg_index(const char *name, bool *high8)
{
	static const char *const names[16][4] = {
		{ "al", "ax", "eax", "rax" }, { "cl", "cx", "ecx", "rcx" },
		{ "dl", "dx", "edx", "rdx" }, { "bl", "bx", "ebx", "rbx" },
		{ "spl", "sp", "esp", "rsp" }, { "bpl", "bp", "ebp", "rbp" },
		{ "sil", "si", "esi", "rsi" }, { "dil", "di", "edi", "rdi" },
		{ "r8b", "r8w", "r8d", "r8" }, { "r9b", "r9w", "r9d", "r9" },
		{ "r10b", "r10w", "r10d", "r10" },
		{ "r11b", "r11w", "r11d", "r11" },
		{ "r12b", "r12w", "r12d", "r12" },
		{ "r13b", "r13w", "r13d", "r13" },
		{ "r14b", "r14w", "r14d", "r14" },
		{ "r15b", "r15w", "r15d", "r15" },
	};
	static const char *const high[4] = { "ah", "ch", "dh", "bh" };

	*high8 = false;
	for (int i = 0; i < 4; i++) {
		if (!strcmp(name, high[i])) {
			*high8 = true;
			return i;
		}
	}
	for (int i = 0; i < 16; i++)
		for (int w = 0; w < 4; w++)
			if (!strcmp(name, names[i][w]))
				return i;
	return -1;
}

static bool is_string(enum insn_kind k)
{
	return k >= INSN_STOS && k <= INSN_OUTS;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static void check_operands(const struct insn *in, const cs_x86 *x,
			   const char *text)
{
	bool mem_seen = false;

	for (int i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		bool high8;
		int reg;

		switch (op->type) {
		case X86_OP_MEM:
			mem_seen = true;
			/*
			 * INS/OUTS with both 66 and REX.W: Capstone takes
			 * 16 bits, the decoder (like KVM's) 32. The exit
			 * reports the size the CPU used, which is what
			 * string I/O emulation goes by.
			 */
			if (in->kind == INSN_INS || in->kind == INSN_OUTS)
				break;
			FUZZ_CHECK(op->size == in->size,
				   "%s: memory operand of %u bytes, decoded %u",
				   text, op->size, in->size);
			break;
		case X86_OP_REG:
			if (is_string(in->kind))
				break;	/* the accumulator or DX, implied */
			reg = reg_index(cs_reg_name(cs[0], op->reg), &high8);
			FUZZ_CHECK(reg == in->reg && high8 == in->reg_high8,
				   "%s: register %s, decoded %d%s", text,
				   cs_reg_name(cs[0], op->reg), in->reg,
				   in->reg_high8 ? " (high byte)" : "");
			break;
		case X86_OP_IMM:
			FUZZ_CHECK(in->reg < 0 &&
				   ((uint64_t)op->imm & size_mask(in->size)) ==
				   in->imm, "%s: immediate 0x%llx, decoded 0x%llx",
				   text, (unsigned long long)op->imm,
				   (unsigned long long)in->imm);
			break;
		default:
			break;
		}
	}
	FUZZ_CHECK(mem_seen, "%s: Capstone sees no memory operand", text);
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3: case 0x66: case 0x67:
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
		return true;
	default:
		return false;
	}
}

/*
 * Capstone 4 takes "66 F3 AB" for REP STOSD where the CPU does REP STOSW:
 * it gets the size right once F3/F2 come first. Legacy prefixes may come
 * in any order (SDM vol. 2A, 2.1.1), so Capstone gets them reordered;
 * with a REX among them the order matters, and false is returned.
 */
static bool reorder_for_capstone(uint8_t *b, unsigned int len,
				 enum insn_mode mode)
{
	uint8_t rep[INSN_MAX_LEN], rest[INSN_MAX_LEN];
	unsigned int end = 0, nrep = 0, nrest = 0;

	for (; end < len; end++) {
		if (mode == INSN_MODE_64 && (b[end] & 0xf0) == 0x40)
			return false;
		if (!is_legacy_prefix(b[end]))
			break;
		if (b[end] == 0xf2 || b[end] == 0xf3)
			rep[nrep++] = b[end];
		else
			rest[nrest++] = b[end];
	}
	memcpy(b, rep, nrep);
	memcpy(b + nrep, rest, nrest);
	return true;
}

static void check_against_capstone(const uint8_t *bytes, size_t avail,
				   enum insn_mode mode, const struct insn *in)
{
	uint8_t copy[INSN_MAX_LEN];
	cs_insn *ci = NULL;
	size_t n;
	char text[200];

	memcpy(copy, bytes, in->length);
	if (!reorder_for_capstone(copy, in->length, mode) && in->rep)
		return;
	n = cs_disasm(cs[mode], copy, in->length, 0, 1, &ci);
	(void)avail;

	FUZZ_CHECK(n == 1, "Capstone rejects an instruction decoded as %u bytes",
		   in->length);
	snprintf(text, sizeof(text), "%s %s (mode %d)", ci->mnemonic,
		 ci->op_str, (int)mode);
	FUZZ_CHECK(ci->size == in->length, "%s: %u bytes, decoded %u", text,
		   ci->size, in->length);
	check_operands(in, &ci->detail->x86, text);
	cs_free(ci, n);
}

/* ---- the CPU's own arithmetic ---- */

#define HW_FLAGS(insn, sfx, mod, d, s, f)				\
	__asm__ volatile("push %[fl]\n\tpopfq\n\t"			\
			 insn sfx " %" mod "[src], %" mod "[dst]\n\t"	\
			 "pushfq\n\tpop %[fl]"				\
			 : [dst] "+r"(d), [fl] "+r"(f)			\
			 : [src] "r"(s) : "cc", "memory")

#define HW_FLAGS1(insn, sfx, mod, d, f)					\
	__asm__ volatile("push %[fl]\n\tpopfq\n\t"			\
			 insn sfx " %" mod "[dst]\n\t"			\
			 "pushfq\n\tpop %[fl]"				\
			 : [dst] "+r"(d), [fl] "+r"(f) : : "cc", "memory")

#define HW_SIZES(macro, insn, ...)					\
	do {								\
		switch (size) {						\
		case 1: macro(insn, "b", "b", __VA_ARGS__); break;	\
		case 2: macro(insn, "w", "w", __VA_ARGS__); break;	\
		case 4: macro(insn, "l", "k", __VA_ARGS__); break;	\
		default: macro(insn, "q", "q", __VA_ARGS__); break;	\
		}							\
	} while (0)

static uint64_t hw_alu(enum insn_kind op, unsigned int size, uint64_t d,
		       uint64_t s, uint64_t *flags)
{
	uint64_t f = (*flags & (RFLAGS_STATUS | RFLAGS_DF)) | 0x2;

	switch (op) {
	case INSN_ADD_TO_MEM: HW_SIZES(HW_FLAGS, "add", d, s, f); break;
	case INSN_ADC_TO_MEM: HW_SIZES(HW_FLAGS, "adc", d, s, f); break;
	case INSN_SUB_TO_MEM: HW_SIZES(HW_FLAGS, "sub", d, s, f); break;
	case INSN_SBB_TO_MEM: HW_SIZES(HW_FLAGS, "sbb", d, s, f); break;
	case INSN_AND_TO_MEM: HW_SIZES(HW_FLAGS, "and", d, s, f); break;
	case INSN_OR_TO_MEM: HW_SIZES(HW_FLAGS, "or", d, s, f); break;
	case INSN_XOR_TO_MEM: HW_SIZES(HW_FLAGS, "xor", d, s, f); break;
	case INSN_CMP_MEM: HW_SIZES(HW_FLAGS, "cmp", d, s, f); break;
	case INSN_TEST_MEM: HW_SIZES(HW_FLAGS, "test", d, s, f); break;
	case INSN_INC_MEM: HW_SIZES(HW_FLAGS1, "inc", d, f); break;
	case INSN_DEC_MEM: HW_SIZES(HW_FLAGS1, "dec", d, f); break;
	case INSN_NEG_MEM: HW_SIZES(HW_FLAGS1, "neg", d, f); break;
	default: HW_SIZES(HW_FLAGS1, "not", d, f); break;
	}
	*flags = f;
	return d & size_mask(size);
}

static bool is_alu(enum insn_kind k)
{
	return (k >= INSN_AND_TO_MEM && k <= INSN_CMP_MEM) ||
	       (k >= INSN_ADD_TO_MEM && k <= INSN_NEG_MEM);
}

static bool af_undefined(enum insn_kind k)
{
	return k == INSN_AND_TO_MEM || k == INSN_OR_TO_MEM ||
	       k == INSN_XOR_TO_MEM || k == INSN_TEST_MEM;
}

static void check_alu(enum insn_kind op, unsigned int size, uint64_t dst,
		      uint64_t src, uint64_t flags_in)
{
	uint64_t sw_flags = flags_in, hw_flags = flags_in;
	uint64_t sw = insn_alu(op, size, dst, src, &sw_flags);
	uint64_t hw = hw_alu(op, size, dst & size_mask(size),
			     src & size_mask(size), &hw_flags);
	uint64_t compare = RFLAGS_STATUS & ~(af_undefined(op) ? RFLAGS_AF : 0);

	if (op == INSN_CMP_MEM || op == INSN_TEST_MEM)
		hw = dst & size_mask(size);	/* no result written */
	FUZZ_CHECK(sw == hw, "alu %d size %u: 0x%llx op 0x%llx = 0x%llx, CPU 0x%llx",
		   (int)op, size, (unsigned long long)dst,
		   (unsigned long long)src, (unsigned long long)sw,
		   (unsigned long long)hw);
	FUZZ_CHECK((sw_flags & compare) == (hw_flags & compare),
		   "alu %d size %u: 0x%llx op 0x%llx: flags 0x%llx, CPU 0x%llx",
		   (int)op, size, (unsigned long long)dst,
		   (unsigned long long)src, (unsigned long long)sw_flags,
		   (unsigned long long)hw_flags);
}

/* The decoder reads no byte past the instruction: fewer bytes fail. */
static void check_prefix_property(const uint8_t *bytes, enum insn_mode mode,
				  const struct insn *in)
{
	struct insn again, shorter;

	FUZZ_CHECK(!insn_decode(bytes, in->length, mode, &again) &&
		   !memcmp(&again, in, sizeof(again)),
		   "the same instruction decodes differently without the bytes after it");
	FUZZ_CHECK(insn_decode(bytes, in->length - 1, mode, &shorter) ==
		   -E2BIG, "a %u-byte instruction cut short is not -E2BIG",
		   in->length);
}

/*
 * Register writes as the CPU does them (SDM vol. 1, 3.4.1.1): only the
 * operand's register changes; 8- and 16-bit writes keep the other bits,
 * 32- and 64-bit ones fill the register (zero-extended). A read gives the
 * operand's bits.
 */
static void check_registers(const struct insn *in, uint64_t seed,
			    uint64_t value)
{
	uint64_t regs[16], before[16];
	unsigned int size = in->ext_size ? in->ext_size : in->size;
	uint64_t changed, keep;

	for (int i = 0; i < 16; i++)
		regs[i] = before[i] = seed * (uint64_t)(i + 1) ^ 0x5555aaaa5555aaaaULL;
	if (in->reg >= 0) {
		uint64_t read = insn_reg_read(regs, in);

		FUZZ_CHECK(read == (in->reg_high8 ? regs[in->reg] >> 8 & 0xff :
				    regs[in->reg] & size_mask(in->size)),
			   "register %d reads 0x%llx", in->reg,
			   (unsigned long long)read);
	}
	insn_reg_write(regs, in, value);
	for (int i = 0; i < 16; i++)
		if (i != in->reg)
			FUZZ_CHECK(regs[i] == before[i], "register %d changed", i);
	if (in->reg < 0)
		return;
	changed = regs[in->reg] ^ before[in->reg];
	keep = in->reg_high8 ? ~0xff00ULL : size >= 4 ? 0 : ~size_mask(size);
	FUZZ_CHECK(!(changed & keep) &&
		   (size != 4 || in->reg_high8 || !(regs[in->reg] >> 32)),
		   "a %u-byte write to register %d%s gives 0x%llx from 0x%llx",
		   size, in->reg, in->reg_high8 ? " (high byte)" : "",
		   (unsigned long long)regs[in->reg],
		   (unsigned long long)before[in->reg]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in fin = { data, size, 0 };
	uint8_t head = fuzz_u8(&fin);
	enum insn_mode mode = (enum insn_mode)(head & 3);
	size_t avail;
	const uint8_t *bytes;
	uint8_t *copy;
	struct insn in;
	uint64_t dst, src;
	int err;

	if (mode > INSN_MODE_64)
		return 0;
	capstone_open();
	bytes = fuzz_bytes(&fin, head >> 2 & 0xf ? head >> 2 & 0xf : 15,
			   &avail);
	/* A buffer of exactly avail bytes, so ASan sees any read past it. */
	copy = malloc(avail ? avail : 1);
	memcpy(copy, bytes, avail);
	err = insn_decode(copy, avail, mode, &in);
	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -E2BIG,
		   "insn_decode returned %d", err);
	if (err == -E2BIG)
		FUZZ_CHECK(avail < INSN_MAX_LEN, "-E2BIG with %zu bytes", avail);
	if (!err) {
		FUZZ_CHECK(in.length >= 1 && in.length <= avail &&
			   in.length <= INSN_MAX_LEN, "length %u of %zu",
			   in.length, avail);
		FUZZ_CHECK(in.size == 1 || in.size == 2 || in.size == 4 ||
			   in.size == 8, "access size %u", in.size);
		FUZZ_CHECK(in.reg >= -1 && in.reg <= 15, "register %d", in.reg);
		check_prefix_property(copy, mode, &in);
		check_against_capstone(copy, avail, mode, &in);
	}
	free(copy);
	dst = fuzz_u64(&fin);
	src = fuzz_u64(&fin);
	if (!err)
		check_registers(&in, dst, src);
	if (!err && (is_alu(in.kind) || in.kind == INSN_ALU_TO_REG)) {
		enum insn_kind op = in.kind == INSN_ALU_TO_REG ? in.alu : in.kind;
		uint64_t flags = fuzz_u16(&fin) & RFLAGS_STATUS;

		check_alu(op, in.size, dst, in.reg < 0 ? in.imm : src, flags);
	}
	return 0;
}
