/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/iommu/amd_vi_tables.h"
#include "lib/errno.h"

/*
 * QEMU 7.2's IVRS for `-machine q35 -device amd-iommu -device qemu-xhci
 * -device edu` (SeaBIOS, saved from guest RAM with pmemsave): one IVHD
 * 0x10, the IOMMU at 00:02.0, eight selects, the I/O APIC as 00:14.0.
 */
static const uint8_t qemu_ivrs[] = {
	0x49,0x56,0x52,0x53,0x70,0x00,0x00,0x00,0x01,0xf7,0x42,0x4f,0x43,0x48,0x53,0x20,
	0x42,0x58,0x50,0x43,0x20,0x20,0x20,0x20,0x01,0x00,0x00,0x00,0x42,0x58,0x50,0x43,
	0x01,0x00,0x00,0x00,0x00,0x28,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,
	0x10,0xd1,0x40,0x00,0x10,0x00,0x40,0x00,0x00,0x00,0xd8,0xfe,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x44,0x00,0x00,0x00,0x02,0x00,0x00,0x00,0x02,0x08,0x00,0x00,
	0x02,0x10,0x00,0x00,0x02,0x18,0x00,0x00,0x02,0x20,0x00,0x00,0x02,0xf8,0x00,0x00,
	0x02,0xfa,0x00,0x00,0x02,0xfb,0x00,0x00,0x48,0x00,0x00,0x00,0x00,0xa0,0x00,0x01,
};

static struct amd_vi_ivrs ivrs;

/* An exact-size heap copy: ASan reports any read past `len`. */
static int parse_copy(const uint8_t *t, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	int err;

	memcpy(copy, t, len);
	err = amd_vi_parse_ivrs(copy, len, &ivrs);
	free(copy);
	return err;
}

static void test_qemu_ivrs(void **state)
{
	(void)state;
	assert_int_equal(parse_copy(qemu_ivrs, sizeof(qemu_ivrs)), 0);
	assert_int_equal(ivrs.units, 1);
	assert_int_equal(ivrs.unit[0].mmio, 0xfed80000);
	assert_int_equal(ivrs.unit[0].devid, 0x0010);
	assert_int_equal(ivrs.unit[0].segment, 0);
	assert_int_equal(ivrs.unit[0].flags, 0xd1);
	assert_int_equal(ivrs.listed, 8);
	assert_int_equal(ivrs.aliases, 0);
	assert_int_equal(ivrs.ivmds, 0);
	assert_int_equal(ivrs.ioapics, 1);
	assert_int_equal(ivrs.ioapic[0].id, 0);
	assert_int_equal(ivrs.ioapic[0].devid, 0x00a0);
	assert_int_equal(ivrs.ioapic[0].setting, 0);
	assert_ptr_equal(amd_vi_ioapic_of(&ivrs, 0), &ivrs.ioapic[0]);
	assert_null(amd_vi_ioapic_of(&ivrs, 1));
	assert_int_equal(amd_vi_alias_of(&ivrs, 0x0020), 0x0020);
}

/* Every shorter length: an error or a partial result, never a stray read. */
static void test_truncated_qemu_ivrs(void **state)
{
	(void)state;
	for (uint32_t len = 0; len < sizeof(qemu_ivrs); len++)
		assert_true(parse_copy(qemu_ivrs, len) < 0);
	assert_int_equal(parse_copy(qemu_ivrs, 48), -ENOENT);
}

/* A table builder: header, then blocks appended with put(). */
static uint8_t buf[512];
static uint32_t used;

static void start_table(void)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, qemu_ivrs, 48);
	used = 48;
}

static void put(const uint8_t *p, uint32_t n)
{
	memcpy(buf + used, p, n);
	used += n;
}

/* An IVHD of `type` whose entries are `e`; lengths filled in. */
static void put_ivhd(uint8_t type, uint64_t mmio, uint16_t devid,
		     const uint8_t *e, uint32_t n)
{
	uint8_t h[40] = { type, 0x0f };
	uint32_t hlen = type == 0x10 ? 24 : 40;

	h[2] = (uint8_t)(hlen + n);
	h[4] = (uint8_t)devid;
	h[5] = (uint8_t)(devid >> 8);
	memcpy(h + 8, &mmio, 8);
	put(h, hlen);
	put(e, n);
}

static const uint8_t rich_entries[] = {
	0x00, 0, 0, 0,				/* pad */
	0x03, 0x00, 0x01, 0, 0x04, 0xff, 0x01, 0,	/* 01:00.0-01:1f.7 */
	0x42, 0x08, 0x02, 0, 0, 0x00, 0x03, 0,	/* 02:01.0 as 03:00.0 */
	0x43, 0x00, 0x04, 0, 0, 0x10, 0x04, 0,	/* 04:00.0-04:00.7 */
	0x04, 0x07, 0x04, 0,			/*   as 04:02.0 */
	0x47, 0x00, 0x05, 0, 0, 0, 0, 0x80,	/* 05:00.0-05:00.1 */
	0x04, 0x01, 0x05, 0,
	0x46, 0x08, 0x00, 0, 0, 0, 0, 0,	/* 00:01.0 */
	0x48, 0x00, 0x00, 0xd7, 0x05, 0xa0, 0x00, 0x01,	/* I/O APIC 5 */
	0x48, 0x00, 0x00, 0x00, 0x00, 0xa8, 0x00, 0x02,	/* HPET 0 */
	0xf0, 0x10, 0x00, 0,			/* ACPI HID, 2-byte UID */
	'A', 'M', 'D', 'I', '0', '0', '2', '0', 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 'I', 'D',
};

static void test_entries_of_every_kind(void **state)
{
	static const uint8_t ivmd[32] = { 0x21, 0x01, 32 };

	(void)state;
	start_table();
	/* The same IOMMU twice, as 0x10 and 0x40: the 0x40 block counts. */
	put_ivhd(0x10, 0xfeb80000, 0x0002, rich_entries, 8);
	put_ivhd(0x40, 0xfeb80000, 0x0002, rich_entries, sizeof(rich_entries));
	put(ivmd, sizeof(ivmd));
	assert_int_equal(parse_copy(buf, used), 0);
	assert_int_equal(ivrs.units, 1);
	assert_int_equal(ivrs.unit[0].mmio, 0xfeb80000);
	assert_int_equal(ivrs.unit[0].flags, 0x0f);
	/* 256 + 1 + 8 + 2 + 1 + the ACPI device */
	assert_int_equal(ivrs.listed, 269);
	assert_int_equal(ivrs.ivmds, 1);
	assert_int_equal(ivrs.aliases, 2);
	assert_int_equal(amd_vi_alias_of(&ivrs, 0x0208), 0x0300);
	assert_int_equal(amd_vi_alias_of(&ivrs, 0x0209), 0x0209);
	assert_int_equal(amd_vi_alias_of(&ivrs, 0x0400), 0x0410);
	assert_int_equal(amd_vi_alias_of(&ivrs, 0x0407), 0x0410);
	assert_int_equal(amd_vi_alias_of(&ivrs, 0x0408), 0x0408);
	assert_int_equal(ivrs.ioapics, 1);
	assert_int_equal(ivrs.ioapic[0].id, 5);
	assert_int_equal(ivrs.ioapic[0].setting, 0xd7);
}

static void test_two_units(void **state)
{
	static const uint8_t all[] = { 0x01, 0, 0, 0 };

	(void)state;
	start_table();
	put_ivhd(0x11, 0xfd200000, 0x0002, all, sizeof(all));
	put_ivhd(0x11, 0xfd300000, 0x4002, all, sizeof(all));
	assert_int_equal(parse_copy(buf, used), 0);
	assert_int_equal(ivrs.units, 2);
	assert_int_equal(ivrs.unit[1].mmio, 0xfd300000);
	assert_int_equal(ivrs.unit[1].devid, 0x4002);
}

static void expect_bad(const uint8_t *e, uint32_t n, int err)
{
	start_table();
	put_ivhd(0x10, 0xfed80000, 0x0010, e, n);
	assert_int_equal(parse_copy(buf, used), err);
}

static void test_malformed_tables(void **state)
{
	static const uint8_t end_alone[] = { 0x04, 0x00, 0x01, 0 };
	static const uint8_t open_range[] = { 0x03, 0x00, 0x01, 0 };
	static const uint8_t backwards[] = { 0x03, 0x00, 0x02, 0,
					     0x04, 0x00, 0x01, 0 };
	static const uint8_t nested[] = { 0x03, 0, 1, 0, 0x43, 0, 2, 0,
					  0, 0, 0, 0 };
	static const uint8_t cut_8byte[] = { 0x48, 0x00, 0x00, 0x00 };
	static const uint8_t cut_hid[] = { 0xf0, 0, 0, 0, 'A', 'B' };
	static const uint8_t long_uid[] = { 0xf0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					    2, 9, 'x', 'y' };
	static const uint8_t unknown_big[] = { 0x81, 0, 0, 0 };
	uint8_t block[8] = { 0x10, 0, 0xff, 0x00 };

	(void)state;
	expect_bad(end_alone, sizeof(end_alone), -EINVAL);
	expect_bad(open_range, sizeof(open_range), -EINVAL);
	expect_bad(backwards, sizeof(backwards), -EINVAL);
	expect_bad(nested, sizeof(nested), -EINVAL);
	expect_bad(cut_8byte, sizeof(cut_8byte), -EINVAL);
	expect_bad(cut_hid, sizeof(cut_hid), -EINVAL);
	expect_bad(long_uid, sizeof(long_uid), -EINVAL);
	expect_bad(unknown_big, sizeof(unknown_big), -EINVAL);
	/* A block longer than the table, one shorter than its header. */
	start_table();
	put(block, sizeof(block));
	assert_int_equal(parse_copy(buf, used), -EINVAL);
	block[2] = 8;
	start_table();
	put(block, sizeof(block));
	assert_int_equal(parse_copy(buf, used), -EINVAL);
	block[2] = 2;
	start_table();
	put(block, sizeof(block));
	assert_int_equal(parse_copy(buf, used), -EINVAL);
	/* Three bytes left: not even a block length. */
	start_table();
	put(block, 3);
	assert_int_equal(parse_copy(buf, used), -EINVAL);
	assert_int_equal(parse_copy(buf, 47), -EINVAL);
}

static void test_too_many_ioapics(void **state)
{
	uint8_t e[8 * (IOMMU_MAX_IOAPICS + 1)];

	(void)state;
	for (unsigned int i = 0; i <= IOMMU_MAX_IOAPICS; i++) {
		const uint8_t special[8] = { 0x48, 0, 0, 0, (uint8_t)i,
					     (uint8_t)(0xa0 + i), 0, 1 };

		memcpy(e + 8 * i, special, 8);
	}
	expect_bad(e, sizeof(e), -E2BIG);
}

static void test_device_table_entries(void **state)
{
	struct amd_vi_dte d = amd_vi_dte_blocked();

	(void)state;
	assert_int_equal(d.q[0], 0x3);		/* V, TV, Mode 0, no IR/IW */
	assert_int_equal(d.q[1], 0);
	assert_int_equal(d.q[2], 0x1);		/* IV, IntCtl 0: aborted */
	assert_int_equal(d.q[3], 0);
	d = amd_vi_dte_translated(0x123000, 3, 0x456080);
	assert_int_equal(d.q[0], 0x3 | 4ULL << 9 | 0x123000 | 3ULL << 61);
	assert_int_equal(d.q[1], 3);
	assert_int_equal(d.q[2], 0x1 | 6 << 1 | 0x456080 | 2ULL << 60);
	assert_int_equal(d.q[3], 0);
	d = amd_vi_dte_ioapic(0x789000, 0);
	assert_int_equal(d.q[0], 0x3);
	assert_int_equal(d.q[2], 0x1 | 6 << 1 | 0x789000 | 2ULL << 60 |
				 1ULL << 58);
	/* INIT, ExtINT, NMI, LINT0, LINT1 pass as the IVHD asks. */
	d = amd_vi_dte_ioapic(0x789000, 0xc7);
	assert_int_equal(d.q[2] >> 56, 0x20 | 0x7 | 0xc0);
}

/* Fake memory for the page-table builder: pages at 0x1000, 0x2000 ... */
static uint64_t fake_mem[16][512];
static unsigned int fake_used;

static uint64_t fake_alloc(void *ctx)
{
	(void)ctx;
	if (fake_used == 16)
		return 0;
	memset(fake_mem[fake_used], 0, 4096);
	return ++fake_used * 4096ULL;
}

static void *fake_virt(uint64_t phys, void *ctx)
{
	(void)ctx;
	return fake_mem[phys / 4096 - 1];
}

static void test_io_page_table(void **state)
{
	const struct pt_memory mem = { fake_alloc, fake_virt, NULL };
	uint64_t *l4, *l3, *l2, *l1, pa, size;
	struct page_table pt;
	unsigned int attrs;

	(void)state;
	fake_used = 0;
	assert_int_equal(pt_init(&pt, &amd_vi_pt_format, &mem, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0x80000000, PAGE_1G, PT_ATTR_WRITE), 0);
	assert_int_equal(pt_map(&pt, PAGE_1G, 0x1200000, PAGE_2M, 0), 0);
	assert_int_equal(pt_map(&pt, PAGE_1G + PAGE_2M, 0x5000, PAGE_4K,
				PT_ATTR_WRITE), 0);
	l4 = fake_virt(pt.root, NULL);
	/* Directories: PR, NextLevel = the level below, IR and IW. */
	assert_int_equal(l4[0] & ~PT_ADDR_MASK, 1 | 3 << 9 | 3ULL << 61);
	l3 = fake_virt(l4[0] & PT_ADDR_MASK, NULL);
	/* Leaves: NextLevel 0, IR, IW only where writable. */
	assert_int_equal(l3[0], 0x80000000 | 1 | 3ULL << 61);
	assert_int_equal(l3[1] & ~PT_ADDR_MASK, 1 | 2 << 9 | 3ULL << 61);
	l2 = fake_virt(l3[1] & PT_ADDR_MASK, NULL);
	assert_int_equal(l2[0], 0x1200000 | 1 | 1ULL << 61);
	assert_int_equal(l2[1] & ~PT_ADDR_MASK, 1 | 1 << 9 | 3ULL << 61);
	l1 = fake_virt(l2[1] & PT_ADDR_MASK, NULL);
	assert_int_equal(l1[0], 0x5000 | 1 | 3ULL << 61);
	assert_int_equal(pt_walk(&pt, PAGE_1G + 0x1234, &pa, &attrs, &size), 0);
	assert_int_equal(pa, 0x1201234);
	assert_int_equal(attrs, 0);
	assert_int_equal(size, PAGE_2M);
	/* Splitting a 1G leaf keeps its rights in 2M leaves. */
	assert_int_equal(pt_map(&pt, 0, 0x9000, PAGE_4K, 0), 0);
	assert_int_equal(pt_walk(&pt, PAGE_2M, &pa, &attrs, &size), 0);
	assert_int_equal(pa, 0x80200000);
	assert_int_equal(attrs, PT_ATTR_WRITE);
	assert_int_equal(size, PAGE_2M);
}

static void test_commands(void **state)
{
	struct amd_vi_cmd c = amd_vi_cmd_completion_wait(0x3ff3f008, 0);

	(void)state;
	assert_int_equal(c.q[0], 1ULL << 60 | 0x3ff3f008 | 1);
	assert_int_equal(c.q[1], 0);
	c = amd_vi_cmd_inv_dte(0x1234);
	assert_int_equal(c.q[0], 2ULL << 60 | 0x1234);
	assert_int_equal(c.q[1], 0);
	c = amd_vi_cmd_inv_domain(5);
	assert_int_equal(c.q[0], 3ULL << 60 | 5ULL << 32);
	assert_int_equal(c.q[1], 0x7ffffffffffff003ULL);
	c = amd_vi_cmd_inv_irt(0x00a0);
	assert_int_equal(c.q[0], 5ULL << 60 | 0xa0);
	c = amd_vi_cmd_inv_all();
	assert_int_equal(c.q[0], 8ULL << 60);
	assert_int_equal(c.q[1], 0);
}

static void test_interrupt_remapping(void **state)
{
	struct iommu_msi m = amd_vi_msi(63);

	(void)state;
	assert_int_equal(amd_vi_irte(3, 0x41, AMD_VI_INT_FIXED),
			 1 | 3 << 8 | 0x41 << 16);
	assert_int_equal(amd_vi_irte(0xff, 2, AMD_VI_INT_NMI),
			 1 | 4 << 2 | 0xff << 8 | 2 << 16);
	assert_int_equal(m.address, 0xfee00000);
	assert_int_equal(m.data, 63);
	assert_int_equal(amd_vi_ioapic_nmi_rte(2), 0x400 | 2ULL << 56);
	/* Masked in place: RemapEn off, SupIOPF on, the rest kept. */
	assert_int_equal(amd_vi_irte_masked(1 | 3 << 8 | 0x41 << 16, true),
			 2 | 3 << 8 | 0x41 << 16);
	assert_int_equal(amd_vi_irte_masked(2 | 3 << 8 | 0x41 << 16, false),
			 1 | 3 << 8 | 0x41 << 16);
	assert_int_equal(amd_vi_irte_masked(0, true), 0);
	assert_int_equal(amd_vi_irte_masked(0, false), 0);
}

static void test_events(void **state)
{
	/* An interrupt write of 02:00.0 refused: IO_PAGE_FAULT, I, RW. */
	const uint64_t fault[2] = { 2ULL << 60 | 1ULL << 53 | 1ULL << 51 |
				    7ULL << 32 | 0x0200, 0xfee00000 };
	const uint64_t dma[2] = { 2ULL << 60 | 0x0018, 0x1000 };
	const uint64_t odd[2] = { 0xfULL << 60, 0 };
	const uint64_t empty[2] = { 0, 0x1234 };
	struct iommu_fault f;

	(void)state;
	assert_true(amd_vi_decode_event(fault, &f));
	assert_int_equal(f.rid, 0x0200);
	assert_int_equal(f.address, 0xfee00000);
	assert_true(f.write);
	assert_true(f.interrupt);
	assert_int_equal(f.reason, 2);
	assert_string_equal(f.what, "I/O page fault");
	assert_true(amd_vi_decode_event(dma, &f));
	assert_false(f.write);
	assert_false(f.interrupt);
	assert_int_equal(f.rid, 0x0018);
	assert_true(amd_vi_decode_event(odd, &f));
	assert_string_equal(f.what, "unknown event");
	assert_false(amd_vi_decode_event(empty, &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_ivrs),
		cmocka_unit_test(test_truncated_qemu_ivrs),
		cmocka_unit_test(test_entries_of_every_kind),
		cmocka_unit_test(test_two_units),
		cmocka_unit_test(test_malformed_tables),
		cmocka_unit_test(test_too_many_ioapics),
		cmocka_unit_test(test_device_table_entries),
		cmocka_unit_test(test_io_page_table),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_interrupt_remapping),
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests_name("amd_vi", tests, NULL, NULL);
}
