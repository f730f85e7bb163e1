/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/paging.h"
#include "lib/errno.h"

#define FAKE_PAGES 64

#include "tests/unit/fake_pt_mem.h"

static struct page_table pt;

static int setup(void **state)
{
	(void)state;
	used_pages = 0;
	fake_page_budget = FAKE_PAGES;
	return 0;
}

static void expect_map(uint64_t va, uint64_t pa, unsigned int flags,
		       uint64_t size)
{
	uint64_t got_pa, got_size;
	unsigned int got_flags;

	assert_int_equal(pt_walk(&pt, va, &got_pa, &got_flags,
				      &got_size), 0);
	assert_int_equal(got_pa, pa);
	assert_int_equal(got_flags, flags);
	assert_int_equal(got_size, size);
}

static void expect_unmapped(uint64_t va)
{
	uint64_t a, c;
	unsigned int b;

	assert_int_equal(pt_walk(&pt, va, &a, &b, &c), -ENOENT);
}

static void test_largest_pages_used(void **state)
{
	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	/* 4 KiB .. 4 GiB + 2 MiB: 4K head, 2M pages up to 1G, then 1G pages. */
	assert_int_equal(pt_map(&pt, PAGE_4K, PAGE_4K,
				     4 * PAGE_1G + PAGE_2M - PAGE_4K,
				     PT_ATTR_WRITE), 0);
	expect_unmapped(0);
	expect_map(0x1234, 0x1234, PT_ATTR_WRITE, PAGE_4K);
	expect_map(0x200123, 0x200123, PT_ATTR_WRITE, PAGE_2M);
	expect_map(0x40000000, 0x40000000, PT_ATTR_WRITE, PAGE_1G);
	expect_map(3 * PAGE_1G + 5, 3 * PAGE_1G + 5, PT_ATTR_WRITE,
		   PAGE_1G);
	expect_map(4 * PAGE_1G + 8, 4 * PAGE_1G + 8, PT_ATTR_WRITE,
		   PAGE_2M);
	expect_unmapped(4 * PAGE_1G + PAGE_2M);
	/* PML4, PDPT, PD for the first GiB, PT for the first 2 MiB, PD for 4G. */
	assert_int_equal(pt.table_pages, 5);
}

static void test_no_1g_pages_when_not_allowed(void **state)
{
	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, false), 0);
	assert_int_equal(pt_map(&pt, 0, 0, 2 * PAGE_1G, 0), 0);
	expect_map(PAGE_1G + 0x10, PAGE_1G + 0x10, 0, PAGE_2M);
}

static void test_remap_splits_large_pages_and_keeps_neighbours(void **state)
{
	uint64_t text = PAGE_1G + 0x345000;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0, 2 * PAGE_1G,
				     PT_ATTR_WRITE), 0);
	/* Code: read-only, executable, in the middle of a 1 GiB page. */
	assert_int_equal(pt_map(&pt, text, text, 3 * PAGE_4K, PT_ATTR_EXEC),
			 0);
	expect_map(text, text, PT_ATTR_EXEC, PAGE_4K);
	expect_map(text + 2 * PAGE_4K + 9, text + 2 * PAGE_4K + 9,
		   PT_ATTR_EXEC, PAGE_4K);
	expect_map(text - 1, text - 1, PT_ATTR_WRITE, PAGE_4K);
	expect_map(text + 3 * PAGE_4K, text + 3 * PAGE_4K, PT_ATTR_WRITE,
		   PAGE_4K);
	expect_map(PAGE_1G + PAGE_2M * 7, PAGE_1G + PAGE_2M * 7,
		   PT_ATTR_WRITE, PAGE_2M);
	expect_map(5, 5, PT_ATTR_WRITE, PAGE_1G);
}

static void test_non_identity_mapping(void **state)
{
	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0xffff800000000000ULL, 0x7000,
				PAGE_4K, PT_ATTR_WRITE | PT_ATTR_EXEC | PT_ATTR_UNCACHED), 0);
	expect_map(0xffff800000000abcULL, 0x7abc,
		   PT_ATTR_WRITE | PT_ATTR_EXEC | PT_ATTR_UNCACHED, PAGE_4K);
}

static void test_intermediate_entries_do_not_restrict(void **state)
{
	uint64_t *pml4;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	assert_int_equal(pt_map(&pt, PAGE_4K, 0, PAGE_4K, 0), 0);
	pml4 = fake_virt(pt.root, NULL);
	assert_true(pml4[0] & 2);		/* writable */
	assert_false(pml4[0] >> 63);		/* executable */
}

static void test_bad_arguments_and_out_of_memory(void **state)
{
	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0x1001, 0, PAGE_4K, 0), -EINVAL);
	assert_int_equal(pt_map(&pt, ~0ULL - PAGE_4K + 1, 0, 2 * PAGE_4K, 0),
			 -EINVAL);
	fake_page_budget = used_pages + 1;
	assert_int_equal(pt_map(&pt, 0, 0, PAGE_4K, 0), -ENOMEM);
	fake_page_budget = 0;
	used_pages = 0;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), -ENOMEM);
}

static void test_unmap_punches_a_hole(void **state)
{
	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0, PAGE_1G, PT_ATTR_WRITE), 0);
	/* The legacy VGA hole of a guest: 0xa0000-0xbffff. */
	assert_int_equal(pt_unmap(&pt, 0xa0000, 0x20000), 0);
	expect_unmapped(0xa0000);
	expect_unmapped(0xbffff);
	expect_map(0x9f000, 0x9f000, PT_ATTR_WRITE, PAGE_4K);
	expect_map(0xc0000, 0xc0000, PT_ATTR_WRITE, PAGE_4K);
	expect_map(0x200000, 0x200000, PT_ATTR_WRITE, PAGE_2M);
	assert_int_equal(pt_unmap(&pt, 0x1001, 0x1000), -EINVAL);
}

static void test_npt_entries_allow_user_access(void **state)
{
	uint64_t *pml4, *pdpt;

	(void)state;
	assert_int_equal(pt_init(&pt, &pt_format_npt, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0x40000000, PAGE_1G,
				PT_ATTR_WRITE | PT_ATTR_EXEC), 0);
	pml4 = fake_virt(pt.root, NULL);
	assert_int_equal(pml4[0] & 7, 7);	/* present, write, user */
	pdpt = fake_virt(pml4[0] & PT_ADDR_MASK, NULL);
	assert_int_equal(pdpt[0], 0x40000000ULL | 0x87);
	expect_map(0x1234, 0x40001234, PT_ATTR_WRITE | PT_ATTR_EXEC, PAGE_1G);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_largest_pages_used, setup),
		cmocka_unit_test_setup(test_no_1g_pages_when_not_allowed, setup),
		cmocka_unit_test_setup(test_remap_splits_large_pages_and_keeps_neighbours, setup),
		cmocka_unit_test_setup(test_non_identity_mapping, setup),
		cmocka_unit_test_setup(test_intermediate_entries_do_not_restrict, setup),
		cmocka_unit_test_setup(test_bad_arguments_and_out_of_memory, setup),
		cmocka_unit_test_setup(test_unmap_punches_a_hole, setup),
		cmocka_unit_test_setup(test_npt_entries_allow_user_access, setup),
	};

	return cmocka_run_group_tests_name("paging", tests, NULL, NULL);
}
