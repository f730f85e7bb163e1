/* SPDX-License-Identifier: BSD-2-Clause */
/* drivers/emul/vpci.c: a partition's config space over a fake machine. */
#include "tests/unit/fake_pci.h"
#include "drivers/emul/vpci.h"

#define NVME		RID(0, 4, 0)
#define EDU		RID(0, 3, 0)
#define OTHER		RID(0, 5, 0)
#define CAP_VENDOR	0x09	/* hidden from partitions */
#define MSIX_AT		0x40
#define VENDOR_AT	0x50
#define PCIE_AT		0x60
#define PM_AT		0x80
#define MSI_AT		0x90
#define ROUTED_ADDR	0xfee0f00cULL	/* what a fake IOMMU hands back */

static struct pci_inventory inv;
static struct vpci v;
static struct vpci_msg routed_msg;
static unsigned int routed_index, route_calls;
static bool route_ok;
static struct {
	unsigned int calls, index;
	uint64_t address;
	uint32_t data;
	bool masked;
} hw_entry;

static bool route(void *ctx, uint16_t rid, unsigned int index,
		  const struct vpci_msg *guest, uint64_t *address,
		  uint32_t *data)
{
	(void)ctx;
	(void)rid;
	route_calls++;
	routed_index = index;
	routed_msg = *guest;
	*address = ROUTED_ADDR;
	*data = index + 0x100;
	return route_ok;
}

static void msix_entry(void *ctx, const struct pci_function *fn,
		       unsigned int index, uint64_t address, uint32_t data,
		       bool masked)
{
	(void)ctx;
	(void)fn;
	hw_entry.calls++;
	hw_entry.index = index;
	hw_entry.address = address;
	hw_entry.data = data;
	hw_entry.masked = masked;
}

static uint32_t hw32(uint16_t rid, unsigned int off)
{
	return get32(&lookup(rid)->cfg[off]);
}

/* NVMe-like: 64-bit BAR0 (16 KiB, MSI-X table at 0x2000), MSI-X, a
 * vendor capability, PCIe with FLR, PM. edu-like: BAR0 1 MiB, 64-bit MSI. */
static int machine(void **state)
{
	static const struct vpci_hooks hooks = { route, msix_entry, NULL };
	struct fake_fn *f;

	(void)state;
	fake_count = 0;
	f = add(NVME, 0x1b36, 0x0010, 0x010802, 0);
	bar(f, 0, 0xc0000004, 0xffffc000);
	bar(f, 1, 0x000000e0, 0xffffffff);
	cap(f, MSIX_AT, PCI_CAP_MSIX, VENDOR_AT);
	put32(&f->cfg[MSIX_AT], 0x00030000 | PCI_CAP_MSIX | VENDOR_AT << 8);
	put32(&f->cfg[MSIX_AT + 4], 0x2000);		/* table: BAR0+0x2000 */
	put32(&f->cfg[MSIX_AT + 8], 0x3000);		/* PBA */
	cap(f, VENDOR_AT, CAP_VENDOR, PCIE_AT);
	cap(f, PCIE_AT, PCI_CAP_PCIE, PM_AT);
	put32(&f->cfg[PCIE_AT + 4], 1U << 28);
	cap(f, PM_AT, PCI_CAP_PM, 0);
	f->cfg[PCI_INTERRUPT_LINE] = 11;
	f->cfg[PCI_INTERRUPT_PIN] = 1;
	f = add(EDU, 0x1234, 0x11e8, 0x00ff00, 0);
	bar(f, 0, 0xfea00000, 0xfff00000);
	cap(f, MSI_AT, PCI_CAP_MSI, VENDOR_AT);
	cap(f, VENDOR_AT, CAP_VENDOR, 0);	/* hidden, after MSI */
	f->cfg[MSI_AT + 2] = 0x80 | 0x0a;		/* 64-bit, 32 vectors */
	add(OTHER, 0x8086, 0x100e, 0x020000, 0);
	inv = (struct pci_inventory){ .bus_end = 0 };
	pci_scan(&inv, &access);
	vpci_init(&v, &access, &hooks);
	assert_int_equal(vpci_add(&v, pci_find(&inv, NVME)), 0);
	assert_int_equal(vpci_add(&v, pci_find(&inv, EDU)), 0);
	route_ok = true;
	route_calls = 0;
	hw_entry.calls = 0;
	return 0;
}

static void test_identity_and_other_functions(void **state)
{
	(void)state;
	assert_int_equal(vpci_read(&v, NVME, 0, 4), 0x00101b36);
	assert_int_equal(vpci_read(&v, NVME, 2, 2), 0x0010);
	assert_int_equal(vpci_read(&v, NVME, PCI_CLASS_REVISION, 4),
			 0x01080201);
	/* Not the partition's: absent, and writes go nowhere. */
	assert_int_equal(vpci_read(&v, OTHER, 0, 4), 0xffffffff);
	assert_int_equal(vpci_read(&v, OTHER, 0, 1), 0xff);
	vpci_write(&v, OTHER, PCI_COMMAND, 2, 0);
	assert_int_equal(hw32(OTHER, PCI_COMMAND) & 7, 6);
	/* No ROM, no extended capabilities. */
	assert_int_equal(vpci_read(&v, NVME, 0x30, 4), 0);
	assert_int_equal(vpci_read(&v, NVME, 0x100, 4), 0);
	vpci_write(&v, NVME, 0x100, 4, 0x12345678);
	assert_int_equal(hw32(NVME, 0x100), 0);
}

static void test_capability_list_filtered(void **state)
{
	(void)state;
	assert_true(vpci_read(&v, NVME, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(vpci_read(&v, NVME, PCI_CAP_PTR, 1), MSIX_AT);
	assert_int_equal(vpci_read(&v, NVME, MSIX_AT, 1), PCI_CAP_MSIX);
	/* The vendor capability is skipped. */
	assert_int_equal(vpci_read(&v, NVME, MSIX_AT + 1, 1), PCIE_AT);
	assert_int_equal(vpci_read(&v, NVME, PCIE_AT + 1, 1), PM_AT);
	assert_int_equal(vpci_read(&v, NVME, PM_AT + 1, 1), 0);
	assert_int_equal(vpci_read(&v, NVME, MSIX_AT, 4) >> 16, 3);
	/* Only the allowed registers of a capability are writable. */
	vpci_write(&v, NVME, PCIE_AT + 8, 2, 0x8000);	/* FLR */
	assert_int_equal(hw32(NVME, PCIE_AT + 8) & 0xffff, 0x8000);
	vpci_write(&v, NVME, PCIE_AT + 0x10, 2, 0x3);	/* link control */
	assert_int_equal(hw32(NVME, PCIE_AT + 0x10), 0);
	vpci_write(&v, NVME, VENDOR_AT + 4, 4, 0xdead);
	assert_int_equal(hw32(NVME, VENDOR_AT + 4), 0);
}

static void test_bars_fixed_but_sizable(void **state)
{
	(void)state;
	assert_int_equal(vpci_read(&v, NVME, PCI_BAR0, 4), 0xc0000004);
	assert_int_equal(vpci_read(&v, NVME, PCI_BAR0 + 4, 4), 0xe0);
	vpci_write(&v, NVME, PCI_BAR0, 4, 0xffffffff);
	vpci_write(&v, NVME, PCI_BAR0 + 4, 4, 0xffffffff);
	assert_int_equal(vpci_read(&v, NVME, PCI_BAR0, 4), 0xffffc004);
	assert_int_equal(vpci_read(&v, NVME, PCI_BAR0 + 4, 4), 0xffffffff);
	/* The hardware never saw the probe. */
	assert_int_equal(hw32(NVME, PCI_BAR0), 0xc0000004);
	vpci_write(&v, NVME, PCI_BAR0, 4, 0xc0000004);
	vpci_write(&v, NVME, PCI_BAR0 + 4, 4, 0xe0);
	assert_int_equal(vpci_read(&v, NVME, PCI_BAR0, 4), 0xc0000004);
	assert_int_equal(vpci_read(&v, NVME, PCI_BAR0 + 4, 4), 0xe0);
	/* Moving a BAR is refused. */
	vpci_write(&v, EDU, PCI_BAR0, 4, 0x80000000);
	assert_int_equal(vpci_read(&v, EDU, PCI_BAR0, 4), 0xfea00000);
	assert_int_equal(hw32(EDU, PCI_BAR0), 0xfea00000);
	vpci_write(&v, EDU, PCI_BAR0, 4, 0xffffffff);
	assert_int_equal(vpci_read(&v, EDU, PCI_BAR0, 4), 0xfff00000);
	assert_int_equal(vpci_read(&v, EDU, PCI_BAR0 + 4, 4), 0);
}

static void test_command_and_interrupt_pin(void **state)
{
	(void)state;
	put32(&lookup(NVME)->cfg[PCI_COMMAND], 0x0100);	/* SERR on */
	vpci_write(&v, NVME, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(hw32(NVME, PCI_COMMAND) & 0xffff,
			 0x0100 | PCI_COMMAND_INTX_OFF | 7);
	vpci_write(&v, NVME, PCI_COMMAND, 2, 0);
	assert_int_equal(hw32(NVME, PCI_COMMAND) & 0xffff,
			 0x0100 | PCI_COMMAND_INTX_OFF);
	assert_int_equal(vpci_read(&v, NVME, PCI_INTERRUPT_PIN, 1), 0);
	assert_int_equal(vpci_read(&v, NVME, PCI_INTERRUPT_LINE, 1), 0);
	vpci_write(&v, NVME, PCI_INTERRUPT_LINE, 1, 5);
	assert_int_equal(vpci_read(&v, NVME, PCI_INTERRUPT_LINE, 1), 5);
	assert_int_equal(lookup(NVME)->cfg[PCI_INTERRUPT_LINE], 11);
}

/* Functions with a known INTx line: the pin shows, INTx-disable is theirs. */
static void test_intx_line(void **state)
{
	static const struct vpci_hooks hooks = { route, msix_entry, NULL };

	(void)state;
	lookup(EDU)->cfg[PCI_INTERRUPT_PIN] = 1;
	lookup(OTHER)->cfg[PCI_INTERRUPT_PIN] = 2;
	inv = (struct pci_inventory){ .bus_end = 0 };
	pci_scan(&inv, &access);
	pci_find(&inv, NVME)->gsi = 20;		/* a PCI pin: kept */
	pci_find(&inv, EDU)->gsi = 40;		/* beyond 23: first free */
	pci_find(&inv, OTHER)->gsi = 20;	/* NVMe's line: its pin */
	vpci_init(&v, &access, &hooks);
	assert_int_equal(vpci_add(&v, pci_find(&inv, NVME)), 0);
	assert_int_equal(vpci_add(&v, pci_find(&inv, EDU)), 0);
	assert_int_equal(vpci_add(&v, pci_find(&inv, OTHER)), 0);
	assert_int_equal(v.dev[0].intx_gsi, 20);
	assert_int_equal(v.dev[1].intx_gsi, 16);
	assert_int_equal(v.dev[2].intx_gsi, 20);
	assert_int_equal(vpci_read(&v, NVME, PCI_INTERRUPT_PIN, 1), 1);
	assert_int_equal(vpci_read(&v, OTHER, PCI_INTERRUPT_PIN, 1), 2);
	/* The guest turns INTx on and off. */
	vpci_write(&v, NVME, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(hw32(NVME, PCI_COMMAND) & PCI_COMMAND_INTX_OFF, 0);
	vpci_write(&v, NVME, PCI_COMMAND, 2, PCI_COMMAND_INTX_OFF);
	assert_int_equal(hw32(NVME, PCI_COMMAND) & PCI_COMMAND_INTX_OFF,
			 PCI_COMMAND_INTX_OFF);
	vpci_write(&v, NVME, PCI_COMMAND, 2, 0);
	/* Stop: INTx off again. */
	vpci_quiesce(&v);
	assert_int_equal(hw32(NVME, PCI_COMMAND) & PCI_COMMAND_INTX_OFF,
			 PCI_COMMAND_INTX_OFF);
	/* No line: no pin, INTx stays off whatever the guest writes. */
	pci_find(&inv, EDU)->gsi = PCI_GSI_NONE;
	vpci_init(&v, &access, &hooks);
	assert_int_equal(vpci_add(&v, pci_find(&inv, EDU)), 0);
	assert_int_equal(v.dev[0].intx_gsi, 0);
	assert_int_equal(vpci_read(&v, EDU, PCI_INTERRUPT_PIN, 1), 0);
	vpci_write(&v, EDU, PCI_COMMAND, 2, 0);
	assert_int_equal(hw32(EDU, PCI_COMMAND) & PCI_COMMAND_INTX_OFF,
			 PCI_COMMAND_INTX_OFF);
}

static void test_msi_routed(void **state)
{
	(void)state;
	assert_int_equal(vpci_read(&v, EDU, PCI_CAP_PTR, 1), MSI_AT);
	assert_int_equal(vpci_read(&v, EDU, MSI_AT, 2), PCI_CAP_MSI);
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 1, 1), 0);
	/* One vector capable, whatever the device offers. */
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 2, 2), 0x80);
	vpci_write(&v, EDU, MSI_AT + 4, 4, 0xfee01000);
	vpci_write(&v, EDU, MSI_AT + 8, 4, 0);
	vpci_write(&v, EDU, MSI_AT + 12, 2, 0x41);
	vpci_write(&v, EDU, MSI_AT + 2, 2, 0x81 | 0x70);
	assert_int_equal(routed_msg.address, 0xfee01000);
	assert_int_equal(routed_msg.data, 0x41);
	assert_int_equal(routed_index, 0);
	assert_int_equal(hw32(EDU, MSI_AT + 4), (uint32_t)ROUTED_ADDR);
	assert_int_equal(hw32(EDU, MSI_AT + 12) & 0xffff, 0x100);
	assert_int_equal(lookup(EDU)->cfg[MSI_AT + 2] & 0x71, 1);
	/* The guest reads back its own message. */
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 4, 4), 0xfee01000);
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 12, 2), 0x41);
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 2, 2), 0x81);
	/* A message that may not be sent leaves MSI off in hardware. */
	route_ok = false;
	vpci_write(&v, EDU, MSI_AT + 4, 4, 0xfee07000);
	assert_int_equal(lookup(EDU)->cfg[MSI_AT + 2] & 1, 0);
	vpci_write(&v, EDU, MSI_AT + 2, 2, 0x80);
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 2, 2), 0x80);
}

static void test_msix_table(void **state)
{
	struct vpci_dev *d = vpci_find(&v, NVME);
	uint64_t value;

	(void)state;
	assert_int_equal(d->msix.bar, 0);
	assert_int_equal(d->msix.size, 4);
	assert_true(vpci_msix_write(&v, d, 0x2010, 4, 0xfee02000));
	assert_true(vpci_msix_write(&v, d, 0x2018, 4, 0x42));
	assert_true(hw_entry.masked);		/* still masked by the guest */
	assert_true(vpci_msix_write(&v, d, 0x201c, 4, 0));
	assert_int_equal(hw_entry.index, 1);
	assert_false(hw_entry.masked);
	assert_int_equal(hw_entry.address, ROUTED_ADDR);
	assert_int_equal(hw_entry.data, 0x101);
	assert_int_equal(routed_msg.address, 0xfee02000);
	assert_int_equal(routed_msg.data, 0x42);
	assert_true(vpci_msix_read(&v, d, 0x2010, 8, &value));
	assert_int_equal(value, 0xfee02000);
	assert_true(vpci_msix_read(&v, d, 0x201c, 4, &value));
	assert_int_equal(value, 0);
	assert_true(vpci_msix_read(&v, d, 0x200c, 4, &value));
	assert_int_equal(value, 1);			/* masked at reset */
	/* The PBA and anything else on the page are not the table's. */
	assert_false(vpci_msix_read(&v, d, 0x3000, 4, &value));
	assert_false(vpci_msix_read(&v, d, 0x2040, 4, &value));
	assert_false(vpci_msix_read(&v, d, 0x2002, 4, &value));
	/* Refused routes keep the vector masked in hardware. */
	route_ok = false;
	assert_true(vpci_msix_write(&v, d, 0x2018, 4, 0x43));
	assert_true(hw_entry.masked);
	/* Enable goes to the hardware after every entry is programmed. */
	route_ok = true;
	hw_entry.calls = 0;
	vpci_write(&v, NVME, MSIX_AT + 2, 2, 0x8000);
	assert_int_equal(hw_entry.calls, 4);
	assert_int_equal(hw32(NVME, MSIX_AT) >> 16, 0x8003);
}

static void test_ports(void **state)
{
	(void)state;
	vpci_port_write(&v, VPCI_PORT_ADDRESS, 4, 0x80000000U | NVME << 8);
	assert_int_equal(vpci_port_read(&v, VPCI_PORT_ADDRESS, 4),
			 0x80000000U | NVME << 8);
	assert_int_equal(vpci_port_read(&v, VPCI_PORT_DATA, 4), 0x00101b36);
	assert_int_equal(vpci_port_read(&v, VPCI_PORT_DATA + 2, 2), 0x0010);
	vpci_port_write(&v, VPCI_PORT_ADDRESS, 4,
			0x80000000U | NVME << 8 | PCI_INTERRUPT_LINE);
	vpci_port_write(&v, VPCI_PORT_DATA, 1, 9);
	assert_int_equal(vpci_read(&v, NVME, PCI_INTERRUPT_LINE, 1), 9);
	vpci_port_write(&v, VPCI_PORT_ADDRESS, 4, NVME << 8);	/* disabled */
	assert_int_equal(vpci_port_read(&v, VPCI_PORT_DATA, 4), 0xffffffff);
	vpci_port_write(&v, VPCI_PORT_ADDRESS, 4, 0x80000000U | OTHER << 8);
	assert_int_equal(vpci_port_read(&v, VPCI_PORT_DATA, 2), 0xffff);
}

static void test_quiesce(void **state)
{
	(void)state;
	vpci_write(&v, EDU, MSI_AT + 4, 4, 0xfee01000);
	vpci_write(&v, EDU, MSI_AT + 2, 2, 0x81);
	vpci_write(&v, NVME, MSIX_AT + 2, 2, 0x8000);
	vpci_write(&v, NVME, PCI_COMMAND, 2, 7);
	vpci_quiesce(&v);
	assert_int_equal(hw32(NVME, PCI_COMMAND) & 7, 0);
	assert_int_equal(hw32(EDU, PCI_COMMAND) & 7, 0);
	assert_int_equal(lookup(EDU)->cfg[MSI_AT + 2] & 1, 0);
	assert_int_equal(hw32(NVME, MSIX_AT) >> 16, 0x4003);
	assert_int_equal(vpci_read(&v, EDU, MSI_AT + 2, 2) & 1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identity_and_other_functions,
				       machine),
		cmocka_unit_test_setup(test_capability_list_filtered, machine),
		cmocka_unit_test_setup(test_bars_fixed_but_sizable, machine),
		cmocka_unit_test_setup(test_command_and_interrupt_pin, machine),
		cmocka_unit_test_setup(test_msi_routed, machine),
		cmocka_unit_test_setup(test_msix_table, machine),
		cmocka_unit_test_setup(test_ports, machine),
		cmocka_unit_test_setup(test_quiesce, machine),
		cmocka_unit_test_setup(test_intx_line, machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
