/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loader/ram_layout.c: where a partition's RAM lies around the PCI hole
 * of the functions it owns. The machine is q35-like: ECAM at 0xB0000000,
 * buses 0-255; partition 0 owns an edu-like function (32-bit BAR),
 * partition 1 an NVMe-like one (64-bit BAR high up), partition 2 none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/errno.h"
#include "loader/ram_layout.h"

#define MIB		(1ULL << 20)
#define GIB		(1ULL << 30)
#define FOUR_G		(4 * GIB)
#define ECAM		0xb0000000ULL
#define EDU_BAR		0xfea00000ULL
#define NVME_BAR	0xe000000000ULL		/* where OVMF puts it */

static struct pci_inventory inv;
static struct config cfg;
static struct config_error err;
static struct ram_layout l;

static void add_fn(uint16_t rid, int owner, uint8_t kind, uint64_t base,
		   uint64_t size)
{
	struct pci_function *f = &inv.fn[inv.count++];

	*f = (struct pci_function){ .rid = rid, .owner = owner };
	f->bars[0] = (struct pci_bar){ .base = base, .size = size,
				       .kind = kind };
	/* An I/O BAR low down never counts: ports are not addresses. */
	f->bars[1] = (struct pci_bar){ .base = 0xc000, .size = 0x20,
				       .kind = PCI_BAR_IO };
}

static int machine(void **state)
{
	(void)state;
	memset(&inv, 0, sizeof(inv));
	inv.ecam_base = ECAM;
	inv.bus_end = 0xff;
	add_fn(0x18, 0, PCI_BAR_MEM32, EDU_BAR, MIB);		/* 00:03.0 */
	add_fn(0x20, 1, PCI_BAR_MEM64, NVME_BAR, 0x4000);	/* 00:04.0 */
	add_fn(0x28, -1, PCI_BAR_MEM32, 0x10000000, MIB);	/* nobody's */
	memset(&cfg, 0, sizeof(cfg));
	cfg.partition_count = 3;
	for (unsigned int p = 0; p < 3; p++) {
		cfg.partitions[p].name[0] = (char)('a' + p);
		cfg.partitions[p].memory = 256 * MIB;
		cfg.partitions[p].memory_line = 10 * p + 3;
		cfg.partitions[p].devices_line = 10 * p + 5;
		cfg.partitions[p].device_count = p < 2;
	}
	memset(&err, 0, sizeof(err));
	return 0;
}

static int plan(unsigned int p, uint64_t memory)
{
	cfg.partitions[p].memory = memory;
	return ram_layout_plan(&l, &cfg, p, &inv, &err);
}

static void assert_range(const struct ram_range *r, uint64_t gpa,
			 uint64_t offset, uint64_t size)
{
	assert_int_equal(r->gpa, gpa);
	assert_int_equal(r->offset, offset);
	assert_int_equal(r->size, size);
}

static void expect_error(unsigned int line, const char *part)
{
	assert_int_equal(err.line, line);
	if (!strstr(err.message, part))
		fail_msg("\"%s\" lacks \"%s\"", err.message, part);
}

/* Up to the hole, or without devices at any size: all at 0, as always. */
static void test_flat(void **state)
{
	struct ram_range r[RAM_LAYOUT_RANGES];

	(void)state;
	assert_int_equal(plan(0, ECAM), 0);
	assert_int_equal(l.size, ECAM);
	assert_int_equal(l.low, ECAM);
	assert_int_equal(ram_layout_high(&l), 0);
	assert_int_equal(ram_layout_ranges(&l, r), 1);
	assert_range(&r[0], 0, 0, ECAM);
	assert_int_equal(plan(2, 6 * GIB), 0);
	assert_int_equal(l.low, 6 * GIB);
	assert_int_equal(ram_layout_ranges(&l, r), 1);
	assert_range(&r[0], 0, 0, 6 * GIB);
	ram_layout_flat(&l, 32 * MIB);
	assert_int_equal(l.size, 32 * MIB);
	assert_int_equal(ram_layout_high(&l), 0);
}

/* More than fits below the ECAM window: the rest goes above 4 GiB. */
static void test_split_at_ecam(void **state)
{
	struct ram_range r[RAM_LAYOUT_RANGES];

	(void)state;
	assert_int_equal(plan(0, 3 * GIB), 0);
	assert_int_equal(l.low, ECAM);
	assert_int_equal(ram_layout_high(&l), 3 * GIB - ECAM);
	assert_int_equal(ram_layout_ranges(&l, r), 2);
	assert_range(&r[0], 0, 0, ECAM);
	assert_range(&r[1], FOUR_G, ECAM, 3 * GIB - ECAM);
	/* One page more than the hole is a split too. */
	assert_int_equal(plan(0, ECAM + 4096), 0);
	assert_int_equal(ram_layout_high(&l), 4096);
}

/*
 * The lowest memory BAR of the partition's own functions sets the hole
 * when it is below the ECAM window, rounded down to 2 MiB; other
 * partitions' functions do not count.
 */
static void test_hole_from_own_bar(void **state)
{
	(void)state;
	inv.fn[0].bars[0].base = 0x90123000;
	inv.fn[2].bars[0].base = 0x20000000;	/* nobody's: ignored */
	assert_int_equal(plan(0, 3 * GIB), 0);
	assert_int_equal(l.low, 0x90000000);
	assert_int_equal(ram_layout_high(&l), 3 * GIB - 0x90000000);
	/* Partition 1's only BAR is high: its hole is the ECAM window. */
	assert_int_equal(plan(1, 3 * GIB), 0);
	assert_int_equal(l.low, ECAM);
}

/* No ECAM and no low BAR: RAM stops below the I/O APIC at 0xFEC00000. */
static void test_hole_at_the_ioapic(void **state)
{
	(void)state;
	inv.ecam_base = 0;
	assert_int_equal(plan(1, 6 * GIB), 0);
	assert_int_equal(l.low, 0xfec00000ULL);
	assert_int_equal(ram_layout_high(&l), 6 * GIB - 0xfec00000ULL);
	/* An ECAM window above 4 GiB leaves the cap in place. */
	inv.ecam_base = 0x800000000ULL;
	assert_int_equal(plan(1, 6 * GIB), 0);
	assert_int_equal(l.low, 0xfec00000ULL);
}

/* RAM above 4 GiB stops short of the partition's 64-bit BAR. */
static void test_high_ram_meets_a_bar(void **state)
{
	uint64_t fits = ECAM + (NVME_BAR - FOUR_G);

	(void)state;
	assert_int_equal(plan(1, fits), 0);
	assert_int_equal(RAM_LAYOUT_HIGH_BASE + ram_layout_high(&l),
			 NVME_BAR);
	assert_int_equal(plan(1, fits + 4096), -ERANGE);
	expect_error(13, "partition \"b\": its RAM above 4 GiB would reach "
		     "a BAR of 00:04.0 at 0xe000000000: give it at most "
		     "916224 MiB");
	/* The same BAR in partition 0's hands is no concern of b's. */
	inv.fn[1].owner = 0;
	assert_int_equal(plan(1, fits + 4096), 0);
}

/* Or of its ECAM window, when the firmware put that above 4 GiB. */
static void test_high_ram_meets_ecam(void **state)
{
	(void)state;
	inv.ecam_base = 0x140000000ULL;		/* 5 GiB */
	inv.bus_start = 1;			/* its buses start at +1 MiB */
	assert_int_equal(plan(0, 0xfea00000ULL + GIB + MIB), 0);
	assert_int_equal(plan(0, 0xfea00000ULL + GIB + MIB + 4096), -ERANGE);
	expect_error(3, "partition \"a\": its RAM above 4 GiB would reach "
		     "the ECAM window at 0x140100000: give it at most "
		     "5099 MiB");
}

/* A hole inside the first MiB leaves no room for a PC's low memory. */
static void test_hole_in_the_first_mib(void **state)
{
	(void)state;
	inv.fn[0].bars[0].base = 0xc0000;	/* never assigned properly */
	assert_int_equal(plan(0, 32 * MIB), -ERANGE);
	expect_error(5, "partition \"a\": its devices' PCI addresses start "
		     "at 0xc0000, inside the first MiB");
	/* Without devices nothing is asked of the machine. */
	assert_int_equal(plan(2, 32 * MIB), 0);
}

/* What stage 2 and the IOMMU map: the ranges minus the VGA window. */
static void test_mapped_pieces(void **state)
{
	struct ram_range m[RAM_LAYOUT_PIECES];

	(void)state;
	assert_int_equal(plan(0, 3 * GIB), 0);
	assert_int_equal(ram_layout_mapped(&l, m), 3);
	assert_range(&m[0], 0, 0, 0xa0000);
	assert_range(&m[1], 0xc0000, 0xc0000, ECAM - 0xc0000);
	assert_range(&m[2], FOUR_G, ECAM, 3 * GIB - ECAM);
	assert_int_equal(plan(2, 32 * MIB), 0);
	assert_int_equal(ram_layout_mapped(&l, m), 2);
	assert_range(&m[1], 0xc0000, 0xc0000, 32 * MIB - 0xc0000);
}

/* Guest-physical to host offset, only inside one range. */
static void test_offsets(void **state)
{
	uint64_t off = 0;

	(void)state;
	assert_int_equal(plan(0, 3 * GIB), 0);
	assert_true(ram_layout_offset(&l, 0x1000, 8, &off));
	assert_int_equal(off, 0x1000);
	assert_true(ram_layout_offset(&l, ECAM - 8, 8, &off));
	assert_int_equal(off, ECAM - 8);
	assert_false(ram_layout_offset(&l, ECAM - 8, 9, &off));
	assert_false(ram_layout_offset(&l, ECAM, 1, &off));
	assert_false(ram_layout_offset(&l, FOUR_G - 1, 2, &off));
	assert_true(ram_layout_offset(&l, FOUR_G, 4096, &off));
	assert_int_equal(off, ECAM);
	assert_true(ram_layout_offset(&l, FOUR_G + 3 * GIB - ECAM - 1, 1,
				      &off));
	assert_int_equal(off, 3 * GIB - 1);
	assert_false(ram_layout_offset(&l, FOUR_G + 3 * GIB - ECAM, 1, &off));
	assert_false(ram_layout_offset(&l, ~0ULL, 2, &off));
	/* Flat: the old bound, RAM size from 0. */
	assert_int_equal(plan(2, 32 * MIB), 0);
	assert_true(ram_layout_offset(&l, 0, 32 * MIB, &off));
	assert_false(ram_layout_offset(&l, 0, 32 * MIB + 1, &off));
	assert_false(ram_layout_offset(&l, FOUR_G, 1, &off));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flat, machine),
		cmocka_unit_test_setup(test_split_at_ecam, machine),
		cmocka_unit_test_setup(test_hole_from_own_bar, machine),
		cmocka_unit_test_setup(test_hole_at_the_ioapic, machine),
		cmocka_unit_test_setup(test_high_ram_meets_a_bar, machine),
		cmocka_unit_test_setup(test_high_ram_meets_ecam, machine),
		cmocka_unit_test_setup(test_hole_in_the_first_mib, machine),
		cmocka_unit_test_setup(test_mapped_pieces, machine),
		cmocka_unit_test_setup(test_offsets, machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
