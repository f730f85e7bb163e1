/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/paging.h"
#include "arch/x86/vmx/ept.h"
#include "lib/errno.h"

#define FAKE_PAGES 16

#define RWX		(PT_ATTR_WRITE | PT_ATTR_EXEC)
/* Expected encodings (SDM vol. 3C 29.3.2): R, W, X, type 5:3, large 7. */
#define E_R		0x1ULL
#define E_W		0x2ULL
#define E_X		0x4ULL
#define E_WB		(6ULL << 3)
#define E_LARGE		0x80ULL

#include "tests/unit/fake_pt_mem.h"

static struct page_table pt;

static int setup(void **state)
{
	(void)state;
	used_pages = 0;
	return 0;
}

static uint64_t *table(uint64_t entry)
{
	return fake_virt(entry & PT_ADDR_MASK, NULL);
}

static void expect_map(uint64_t gpa, uint64_t hpa, unsigned int attrs,
		       uint64_t size)
{
	uint64_t got_pa, got_size;
	unsigned int got_attrs;

	assert_int_equal(pt_walk(&pt, gpa, &got_pa, &got_attrs, &got_size), 0);
	assert_int_equal(got_pa, hpa);
	assert_int_equal(got_attrs, attrs);
	assert_int_equal(got_size, size);
}

static void test_entries_are_encoded_as_the_sdm_says(void **state)
{
	uint64_t *pml4, *pdpt, *pd, *ptab;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_ept, &fake, true), 0);
	/* 4 KiB, 2 MiB and 1 GiB leaves in one go. */
	assert_int_equal(pt_map(&pt, 0x1ff000, 0x801ff000,
				2 * PAGE_1G - 0x1ff000, RWX), 0);
	pml4 = fake_virt(pt.root, NULL);
	/* Tables allow everything: the leaves decide. */
	assert_int_equal(pml4[0] & 0xfff, E_R | E_W | E_X);
	pdpt = table(pml4[0]);
	pd = table(pdpt[0]);
	ptab = table(pd[0]);
	assert_int_equal(ptab[0x1ff], 0x801ff000ULL | E_R | E_W | E_X | E_WB);
	assert_int_equal(pd[1], 0x80200000ULL | E_R | E_W | E_X | E_WB |
				E_LARGE);
	assert_int_equal(pdpt[1], 0xc0000000ULL | E_R | E_W | E_X | E_WB |
				  E_LARGE);
	expect_map(0x200123, 0x80200123, RWX, PAGE_2M);
	expect_map(0x1ff456, 0x801ff456, RWX, PAGE_4K);
	expect_map(PAGE_1G + 7, 0xc0000007, RWX, PAGE_1G);
}

static void test_one_gib_leaves_when_allowed(void **state)
{
	uint64_t *pdpt;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_ept, &fake, true), 0);
	assert_int_equal(pt_map(&pt, PAGE_1G, 2 * PAGE_1G, PAGE_1G, RWX), 0);
	pdpt = table(((uint64_t *)fake_virt(pt.root, NULL))[0]);
	assert_int_equal(pdpt[1], 2 * PAGE_1G | E_R | E_W | E_X | E_WB |
				  E_LARGE);
	expect_map(PAGE_1G + 5, 2 * PAGE_1G + 5, RWX, PAGE_1G);

	used_pages = 0;
	assert_int_equal(pt_init(&pt, &pt_format_ept, &fake, false), 0);
	assert_int_equal(pt_map(&pt, PAGE_1G, 2 * PAGE_1G, PAGE_1G, RWX), 0);
	expect_map(PAGE_1G + 5, 2 * PAGE_1G + 5, RWX, PAGE_2M);
}

static void test_rights_and_uncached_memory(void **state)
{
	uint64_t *pml4, *ptab;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_ept, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0x10000, PAGE_4K, 0), 0);
	assert_int_equal(pt_map(&pt, PAGE_4K, 0xfee00000, PAGE_4K,
				PT_ATTR_WRITE | PT_ATTR_UNCACHED), 0);
	pml4 = fake_virt(pt.root, NULL);
	ptab = table(table(table(pml4[0])[0])[0]);
	/* Read-only is still readable: W or X without R is a misconfig. */
	assert_int_equal(ptab[0], 0x10000ULL | E_R | E_WB);
	/* Uncached is memory type 0. */
	assert_int_equal(ptab[1], 0xfee00000ULL | E_R | E_W);
	expect_map(0x10, 0x10010, 0, PAGE_4K);
	expect_map(PAGE_4K + 0x300, 0xfee00300,
		   PT_ATTR_WRITE | PT_ATTR_UNCACHED, PAGE_4K);
}

static void test_present_means_any_access_bit(void **state)
{
	(void)state;
	assert_false(pt_format_ept.present(0));
	/* A memory type alone grants nothing. */
	assert_false(pt_format_ept.present(E_WB | 0x1000));
	assert_true(pt_format_ept.present(E_R));
	assert_true(pt_format_ept.present(E_W));
	assert_true(pt_format_ept.present(E_X));
	assert_true(pt_format_ept.is_large(E_R | E_LARGE));
	assert_false(pt_format_ept.is_large(E_R | E_W | E_X | E_WB));
}

static void test_hole_in_large_pages_keeps_neighbours(void **state)
{
	uint64_t a, c;
	unsigned int b;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_ept, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0x40000000, 8 * PAGE_2M, RWX), 0);
	assert_int_equal(pt_unmap(&pt, 0xa0000, 0x20000), 0);
	assert_int_equal(pt_walk(&pt, 0xa0000, &a, &b, &c), -ENOENT);
	assert_int_equal(pt_walk(&pt, 0xbffff, &a, &b, &c), -ENOENT);
	expect_map(0x9f000, 0x4009f000, RWX, PAGE_4K);
	expect_map(0xc0000, 0x400c0000, RWX, PAGE_4K);
	expect_map(0x200000, 0x40200000, RWX, PAGE_2M);
}

static void test_ept_pointer(void **state)
{
	(void)state;
	/* Type 6 (WB) in bits 2:0, walk length 4 - 1 in bits 5:3. */
	assert_int_equal(ept_pointer(0x123000, 6), 0x12301eULL);
	assert_int_equal(ept_pointer(0x123000, 0), 0x123018ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_entries_are_encoded_as_the_sdm_says, setup),
		cmocka_unit_test_setup(test_one_gib_leaves_when_allowed, setup),
		cmocka_unit_test_setup(test_rights_and_uncached_memory, setup),
		cmocka_unit_test_setup(test_present_means_any_access_bit, setup),
		cmocka_unit_test_setup(test_hole_in_large_pages_keeps_neighbours, setup),
		cmocka_unit_test_setup(test_ept_pointer, setup),
	};

	return cmocka_run_group_tests_name("ept", tests, NULL, NULL);
}
