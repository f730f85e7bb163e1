/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "drivers/acpi/prt.h"
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
static uint64_t next_integer(const uint8_t **p)
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

/* Checks \\_S5 at the start of the DSDT; returns the AML after it. */
static const uint8_t *check_s5(const uint8_t *d, uint8_t typ)
{
	const uint8_t *p = d + 36, *pkg_start, *pkg_end;
	unsigned int count;

	assert_int_equal(*p++, 0x08);			/* NameOp */
	assert_memory_equal(p, "_S5_", 4);
	p += 4;
	assert_int_equal(*p++, 0x12);			/* PackageOp */
	pkg_start = p;
	pkg_end = pkg_start + pkg_length(&p);
	assert_true(pkg_end <= d + get32(d + 4));
	count = *p++;
	assert_true(count >= 2);
	assert_int_equal(next_integer(&p), typ);		/* SLP_TYPa */
	assert_int_equal(next_integer(&p), typ);		/* SLP_TYPb */
	for (unsigned int i = 2; i < count; i++)
		(void)next_integer(&p);
	assert_ptr_equal(p, pkg_end);
	return p;
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
		/* Without PCI functions \\_S5 is all there is. */
		assert_ptr_equal(check_s5(d, (uint8_t)typ), d + get32(d + 4));
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

/* ---- PCI: MCFG, \_SB.PCI0 and \_SB.MRES ---- */

#define ECAM		0xb0000000ULL

static struct guest_acpi_pci pci;

/* nvme-like BAR0 (16 KiB), a 64-bit BAR above 4 GiB, an I/O BAR. */
static void pci_sample(uint64_t ecam, uint8_t start, uint8_t end)
{
	guest_acpi_pci_init(&pci, ecam, start, end);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xc0000000ULL, 0x4000), 0);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xe000000000ULL, 0x4000), 0);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_IO, 0x6000, 0x20),
			 0);
}

static void build_pci(unsigned int vcpus)
{
	struct guest_acpi_platform p = plat;

	p.pci = &pci;
	build(&p, vcpus);
}

static const uint8_t *expect_name(const uint8_t *p, const char *seg)
{
	assert_int_equal(*p++, 0x08);			/* NameOp */
	assert_memory_equal(p, seg, 4);
	return p + 4;
}

/* 20.2.5.2 DefDevice: ExtOpPrefix DeviceOp PkgLength NameSeg TermList. */
static const uint8_t *expect_device(const uint8_t *p, const char *seg,
				    const uint8_t **end)
{
	const uint8_t *start;

	assert_int_equal(*p++, 0x5b);
	assert_int_equal(*p++, 0x82);
	start = p;
	*end = start + pkg_length(&p);
	assert_memory_equal(p, seg, 4);
	return p + 4;
}

struct res {
	unsigned int count;
	uint8_t tag[64];
	uint8_t type[64], gflags[64], tflags[64];
	uint64_t min[64], max[64], len[64];
};

static uint64_t getn(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Name (_CRS, Buffer): walks the resource data (6.4) to its end tag. */
static const uint8_t *expect_crs(const uint8_t *p, struct res *r)
{
	const uint8_t *start, *end, *data;
	uint64_t size;

	memset(r, 0, sizeof(*r));
	p = expect_name(p, "_CRS");
	assert_int_equal(*p++, 0x11);			/* BufferOp */
	start = p;
	end = start + pkg_length(&p);
	size = next_integer(&p);
	assert_ptr_equal(p + size, end);
	data = p;
	while (p < end) {
		unsigned int i = r->count++, w;

		assert_true(i < 64);
		r->tag[i] = p[0];
		if (p[0] == 0x79) {			/* end tag */
			assert_ptr_equal(p + 2, end);
			p += 2;
			break;
		}
		if (p[0] == 0x47) {			/* IO port */
			r->min[i] = get16(p + 2);
			r->max[i] = get16(p + 4);
			assert_int_equal(p[6], 1);
			r->len[i] = p[7];
			p += 8;
			continue;
		}
		assert_true(p[0] == 0x88 || p[0] == 0x87 || p[0] == 0x8a);
		w = p[0] == 0x88 ? 2 : p[0] == 0x87 ? 4 : 8;
		assert_int_equal(get16(p + 1), 3 + 5 * w);
		r->type[i] = p[3];
		r->gflags[i] = p[4];
		r->tflags[i] = p[5];
		assert_int_equal(getn(p + 6, w), 0);	/* granularity */
		r->min[i] = getn(p + 6 + w, w);
		r->max[i] = getn(p + 6 + 2 * w, w);
		assert_int_equal(getn(p + 6 + 3 * w, w), 0);	/* offset */
		r->len[i] = getn(p + 6 + 4 * w, w);
		assert_int_equal(r->max[i] - r->min[i] + 1, r->len[i]);
		p += 3 + get16(p + 1);
	}
	assert_true(p - data == (long)size);
	assert_int_equal(r->tag[r->count - 1], 0x79);
	return p;
}

/* Checks the DSDT after \_S5: Scope (\_SB) { PCI0 [, MRES] }. */
static void check_pci_dsdt(const uint8_t *d, uint8_t start, uint8_t end,
			   uint64_t ecam, struct res *root)
{
	const uint8_t *p = check_s5(d, plat.s5_slp_typ), *scope_end, *dev_end;
	const uint8_t *t_end = d + get32(d + 4), *q;
	struct res mres;

	assert_int_equal(*p++, 0x10);			/* ScopeOp */
	q = p;
	scope_end = q + pkg_length(&p);
	assert_ptr_equal(scope_end, t_end);
	assert_int_equal(*p++, '\\');
	assert_memory_equal(p, "_SB_", 4);
	p = expect_device(p + 4, "PCI0", &dev_end);
	p = expect_name(p, "_HID");
	assert_int_equal(*p++, 0x0c);
	assert_int_equal(get32(p), 0x080ad041);		/* EISAID PNP0A08 */
	p = expect_name(p + 4, "_CID");
	assert_int_equal(*p++, 0x0c);
	assert_int_equal(get32(p), 0x030ad041);		/* EISAID PNP0A03 */
	p = expect_name(p + 4, "_UID");
	assert_int_equal(next_integer(&p), 0);
	p = expect_name(p, "_SEG");
	assert_int_equal(next_integer(&p), 0);
	p = expect_name(p, "_BBN");
	assert_int_equal(next_integer(&p), start);
	p = expect_crs(p, root);
	assert_ptr_equal(p, dev_end);
	/* Bus numbers first, then 0xCF8-0xCFF consumed by the bridge. */
	assert_int_equal(root->tag[0], 0x88);
	assert_int_equal(root->type[0], 2);
	assert_int_equal(root->gflags[0], 0x0c);	/* producer, fixed */
	assert_int_equal(root->min[0], start);
	assert_int_equal(root->max[0], end);
	assert_int_equal(root->tag[1], 0x47);
	assert_int_equal(root->min[1], 0xcf8);
	assert_int_equal(root->max[1], 0xcf8);
	assert_int_equal(root->len[1], 8);
	if (!ecam) {
		assert_ptr_equal(p, t_end);
		return;
	}
	p = expect_device(p, "MRES", &dev_end);
	p = expect_name(p, "_HID");
	assert_int_equal(*p++, 0x0c);
	assert_int_equal(get32(p), 0x020cd041);		/* EISAID PNP0C02 */
	p = expect_crs(p + 4, &mres);
	assert_ptr_equal(p, dev_end);
	assert_ptr_equal(p, t_end);
	assert_int_equal(mres.count, 2);
	assert_int_equal(mres.type[0], 0);
	assert_int_equal(mres.gflags[0], 0x0d);		/* consumer, fixed */
	assert_int_equal(mres.min[0], ecam + ((uint64_t)start << 20));
	assert_int_equal(mres.len[0], (uint64_t)(end - start + 1) << 20);
}

static void test_pci_tables(void **state)
{
	const uint8_t *m, *x;
	struct res r;

	(void)state;
	pci_sample(ECAM, 0, 255);
	build_pci(2);
	x = table(lay.xsdt, "XSDT");
	assert_int_equal(get32(x + 4), 36 + 3 * 8);
	m = xsdt_find("MCFG");
	assert_ptr_equal(m, at(lay.mcfg, 60));
	assert_int_equal(get32(m + 4), 60);
	assert_int_equal(m[8], 1);
	assert_int_equal(get64(m + 36), 0);		/* reserved */
	assert_int_equal(get64(m + 44), ECAM);
	assert_int_equal(get16(m + 52), 0);		/* segment */
	assert_int_equal(m[54], 0);
	assert_int_equal(m[55], 255);
	assert_non_null(xsdt_find("APIC"));
	check_pci_dsdt(table(lay.dsdt, "DSDT"), 0, 255, ECAM, &r);
	/* The windows, memory by address, then I/O; end tag last. */
	assert_int_equal(r.count, 2 + 3 + 1);
	assert_int_equal(r.tag[2], 0x87);		/* DWordMemory */
	assert_int_equal(r.type[2], 0);
	assert_int_equal(r.gflags[2], 0x0c);
	assert_int_equal(r.tflags[2], 1);		/* RW, non-cacheable */
	assert_int_equal(r.min[2], 0xc0000000ULL);
	assert_int_equal(r.len[2], 0x4000);
	assert_int_equal(r.tag[3], 0x8a);		/* QWordMemory */
	assert_int_equal(r.min[3], 0xe000000000ULL);
	assert_int_equal(r.max[3], 0xe000003fffULL);
	assert_int_equal(r.tag[4], 0x88);		/* WordIO */
	assert_int_equal(r.type[4], 1);
	assert_int_equal(r.tflags[4], 3);		/* entire range */
	assert_int_equal(r.min[4], 0x6000);
	assert_int_equal(r.len[4], 0x20);
}

/* The _PRT as a guest reads it: drivers/acpi/prt.c on the built DSDT. */
static void test_pci_prt(void **state)
{
	struct aml_tables aml = { 0 };
	const uint8_t *dsdt;
	struct prt_table prt;

	(void)state;
	pci_sample(ECAM, 0, 255);
	build_pci(2);
	dsdt = table(lay.dsdt, "DSDT");
	assert_int_equal(aml_add_table(&aml, dsdt, get32(dsdt + 4)), 0);
	assert_int_equal(prt_read(&aml, 0, &prt), -ENOENT);
	assert_string_equal(prt.why, "the PCI root bridge has no _PRT");

	assert_int_equal(guest_acpi_pci_route(&pci, 4, 0, 20), 0);
	assert_int_equal(guest_acpi_pci_route(&pci, 0x1f, 3, 16), 0);
	assert_int_equal(guest_acpi_pci_route(&pci, 4, 0, 20), 0); /* again */
	assert_int_equal(guest_acpi_pci_route(&pci, 4, 0, 21), -EINVAL);
	assert_int_equal(guest_acpi_pci_route(&pci, 32, 0, 21), -EINVAL);
	assert_int_equal(guest_acpi_pci_route(&pci, 5, 4, 21), -EINVAL);
	build_pci(2);
	dsdt = table(lay.dsdt, "DSDT");
	aml = (struct aml_tables){ 0 };
	assert_int_equal(aml_add_table(&aml, dsdt, get32(dsdt + 4)), 0);
	assert_int_equal(prt_read(&aml, 0, &prt), 0);
	assert_int_equal(prt.count, 2);
	assert_int_equal(prt_lookup(&prt, 4, 0)->gsi, 20);
	assert_int_equal(prt_lookup(&prt, 0x1f, 3)->gsi, 16);
	assert_true(prt_lookup(&prt, 4, 0)->active_low);	/* source 0 */
	assert_null(prt_lookup(&prt, 4, 1));
}

static void test_pci_bus_range_and_ports_only(void **state)
{
	struct res r;

	(void)state;
	pci_sample(ECAM, 2, 5);
	build_pci(1);
	check_pci_dsdt(table(lay.dsdt, "DSDT"), 2, 5, ECAM, &r);
	assert_int_equal(xsdt_find("MCFG")[54], 2);
	assert_int_equal(xsdt_find("MCFG")[55], 5);
	/* Without ECAM: no MCFG, no MRES; ports 0xCF8/0xCFC still work. */
	pci_sample(0, 0, 0);
	build_pci(1);
	assert_null(xsdt_find("MCFG"));
	assert_int_equal(lay.mcfg, 0);
	assert_int_equal(get32(table(lay.xsdt, "XSDT") + 4), 36 + 2 * 8);
	check_pci_dsdt(table(lay.dsdt, "DSDT"), 0, 0, 0, &r);
}

/* The most windows there can be: 2-byte PkgLengths (20.2.4), and the
 * whole still fits in GUEST_ACPI_MAX_SIZE (build() checks). */
static void test_pci_many_windows(void **state)
{
	struct res r;

	(void)state;
	guest_acpi_pci_init(&pci, ECAM, 0, 255);
	for (unsigned int i = 0; i < GUEST_ACPI_PCI_WINDOWS; i++)
		assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
						    0x100000000ULL +
						    0x10000ULL * i, 0x1000), 0);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0x200000000ULL, 0x1000), -ENOSPC);
	build_pci(1);
	check_pci_dsdt(table(lay.dsdt, "DSDT"), 0, 255, ECAM, &r);
	assert_int_equal(r.count, 2 + GUEST_ACPI_PCI_WINDOWS + 1);
	for (unsigned int i = 0; i < GUEST_ACPI_PCI_WINDOWS; i++) {
		assert_int_equal(r.tag[2 + i], 0x8a);
		assert_int_equal(r.min[2 + i], 0x100000000ULL + 0x10000ULL * i);
	}
}

static void test_pci_windows(void **state)
{
	(void)state;
	guest_acpi_pci_init(&pci, ECAM, 0, 255);
	/* Rounded out to pages: 0xc0001010+0x10 is the page 0xc0001000. */
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xc0001010ULL, 0x10), 0);
	assert_int_equal(pci.window_count, 1);
	assert_int_equal(pci.window[0].base, 0xc0001000ULL);
	assert_int_equal(pci.window[0].size, 0x1000);
	/* Below, not touching: a second window, sorted first. */
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xbfffe000ULL, 0x1000), 0);
	assert_int_equal(pci.window_count, 2);
	assert_int_equal(pci.window[0].base, 0xbfffe000ULL);
	/* The gap filled: all three become one window. */
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xbffff800ULL, 0x1000), 0);
	assert_int_equal(pci.window_count, 1);
	assert_int_equal(pci.window[0].base, 0xbfffe000ULL);
	assert_int_equal(pci.window[0].size, 0x4000);
	/* Inside an existing one: nothing changes. */
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xc0000000ULL, 4), 0);
	assert_int_equal(pci.window_count, 1);
	assert_int_equal(pci.window[0].size, 0x4000);
	/* I/O is exact and never merged with memory. */
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_IO, 0x6020, 0x20),
			 0);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_IO, 0x6000, 0x20),
			 0);
	assert_int_equal(pci.window_count, 2);
	assert_int_equal(pci.window[1].kind, GUEST_ACPI_IO);
	assert_int_equal(pci.window[1].base, 0x6000);
	assert_int_equal(pci.window[1].size, 0x40);
	/* Empty, wrapping, I/O beyond 64 KiB, beyond 52 address bits. */
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0x1000, 0),
			 -EINVAL);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, ~0ULL, 2),
			 -EINVAL);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_IO, 0xfff0, 0x20),
			 -EINVAL);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    1ULL << 52, 0x1000), -EINVAL);
	assert_int_equal(pci.window_count, 2);
}

static void test_pci_errors(void **state)
{
	struct guest_acpi_platform p = plat;
	size_t need;

	(void)state;
	pci_sample(ECAM, 0, 255);
	p.pci = &pci;
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, &p, 4, &lay), 0);
	need = lay.size;
	for (size_t size = 0; size < need; size++) {
		memset(buf, CANARY, sizeof(buf));
		assert_int_equal(guest_acpi_build(buf, size, GPA, &p, 4, &lay),
				 -ENOSPC);
		for (size_t i = size; i < BUF_SIZE; i++)
			assert_int_equal(buf[i], CANARY);
	}
	/* A hand-made description is checked too. */
	pci.bus_start = 6;
	pci.bus_end = 5;
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, &p, 1, &lay),
			 -EINVAL);
	pci_sample(ECAM, 0, 255);
	pci.window[0].size = 0;
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, &p, 1, &lay),
			 -EINVAL);
	pci_sample(ECAM, 0, 255);
	pci.window[2].size = 0x10000;		/* I/O past 0xffff */
	assert_int_equal(guest_acpi_build(buf, BUF_SIZE, GPA, &p, 1, &lay),
			 -EINVAL);
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
		cmocka_unit_test(test_pci_tables),
		cmocka_unit_test(test_pci_prt),
		cmocka_unit_test(test_pci_bus_range_and_ports_only),
		cmocka_unit_test(test_pci_many_windows),
		cmocka_unit_test(test_pci_windows),
		cmocka_unit_test(test_pci_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
