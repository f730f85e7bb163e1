/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_ACPI_AML_H
#define DRIVERS_ACPI_AML_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A strict reader of the firmware's ACPI Machine Language (ACPI 6.4
 * chapter 20), enough to find named objects in the DSDT and SSDTs and to
 * read their static data. Nothing is executed: a method's body is only
 * handed back as bytes. Every read is bounded by the enclosing package
 * length; a term the reader does not know ends the walk of the block it
 * is in (the walk goes on after that block), so malformed or unusual AML
 * hides objects but never makes the reader leave its buffers.
 */

#define AML_MAX_DEPTH		16	/* name segments in a path */
#define AML_MAX_TABLES		16	/* the DSDT and up to 15 SSDTs */

struct aml_path {
	uint8_t depth;
	uint32_t seg[AML_MAX_DEPTH];	/* NameSegs, 4 characters each */
};

/* The AML of one definition block: the bytes after its 36-byte header. */
struct aml_block {
	const uint8_t *aml;
	uint32_t len;
};

struct aml_tables {
	unsigned int count;
	struct aml_block block[AML_MAX_TABLES];
};

enum aml_kind { AML_NAME, AML_METHOD, AML_DEVICE };

/*
 * A named object: Name's data object ([start, end) holds exactly it), a
 * method's body, or a device's term list. `scope` is where it was
 * declared, against which names inside it resolve.
 */
struct aml_object {
	enum aml_kind kind;
	struct aml_path path;
	struct aml_path scope;
	const uint8_t *start, *end;
	uint8_t args;			/* methods */
};

/* Called for each object in table order; true stops the walk. */
typedef bool (*aml_visit_fn)(const struct aml_object *obj, void *ctx);

/* Fills t from a table's bytes (header included); -EINVAL if too short. */
int aml_add_table(struct aml_tables *t, const uint8_t *table, uint32_t len);
void aml_walk(const struct aml_tables *t, aml_visit_fn fn, void *ctx);
/* The object at exactly `path`, or -ENOENT. */
int aml_find(const struct aml_tables *t, const struct aml_path *path,
	     struct aml_object *out);
/*
 * Reads the NameString at *pos and finds the object it names from
 * `scope`, by the search rules of ACPI 6.4 5.3 for a lone NameSeg.
 */
int aml_resolve(const struct aml_tables *t, const struct aml_path *scope,
		const uint8_t **pos, const uint8_t *end,
		struct aml_object *out);

/* Data objects (20.2.3). Each advances *pos past what it read. */
int aml_integer(const uint8_t **pos, const uint8_t *end, uint64_t *value);
/* PackageOp: *count elements, the first at *pos on return; *pkg_end. */
int aml_package(const uint8_t **pos, const uint8_t *end, unsigned int *count,
		const uint8_t **pkg_end);
/* BufferOp: the byte list [*data, *data + *len). */
int aml_buffer(const uint8_t **pos, const uint8_t *end, const uint8_t **data,
	       uint32_t *len);
/* PkgLength (20.2.4): *pos moves past it; *block_end, where it ends. */
int aml_pkg_length(const uint8_t **pos, const uint8_t *end,
		   const uint8_t **block_end);
/* Skips one TermArg (20.2.5): data, names, locals, args, expressions. */
int aml_skip_term_arg(const uint8_t **pos, const uint8_t *end);
bool aml_is_name_start(uint8_t byte);

/* "\_SB.PCI0._PRT" -> path (host tests and constant paths). */
int aml_path_parse(const char *text, struct aml_path *out);
bool aml_path_eq(const struct aml_path *a, const struct aml_path *b);
/* path + one segment ("_CRS"); -ENOSPC when too deep. */
int aml_path_child(const struct aml_path *path, const char seg[4],
		   struct aml_path *out);

#endif
