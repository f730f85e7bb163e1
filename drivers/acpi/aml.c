/* SPDX-License-Identifier: BSD-2-Clause */
/* A strict, non-executing reader of AML (ACPI 6.4 chapter 20). */
#include "drivers/acpi/aml.h"
#include "lib/bytes.h"
#include "lib/errno.h"

#define SDT_HEADER_LEN		36	/* ACPI 6.4 5.2.6 */
#define SDT_LENGTH		4
#define AML_MAX_NESTING		32	/* blocks and expressions in blocks */

/* Opcodes (ACPI 6.4 20.3). */
#define ZERO_OP			0x00
#define ONE_OP			0x01
#define ALIAS_OP		0x06
#define NAME_OP			0x08
#define BYTE_PREFIX		0x0a
#define WORD_PREFIX		0x0b
#define DWORD_PREFIX		0x0c
#define STRING_PREFIX		0x0d
#define QWORD_PREFIX		0x0e
#define SCOPE_OP		0x10
#define BUFFER_OP		0x11
#define PACKAGE_OP		0x12
#define VAR_PACKAGE_OP		0x13
#define METHOD_OP		0x14
#define EXTERNAL_OP		0x15
#define DUAL_NAME_PREFIX	0x2e
#define MULTI_NAME_PREFIX	0x2f
#define EXT_OP_PREFIX		0x5b
#define ROOT_CHAR		0x5c	/* '\' */
#define PARENT_PREFIX		0x5e	/* '^' */
#define LOCAL0_OP		0x60
#define ARG6_OP			0x6e
#define IF_OP			0xa0
#define ELSE_OP			0xa1
#define WHILE_OP		0xa2
#define NOOP_OP			0xa3
#define ONES_OP			0xff
/* After EXT_OP_PREFIX. */
#define MUTEX_OP		0x01
#define EVENT_OP		0x02
#define COND_REF_OF_OP		0x12
#define CREATE_FIELD_OP		0x13
#define FROM_BCD_OP		0x28
#define TO_BCD_OP		0x29
#define REVISION_OP		0x30
#define DEBUG_OP		0x31
#define TIMER_OP		0x33
#define OP_REGION_OP		0x80
#define FIELD_OP		0x81
#define DEVICE_OP		0x82
#define PROCESSOR_OP		0x83
#define POWER_RES_OP		0x84
#define THERMAL_ZONE_OP		0x85
#define INDEX_FIELD_OP		0x86
#define BANK_FIELD_OP		0x87
#define DATA_REGION_OP		0x88

/*
 * Operands of the expression opcodes (20.2.5.4), one letter each:
 * a TermArg, s SuperName or Target (a NullName allowed), n NameString,
 * b a byte.
 */
static const char *const expr_operands[256] = {
	[0x70] = "as",   [0x71] = "s",    [0x72] = "aas",  [0x73] = "aas",
	[0x74] = "aas",  [0x75] = "s",    [0x76] = "s",    [0x77] = "aas",
	[0x78] = "aass", [0x79] = "aas",  [0x7a] = "aas",  [0x7b] = "aas",
	[0x7c] = "aas",  [0x7d] = "aas",  [0x7e] = "aas",  [0x7f] = "aas",
	[0x80] = "as",   [0x81] = "as",   [0x82] = "as",   [0x83] = "a",
	[0x84] = "aas",  [0x85] = "aas",  [0x86] = "sa",   [0x87] = "s",
	[0x88] = "aas",  [0x89] = "ababaa", [0x8a] = "aan", [0x8b] = "aan",
	[0x8c] = "aan",  [0x8d] = "aan",  [0x8e] = "s",    [0x8f] = "aan",
	[0x90] = "aa",   [0x91] = "aa",   [0x92] = "a",    [0x93] = "aa",
	[0x94] = "aa",   [0x95] = "aa",   [0x96] = "as",   [0x97] = "as",
	[0x98] = "as",   [0x99] = "as",   [0x9c] = "aas",  [0x9d] = "as",
	[0x9e] = "aaas",
};

int aml_add_table(struct aml_tables *t, const uint8_t *table, uint32_t len)
{
	if (t->count == AML_MAX_TABLES)
		return -ENOSPC;
	if (len < SDT_HEADER_LEN || get32(table + SDT_LENGTH) != len)
		return -EINVAL;
	t->block[t->count++] = (struct aml_block){
		.aml = table + SDT_HEADER_LEN, .len = len - SDT_HEADER_LEN };
	return 0;
}

int aml_pkg_length(const uint8_t **pos, const uint8_t *end,
		      const uint8_t **block_end)
{
	const uint8_t *p = *pos;
	uint32_t extra, len;

	if (p >= end)
		return -EINVAL;
	extra = p[0] >> 6;
	if ((uint64_t)(end - p) < 1 + extra)
		return -EINVAL;
	len = extra ? p[0] & 0x0f : p[0] & 0x3f;
	for (uint32_t i = 0; i < extra; i++)
		len |= (uint32_t)p[1 + i] << (4 + 8 * i);
	if (len < 1 + extra || len > (uint64_t)(end - p))
		return -EINVAL;
	*block_end = p + len;
	*pos = p + 1 + extra;
	return 0;
}

static bool lead_name_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(uint8_t c)
{
	return lead_name_char(c) || (c >= '0' && c <= '9');
}

bool aml_is_name_start(uint8_t c)
{
	return lead_name_char(c) || c == ROOT_CHAR || c == PARENT_PREFIX ||
	       c == DUAL_NAME_PREFIX || c == MULTI_NAME_PREFIX;
}

static int name_seg(const uint8_t *p, uint32_t *seg)
{
	if (!lead_name_char(p[0]) || !name_char(p[1]) || !name_char(p[2]) ||
	    !name_char(p[3]))
		return -EINVAL;
	*seg = get32(p);
	return 0;
}

/* Root or parent prefixes (20.2.2); false for a bare NamePath. */
static int name_prefix(const uint8_t **pos, const uint8_t *end,
		       struct aml_path *out, bool *prefixed)
{
	const uint8_t *p = *pos;

	*prefixed = false;
	if (p < end && *p == ROOT_CHAR) {
		out->depth = 0;
		p++;
		*prefixed = true;
	}
	while (!*prefixed && p < end && *p == PARENT_PREFIX) {
		if (!out->depth)
			return -EINVAL;
		out->depth--;
		p++;
		if (p >= end || *p != PARENT_PREFIX)
			*prefixed = true;
	}
	*pos = p;
	return p < end ? 0 : -EINVAL;
}

/*
 * NameString (20.2.2) read from `scope`: *out is the path it spells,
 * *lone true for a single NameSeg without prefix (searched upwards).
 */
static int name_string(const uint8_t **pos, const uint8_t *end,
		       const struct aml_path *scope, struct aml_path *out,
		       bool *lone)
{
	const uint8_t *p = *pos;
	uint32_t segs = 1;
	bool prefixed;

	*out = *scope;
	if (name_prefix(&p, end, out, &prefixed))
		return -EINVAL;
	if (*p == ZERO_OP) {
		segs = 0;
		p++;
	} else if (*p == DUAL_NAME_PREFIX) {
		segs = 2;
		p++;
	} else if (*p == MULTI_NAME_PREFIX) {
		if (end - p < 2)
			return -EINVAL;
		segs = p[1];
		p += 2;
	}
	*lone = !prefixed && segs == 1 && p == *pos;
	if ((uint64_t)(end - p) < 4ULL * segs ||
	    out->depth + segs > AML_MAX_DEPTH)
		return -EINVAL;
	for (uint32_t i = 0; i < segs; i++, p += 4)
		if (name_seg(p, &out->seg[out->depth++]))
			return -EINVAL;
	*pos = p;
	return 0;
}

int aml_integer(const uint8_t **pos, const uint8_t *end, uint64_t *value)
{
	static const uint8_t sizes[] = { [BYTE_PREFIX] = 1, [WORD_PREFIX] = 2,
					 [DWORD_PREFIX] = 4,
					 [QWORD_PREFIX] = 8 };
	const uint8_t *p = *pos;
	uint8_t size;

	if (p >= end)
		return -EINVAL;
	if (*p == ZERO_OP || *p == ONE_OP || *p == ONES_OP) {
		*value = *p == ONES_OP ? ~0ULL : *p;
		*pos = p + 1;
		return 0;
	}
	size = *p < sizeof(sizes) ? sizes[*p] : 0;
	if (!size || (uint64_t)(end - p) < 1U + size)
		return -EINVAL;
	*value = 0;
	for (uint8_t i = 0; i < size; i++)
		*value |= (uint64_t)p[1 + i] << (8 * i);
	*pos = p + 1 + size;
	return 0;
}

static int skip_string(const uint8_t **pos, const uint8_t *end)
{
	const uint8_t *p = *pos + 1;

	while (p < end && *p && *p < 0x80)
		p++;
	if (p >= end || *p)
		return -EINVAL;
	*pos = p + 1;
	return 0;
}

/* Buffer, Package or VarPackage: skipped whole by their PkgLength. */
static int skip_pkg(const uint8_t **pos, const uint8_t *end)
{
	const uint8_t *p = *pos + 1, *block_end;

	if (aml_pkg_length(&p, end, &block_end))
		return -EINVAL;
	*pos = block_end;
	return 0;
}

static int skip_expr(const uint8_t **pos, const uint8_t *end,
		     unsigned int depth);

static int skip_operands(const uint8_t **pos, const uint8_t *end,
			 const char *kinds, unsigned int depth)
{
	static const struct aml_path root;
	struct aml_path ignored;
	bool lone;

	for (; *kinds; kinds++) {
		int err = 0;

		if (*pos >= end)
			return -EINVAL;
		if (*kinds == 'b')
			(*pos)++;
		else if (*kinds == 'n')
			err = name_string(pos, end, &root, &ignored, &lone);
		else if (*kinds == 's' && **pos == ZERO_OP)
			(*pos)++;	/* NullName: no target */
		else
			err = skip_expr(pos, end, depth + 1);
		if (err)
			return err;
	}
	return 0;
}

static int skip_ext_expr(const uint8_t **pos, const uint8_t *end,
			 unsigned int depth)
{
	const uint8_t *p = *pos;

	if (end - p < 2)
		return -EINVAL;
	*pos = p + 2;
	switch (p[1]) {
	case REVISION_OP:
	case DEBUG_OP:
	case TIMER_OP:
		return 0;
	case COND_REF_OF_OP:
		return skip_operands(pos, end, "ss", depth);
	case FROM_BCD_OP:
	case TO_BCD_OP:
		return skip_operands(pos, end, "as", depth);
	default:
		return -EINVAL;
	}
}

/*
 * One TermArg. A NameString counts as a reference without arguments: a
 * method call with arguments would be misread, which only ever makes a
 * later term unknown (and its block abandoned).
 */
static int skip_expr(const uint8_t **pos, const uint8_t *end,
		     unsigned int depth)
{
	static const struct aml_path root;
	struct aml_path ignored;
	const uint8_t *p = *pos;
	uint64_t value;
	bool lone;

	if (p >= end || depth > AML_MAX_NESTING)
		return -EINVAL;
	if (*p == STRING_PREFIX)
		return skip_string(pos, end);
	if (*p == BUFFER_OP || *p == PACKAGE_OP || *p == VAR_PACKAGE_OP)
		return skip_pkg(pos, end);
	if (*p >= LOCAL0_OP && *p <= ARG6_OP) {
		*pos = p + 1;
		return 0;
	}
	if (aml_is_name_start(*p))
		return name_string(pos, end, &root, &ignored, &lone);
	if (*p == EXT_OP_PREFIX)
		return skip_ext_expr(pos, end, depth);
	if (expr_operands[*p]) {
		*pos = p + 1;
		return skip_operands(pos, end, expr_operands[*p], depth);
	}
	return aml_integer(pos, end, &value);
}

int aml_skip_term_arg(const uint8_t **pos, const uint8_t *end)
{
	return skip_expr(pos, end, 0);
}

int aml_package(const uint8_t **pos, const uint8_t *end, unsigned int *count,
		const uint8_t **pkg_end)
{
	const uint8_t *p = *pos;

	if (p >= end || *p != PACKAGE_OP)
		return -EINVAL;
	p++;
	if (aml_pkg_length(&p, end, pkg_end) || p >= *pkg_end)
		return -EINVAL;
	*count = *p++;
	*pos = p;
	return 0;
}

int aml_buffer(const uint8_t **pos, const uint8_t *end, const uint8_t **data,
	       uint32_t *len)
{
	const uint8_t *p = *pos, *block_end;
	uint64_t size;

	if (p >= end || *p != BUFFER_OP)
		return -EINVAL;
	p++;
	if (aml_pkg_length(&p, end, &block_end) ||
	    aml_integer(&p, block_end, &size) ||
	    size > (uint64_t)(block_end - p))
		return -EINVAL;
	*data = p;
	*len = (uint32_t)size;
	*pos = block_end;
	return 0;
}

/* --- the namespace walk ------------------------------------------------ */

struct walk {
	aml_visit_fn fn;
	void *ctx;
	bool stop;
};

static void walk_block(struct walk *w, const uint8_t *p, const uint8_t *end,
		       const struct aml_path *scope, unsigned int depth);

static void visit(struct walk *w, enum aml_kind kind,
		  const struct aml_path *path, const struct aml_path *scope,
		  const uint8_t *start, const uint8_t *end, uint8_t args)
{
	struct aml_object obj = { .kind = kind, .path = *path,
				  .scope = *scope, .start = start, .end = end,
				  .args = args };

	if (!w->stop)
		w->stop = w->fn(&obj, w->ctx);
}

/* Scope, Device or Method: PkgLength, then the name. */
static int named_block(const uint8_t **pos, const uint8_t *end,
		       const struct aml_path *scope, struct aml_path *path,
		       const uint8_t **block_end)
{
	bool lone;

	if (aml_pkg_length(pos, end, block_end))
		return -EINVAL;
	return name_string(pos, *block_end, scope, path, &lone);
}

static int walk_scope(struct walk *w, const uint8_t **pos, const uint8_t *end,
		      const struct aml_path *scope, unsigned int depth,
		      bool device)
{
	const uint8_t *block_end;
	struct aml_path path;

	if (named_block(pos, end, scope, &path, &block_end))
		return -EINVAL;
	if (device)
		visit(w, AML_DEVICE, &path, scope, *pos, block_end, 0);
	walk_block(w, *pos, block_end, &path, depth + 1);
	*pos = block_end;
	return 0;
}

static int walk_method(struct walk *w, const uint8_t **pos,
		       const uint8_t *end, const struct aml_path *scope)
{
	const uint8_t *block_end;
	struct aml_path path;
	uint8_t flags;

	if (named_block(pos, end, scope, &path, &block_end) ||
	    *pos >= block_end)
		return -EINVAL;
	flags = *(*pos)++;
	visit(w, AML_METHOD, &path, scope, *pos, block_end, flags & 7);
	*pos = block_end;
	return 0;
}

static int walk_name(struct walk *w, const uint8_t **pos, const uint8_t *end,
		     const struct aml_path *scope)
{
	const uint8_t *start;
	struct aml_path path;
	bool lone;

	if (name_string(pos, end, scope, &path, &lone))
		return -EINVAL;
	start = *pos;
	if (*pos >= end || aml_is_name_start(**pos) ||
	    aml_skip_term_arg(pos, end))
		return -EINVAL;
	visit(w, AML_NAME, &path, scope, start, *pos, 0);
	return 0;
}

static int walk_ext_term(struct walk *w, const uint8_t **pos,
			 const uint8_t *end, const struct aml_path *scope,
			 unsigned int depth)
{
	const uint8_t *block_end;

	if (end - *pos < 2)
		return -EINVAL;
	*pos += 2;
	switch ((*pos)[-1]) {
	case DEVICE_OP:
		return walk_scope(w, pos, end, scope, depth, true);
	case PROCESSOR_OP:
	case POWER_RES_OP:
	case THERMAL_ZONE_OP:
	case FIELD_OP:
	case INDEX_FIELD_OP:
	case BANK_FIELD_OP:
		if (aml_pkg_length(pos, end, &block_end))
			return -EINVAL;
		*pos = block_end;
		return 0;
	case OP_REGION_OP:
		return skip_operands(pos, end, "nbaa", depth);
	case MUTEX_OP:
		return skip_operands(pos, end, "nb", depth);
	case EVENT_OP:
		return skip_operands(pos, end, "n", depth);
	case DATA_REGION_OP:
		return skip_operands(pos, end, "naaa", depth);
	case CREATE_FIELD_OP:
		return skip_operands(pos, end, "aaan", depth);
	default:
		return -EINVAL;
	}
}

/*
 * One term of a block. Declarations under If, Else or While depend on
 * run time and are not looked at.
 */
static int walk_term(struct walk *w, const uint8_t **pos, const uint8_t *end,
		     const struct aml_path *scope, unsigned int depth)
{
	uint8_t op = **pos;

	switch (op) {
	case SCOPE_OP:
		(*pos)++;
		return walk_scope(w, pos, end, scope, depth, false);
	case METHOD_OP:
		(*pos)++;
		return walk_method(w, pos, end, scope);
	case NAME_OP:
		(*pos)++;
		return walk_name(w, pos, end, scope);
	case EXT_OP_PREFIX:
		return walk_ext_term(w, pos, end, scope, depth);
	case EXTERNAL_OP:
		(*pos)++;
		return skip_operands(pos, end, "nbb", depth);
	case ALIAS_OP:
		(*pos)++;
		return skip_operands(pos, end, "nn", depth);
	case IF_OP:
	case ELSE_OP:
	case WHILE_OP:
		return skip_pkg(pos, end);
	case NOOP_OP:
		(*pos)++;
		return 0;
	default:
		return skip_expr(pos, end, depth);
	}
}

/* A term the reader does not know ends this block, not the walk. */
static void walk_block(struct walk *w, const uint8_t *p, const uint8_t *end,
		       const struct aml_path *scope, unsigned int depth)
{
	if (depth > AML_MAX_NESTING)
		return;
	while (p < end && !w->stop)
		if (walk_term(w, &p, end, scope, depth))
			return;
}

void aml_walk(const struct aml_tables *t, aml_visit_fn fn, void *ctx)
{
	static const struct aml_path root;
	struct walk w = { .fn = fn, .ctx = ctx };

	for (unsigned int i = 0; i < t->count && !w.stop; i++)
		walk_block(&w, t->block[i].aml,
			   t->block[i].aml + t->block[i].len, &root, 0);
}

/* --- finding objects ---------------------------------------------------- */

bool aml_path_eq(const struct aml_path *a, const struct aml_path *b)
{
	if (a->depth != b->depth)
		return false;
	for (uint8_t i = 0; i < a->depth; i++)
		if (a->seg[i] != b->seg[i])
			return false;
	return true;
}

struct find {
	const struct aml_path *want;
	struct aml_object *out;
	bool found;
};

static bool find_visit(const struct aml_object *obj, void *ctx)
{
	struct find *f = ctx;

	if (!aml_path_eq(&obj->path, f->want))
		return false;
	*f->out = *obj;
	f->found = true;
	return true;
}

int aml_find(const struct aml_tables *t, const struct aml_path *path,
	     struct aml_object *out)
{
	struct find f = { .want = path, .out = out };

	aml_walk(t, find_visit, &f);
	return f.found ? 0 : -ENOENT;
}

int aml_resolve(const struct aml_tables *t, const struct aml_path *scope,
		const uint8_t **pos, const uint8_t *end,
		struct aml_object *out)
{
	struct aml_path path, up = *scope;
	bool lone;

	if (name_string(pos, end, scope, &path, &lone))
		return -EINVAL;
	if (!lone)
		return aml_find(t, &path, out);
	/* ACPI 6.4 5.3: a lone NameSeg is looked for in each enclosing scope. */
	for (;;) {
		up.seg[up.depth] = path.seg[path.depth - 1];
		up.depth++;
		if (!aml_find(t, &up, out))
			return 0;
		up.depth--;
		if (!up.depth)
			return -ENOENT;
		up.depth--;
	}
}

int aml_path_child(const struct aml_path *path, const char seg[4],
		   struct aml_path *out)
{
	if (path->depth == AML_MAX_DEPTH)
		return -ENOSPC;
	*out = *path;
	out->seg[out->depth++] = get32((const uint8_t *)seg);
	return 0;
}

int aml_path_parse(const char *text, struct aml_path *out)
{
	const char *p = text;

	*out = (struct aml_path){ 0 };
	if (*p == '\\')
		p++;
	while (*p) {
		uint8_t seg[4];

		for (int i = 0; i < 4; i++) {
			if (!*p || *p == '.')
				return -EINVAL;
			seg[i] = (uint8_t)*p++;
		}
		if (out->depth == AML_MAX_DEPTH ||
		    name_seg(seg, &out->seg[out->depth++]))
			return -EINVAL;
		if (*p == '.')
			p++;
	}
	return 0;
}
