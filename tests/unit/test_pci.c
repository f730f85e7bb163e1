/* SPDX-License-Identifier: BSD-2-Clause */
/* drivers/pci/pci.c against a fake machine's config space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "lib/errno.h"
#include "drivers/pci/pci.h"
#include "tests/unit/fake_pci.h"
#include "drivers/pci/pci_assign.h"

/*
 * Host bridge; edu (32-bit BAR, MSI); an NVMe-like PCIe endpoint with a
 * 64-bit BAR high up, MSI-X and FLR; the three functions of an ICH9-like
 * device without ACS; a PCIe-to-PCI bridge to bus 1 with two devices.
 */
static struct pci_inventory inv;

static int machine(void **state)
{
	struct fake_fn *f;

	(void)state;
	fake_count = 0;
	decode_off_writes = 0;
	add(RID(0, 0, 0), 0x8086, 0x29c0, 0x060000, 0);
	f = add(RID(0, 3, 0), 0x1234, 0x11e8, 0x00ff00, 0);
	bar(f, 0, 0xfea00000, 0xfff00000);
	cap(f, 0x40, PCI_CAP_MSI, 0);
	f = add(RID(0, 4, 0), 0x1b36, 0x0010, 0x010802, 0);
	bar(f, 0, 0x00000004, 0xffffc000);	/* 64-bit, 16 KiB */
	bar(f, 1, 0x000000e0, 0xffffffff);
	bar(f, 2, 0x0000c001, 0x0000ffe0);	/* I/O, 32 ports */
	cap(f, 0x40, PCI_CAP_MSIX, 0x60);
	cap(f, 0x60, PCI_CAP_PCIE, 0x80);
	put32(&f->cfg[0x64], 1U << 28);		/* FLR */
	cap(f, 0x80, PCI_CAP_PM, 0);
	put32(&f->cfg[0x100], 0x00010000U | PCI_ECAP_ACS);
	for (int fn = 0; fn < 3; fn++)
		add(RID(0, 0x1f, fn), 0x8086, (uint16_t)(0x2918 + fn),
		    0x060100, fn ? 0 : PCI_HEADER_MULTI);
	f = add(RID(0, 5, 0), 0x1b36, 0x000e, 0x060400, PCI_HEADER_BRIDGE);
	put32(&f->cfg[PCI_BUS_NUMBERS], 0x010100);
	cap(f, 0x40, PCI_CAP_PCIE, 0);
	f->cfg[0x42] = 0x7 << 4;		/* PCIe to PCI */
	add(RID(1, 1, 0), 0x8086, 0x100e, 0x020000, 0);
	add(RID(1, 2, 0), 0x8086, 0x100e, 0x020000, 0);
	inv = (struct pci_inventory){ .bus_end = 0xff };
	pci_scan(&inv, &access);
	return 0;
}

static void test_finds_every_function(void **state)
{
	(void)state;
	assert_int_equal(inv.count, 9);
	assert_int_equal(inv.skipped, 0);
	assert_non_null(pci_find(&inv, RID(0, 0x1f, 2)));
	assert_non_null(pci_find(&inv, RID(1, 2, 0)));
	assert_null(pci_find(&inv, RID(0, 0x1f, 3)));
	assert_int_equal(pci_find(&inv, RID(1, 1, 0))->parent,
			 pci_find(&inv, RID(0, 5, 0)) - inv.fn);
	assert_int_equal(pci_find(&inv, RID(0, 3, 0))->owner, -1);
}

static void test_bars_sized_and_restored(void **state)
{
	struct pci_function *edu = pci_find(&inv, RID(0, 3, 0));
	struct pci_function *nvme = pci_find(&inv, RID(0, 4, 0));

	(void)state;
	assert_int_equal(edu->bars[0].kind, PCI_BAR_MEM32);
	assert_int_equal(edu->bars[0].base, 0xfea00000);
	assert_int_equal(edu->bars[0].size, 1 << 20);
	assert_int_equal(edu->bars[1].kind, PCI_BAR_NONE);
	assert_int_equal(nvme->bars[0].kind, PCI_BAR_MEM64);
	assert_int_equal(nvme->bars[0].base, 0xe000000000ULL);
	assert_int_equal(nvme->bars[0].size, 0x4000);
	assert_int_equal(nvme->bars[1].kind, PCI_BAR_NONE);
	assert_int_equal(nvme->bars[2].kind, PCI_BAR_IO);
	assert_int_equal(nvme->bars[2].base, 0xc000);
	assert_int_equal(nvme->bars[2].size, 32);
	/* Probing left the firmware's values and decoding as they were. */
	assert_int_equal(get32(&lookup(RID(0, 4, 0))->cfg[PCI_BAR0 + 4]),
			 0xe0);
	assert_int_equal(get32(&lookup(RID(0, 3, 0))->cfg[PCI_BAR0]),
			 0xfea00000);
	assert_int_equal(get32(&lookup(RID(0, 3, 0))->cfg[PCI_COMMAND]) & 7,
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(decode_off_writes, 0);
}

static void test_capabilities(void **state)
{
	struct pci_function *edu = pci_find(&inv, RID(0, 3, 0));
	struct pci_function *nvme = pci_find(&inv, RID(0, 4, 0));

	(void)state;
	assert_int_equal(edu->cap_msi, 0x40);
	assert_int_equal(edu->cap_pcie, 0);
	assert_false(edu->flr);
	assert_int_equal(nvme->cap_msix, 0x40);
	assert_int_equal(nvme->cap_pcie, 0x60);
	assert_int_equal(nvme->cap_pm, 0x80);
	assert_true(nvme->flr);
	assert_int_equal(nvme->ecap_acs, 0x100);
	assert_int_equal(pci_find(&inv, RID(0, 5, 0))->header_type,
			 PCI_HEADER_BRIDGE);
	assert_int_equal(pci_find(&inv, RID(0, 5, 0))->secondary_bus, 1);
}

static void test_dma_groups(void **state)
{
	const struct pci_function *a = pci_find(&inv, RID(1, 1, 0));
	const struct pci_function *b = pci_find(&inv, RID(1, 2, 0));
	const struct pci_function *lpc = pci_find(&inv, RID(0, 0x1f, 0));
	const struct pci_function *sata = pci_find(&inv, RID(0, 0x1f, 2));
	const struct pci_function *edu = pci_find(&inv, RID(0, 3, 0));
	const struct pci_function *nvme = pci_find(&inv, RID(0, 4, 0));
	uint16_t ids[3];

	(void)state;
	assert_int_equal(pci_dma_group(&inv, a), pci_dma_group(&inv, b));
	assert_int_equal(pci_dma_group(&inv, lpc), pci_dma_group(&inv, sata));
	assert_int_not_equal(pci_dma_group(&inv, edu),
			     pci_dma_group(&inv, nvme));
	assert_int_not_equal(pci_dma_group(&inv, a),
			     pci_dma_group(&inv, lpc));
	assert_int_equal(pci_dma_aliases(&inv, edu, ids), 1);
	assert_int_equal(ids[0], RID(0, 3, 0));
	assert_int_equal(pci_dma_aliases(&inv, b, ids), 3);
	assert_int_equal(ids[0], RID(1, 2, 0));
	assert_int_equal(ids[1], RID(1, 0, 0));
	assert_int_equal(ids[2], RID(0, 5, 0));
}

static void test_describe(void **state)
{
	char buf[160];

	(void)state;
	pci_describe(pci_find(&inv, RID(0, 4, 0)), buf, sizeof(buf));
	assert_string_equal(buf, "00:04.0 1b36:0010 class 010802 bar0 mem64 "
			    "0xe000000000+16K bar2 io 0xc000+32");
	pci_describe(pci_find(&inv, RID(0, 5, 0)), buf, sizeof(buf));
	assert_string_equal(buf, "00:05.0 1b36:000e class 060400 bridge");
	pci_describe(pci_find(&inv, RID(0, 4, 0)), buf, 20);
	assert_int_equal(strlen(buf), 19);
}

static void test_partial_writes(void **state)
{
	(void)state;
	pci_write(&access, RID(0, 3, 0), PCI_INTERRUPT_LINE, 1, 0x0b);
	assert_int_equal(pci_read(&access, RID(0, 3, 0), PCI_INTERRUPT_LINE, 1),
			 0x0b);
	assert_int_equal(pci_read(&access, RID(0, 3, 0), 2, 2), 0x11e8);
	assert_int_equal(pci_read(&access, RID(9, 0, 0), 0, 2), 0xffff);
}

static void test_bridge_loop_and_limit(void **state)
{
	struct fake_fn *f;

	(void)state;
	fake_count = 0;
	f = add(RID(0, 1, 0), 0x1b36, 0x000e, 0x060400, PCI_HEADER_BRIDGE);
	put32(&f->cfg[PCI_BUS_NUMBERS], 0x000000);	/* points at bus 0 */
	for (int d = 2; d < MAX_FAKE; d++)
		add(RID(0, d, 0), 0x1234, 0x11e8, 0x00ff00, 0);
	inv = (struct pci_inventory){ .bus_end = 0xff };
	pci_scan(&inv, &access);
	assert_int_equal(inv.count, MAX_FAKE - 1);
}

static struct config cfg;
static struct config_error err;
static const struct pci_reserved rsv = { 1, { RID(0, 0x1f, 3) }, 0x3f8 };

/* Partition a (devices on line 10) and b (line 20). */
static int assign(uint32_t a0, uint32_t a1, uint32_t b0)
{
	cfg = (struct config){ .partition_count = 2 };
	strcpy(cfg.partitions[0].name, "a");
	strcpy(cfg.partitions[1].name, "b");
	cfg.partitions[0].devices_line = 10;
	cfg.partitions[1].devices_line = 20;
	cfg.partitions[0].devices[cfg.partitions[0].device_count++] = a0;
	if (a1)
		cfg.partitions[0].devices[cfg.partitions[0].device_count++] =
			a1;
	if (b0)
		cfg.partitions[1].devices[cfg.partitions[1].device_count++] =
			b0;
	memset(&err, 0, sizeof(err));
	return pci_assign(&inv, &cfg, &rsv, &err);
}

static void expect_error(unsigned int line, const char *part)
{
	if (!strstr(err.message, part)) {
		print_error("\"%s\" not in \"%s\"\n", part, err.message);
		fail();
	}
	assert_int_equal(err.line, line);
	for (unsigned int i = 0; i < inv.count; i++)
		assert_int_equal(inv.fn[i].owner, -1);
}

static void test_assign(void **state)
{
	(void)state;
	assert_int_equal(assign(RID(0, 3, 0), RID(1, 1, 0),
				RID(0, 4, 0)), 0);
	assert_int_equal(pci_find(&inv, RID(0, 3, 0))->owner, 0);
	assert_int_equal(pci_find(&inv, RID(1, 1, 0))->owner, 0);
	assert_int_equal(pci_find(&inv, RID(0, 4, 0))->owner, 1);
	assert_int_equal(pci_find(&inv, RID(1, 2, 0))->owner, -1);
	/* Functions that share a requester ID may go to one partition. */
	assert_int_equal(assign(RID(1, 1, 0), RID(1, 2, 0), 0), 0);
}

static void test_assign_errors(void **state)
{
	(void)state;
	assert_int_equal(assign(RID(0, 3, 0), 0, RID(0, 9, 0)), -EINVAL);
	expect_error(20, "partition \"b\": device 00:09.0 does not exist");
	assert_int_equal(assign(RID(0, 5, 0), 0, 0), -EINVAL);
	expect_error(10, "00:05.0 (1b36:000e) is a PCI bridge: assign the "
		     "devices behind it");
	assert_int_equal(assign(RID(0, 0, 0), 0, 0), -EINVAL);
	expect_error(10, "is the host bridge");
	assert_int_equal(assign(RID(0, 0x1f, 0), 0, RID(0, 0x1f, 2)),
			 -EINVAL);
	expect_error(20, "device 00:1f.2 shares its DMA requester ID with "
		     "00:1f.0 of partition \"a\" (line 10)");
	assert_int_equal(assign(RID(1, 1, 0), 0, RID(1, 2, 0)), -EINVAL);
	expect_error(20, "give both to one partition");
	assert_int_equal(assign(RID(0, 3, 0), 0, RID(0, 3, 0)), -EINVAL);
	expect_error(20, "00:03.0 is already in partition \"a\" (line 10)");
	assert_int_equal(assign(CONFIG_DEVICE(1, 0, 3, 0), 0, 0), -EINVAL);
	expect_error(10, "device 0001:00:03.0 is on PCI segment 1");
}

/* 00:03.0 and 00:04.0 on one line (as q35 slots 4 apart are). */
static void test_shared_intx_line(void **state)
{
	(void)state;
	pci_find(&inv, RID(0, 3, 0))->gsi = 20;
	pci_find(&inv, RID(0, 4, 0))->gsi = 20;
	assert_int_equal(assign(RID(0, 3, 0), 0, RID(0, 4, 0)), -EINVAL);
	expect_error(20, "partition \"b\": device 00:04.0 shares its INTx "
		     "line (GSI 20) with 00:03.0 of partition \"a\" (line 10)"
		     ": give both to one partition, or move one to a slot on "
		     "another line");
	/* One partition may own both; another line is no conflict. */
	assert_int_equal(assign(RID(0, 3, 0), RID(0, 4, 0), 0), 0);
	pci_find(&inv, RID(0, 4, 0))->gsi = 21;
	assert_int_equal(assign(RID(0, 3, 0), 0, RID(0, 4, 0)), 0);
	/* An unknown line (no _PRT) is no conflict: INTx stays off. */
	pci_find(&inv, RID(0, 3, 0))->gsi = PCI_GSI_NONE;
	pci_find(&inv, RID(0, 4, 0))->gsi = PCI_GSI_NONE;
	assert_int_equal(assign(RID(0, 3, 0), 0, RID(0, 4, 0)), 0);
}

static void test_reserved_functions(void **state)
{
	struct fake_fn *uart;

	(void)state;
	add(RID(0, 0x1f, 3), 0x1022, 0x0008, 0x080600, 0);
	uart = add(RID(0, 6, 0), 0x1b36, 0x0002, 0x070002, 0);
	bar(uart, 0, 0x3f9, 0xfff8);	/* I/O 0x3f8-0x3ff */
	pci_scan(&inv, &access);
	assert_int_equal(assign(RID(0, 0x1f, 3), 0, 0), -EINVAL);
	expect_error(10, "is the IOMMU");
	assert_int_equal(assign(RID(0, 6, 0), 0, 0), -EINVAL);
	expect_error(10, "is the hypervisor's console UART");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_finds_every_function, machine),
		cmocka_unit_test_setup(test_bars_sized_and_restored, machine),
		cmocka_unit_test_setup(test_capabilities, machine),
		cmocka_unit_test_setup(test_dma_groups, machine),
		cmocka_unit_test_setup(test_describe, machine),
		cmocka_unit_test_setup(test_partial_writes, machine),
		cmocka_unit_test(test_bridge_loop_and_limit),
		cmocka_unit_test_setup(test_assign, machine),
		cmocka_unit_test_setup(test_assign_errors, machine),
		cmocka_unit_test_setup(test_reserved_functions, machine),
		cmocka_unit_test_setup(test_shared_intx_line, machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
