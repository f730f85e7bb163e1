/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/ram_window.h"
#include "lib/errno.h"

#define FAKE_PAGES	32
#define MIB		0x100000ULL

#include "tests/unit/fake_pt_mem.h"

static uint64_t flushed[16];
static unsigned int flushes;

static void record_flush(uint64_t va)
{
	if (flushes < 16)
		flushed[flushes] = va;
	flushes++;
}

static struct page_table pt;
static struct ram_windows w;

static bool mapped(uint64_t va, uint64_t *pa)
{
	unsigned int attrs;
	uint64_t size;

	return !pt_walk(&pt, va, pa, &attrs, &size);
}

/* Two CPUs' windows of 3 MiB beside an identity map of the first 64 MiB. */
static int setup(void **state)
{
	(void)state;
	used_pages = 0;
	flushes = 0;
	assert_int_equal(pt_init(&pt, &pt_format_host, &fake, true), 0);
	assert_int_equal(pt_map(&pt, 0, 0, 64 * MIB, PT_ATTR_WRITE), 0);
	assert_int_equal(ram_windows_init(&w, &pt, 2, 3 * MIB, record_flush),
			 0);
	flushes = 0;
	return 0;
}

static void test_windows_start_closed(void **state)
{
	uint64_t pa;

	(void)state;
	assert_int_equal(w.span, PAGE_1G);
	assert_false(mapped(RAM_WINDOW_BASE, &pa));
	assert_false(mapped(RAM_WINDOW_BASE + PAGE_1G - 1, &pa));
	assert_false(mapped(RAM_WINDOW_BASE + PAGE_1G, &pa));
	assert_true(mapped(32 * MIB, &pa));
	assert_int_equal(pa, 32 * MIB);
}

static void test_open_maps_the_range_on_one_cpu_only(void **state)
{
	uint64_t cpu1 = RAM_WINDOW_BASE + PAGE_1G, pa;
	uint8_t *p;

	(void)state;
	/* 2 MiB from 0x40123456 touch two 2 MiB pages. */
	p = ram_window_open(&w, 1, 0x40123456, 2 * MIB);
	assert_ptr_equal(p, (void *)(uintptr_t)(cpu1 + 0x123456));
	assert_true(mapped(cpu1 + 0x123456, &pa));
	assert_int_equal(pa, 0x40123456);
	assert_true(mapped(cpu1 + PAGE_2M + 0x1000, &pa));
	assert_int_equal(pa, 0x40201000);
	assert_false(mapped(cpu1 + 2 * PAGE_2M, &pa));
	assert_false(mapped(RAM_WINDOW_BASE, &pa));
	assert_int_equal(flushes, 2);
	assert_int_equal(flushed[0], cpu1);
	assert_int_equal(flushed[1], cpu1 + PAGE_2M);
	/* One access at a time per CPU. */
	assert_null(ram_window_open(&w, 1, 0x1000, 1));

	ram_window_close(&w, 1);
	assert_false(mapped(cpu1 + 0x123456, &pa));
	assert_false(mapped(cpu1 + PAGE_2M, &pa));
	assert_int_equal(flushes, 4);
	assert_int_equal(flushed[3], cpu1 + PAGE_2M);
	assert_true(mapped(32 * MIB, &pa));
}

static void test_ranges_that_do_not_fit_are_refused(void **state)
{
	(void)state;
	assert_null(ram_window_open(&w, 0, 0x1000, PAGE_1G));
	assert_null(ram_window_open(&w, 2, 0x1000, 1));
	assert_null(ram_window_open(&w, 0, 0x1000, 0));
	assert_null(ram_window_open(&w, 0, ~0ULL - 10, 100));
	assert_int_equal(flushes, 0);
	/* A whole window is fine. */
	assert_non_null(ram_window_open(&w, 0, PAGE_1G, PAGE_1G));
	ram_window_close(&w, 0);
}

static void test_bad_init(void **state)
{
	struct ram_windows other;

	(void)state;
	assert_int_equal(ram_windows_init(&other, &pt, 0, MIB, record_flush),
			 -EINVAL);
	assert_int_equal(ram_windows_init(&other, &pt, MAX_CPUS + 1, MIB,
					  record_flush), -EINVAL);
	assert_int_equal(ram_windows_init(&other, &pt, 1, 0, record_flush),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_windows_start_closed, setup),
		cmocka_unit_test_setup(test_open_maps_the_range_on_one_cpu_only, setup),
		cmocka_unit_test_setup(test_ranges_that_do_not_fit_are_refused, setup),
		cmocka_unit_test_setup(test_bad_init, setup),
	};

	return cmocka_run_group_tests_name("ram_window", tests, NULL, NULL);
}
