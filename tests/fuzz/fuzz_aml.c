/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The AML reader (drivers/acpi/aml.c) and the _PRT reader on it
 * (drivers/acpi/prt.c) on any definition blocks. Invariants: nothing is
 * read outside the tables (ASan: the input is the table, exactly sized);
 * every object lies inside the block it came from, with a path of at most
 * AML_MAX_DEPTH segments; aml_find() finds a walked object's path; the
 * data readers stay inside an object's bytes; a _PRT read gives at most
 * PRT_MAX_ROUTES routes, each on a slot 0-31 and pin 0-3, with a reason
 * when it fails.
 *
 * Input: [first table's length u16] [first table] [second table: rest],
 * each with its 36-byte header (a DSDT and an SSDT).
 */
#include <string.h>

#include "drivers/acpi/aml.h"
#include "drivers/acpi/prt.h"
#include "tests/fuzz/fuzz.h"

#define OBJECTS_MAX	4096
/* aml_find() walks the tables again: checked for the first objects only. */
#define FIND_CHECKS	32

struct walk {
	const struct aml_tables *t;
	unsigned int objects;
};

static bool inside(const struct aml_tables *t, const uint8_t *start,
		   const uint8_t *end)
{
	for (unsigned int i = 0; i < t->count; i++) {
		const uint8_t *a = t->block[i].aml;

		if (start >= a && end <= a + t->block[i].len && start <= end)
			return true;
	}
	return false;
}

static void read_data(const struct aml_object *o)
{
	const uint8_t *pos = o->start, *data, *pkg_end;
	unsigned int count;
	uint32_t len;
	uint64_t v;

	if (!aml_integer(&pos, o->end, &v))
		FUZZ_CHECK(pos > o->start && pos <= o->end, "integer");
	pos = o->start;
	if (!aml_buffer(&pos, o->end, &data, &len))
		FUZZ_CHECK(data >= o->start && len <= (uint32_t)(o->end - data) &&
			   pos <= o->end, "buffer of %u bytes", len);
	pos = o->start;
	if (!aml_package(&pos, o->end, &count, &pkg_end)) {
		FUZZ_CHECK(pkg_end <= o->end && pos <= pkg_end, "package");
		for (unsigned int i = 0; i < count && pos < pkg_end; i++)
			if (aml_skip_term_arg(&pos, pkg_end))
				break;
		FUZZ_CHECK(pos <= pkg_end, "a package element ends past it");
	}
}

static bool visit(const struct aml_object *o, void *ctx)
{
	struct walk *w = ctx;
	struct aml_object found;

	FUZZ_CHECK(inside(w->t, o->start, o->end),
		   "an object outside its block");
	FUZZ_CHECK(o->path.depth <= AML_MAX_DEPTH &&
		   o->scope.depth <= AML_MAX_DEPTH, "path depth %u",
		   o->path.depth);
	FUZZ_CHECK(w->objects >= FIND_CHECKS ||
		   (!aml_find(w->t, &o->path, &found) &&
		    aml_path_eq(&found.path, &o->path)),
		   "a walked object is not found by its path");
	if (o->kind == AML_NAME)
		read_data(o);
	if (o->kind == AML_METHOD && o->start < o->end &&
	    aml_is_name_start(*o->start)) {
		const uint8_t *pos = o->start;

		(void)aml_resolve(w->t, &o->scope, &pos, o->end, &found);
		FUZZ_CHECK(pos <= o->end, "a name read past the method");
	}
	return ++w->objects >= OBJECTS_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size, 0 };
	static struct aml_tables t;
	static struct prt_table prt;
	struct walk w = { &t, 0 };
	size_t first_len, rest_len;
	const uint8_t *first, *rest;

	first = fuzz_bytes(&in, fuzz_u16(&in), &first_len);
	rest = fuzz_rest(&in, &rest_len);
	memset(&t, 0, sizeof(t));
	(void)aml_add_table(&t, first, (uint32_t)first_len);
	(void)aml_add_table(&t, rest, (uint32_t)rest_len);
	aml_walk(&t, visit, &w);
	for (unsigned int bus = 0; bus < 2; bus++) {
		if (prt_read(&t, (uint8_t)bus, &prt)) {
			FUZZ_CHECK(prt.why && prt.why[0], "a failed _PRT read without a reason");
			continue;
		}
		FUZZ_CHECK(prt.count <= PRT_MAX_ROUTES, "%u routes", prt.count);
		for (unsigned int i = 0; i < prt.count; i++)
			FUZZ_CHECK(prt.route[i].slot < 32 && prt.route[i].pin < 4,
				   "route %u: slot %u pin %u", i,
				   prt.route[i].slot, prt.route[i].pin);
	}
	return 0;
}
