/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LOADER_GUEST_ACPI_H
#define LOADER_GUEST_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The ACPI tables a partition's guest finds (ACPI 6.4): RSDP 2.0, an XSDT
 * listing the FADT and the MADT, a FACS, and a DSDT whose only object is
 * \_S5 so that the guest can power itself off. They describe only what the
 * partition owns. Every number a device model must agree with comes from
 * struct guest_acpi_platform, so the tables and the models cannot drift.
 *
 * A partition that owns PCI functions also gets an MCFG for its ECAM
 * window and, in the DSDT, a root bridge \_SB.PCI0 whose _CRS offers its
 * bus range and windows exactly covering its functions' BARs, plus a
 * motherboard-resources device \_SB.MRES that reserves the ECAM window.
 * Its _PRT names, for each function whose INTx line the partition has,
 * the guest GSI (a pin of the partition's I/O APIC) of that slot and pin;
 * the other functions read interrupt pin 0 (MSI and MSI-X only).
 */

/* xAPIC IDs are 8 bits and 0xff is the broadcast ID (SDM vol. 3A 10.6). */
#define GUEST_ACPI_MAX_VCPUS	255
#define GUEST_ACPI_LAPIC_ADDR	0xfee00000U	/* SDM vol. 3A 10.4.1 */
/* Bytes the tables take at most, for callers that reserve room first. */
#define GUEST_ACPI_MAX_SIZE	4096
/* Address windows of a root bridge: 8 functions with 6 BARs each. */
#define GUEST_ACPI_PCI_WINDOWS	48

enum guest_acpi_window_kind { GUEST_ACPI_MEM, GUEST_ACPI_IO };

struct guest_acpi_window {
	uint64_t base, size;
	uint8_t kind;		/* enum guest_acpi_window_kind */
};

/* Entries of the root bridge's _PRT: one per slot and pin at most. */
#define GUEST_ACPI_PCI_ROUTES	32

/* INTx pin `pin` (0-3: INTA-INTD) of device `slot` raises GSI `gsi`. */
struct guest_acpi_route {
	uint8_t slot, pin, gsi;
};

/* What a partition sees of PCI: guest-physical = host addresses. */
struct guest_acpi_pci {
	uint64_t ecam_base;	/* bus 0's config space; 0: ports 0xCF8 only */
	uint8_t bus_start, bus_end;
	unsigned int window_count;	/* sorted by base, disjoint */
	struct guest_acpi_window window[GUEST_ACPI_PCI_WINDOWS];
	unsigned int route_count;	/* 0: no _PRT */
	struct guest_acpi_route route[GUEST_ACPI_PCI_ROUTES];
};

struct guest_acpi_platform {
	uint16_t pm1a_evt_port;	/* PM1a_EVT_BLK: status then enable, 2+2 */
	uint16_t pm1a_cnt_port;	/* PM1a_CNT_BLK: 2 bytes */
	uint16_t pm_tmr_port;	/* PM_TMR_BLK: 4 bytes, 24-bit count; 0: none */
	uint16_t reset_port;	/* RESET_REG, a byte in I/O space */
	uint8_t reset_value;
	uint8_t s5_slp_typ;	/* SLP_TYP (PM1 control bits 12:10) of S5 */
	uint8_t sci_irq;	/* ISA IRQ of the SCI, identity-mapped GSI */
	uint8_t pit_gsi;	/* GSI of ISA IRQ 0 (the PIT), 0: identity */
	uint8_t ioapic_id;
	uint32_t ioapic_addr;
	uint8_t rtc_century;	/* CMOS index of the century byte, 0: none */
	bool pic_present;	/* an 8259 pair answers (MADT PCAT_COMPAT) */
	bool power_button;	/* PM1 has the fixed power button bits */
	const struct guest_acpi_pci *pci;	/* NULL: no PCI functions */
};

/* Guest-physical addresses of the tables; size = bytes used in buf. */
struct guest_acpi_layout {
	uint64_t rsdp, xsdt, fadt, facs, dsdt, madt;
	uint64_t mcfg;		/* 0: none */
	size_t size;
};

/*
 * Builds the tables into buf, which the guest sees at gpa (16-byte aligned,
 * below 4 GiB as the 32-bit FADT fields require). Returns 0, -EINVAL for a
 * bad request (vcpu_count 0 or above GUEST_ACPI_MAX_VCPUS, misaligned or
 * high gpa) or -ENOSPC when size is too small; *out is set on success.
 */
int guest_acpi_build(uint8_t *buf, size_t size, uint64_t gpa,
		     const struct guest_acpi_platform *plat,
		     unsigned int vcpu_count, struct guest_acpi_layout *out);

/* No windows yet; the ECAM window and buses as the host has them. */
void guest_acpi_pci_init(struct guest_acpi_pci *pci, uint64_t ecam_base,
			 uint8_t bus_start, uint8_t bus_end);
/*
 * Adds a BAR to the windows: memory rounded out to whole 4 KiB pages,
 * I/O as it is, merged with a window of its kind that it overlaps or
 * touches. Returns 0, -EINVAL for an empty or wrapping range (or I/O
 * above 0xffff), -ENOSPC when there are GUEST_ACPI_PCI_WINDOWS already.
 */
int guest_acpi_pci_add(struct guest_acpi_pci *pci, uint8_t kind,
		       uint64_t base, uint64_t size);
/*
 * Adds a _PRT entry (slot 0-31, pin 0-3); the same slot and pin again
 * must name the same GSI. -EINVAL for bad numbers or a conflict,
 * -ENOSPC when full.
 */
int guest_acpi_pci_route(struct guest_acpi_pci *pci, uint8_t slot,
			 uint8_t pin, uint8_t gsi);

#endif
