/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "loader/guest_acpi.h"

/*
 * The tables are read back the way a guest's ACPI code does (ACPI 6.4,
 * chapter 5; AML grammar of chapter 20): from the RSDP through the XSDT,
 * by raw offsets, checking every checksum on the way.
 */

#define BUF_SIZE	8192
#define GPA		0x9f000ULL
#define CANARY		0xa5

static uint8_t buf[BUF_SIZE];
static struct guest_acpi_layout lay;

static const struct guest_acpi_platform plat = {
	.pm1a_evt_port = 0x600,
	.pm1a_cnt_port = 0x604,
	.reset_port = 0xcf9,
	.reset_value = 0x06,
	.s5_slp_typ = 5,
	.sci_irq = 9,
	.pit_gsi = 2,
	.ioapic_id = 0,
	.ioapic_addr = 0xfec00000U,
	.rtc_century = 0x32,
	.pic_present = false,
	.power_button = false,
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* The bytes a guest finds at gpa, checked to lie inside what was built. */
static const uint8_t *at(uint64_t gpa, size_t len)
{
	assert_true(gpa >= GPA);
	assert_true(gpa - GPA + len <= lay.size);
	return buf + (gpa - GPA);
}

static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = at(gpa, 36);
	uint32_t len = get32(t + 4);

	assert_memory_equal(t, sig, 4);
	assert_true(len >= 36);
	at(gpa, len);
	assert_int_equal(sum(t, len), 0);
	return t;
}

static void build(const struct guest_acpi_platform *p, unsigned int vcpus)
{
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, p, vcpus, &lay),
			 0);
	assert_true(lay.size <= GUEST_ACPI_MAX_SIZE);
	for (size_t i = lay.size; i < BUF_SIZE; i++)
		assert_int_equal(buf[i], CANARY);
}

static const uint8_t *xsdt_find(const char *sig)
{
	const uint8_t *r = at(GPA, 36);
	const uint8_t *x = table(get64(r + 24), "XSDT");
	uint32_t n = (get32(x + 4) - 36) / 8;
	const uint8_t *found = NULL;

	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *t = at(get64(x + 36 + 8 * i), 36);

		if (!memcmp(t, sig, 4)) {
			assert_null(found);
			found = table(get64(x + 36 + 8 * i), sig);
		}
	}
	return found;
}

static void test_rsdp_and_xsdt(void **state)
{
	const uint8_t *r, *x;

	(void)state;
	build(&plat, 2);
	assert_int_equal(lay.rsdp, GPA);
	r = at(lay.rsdp, 36);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 20), 0);
	assert_int_equal(r[15], 2);
	assert_int_equal(get32(r + 20), 36);
	assert_int_equal(sum(r, 36), 0);
	assert_int_equal(get64(r + 24), lay.xsdt);
	x = table(lay.xsdt, "XSDT");
	assert_int_equal(get32(x + 4), 36 + 2 * 8);
	assert_ptr_equal(xsdt_find("FACP"), at(lay.fadt, 276));
	assert_ptr_equal(xsdt_find("APIC"), at(lay.madt, 44));
	/* The DSDT and FACS hang off the FADT, never off the XSDT. */
	assert_null(xsdt_find("DSDT"));
	assert_null(xsdt_find("FACS"));
}

static void check_gas_io(const uint8_t *g, uint16_t port, unsigned int bits)
{
	assert_int_equal(g[0], 1);		/* system I/O */
	assert_int_equal(g[1], bits);
	assert_int_equal(g[2], 0);
	assert_int_equal(get64(g + 4), port);
}

static void test_fadt(void **state)
{
	const uint8_t *f;

	(void)state;
	build(&plat, 1);
	f = xsdt_find("FACP");
	assert_non_null(f);
	assert_int_equal(get32(f + 4), 276);
	assert_int_equal(f[8], 6);
	assert_int_equal(get32(f + 40), lay.dsdt);
	assert_int_equal(get64(f + 140), lay.dsdt);
	assert_int_equal(get32(f + 36), lay.facs);
	assert_int_equal(get64(f + 132), 0);	/* FIRMWARE_CTRL only */
	assert_int_equal(get16(f + 46), 9);		/* SCI_INT */
	assert_int_equal(get32(f + 48), 0);		/* no SMI_CMD */
	assert_int_equal(get32(f + 56), 0x600);
	assert_int_equal(get32(f + 64), 0x604);
	assert_int_equal(get32(f + 76), 0);		/* no PM timer */
	assert_int_equal(f[91], 0);
	assert_int_equal(get32(f + 80), 0);		/* no GPE0 */
	assert_int_equal(f[88], 4);
	assert_int_equal(f[89], 2);
	assert_int_equal(f[108], 0x32);			/* CENTURY */
	/* IAPC_BOOT_ARCH: no 8042 (bit 1), VGA not present (bit 2). */
	assert_int_equal(get16(f + 109) & 2, 0);
	assert_int_equal(get16(f + 109) & 4, 4);
	/* Flags: RESET_REG_SUP (10), no fixed power button (4). */
	assert_true(get32(f + 112) & (1U << 10));
	assert_true(get32(f + 112) & (1U << 4));
	assert_false(get32(f + 112) & (1U << 20));	/* not HW-reduced */
	check_gas_io(f + 116, 0xcf9, 8);
	assert_int_equal(f[128], 0x06);
	check_gas_io(f + 148, 0x600, 32);
	check_gas_io(f + 172, 0x604, 16);
	assert_int_equal(get64(f + 208 + 4), 0);	/* X_PM_TMR_BLK */
	/* A PM timer when the platform has one: 4 bytes, 24 bits. */
	{
		struct guest_acpi_platform timed = plat;

		timed.pm_tmr_port = 0x608;
		build(&timed, 1);
		f = xsdt_find("FACP");
		assert_int_equal(get32(f + 76), 0x608);
		assert_int_equal(f[91], 4);
		check_gas_io(f + 208, 0x608, 32);
		assert_false(get32(f + 112) & (1U << 8));	/* TMR_VAL_EXT */
	}
	assert_memory_equal(at(lay.facs, 64), "FACS", 4);
	assert_int_equal(get32(at(lay.facs, 64) + 4), 64);
	assert_int_equal(lay.facs % 64, 0);
}

/* 20.2.4: PkgLength, 1 to 4 bytes; returns the value, advances *p. */
static size_t pkg_length(const uint8_t **p)
{
	uint8_t lead = *(*p)++;
	unsigned int follow = lead >> 6;
	size_t len;

	if (!follow)
		return lead & 0x3f;
	len = lead & 0x0f;
	for (unsigned int i = 0; i < follow; i++)
		len |= (size_t)*(*p)++ << (4 + 8 * i);
	return len;
}

/* 20.2.3 ComputationalData: the integer constants a package may hold. */
static uint64_t aml_integer(const uint8_t **p)
{
	uint8_t op = *(*p)++;
	uint64_t v = 0;
	unsigned int n;

	switch (op) {
	case 0x00: return 0;
	case 0x01: return 1;
	case 0xff: return ~0ULL;
	case 0x0a: n = 1; break;
	case 0x0b: n = 2; break;
	case 0x0c: n = 4; break;
	case 0x0e: n = 8; break;
	default:
		fail_msg("AML opcode 0x%02x is not an integer constant", op);
		return 0;
	}
	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)*(*p)++ << (8 * i);
	return v;
}

static void check_s5(const uint8_t *d, uint8_t typ)
{
	uint32_t len = get32(d + 4);
	const uint8_t *p = d + 36, *end = d + len, *pkg_start, *pkg_end;
	unsigned int count;

	assert_int_equal(*p++, 0x08);			/* NameOp */
	assert_memory_equal(p, "_S5_", 4);
	p += 4;
	assert_int_equal(*p++, 0x12);			/* PackageOp */
	pkg_start = p;
	pkg_end = pkg_start + pkg_length(&p);
	assert_ptr_equal(pkg_end, end);
	count = *p++;
	assert_true(count >= 2);
	assert_int_equal(aml_integer(&p), typ);		/* SLP_TYPa */
	assert_int_equal(aml_integer(&p), typ);		/* SLP_TYPb */
	for (unsigned int i = 2; i < count; i++)
		(void)aml_integer(&p);
	assert_ptr_equal(p, pkg_end);
}

static void test_dsdt_s5(void **state)
{
	struct guest_acpi_platform p = plat;

	(void)state;
	for (unsigned int typ = 0; typ < 8; typ++) {
		const uint8_t *d;

		p.s5_slp_typ = (uint8_t)typ;
		build(&p, 1);
		d = table(lay.dsdt, "DSDT");
		assert_true(d[8] >= 2);		/* 64-bit AML integers */
		check_s5(d, (uint8_t)typ);
	}
}

struct madt_seen {
	unsigned int lapics, ioapics, nmis;
	uint64_t lapic_ids;	/* bit i: APIC ID i, for i < 64 */
	int iso_gsi[16];	/* -1: no override for that ISA IRQ */
	uint16_t iso_flags[16];
};

static void madt_walk(const uint8_t *m, struct madt_seen *s)
{
	const uint8_t *e = m + 44, *end = m + get32(m + 4);

	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < 16; i++)
		s->iso_gsi[i] = -1;
	while (e < end) {
		assert_true(e + 2 <= end && e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0:
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], e[3]);	/* UID = APIC ID */
			assert_int_equal(get32(e + 4) & 1, 1);
			assert_int_equal(e[3], s->lapics);
			if (e[3] < 64)
				s->lapic_ids |= 1ULL << e[3];
			s->lapics++;
			break;
		case 1:
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], plat.ioapic_id);
			assert_int_equal(get32(e + 4), 0xfec00000U);
			assert_int_equal(get32(e + 8), 0);
			s->ioapics++;
			break;
		case 2:
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);	/* ISA */
			assert_true(e[3] < 16);
			assert_int_equal(s->iso_gsi[e[3]], -1);
			s->iso_gsi[e[3]] = (int)get32(e + 4);
			s->iso_flags[e[3]] = get16(e + 8);
			break;
		case 4:
			assert_int_equal(e[1], 6);
			assert_int_equal(e[5], 1);	/* LINT1 */
			s->nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
		e += e[1];
	}
	assert_ptr_equal(e, end);
}

static void test_madt(void **state)
{
	static const unsigned int counts[] = { 1, 2, 4, 64, 255 };
	struct madt_seen s;

	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		const uint8_t *m;

		build(&plat, counts[i]);
		m = xsdt_find("APIC");
		assert_int_equal(get32(m + 36), 0xfee00000U);
		assert_int_equal(get32(m + 40) & 1, 0);	/* no 8259 */
		madt_walk(m, &s);
		assert_int_equal(s.lapics, counts[i]);
		if (counts[i] <= 64)
			assert_int_equal(s.lapic_ids, counts[i] == 64 ? ~0ULL :
					 (1ULL << counts[i]) - 1);
		assert_int_equal(s.ioapics, 1);
		assert_int_equal(s.nmis, 1);
		assert_int_equal(s.iso_gsi[0], 2);
		assert_int_equal(s.iso_flags[0], 0);
		assert_int_equal(s.iso_gsi[9], 9);
		assert_int_equal(s.iso_flags[9], 0xf);	/* level, low */
		for (unsigned int irq = 1; irq < 16; irq++)
			if (irq != 9)
				assert_int_equal(s.iso_gsi[irq], -1);
	}
}

static void test_platform_variants(void **state)
{
	struct guest_acpi_platform p = plat;
	struct madt_seen s;
	const uint8_t *m;

	(void)state;
	p.pit_gsi = 0;
	p.pic_present = true;
	p.sci_irq = 10;
	p.power_button = true;
	build(&p, 3);
	assert_false(get32(xsdt_find("FACP") + 112) & (1U << 4));
	m = xsdt_find("APIC");
	assert_int_equal(get32(m + 40) & 1, 1);
	madt_walk(m, &s);
	assert_int_equal(s.iso_gsi[0], -1);	/* identity: no override */
	assert_int_equal(s.iso_gsi[10], 10);
	assert_int_equal(s.iso_gsi[9], -1);
	assert_int_equal(get16(xsdt_find("FACP") + 46), 10);
}

static void test_errors(void **state)
{
	size_t need;

	(void)state;
	build(&plat, 8);
	need = lay.size;
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, &plat, 0, &lay),
			 -EINVAL);
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, &plat, 256,
					  &lay), -EINVAL);
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, NULL, 1, &lay),
			 -EINVAL);
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA + 4, &plat, 1,
					  &lay), -EINVAL);
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, 0x100000000ULL, &plat,
					  1, &lay), -EINVAL);
	/* Every shorter buffer fails and nothing is written past its end. */
	for (size_t size = 0; size < need; size++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(guest_acpi_build(buf, size, GPA, &plat, 8,
						  &lay), -ENOSPC);
		for (size_t i = size; i < BUF_SIZE; i++)
			assert_int_equal(buf[i], CANARY);
	}
	assert_int_equal(guest_acpi_build(buf, need, GPA, &plat, 8, &lay), 0);
	assert_int_equal(lay.size, need);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_and_xsdt),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_dsdt_s5),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_platform_variants),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
