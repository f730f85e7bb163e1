/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi/aml.h"
#include "drivers/acpi/prt.h"
#include "lib/errno.h"

/*
 * Fixtures (tests/unit/fixtures/): the DSDT of QEMU 7.2's q35 machine,
 * dumped from /sys/firmware/acpi/tables/DSDT of a Linux guest, and
 * board-prt.aml, compiled by iasl from board-prt.asl beside it.
 */
#define FIXTURES	"tests/unit/fixtures/"
#define MAX_TABLE	16384

static uint8_t *load(const char *name, uint32_t *len)
{
	uint8_t *buf = malloc(MAX_TABLE);
	FILE *f = fopen(name, "rb");

	assert_non_null(buf);
	assert_non_null(f);
	*len = (uint32_t)fread(buf, 1, MAX_TABLE, f);
	fclose(f);
	assert_true(*len > 36 && *len < MAX_TABLE);
	return buf;
}

static void tables_of(struct aml_tables *t, const uint8_t *table,
		      uint32_t len)
{
	*t = (struct aml_tables){ 0 };
	assert_int_equal(aml_add_table(t, table, len), 0);
}

/*
 * QEMU's q35 APIC-mode table (PRTA, links GSIA..GSIH = GSIs 16..23):
 * slots 25-29 and 31 take GSIA-GSID by pin, slot 30 GSIE-GSIH by pin,
 * every other slot GSIE-GSIH rotated by slot + pin (as `iasl -d` shows
 * PRTA; hw/i386/acpi-build.c, build_q35_routing_table).
 */
static uint32_t q35_gsi(unsigned int slot, unsigned int pin)
{
	if ((slot >= 25 && slot <= 29) || slot == 31)
		return 16 + pin;
	if (slot == 30)
		return 20 + pin;
	return 20 + (slot + pin) % 4;
}

static void qemu_q35_apic_mode_table(void **state)
{
	struct aml_tables t;
	struct prt_table prt;
	uint32_t len;
	uint8_t *dsdt = load(FIXTURES "qemu72-q35-dsdt.aml", &len);

	(void)state;
	tables_of(&t, dsdt, len);
	assert_int_equal(prt_read(&t, 0, &prt), 0);
	assert_int_equal(prt.count, 128);
	for (uint8_t slot = 0; slot < 32; slot++)
		for (uint8_t pin = 0; pin < 4; pin++) {
			const struct prt_route *r = prt_lookup(&prt, slot, pin);

			assert_non_null(r);
			assert_int_equal(r->gsi, q35_gsi(slot, pin));
			/* GSIA..H: Interrupt (..., Level, ActiveHigh, ...) */
			assert_false(r->active_low);
		}
	/* Slots 4 apart share a line: 00:04.0 and 00:08.0 on INTA. */
	assert_int_equal(prt_lookup(&prt, 4, 0)->gsi,
			 prt_lookup(&prt, 8, 0)->gsi);
	/* No root bridge of bus 1. */
	assert_int_equal(prt_read(&t, 1, &prt), -ENOENT);
	assert_non_null(prt.why);
	free(dsdt);
}

static void board_method_picks_apic_table(void **state)
{
	struct aml_tables t;
	struct prt_table prt;
	uint32_t len;
	uint8_t *dsdt = load(FIXTURES "board-prt.aml", &len);
	const struct prt_route *r;

	(void)state;
	tables_of(&t, dsdt, len);
	assert_int_equal(prt_read(&t, 0, &prt), 0);
	assert_int_equal(prt.count, 4);
	r = prt_lookup(&prt, 0x1c, 1);
	assert_non_null(r);
	assert_int_equal(r->gsi, 0x11);
	assert_true(r->active_low);	/* source 0: level, active low */
	assert_int_equal(prt_lookup(&prt, 0x1f, 2)->gsi, 0x12);
	assert_int_equal(prt_lookup(&prt, 2, 0)->gsi, 0x10);
	assert_null(prt_lookup(&prt, 2, 1));
	free(dsdt);
}

/* Patches the first occurrence of `from` (same length) in the table. */
static void patch(uint8_t *t, uint32_t len, const char *from, const char *to)
{
	size_t n = strlen(from);

	for (uint32_t i = 0; i + n <= len; i++)
		if (!memcmp(t + i, from, n)) {
			memcpy(t + i, to, n);
			return;
		}
	fail_msg("%s not in the table", from);
}

static void unresolvable_tables_are_refused(void **state)
{
	struct aml_tables t;
	struct prt_table prt;
	uint32_t len;
	uint8_t *dsdt = load(FIXTURES "board-prt.aml", &len);

	(void)state;
	/* _PRT returning only the PIC-mode table (links with _CRS methods). */
	patch(dsdt, len, "AR00", "XR00");	/* the Name... */
	patch(dsdt, len, "AR00", "PR00");	/* ...and its Return */
	tables_of(&t, dsdt, len);
	assert_int_equal(prt_read(&t, 0, &prt), -ENOTSUP);
	assert_int_equal(prt.count, 0);
	assert_non_null(strstr(prt.why, "PIC-mode"));
	free(dsdt);

	dsdt = load(FIXTURES "board-prt.aml", &len);
	patch(dsdt, len, "_PRT", "_PRX");
	tables_of(&t, dsdt, len);
	assert_int_equal(prt_read(&t, 0, &prt), -ENOENT);
	assert_string_equal(prt.why, "the PCI root bridge has no _PRT");
	free(dsdt);
}

/* QEMU's PIC-mode links must not be used: their _CRS is a method. */
static void qemu_pic_links_are_not_used(void **state)
{
	struct aml_tables t;
	struct prt_table prt;
	uint32_t len;
	uint8_t *dsdt = load(FIXTURES "qemu72-q35-dsdt.aml", &len);

	(void)state;
	/* Rename PRTA so that _PRT's Return (PRTA) finds nothing. */
	patch(dsdt, len, "PRTA\x12", "PRTZ\x12");
	tables_of(&t, dsdt, len);
	assert_int_not_equal(prt_read(&t, 0, &prt), 0);
	assert_int_equal(prt.count, 0);
	assert_non_null(prt.why);
	free(dsdt);
}

/*
 * Bounded against malformed input: every truncation and many random
 * byte changes of both fixtures are read without leaving the buffer
 * (the sanitizers watch) and never yield an entry outside the ranges.
 */
static void check_bounded(uint8_t *copy, uint32_t len)
{
	struct aml_tables t = { 0 };
	struct prt_table prt;

	if (aml_add_table(&t, copy, len))
		return;
	if (prt_read(&t, 0, &prt)) {
		assert_int_equal(prt.count, 0);
		assert_non_null(prt.why);
		return;
	}
	for (unsigned int i = 0; i < prt.count; i++) {
		assert_true(prt.route[i].slot < 32);
		assert_true(prt.route[i].pin < 4);
	}
}

static void malformed_input_is_bounded(void **state)
{
	static const char *const names[] = { FIXTURES "board-prt.aml",
					     FIXTURES "qemu72-q35-dsdt.aml" };
	unsigned int seed = 12;

	(void)state;
	for (unsigned int n = 0; n < 2; n++) {
		uint32_t len;
		uint8_t *orig = load(names[n], &len);

		for (uint32_t cut = 36; cut < len; cut += n ? 61 : 1) {
			uint8_t *copy = malloc(cut);

			memcpy(copy, orig, cut);
			copy[4] = (uint8_t)cut;	/* header length = cut */
			copy[5] = (uint8_t)(cut >> 8);
			check_bounded(copy, cut);
			free(copy);
		}
		for (unsigned int i = 0; i < 600; i++) {
			uint8_t *copy = malloc(len);

			memcpy(copy, orig, len);
			for (int k = 0; k < 4; k++)
				copy[36 + rand_r(&seed) % (len - 36)] =
					(uint8_t)rand_r(&seed);
			check_bounded(copy, len);
			free(copy);
		}
		free(orig);
	}
}

static void paths_parse_and_resolve(void **state)
{
	struct aml_tables t;
	struct aml_object obj;
	struct aml_path scope, path;
	uint32_t len;
	uint8_t *dsdt = load(FIXTURES "qemu72-q35-dsdt.aml", &len);
	/* GSIE from inside \_SB.PCI0: found one level up, in \_SB. */
	static const uint8_t gsie[] = { 'G', 'S', 'I', 'E' };
	const uint8_t *p = gsie;

	(void)state;
	tables_of(&t, dsdt, len);
	assert_int_equal(aml_path_parse("\\_SB_.PCI0", &scope), 0);
	assert_int_equal(aml_resolve(&t, &scope, &p, gsie + 4, &obj), 0);
	assert_int_equal(obj.kind, AML_DEVICE);
	assert_int_equal(aml_path_parse("\\_SB_.GSIE", &path), 0);
	assert_true(aml_path_eq(&obj.path, &path));
	assert_int_equal(aml_path_parse("\\_SB_.PCI0._PRT", &path), 0);
	assert_int_equal(aml_find(&t, &path, &obj), 0);
	assert_int_equal(obj.kind, AML_METHOD);
	assert_int_equal(aml_path_parse("\\_SB_.PCI0.NONE", &path), 0);
	assert_int_equal(aml_find(&t, &path, &obj), -ENOENT);
	assert_int_not_equal(aml_path_parse("\\_SB_.PC", &path), 0);
	assert_int_not_equal(aml_path_parse("\\_SB_.1CI0", &path), 0);
	free(dsdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_q35_apic_mode_table),
		cmocka_unit_test(board_method_picks_apic_table),
		cmocka_unit_test(unresolvable_tables_are_refused),
		cmocka_unit_test(qemu_pic_links_are_not_used),
		cmocka_unit_test(malformed_input_is_bounded),
		cmocka_unit_test(paths_parse_and_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
