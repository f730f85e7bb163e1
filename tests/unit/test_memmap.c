/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot/efi_memtype.h"
#include "lib/errno.h"
#include "kernel/memmap.h"

#define MIB (1024ULL * 1024)

/* A shortened memory map as OVMF reports it for a 512 MiB q35 guest. */
static const struct {
	uint32_t type;
	uint64_t base, pages;
} ovmf_map[] = {
	{ 3, 0x0, 1 },			/* BootServicesCode */
	{ 7, 0x1000, 0x9f },		/* Conventional, below 640K */
	{ 7, 0x100000, 0x700 },		/* Conventional */
	{ 10, 0x800000, 0x8 },		/* ACPI NVS */
	{ 7, 0x808000, 0x3 },
	{ 4, 0x80b000, 0x1 },		/* BootServicesData */
	{ 7, 0x80c000, 0x5000 },
	{ 1, 0x580c000, 0x20 },		/* LoaderCode: us */
	{ 2, 0x582c000, 0x10 },		/* LoaderData */
	{ 4, 0x583c000, 0x1000 },
	{ 6, 0x683c000, 0x100 },	/* RuntimeServicesData */
	{ 9, 0x693c000, 0x10 },		/* ACPI reclaim */
	{ 7, 0x694c000, 0x196b4 },	/* up to 512 MiB */
	{ 0, 0xfeffc000, 0x4 },		/* Reserved */
	{ 11, 0xffc00000, 0x400 },	/* MMIO: flash */
};

static void build(struct mem_map *map)
{
	map->count = 0;
	for (unsigned int i = 0; i < sizeof(ovmf_map) / sizeof(ovmf_map[0]); i++)
		assert_int_equal(memmap_append(map, ovmf_map[i].base,
					       ovmf_map[i].pages * 4096,
					       efi_mem_kind(ovmf_map[i].type)), 0);
}

static void test_efi_types_map_to_kinds(void **state)
{
	(void)state;
	assert_int_equal(efi_mem_kind(7), MEM_USABLE);
	assert_int_equal(efi_mem_kind(3), MEM_RECLAIMABLE);
	assert_int_equal(efi_mem_kind(4), MEM_RECLAIMABLE);
	assert_int_equal(efi_mem_kind(1), MEM_HYPERVISOR);
	assert_int_equal(efi_mem_kind(2), MEM_HYPERVISOR);
	assert_int_equal(efi_mem_kind(9), MEM_ACPI);
	assert_int_equal(efi_mem_kind(10), MEM_ACPI);
	assert_int_equal(efi_mem_kind(5), MEM_FIRMWARE);
	assert_int_equal(efi_mem_kind(6), MEM_FIRMWARE);
	assert_int_equal(efi_mem_kind(0), MEM_FIRMWARE);
	assert_int_equal(efi_mem_kind(8), MEM_FIRMWARE);
	assert_int_equal(efi_mem_kind(14), MEM_FIRMWARE);
	assert_int_equal(efi_mem_kind(11), MEM_MMIO);
	assert_int_equal(efi_mem_kind(12), MEM_MMIO);
	assert_int_equal(efi_mem_kind(0x70000000), MEM_FIRMWARE);
}

static void test_contiguous_regions_of_one_kind_merge(void **state)
{
	static struct mem_map map;

	(void)state;
	build(&map);
	/* Only LoaderCode and LoaderData touch with the same kind. */
	assert_int_equal(map.count, 14);
	assert_int_equal(memmap_append(&map, 0xffc00000ULL + 0x400000, 4096,
				       MEM_MMIO), 0);
	assert_int_equal(map.count, 14);
	assert_int_equal(map.regions[13].size, 0x401000);
}

static void test_summary_counts_each_kind_and_top(void **state)
{
	static struct mem_map map;
	struct mem_summary sum;

	(void)state;
	build(&map);
	memmap_summarize(&map, &sum);
	assert_int_equal(sum.bytes[MEM_HYPERVISOR], 0x30 * 4096);
	assert_int_equal(sum.bytes[MEM_RECLAIMABLE], (1 + 1 + 0x1000) * 4096);
	assert_int_equal(sum.bytes[MEM_ACPI], (8 + 0x10) * 4096);
	assert_int_equal(sum.bytes[MEM_MMIO], 0x400 * 4096);
	/* MMIO does not count towards the top of memory; reserved does. */
	assert_int_equal(sum.top, 0xff000000ULL);
}

static void test_feeding_the_allocator_by_kind(void **state)
{
	static struct mem_map map;
	struct frame_allocator fa;
	uint64_t usable;

	(void)state;
	build(&map);
	frame_alloc_init(&fa);
	usable = memmap_feed(&map, MEM_USABLE, &fa);
	/* Everything conventional except what lies below 1 MiB. */
	assert_int_equal(usable, (0x700 + 0x3 + 0x5000 + 0x196b4) * 4096ULL);
	assert_int_equal(memmap_feed(&map, MEM_RECLAIMABLE, &fa),
			 (0x1 + 0x1000) * 4096ULL);
	/* 0x80b000 filled the gap between two conventional ranges. */
	assert_int_equal(fa.ranges[1].base, 0x808000);
	assert_int_equal(fa.ranges[1].end, 0x580c000);
}

static void test_bad_regions_rejected(void **state)
{
	static struct mem_map map;

	(void)state;
	map.count = 0;
	assert_int_equal(memmap_append(&map, 0, 0, MEM_USABLE), -EINVAL);
	assert_int_equal(memmap_append(&map, ~0ULL, 2, MEM_USABLE), -EINVAL);
	for (unsigned int i = 0; i < MAX_MEM_REGIONS; i++)
		assert_int_equal(memmap_append(&map, i * 2 * MIB, MIB,
					       MEM_USABLE), 0);
	assert_int_equal(memmap_append(&map, 0x100000000ULL, MIB, MEM_USABLE),
			 -ENOSPC);
	assert_string_equal(mem_kind_name(MEM_ACPI), "ACPI");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_efi_types_map_to_kinds),
		cmocka_unit_test(test_contiguous_regions_of_one_kind_merge),
		cmocka_unit_test(test_summary_counts_each_kind_and_top),
		cmocka_unit_test(test_feeding_the_allocator_by_kind),
		cmocka_unit_test(test_bad_regions_rejected),
	};

	return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
