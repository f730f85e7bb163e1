/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/iommu/vtd_tables.h"
#include "lib/bytes.h"
#include "lib/errno.h"

/*
 * The DMAR of QEMU 7.2 q35 with -device intel-iommu,intremap=on under
 * OVMF (qemu-xhci, usb-storage), captured at boot by the driver.
 */
static const uint8_t qemu_dmar[] = {
	0x44,0x4d,0x41,0x52,0x78,0x00,0x00,0x00,0x01,0x0d,0x42,0x4f,0x43,0x48,0x53,0x20,
	0x42,0x58,0x50,0x43,0x20,0x20,0x20,0x20,0x01,0x00,0x00,0x00,0x42,0x58,0x50,0x43,
	0x01,0x00,0x00,0x00,0x26,0x01,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x00,0x00,0x48,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0xd9,0xfe,0x00,0x00,0x00,0x00,
	0x03,0x08,0x00,0x00,0x00,0xff,0x00,0x00,0x01,0x08,0x00,0x00,0x00,0x00,0x00,0x00,
	0x01,0x08,0x00,0x00,0x00,0x00,0x01,0x00,0x01,0x08,0x00,0x00,0x00,0x00,0x02,0x00,
	0x01,0x08,0x00,0x00,0x00,0x00,0x1f,0x00,0x01,0x08,0x00,0x00,0x00,0x00,0x1f,0x02,
	0x01,0x08,0x00,0x00,0x00,0x00,0x1f,0x03,
};

/* CAP of QEMU 7.2's intel-iommu: default aw-bits=39, and aw-bits=48. */
#define QEMU_CAP_39	0x00d2008c22260206ULL
#define QEMU_CAP_48	0x00d2008c222f0606ULL

/* Fake config space: bridges 00:1c.0 (bus 2) and 00:1d.0 (buses 3-5). */
static uint32_t fake_read(void *ctx, uint16_t rid, unsigned int offset)
{
	(*(unsigned int *)ctx)++;
	assert_int_equal(offset, 0x18);
	if (rid == 0x00e0)
		return 0x020200;
	if (rid == 0x00e8)
		return 0x050300;
	return ~0U;
}

/* Parses from a heap copy of exactly len bytes: ASan sees overreads. */
static int parse(const uint8_t *t, uint32_t len, struct vtd_dmar *d)
{
	uint8_t *copy = malloc(len ? len : 1);
	unsigned int reads = 0;
	int err;

	memcpy(copy, t, len);
	err = vtd_parse_dmar(copy, len, fake_read, &reads, d);
	free(copy);
	return err;
}

static void test_qemu_dmar(void **state)
{
	static const uint16_t listed[] = { 0x00, 0x08, 0x10, 0xf8, 0xfa, 0xfb };
	struct vtd_dmar d;
	uint16_t sid = 0;

	(void)state;
	assert_int_equal(parse(qemu_dmar, sizeof(qemu_dmar), &d), 0);
	assert_int_equal(d.host_address_width, 39);
	assert_true(d.intr_remap);
	assert_false(d.x2apic_opt_out);
	assert_int_equal(d.unit_count, 1);
	assert_int_equal(d.units[0].base, 0xfed90000);
	assert_false(d.units[0].include_all);
	assert_int_equal(d.units[0].range_count, 6);
	for (unsigned int i = 0; i < 6; i++)
		assert_int_equal(vtd_unit_of(&d, listed[i]), 0);
	assert_int_equal(vtd_unit_of(&d, 0x18), -ENOENT);
	assert_int_equal(vtd_unit_of(&d, 0x100), -ENOENT);
	assert_int_equal(vtd_ioapic_sid(&d, 0, &sid), 0);
	assert_int_equal(sid, 0xff00);
	assert_int_equal(vtd_ioapic_sid(&d, 1, &sid), -ENOENT);
}

/* A DMAR with two units, built field by field from the spec's layout. */
static uint32_t build(uint8_t *t, bool second_unit)
{
	static const uint8_t unit0[] = {
		0, 0, 50, 0, 0, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0,
		/* endpoint 02:00.0 through bridge 00:1c.0 */
		1, 10, 0, 0, 0, 0, 0x1c, 0, 0, 0,
		/* bridge 00:1d.0, buses 3-5 */
		2, 8, 0, 0, 0, 0, 0x1d, 0,
		/* HPET 0 as f0:0f.0 */
		4, 8, 0, 0, 0, 0xf0, 0x0f, 0,
		/* an ACPI namespace device: ignored */
		5, 8, 0, 0, 1, 0, 0x1e, 0,
	};
	static const uint8_t unit1[] = {
		0, 0, 24, 0, 1, 0, 0, 0, 0, 0x10, 0xd9, 0xfe, 0, 0, 0, 0,
		/* I/O APIC 2 as f0:1f.0 */
		3, 8, 0, 0, 2, 0xf0, 0x1f, 0,
	};
	static const uint8_t rmrr[] = {
		1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xe, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xe, 0, 0, 0, 0, 0,
	};
	uint32_t len = 48;

	memset(t, 0, 48);
	memcpy(t, "DMAR", 4);
	t[36] = 47;
	t[37] = 3;
	memcpy(t + len, unit0, sizeof(unit0));
	len += sizeof(unit0);
	memcpy(t + len, rmrr, sizeof(rmrr));
	len += sizeof(rmrr);
	if (second_unit) {
		memcpy(t + len, unit1, sizeof(unit1));
		len += sizeof(unit1);
	}
	put32(t + 4, len);
	return len;
}

static void test_scopes_and_include_all(void **state)
{
	uint8_t t[256];
	uint32_t len = build(t, true);
	struct vtd_dmar d;
	uint16_t sid = 0;

	(void)state;
	assert_int_equal(parse(t, len, &d), 0);
	assert_int_equal(d.host_address_width, 48);
	assert_true(d.intr_remap && d.x2apic_opt_out);
	assert_int_equal(d.unit_count, 2);
	assert_true(d.units[1].include_all);
	assert_int_equal(d.units[1].base, 0xfed91000);
	assert_int_equal(vtd_unit_of(&d, 0x0200), 0);	/* behind 1c.0 */
	assert_int_equal(vtd_unit_of(&d, 0x00e8), 0);	/* the bridge */
	assert_int_equal(vtd_unit_of(&d, 0x0300), 0);	/* below it */
	assert_int_equal(vtd_unit_of(&d, 0x05ff), 0);
	assert_int_equal(vtd_unit_of(&d, 0x0600), 1);	/* the rest */
	assert_int_equal(vtd_unit_of(&d, 0x00e0), 1);
	assert_int_equal(d.units[0].source_count, 1);
	assert_int_equal(d.units[0].sources[0].type, VTD_SCOPE_HPET);
	assert_int_equal(d.units[0].sources[0].sid, 0xf078);
	assert_int_equal(vtd_ioapic_sid(&d, 2, &sid), 1);
	assert_int_equal(sid, 0xf0f8);
	/* Without the INCLUDE_PCI_ALL unit, unlisted requesters have none. */
	len = build(t, false);
	assert_int_equal(parse(t, len, &d), 0);
	assert_int_equal(vtd_unit_of(&d, 0x0600), -ENOENT);
}

static void expect_malformed(const uint8_t *t, uint32_t len, int err)
{
	struct vtd_dmar d;

	assert_int_equal(parse(t, len, &d), err);
}

static void test_malformed_tables(void **state)
{
	uint8_t t[512], bad[512];
	uint32_t len = build(t, true);

	(void)state;
	expect_malformed(t, 47, -EINVAL);		/* header cut short */
	expect_malformed(t, 48, -EINVAL);		/* no unit */
	expect_malformed(t, 50, -EINVAL);		/* half a structure */
	expect_malformed(t, len - 1, -EINVAL);		/* last one cut */
	memcpy(bad, t, len);
	put16(bad + 50, 0);				/* zero length */
	expect_malformed(bad, len, -EINVAL);
	memcpy(bad, t, len);
	put16(bad + 50, 12);				/* DRHD < 16 bytes */
	expect_malformed(bad, len, -EINVAL);
	memcpy(bad, t, len);
	bad[48 + 16 + 1] = 0;				/* scope length 0 */
	expect_malformed(bad, len, -EINVAL);
	memcpy(bad, t, len);
	bad[48 + 16 + 1] = 9;				/* odd path */
	expect_malformed(bad, len, -EINVAL);
	memcpy(bad, t, len);
	bad[48 + 16 + 26 + 1] = 200;			/* past the DRHD */
	expect_malformed(bad, len, -EINVAL);
	/* More units than the driver keeps. */
	memcpy(bad, t, 48);
	for (unsigned int i = 0; i <= VTD_MAX_UNITS; i++)
		memcpy(bad + 48 + 24 * i, t + len - 24, 24);
	expect_malformed(bad, 48 + 24 * (VTD_MAX_UNITS + 1), -E2BIG);
}

static void test_address_width(void **state)
{
	(void)state;
	assert_int_equal(vtd_pick_aw(QEMU_CAP_39), 1);
	assert_int_equal(vtd_pick_aw(QEMU_CAP_48), 2);
	assert_int_equal(vtd_pick_aw(QEMU_CAP_48 & ~(0x1fULL << 8)), -ENOTSUP);
	assert_int_equal(VTD_CAP_FRO(QEMU_CAP_39), 0x220);
	assert_int_equal(VTD_CAP_NFR(QEMU_CAP_39), 1);
	assert_true(QEMU_CAP_39 & VTD_CAP_SLLPS_2M);
	assert_true(QEMU_CAP_39 & VTD_CAP_SLLPS_1G);
	assert_true(0xf00f4aULL & VTD_ECAP_QI && 0xf00f4aULL & VTD_ECAP_IR);
}

static void test_root_and_context_entries(void **state)
{
	struct vtd_entry e = vtd_root_entry(0x123000);

	(void)state;
	assert_int_equal(e.lo, 0x123001);
	assert_int_equal(e.hi, 0);
	/* Present, TT 00, 3-level, domain 0 is DID 1. */
	e = vtd_context_entry(0x456000, 1, 0);
	assert_int_equal(e.lo, 0x456001);
	assert_int_equal(e.hi, 0x101);
	e = vtd_context_entry(0x456000, 2, 7);
	assert_int_equal(e.hi, 0x802);
}

static void test_interrupt_entries(void **state)
{
	struct vtd_entry e = vtd_irte(0x31, 3, VTD_DLM_FIXED, 0x0010);
	struct iommu_msi m;

	(void)state;
	/* P, fixed, vector 31, xAPIC destination 3 in 47:40. */
	assert_int_equal(e.lo, 0x0000030000310001ULL);
	/* SID 00:02.0, SQ 0 (all bits), SVT 1. */
	assert_int_equal(e.hi, 0x40010);
	/* Masked in place: P off, FPD on, the rest kept. */
	assert_int_equal(vtd_irte_masked(e.lo, true), 0x0000030000310002ULL);
	assert_int_equal(vtd_irte_masked(0x0000030000310002ULL, false), e.lo);
	assert_int_equal(vtd_irte_masked(0, false), 0);
	e = vtd_irte(2, 0, VTD_DLM_NMI, 0xff00);
	assert_int_equal(e.lo, 0x20081);
	assert_int_equal(e.hi, 0x4ff00);
	m = vtd_msi(5);
	assert_int_equal(m.address, 0xfee000b0);
	assert_int_equal(m.data, 0);
	m = vtd_msi(0x8001);		/* handle bit 15 in address bit 2 */
	assert_int_equal(m.address, 0xfee00034);
	assert_int_equal(vtd_ioapic_rte(3, 2), 0x0007000000000002ULL);
	assert_int_equal(vtd_ioapic_rte(0x8000, 2), 0x0001000000000802ULL);
}

static void test_invalidation_descriptors(void **state)
{
	struct vtd_entry w = vtd_inv_wait(0x3e22b7b4, 1);

	(void)state;
	assert_int_equal(vtd_inv_context_global().lo, 0x11);
	assert_int_equal(vtd_inv_iotlb_global().lo, 0xd2);
	assert_int_equal(vtd_inv_iec_global().lo, 0x4);
	/* Status write, never with the interrupt flag (QEMU 7.2 aborts). */
	assert_int_equal(w.lo, 0x100000025ULL);
	assert_int_equal(w.lo & 0x10, 0);
	assert_int_equal(w.hi, 0x3e22b7b4);
}

/* Fake table memory for the second-level format through pt_map. */
static uint8_t pages[16][4096];
static unsigned int pages_used;

static uint64_t fake_alloc(void *ctx)
{
	(void)ctx;
	if (pages_used == 16)
		return 0;
	memset(pages[pages_used], 0, 4096);
	return (uint64_t)++pages_used << 12;
}

static void *fake_virt(uint64_t phys, void *ctx)
{
	(void)ctx;
	return pages[(phys >> 12) - 1];
}

static void test_second_level_tables(void **state)
{
	const struct pt_memory mem = { fake_alloc, fake_virt, NULL };
	struct page_table pt;
	uint64_t pa, size, *top, *l2, *l1;
	unsigned int attrs;

	(void)state;
	pages_used = 0;
	assert_int_equal(pt_init(&pt, &pt_format_vtd, &mem, false), 0);
	assert_int_equal(pt_map(&pt, PAGE_2M, 0x40000000, PAGE_2M,
				PT_ATTR_WRITE), 0);
	assert_int_equal(pt_map(&pt, 0x1000, 0x5000, PAGE_4K, 0), 0);
	top = fake_virt(pt.root, NULL);
	assert_int_equal(top[0] & 0xfff, 3);		/* R|W above leaves */
	l2 = fake_virt(top[0] & PT_ADDR_MASK, NULL);
	l1 = fake_virt(l2[0] & PT_ADDR_MASK, NULL);
	assert_int_equal(l1[1], 0x40000000 | 0x80 | 3);	/* PS, R, W */
	assert_int_equal(pt_walk(&pt, PAGE_2M + 5, &pa, &attrs, &size), 0);
	assert_int_equal(pa, 0x40000005);
	assert_int_equal(attrs, PT_ATTR_WRITE);
	assert_int_equal(size, PAGE_2M);
	assert_int_equal(pt_walk(&pt, 0x1000, &pa, &attrs, &size), 0);
	assert_int_equal(attrs, 0);			/* read-only */
	assert_int_equal(pt_walk(&pt, 0x2000, &pa, &attrs, &size), -ENOENT);
	/* No large pages where SLLPS lacks them: 4 KiB leaves only. */
	pt.max_leaf_level = 0;
	assert_int_equal(pt_map(&pt, 2 * PAGE_2M, 0, PAGE_2M, 0), 0);
	assert_int_equal(pt_walk(&pt, 2 * PAGE_2M, &pa, &attrs, &size), 0);
	assert_int_equal(size, PAGE_4K);
}

static void test_fault_records(void **state)
{
	struct iommu_fault f;

	(void)state;
	/* QEMU's edu writing where its domain has no write right. */
	vtd_decode_fault((struct vtd_entry){ 0x1234000,
		VTD_FRCD_F | 5ULL << 32 | 0x0010 }, &f);
	assert_int_equal(f.rid, 0x0010);
	assert_int_equal(f.address, 0x1234000);
	assert_true(f.write);
	assert_false(f.interrupt);
	assert_int_equal(f.reason, 5);
	assert_string_equal(f.what, "write denied");
	/* T = 1: a read of an unattached requester. */
	vtd_decode_fault((struct vtd_entry){ 0x2000,
		VTD_FRCD_F | 1ULL << 62 | 2ULL << 32 | 0x0018 }, &f);
	assert_false(f.write);
	assert_string_equal(f.what, "context entry not present");
	/* Interrupt faults carry the index in FI's top bits. */
	vtd_decode_fault((struct vtd_entry){ 0x0007000000000000ULL,
		VTD_FRCD_F | 0x26ULL << 32 | 0x0010 }, &f);
	assert_true(f.interrupt);
	assert_int_equal(f.address, 7);
	assert_string_equal(f.what, "source ID check failed");
	vtd_decode_fault((struct vtd_entry){ 0, 0x7fULL << 32 }, &f);
	assert_string_equal(f.what, "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_dmar),
		cmocka_unit_test(test_scopes_and_include_all),
		cmocka_unit_test(test_malformed_tables),
		cmocka_unit_test(test_address_width),
		cmocka_unit_test(test_root_and_context_entries),
		cmocka_unit_test(test_interrupt_entries),
		cmocka_unit_test(test_invalidation_descriptors),
		cmocka_unit_test(test_second_level_tables),
		cmocka_unit_test(test_fault_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
