/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_UNIT_FAKE_PT_MEM_H
#define TESTS_UNIT_FAKE_PT_MEM_H
/*
 * Fake physical memory for the page-table builders (struct pt_memory):
 * table pages at fake addresses 0x1000, 0x2000, ... The includer defines
 * FAKE_PAGES and includes cmocka.h and arch/x86/paging.h first; a test
 * may lower fake_page_budget to make allocation fail.
 */
static uint8_t fake_mem[FAKE_PAGES][4096] __attribute__((aligned(4096)));
static unsigned int used_pages;
static unsigned int fake_page_budget = FAKE_PAGES;

static uint64_t fake_alloc(void *ctx)
{
	(void)ctx;
	if (used_pages >= fake_page_budget)
		return 0;
	memset(fake_mem[used_pages], 0, 4096);
	return (uint64_t)++used_pages * 4096;
}

static void *fake_virt(uint64_t phys, void *ctx)
{
	(void)ctx;
	assert_true(phys >= 4096 && phys <= FAKE_PAGES * 4096ULL);
	assert_int_equal(phys & 0xfff, 0);
	return fake_mem[phys / 4096 - 1];
}

static const struct pt_memory fake = { fake_alloc, fake_virt, NULL };

#endif
