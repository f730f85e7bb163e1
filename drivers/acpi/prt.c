/* SPDX-License-Identifier: BSD-2-Clause */
/* The root bridge's INTx routing from the firmware's _PRT, read statically. */
#include "drivers/acpi/prt.h"
#include "lib/bytes.h"
#include "lib/errno.h"

/* EISAID("PNP0A08") and EISAID("PNP0A03") as AML integers (ACPI 6.4 6.1.5). */
#define EISAID_PCIE_ROOT	0x080ad041u
#define EISAID_PCI_ROOT		0x030ad041u
#define MAX_ROOT_BRIDGES	8
#define MAX_RETURNED_TABLES	4
#define PRT_ENTRY_ELEMENTS	4	/* address, pin, source, index */
#define PRT_ADDRESS_ANY_FN	0xffff	/* low word: all functions */
#define PCI_MAX_SLOT		31
#define PCI_MAX_PIN		3
#define RETURN_OP		0xa4	/* ACPI 6.4 20.2.5.3 */
#define IF_OP			0xa0
#define ELSE_OP			0xa1
#define NOOP_OP			0xa3
#define STRING_PREFIX		0x0d
#define ZERO_OP			0x00

/* Resource descriptors (ACPI 6.4 6.4.2, 6.4.3). */
#define RES_LARGE		0x80
#define RES_SMALL_TYPE(b)	((b) >> 3 & 0x0f)
#define RES_SMALL_LEN(b)	((b) & 0x07)
#define RES_SMALL_IRQ		0x04
#define RES_SMALL_END		0x0f
#define RES_LARGE_TYPE(b)	((b) & 0x7f)
#define RES_LARGE_EXT_IRQ	0x09	/* Extended Interrupt, 6.4.3.6 */
#define EXT_IRQ_EDGE		(1U << 1)
#define EXT_IRQ_ACTIVE_LOW	(1U << 2)

/* --- which device is the root bridge of the bus ------------------------- */

static bool is_root_id(const struct aml_object *obj)
{
	const uint8_t *p = obj->start;
	uint64_t id;

	if (p < obj->end && *p == STRING_PREFIX) {
		uint32_t left = (uint32_t)(obj->end - p);

		return left >= 9 && !p[8] &&
		       (get32(p + 1) == get32((const uint8_t *)"PNP0") &&
			(get32(p + 5) == get32((const uint8_t *)"A08\0") ||
			 get32(p + 5) == get32((const uint8_t *)"A03\0")));
	}
	return !aml_integer(&p, obj->end, &id) &&
	       (id == EISAID_PCIE_ROOT || id == EISAID_PCI_ROOT);
}

struct roots {
	unsigned int count;
	struct aml_path dev[MAX_ROOT_BRIDGES];
};

static bool root_visit(const struct aml_object *obj, void *ctx)
{
	struct roots *r = ctx;
	uint32_t last;

	if (obj->kind != AML_NAME || !obj->path.depth)
		return false;
	last = obj->path.seg[obj->path.depth - 1];
	if ((last != get32((const uint8_t *)"_HID") &&
	     last != get32((const uint8_t *)"_CID")) || !is_root_id(obj))
		return false;
	r->dev[r->count] = obj->path;
	r->dev[r->count].depth--;
	for (unsigned int i = 0; i < r->count; i++)
		if (aml_path_eq(&r->dev[i], &r->dev[r->count]))
			return false;	/* _HID and _CID both said so */
	return ++r->count == MAX_ROOT_BRIDGES;
}

/* The root bridge's bus: a constant _BBN, 0 without one (ACPI 6.4 6.5.5). */
static int root_bus(const struct aml_tables *t, const struct aml_path *dev,
		    uint64_t *bus)
{
	struct aml_object obj;
	struct aml_path path;
	const uint8_t *p;

	*bus = 0;
	if (aml_path_child(dev, "_BBN", &path) || aml_find(t, &path, &obj))
		return 0;
	p = obj.start;
	if (obj.kind != AML_NAME)
		return -ENOTSUP;
	return aml_integer(&p, obj.end, bus);
}

static int find_root(const struct aml_tables *t, uint8_t bus,
		     struct aml_path *out, struct prt_table *prt)
{
	struct roots r = { 0 };
	uint64_t b;

	aml_walk(t, root_visit, &r);
	for (unsigned int i = 0; i < r.count; i++)
		if (!root_bus(t, &r.dev[i], &b) && b == bus) {
			*out = r.dev[i];
			return 0;
		}
	prt->why = r.count ? "no PCI root bridge with a constant _BBN of this bus" :
		   "no PCI root bridge (PNP0A08/PNP0A03) in the DSDT or SSDTs";
	return -ENOENT;
}

/* --- a _PRT method: which named tables can it return -------------------- */

struct returned {
	unsigned int count;
	struct aml_object table[MAX_RETURNED_TABLES];
};

static int method_body(const struct aml_tables *t, const struct aml_path *scope,
		       const uint8_t *p, const uint8_t *end,
		       struct returned *out, unsigned int depth);

/* If (predicate) {...} or Else {...}: PkgLength, then the body. */
static int method_branch(const struct aml_tables *t,
			 const struct aml_path *scope, const uint8_t **pos,
			 const uint8_t *end, struct returned *out,
			 unsigned int depth)
{
	const uint8_t *p = *pos + 1, *block_end;
	uint8_t op = **pos;

	if (aml_pkg_length(&p, end, &block_end))
		return -EINVAL;
	if (op == IF_OP && aml_skip_term_arg(&p, block_end))
		return -EINVAL;
	*pos = block_end;
	return method_body(t, scope, p, block_end, out, depth + 1);
}

/*
 * Only If/Else, Noop and Return of a name are followed: the forms
 * firmware uses to pick its PIC- or APIC-mode table.
 */
static int method_body(const struct aml_tables *t, const struct aml_path *scope,
		       const uint8_t *p, const uint8_t *end,
		       struct returned *out, unsigned int depth)
{
	if (depth > AML_MAX_DEPTH)
		return -EINVAL;
	while (p < end) {
		struct aml_object obj;
		int err = 0;

		if (*p == IF_OP || *p == ELSE_OP) {
			err = method_branch(t, scope, &p, end, out, depth);
		} else if (*p == NOOP_OP) {
			p++;
		} else if (*p == RETURN_OP && p + 1 < end &&
			   aml_is_name_start(p[1])) {
			p++;
			err = aml_resolve(t, scope, &p, end, &obj);
			if (!err && (obj.kind != AML_NAME ||
				     out->count == MAX_RETURNED_TABLES))
				err = -ENOTSUP;
			if (!err)
				out->table[out->count++] = obj;
		} else {
			err = -ENOTSUP;
		}
		if (err)
			return err;
	}
	return 0;
}

/* --- one routing table ---------------------------------------------------- */

/* The one interrupt of a link's constant _CRS, level-triggered. */
static int link_interrupt(const uint8_t *p, const uint8_t *end,
			  struct prt_route *r)
{
	while (p < end) {
		uint32_t len;

		if (!(*p & RES_LARGE)) {
			if (RES_SMALL_TYPE(*p) == RES_SMALL_END)
				return -ENOENT;
			if (RES_SMALL_TYPE(*p) == RES_SMALL_IRQ)
				return -ENOTSUP;	/* an ISA IRQ: PIC mode */
			p += 1 + RES_SMALL_LEN(*p);
			continue;
		}
		if (end - p < 3 || (len = get16(p + 1)) > (uint64_t)(end - p - 3))
			return -EINVAL;
		if (RES_LARGE_TYPE(*p) == RES_LARGE_EXT_IRQ) {
			if (len < 6 || p[4] != 1 || p[3] & EXT_IRQ_EDGE)
				return -ENOTSUP;
			r->active_low = p[3] & EXT_IRQ_ACTIVE_LOW;
			r->gsi = get32(p + 5);
			return 0;
		}
		p += 3 + len;
	}
	return -ENOENT;
}

static int link_route(const struct aml_tables *t, const struct aml_path *scope,
		      const uint8_t **pos, const uint8_t *end,
		      struct prt_route *r)
{
	struct aml_object link, crs;
	struct aml_path path;
	const uint8_t *p, *data;
	uint64_t index;
	uint32_t len;

	if (aml_resolve(t, scope, pos, end, &link) || link.kind != AML_DEVICE ||
	    aml_integer(pos, end, &index) || index)
		return -ENOTSUP;
	if (aml_path_child(&link.path, "_CRS", &path) ||
	    aml_find(t, &path, &crs) || crs.kind != AML_NAME)
		return -ENOTSUP;	/* a method: PIC-mode style */
	p = crs.start;
	if (aml_buffer(&p, crs.end, &data, &len))
		return -ENOTSUP;
	return link_interrupt(data, data + len, r);
}

/* Package {0xSSSSFFFF, pin, 0 or link, GSI or 0} (ACPI 6.4 table 6.92). */
static int read_entry(const struct aml_tables *t, const struct aml_path *scope,
		      const uint8_t **pos, const uint8_t *end,
		      struct prt_route *r)
{
	const uint8_t *p = *pos, *entry_end;
	uint64_t address, pin, gsi;
	unsigned int count;
	int err;

	if (aml_package(&p, end, &count, &entry_end) ||
	    count != PRT_ENTRY_ELEMENTS ||
	    aml_integer(&p, entry_end, &address) ||
	    aml_integer(&p, entry_end, &pin) || p >= entry_end)
		return -EINVAL;
	if ((address & 0xffff) != PRT_ADDRESS_ANY_FN ||
	    address >> 16 > PCI_MAX_SLOT || pin > PCI_MAX_PIN)
		return -EINVAL;
	r->slot = (uint8_t)(address >> 16);
	r->pin = (uint8_t)pin;
	if (*p == ZERO_OP) {
		p++;
		/* A GSI of its own: level, active low (ACPI 6.4 6.2.13). */
		err = aml_integer(&p, entry_end, &gsi);
		if (!err && gsi > UINT32_MAX)
			err = -EINVAL;
		r->gsi = (uint32_t)gsi;
		r->active_low = true;
	} else {
		err = link_route(t, scope, &p, entry_end, r);
	}
	if (!err && p != entry_end)
		err = -EINVAL;
	*pos = entry_end;
	return err;
}

static bool duplicate(const struct prt_table *out, const struct prt_route *r)
{
	for (unsigned int i = 0; i < out->count; i++)
		if (out->route[i].slot == r->slot && out->route[i].pin == r->pin)
			return true;
	return false;
}

/* Every entry of the named package, or an error: no partial tables. */
static int read_table(const struct aml_tables *t, const struct aml_object *pkg,
		      struct prt_table *out)
{
	const uint8_t *p = pkg->start, *end;
	unsigned int count;

	out->count = 0;
	if (aml_package(&p, pkg->end, &count, &end) || count > PRT_MAX_ROUTES)
		return -EINVAL;
	for (unsigned int i = 0; i < count && p < end; i++) {
		struct prt_route r;
		int err = read_entry(t, &pkg->scope, &p, end, &r);

		if (err)
			return err;
		if (duplicate(out, &r))
			return -EINVAL;
		out->route[out->count++] = r;
	}
	return p == end ? 0 : -EINVAL;
}

static bool same_table(const struct prt_table *a, const struct prt_table *b)
{
	if (a->count != b->count)
		return false;
	for (unsigned int i = 0; i < a->count; i++) {
		const struct prt_route *r = prt_lookup(b, a->route[i].slot,
						       a->route[i].pin);

		if (!r || r->gsi != a->route[i].gsi ||
		    r->active_low != a->route[i].active_low)
			return false;
	}
	return true;
}

/* The candidates whose every entry resolves; they must agree. */
static int pick_table(const struct aml_tables *t, const struct returned *c,
		      struct prt_table *out)
{
	struct prt_table other;
	bool found = false;

	for (unsigned int i = 0; i < c->count; i++) {
		struct prt_table *dst = found ? &other : out;

		if (read_table(t, &c->table[i], dst))
			continue;
		if (found && !same_table(out, &other)) {
			out->why = "_PRT can return two different tables that both name GSIs";
			return -EINVAL;
		}
		found = true;
	}
	if (!found) {
		out->count = 0;
		out->why = "no table _PRT returns resolves to GSIs without running AML (PIC-mode links only)";
		return -ENOTSUP;
	}
	return 0;
}

int prt_read(const struct aml_tables *t, uint8_t bus, struct prt_table *out)
{
	struct returned c = { 0 };
	struct aml_object prt;
	struct aml_path root, path;

	*out = (struct prt_table){ 0 };
	if (find_root(t, bus, &root, out))
		return -ENOENT;
	if (aml_path_child(&root, "_PRT", &path) || aml_find(t, &path, &prt)) {
		out->why = "the PCI root bridge has no _PRT";
		return -ENOENT;
	}
	if (prt.kind == AML_NAME) {
		c.table[c.count++] = prt;
	} else if (prt.kind != AML_METHOD || prt.args ||
		   method_body(t, &prt.path, prt.start, prt.end, &c, 0) ||
		   !c.count) {
		out->why = "_PRT is a method doing more than returning named tables";
		return -ENOTSUP;
	}
	return pick_table(t, &c, out);
}

const struct prt_route *prt_lookup(const struct prt_table *p, uint8_t slot,
				   uint8_t pin)
{
	for (unsigned int i = 0; i < p->count; i++)
		if (p->route[i].slot == slot && p->route[i].pin == pin)
			return &p->route[i];
	return 0;
}
