/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * edu's INTx as an unmodified kernel would use it: the GSI of its slot
 * and pin from the _PRT of the partition's ACPI tables (read with the
 * hypervisor's own AML reader, drivers/acpi/prt.c), the partition's I/O
 * APIC pin for that GSI programmed level-triggered, active low (a _PRT
 * entry with source 0, ACPI 6.4 6.2.13), and each interrupt acknowledged
 * at the device before the EOI, as a level-triggered handler must.
 */
#include "guests/edu-dma/edu.h"
#include "drivers/acpi/prt.h"
#include "lib/bytes.h"

/* ACPI 6.4 5.2.5.1: the RSDP on a 16-byte boundary in the BIOS area. */
#define BIOS_AREA_START		0xe0000u
#define BIOS_AREA_END		0x100000u
#define RSDP_XSDT		24
#define SDT_LENGTH		4
#define SDT_HEADER_LEN		36
#define FADT_DSDT		40	/* 5.2.9 */

/* 82093AA 3.0, 3.2.4: the I/O APIC at its default base. */
#define IOAPIC_BASE		0xfec00000u
#define IOAPIC_INDEX		0x00
#define IOAPIC_DATA		0x10
#define IOAPIC_REDIR		0x10
#define RTE_ACTIVE_LOW		(1u << 13)
#define RTE_LEVEL		(1u << 15)
#define RTE_MASKED		(1u << 16)
#define RTE_DEST_SHIFT		24	/* in the high dword */

/* The partition's ACPI RESET_REG (docs/guest-interface.md). */
#define RESET_PORT		0xcf9
#define RESET_VALUE		0x06

#define INTX_WAIT_TICKS		MSI_WAIT_TICKS
#define STRAY_WAIT_TICKS	(1ull << 24)

volatile uint32_t intx_count, intx_ack_reg;

static const uint8_t *find_rsdp(void)
{
	for (uint32_t a = BIOS_AREA_START; a < BIOS_AREA_END; a += 16)
		if (!memcmp((const void *)(uintptr_t)a, "RSD PTR ", 8))
			return (const uint8_t *)(uintptr_t)a;
	return 0;
}

/* The DSDT through XSDT -> FADT; NULL when any step is missing. */
static const uint8_t *find_dsdt(void)
{
	const uint8_t *rsdp = find_rsdp(), *xsdt;
	uint32_t entries;

	if (!rsdp)
		return 0;
	xsdt = (const uint8_t *)(uintptr_t)get32(rsdp + RSDP_XSDT);
	entries = (get32(xsdt + SDT_LENGTH) - SDT_HEADER_LEN) / 8;
	for (uint32_t i = 0; i < entries; i++) {
		const uint8_t *t = (const uint8_t *)(uintptr_t)
			get32(xsdt + SDT_HEADER_LEN + 8 * i);

		if (!memcmp(t, "FACP", 4))
			return (const uint8_t *)(uintptr_t)get32(t + FADT_DSDT);
	}
	return 0;
}

/* The GSI of (slot, pin 1-4) from the partition's _PRT, or -1. */
static int prt_gsi(uint32_t bdf, uint32_t pin)
{
	static struct prt_table prt;
	struct aml_tables aml = { 0 };
	const uint8_t *dsdt = find_dsdt();
	const struct prt_route *r;

	if (!dsdt || aml_add_table(&aml, dsdt, get32(dsdt + SDT_LENGTH))) {
		printf("edu: no DSDT\n");
		return -1;
	}
	if (prt_read(&aml, (uint8_t)(bdf >> 8), &prt)) {
		printf("edu: no _PRT to read: %s\n", prt.why);
		return -1;
	}
	r = prt_lookup(&prt, (uint8_t)(bdf >> 3 & 0x1f), (uint8_t)(pin - 1));
	if (!r) {
		printf("edu: the _PRT (%u entries) has no INT%c of slot %u\n",
		       prt.count, 'A' + pin - 1, bdf >> 3 & 0x1f);
		return -1;
	}
	return (int)r->gsi;
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_INDEX, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_DATA, v);
}

static void program_pin(uint32_t gsi, uint32_t low, uint32_t dest)
{
	ioapic_write(IOAPIC_REDIR + 2 * gsi + 1, dest << RTE_DEST_SHIFT);
	ioapic_write(IOAPIC_REDIR + 2 * gsi, low);
}

/* Waits until intx_count reaches `want` or the time is up. */
static bool wait_count(uint32_t want, uint64_t ticks)
{
	uint64_t start = rdtsc();

	while (intx_count < want && rdtsc() - start < ticks)
		cpu_relax();
	return intx_count >= want;
}

/* INTx on, MSI off: edu raises INTx only without MSI (hw/misc/edu.c). */
static void intx_enable(uint32_t bdf)
{
	uint32_t cap = pci_find_cap(bdf, PCI_CAP_ID_MSI);

	if (cap)
		pci_write(bdf, cap, pci_read(bdf, cap) & ~MSI_CTRL_ENABLE);
	pci_write(bdf, PCI_COMMAND,
		  pci_read(bdf, PCI_COMMAND) & 0xffff & ~PCI_CMD_INTX_OFF);
}

/* Each raise once, exactly: a line not re-armed or not acked shows. */
static uint32_t raise_rounds(uint32_t rounds)
{
	uint32_t ok = 0;

	for (uint32_t i = 0; i < rounds; i++) {
		edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
		if (wait_count(i + 1, INTX_WAIT_TICKS))
			ok++;
		wait_count(i + 2, STRAY_WAIT_TICKS);	/* a storm shows */
		if (intx_count != i + 1)
			break;
	}
	return ok;
}

static const char held_until_unmasked[] = "held until unmasked";

/* Raised while masked: held, then delivered when unmasked. */
static const char *mask_holds(uint32_t gsi, uint32_t low, uint32_t self)
{
	uint32_t before = intx_count;

	program_pin(gsi, low | RTE_MASKED, self);
	edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
	if (wait_count(before + 1, STRAY_WAIT_TICKS))
		return "delivered though masked";
	program_pin(gsi, low, self);
	if (!wait_count(before + 1, INTX_WAIT_TICKS))
		return "lost: not delivered on unmask";
	return held_until_unmasked;
}

/*
 * Leaves the line raised and its interrupt in service (no acknowledge, no
 * EOI), then resets the partition (ACPI RESET_REG, port 0xCF9): the next
 * boot finds edu's status still set (edu has no FLR) and must get its
 * INTx again, which needs the stop to have re-armed the I/O APIC pin.
 */
void intx_leave_raised(uint32_t bdf, uint32_t vec)
{
	uint32_t pin = pci_read(bdf, PCI_INTERRUPT_REG) >> 8 & 0xff;
	uint32_t self = mmio_read32(LAPIC_ID) >> 24;
	int gsi = pin >= 1 && pin <= 4 ? prt_gsi(bdf, pin) : -1;

	if (gsi < 0 || gsi >= 24)
		guest_exit(EXIT_NO_INTX);
	irq_setup();
	idt_set(vec, intx_stuck_isr);
	intx_count = 0;
	intx_enable(bdf);
	program_pin((uint32_t)gsi, vec | RTE_LEVEL | RTE_ACTIVE_LOW, self);
	asm volatile("sti" ::: "memory");
	edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
	wait_count(1, INTX_WAIT_TICKS);
	printf("edu: intx left in service (%u interrupt), line raised: "
	       "resetting\n", intx_count);
	outb(RESET_PORT, RESET_VALUE);
	halt_forever();
}

int intx_test(uint32_t bdf, uint32_t vec, uint32_t rounds)
{
	uint32_t pin = pci_read(bdf, PCI_INTERRUPT_REG) >> 8 & 0xff;
	uint32_t self = mmio_read32(LAPIC_ID) >> 24, low, ok;
	const char *masked = "not tried";
	int gsi;

	if (pin < 1 || pin > 4) {
		printf("edu: interrupt pin reads %u: no INTx\n", pin);
		return EXIT_NO_INTX;
	}
	gsi = prt_gsi(bdf, pin);
	if (gsi < 0 || gsi >= 24)
		return EXIT_NO_INTX;
	irq_setup();
	idt_set(vec, intx_isr);
	intx_ack_reg = edu_bar + EDU_IRQ_ACK;
	intx_count = 0;
	other_count = 0;
	intx_enable(bdf);
	low = vec | RTE_LEVEL | RTE_ACTIVE_LOW;
	program_pin((uint32_t)gsi, low, self);
	asm volatile("sti" ::: "memory");
	ok = raise_rounds(rounds);
	if (ok == rounds)
		masked = mask_holds((uint32_t)gsi, low, self);
	asm volatile("cli" ::: "memory");
	program_pin((uint32_t)gsi, low | RTE_MASKED, self);
	printf("edu: intx INT%c gsi %d vector 0x%x to apic %u: %u/%u raises "
	       "delivered once each (%u interrupts), masked raise %s\n",
	       'A' + pin - 1, gsi, vec, self, ok, rounds, intx_count, masked);
	if (other_count)
		printf("edu: %u interrupts on other vectors\n", other_count);
	return ok == rounds && masked == held_until_unmasked && !other_count ?
	       0 : EXIT_NO_INTX;
}
