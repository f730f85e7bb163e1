/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_ACPI_ACPI_H
#define DRIVERS_ACPI_ACPI_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/limits.h"

/*
 * Reading the firmware's ACPI tables (ACPI 6.5 chapter 5.2). Physical
 * addresses go through a caller hook so host tests can hand in buffers.
 */
/* A table is valid when its bytes sum to 0, modulo 256 (ACPI 6.5 5.2.5). */
static inline uint8_t acpi_sum(const uint8_t *p, uint64_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum = (uint8_t)(sum + *p++);
	return sum;
}

/*
 * The longest table read. Lengths come from firmware and are summed byte
 * by byte, so a corrupt one (0xffffffff) would walk the checksum through
 * gigabytes of address space, MMIO included. The largest tables of real
 * machines, the DSDTs and SSDTs of big servers, are a few hundred KiB;
 * a MADT for 8192 x2APIC CPUs is 128 KiB: 16 MiB leaves ample room.
 */
#define ACPI_TABLE_MAX_LEN	(16U << 20)

/*
 * Where a rejected table is reported (a printf-like logger); none by
 * default. The hypervisor points it at its log before reading ACPI.
 */
typedef void (*acpi_warn_fn)(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void acpi_set_warn(acpi_warn_fn fn);

typedef const void *(*acpi_map_fn)(uint64_t phys, uint64_t len, void *ctx);
/* Where physical memory is identity-mapped (UEFI, and the hypervisor). */
const void *acpi_identity_map(uint64_t phys, uint64_t len, void *ctx);

struct acpi_tables {
	acpi_map_fn map;
	void *ctx;
	const uint8_t *root;	/* RSDT or XSDT */
	uint32_t root_len;
	bool root_is_xsdt;
};

struct madt_cpu {
	uint32_t apic_id;
	uint32_t acpi_uid;
	bool x2apic;
};

struct madt_ioapic {
	uint8_t id;
	uint32_t address;
	uint32_t gsi_base;
};

struct madt_info {
	uint64_t lapic_address;
	bool pcat_compat;
	unsigned int cpu_count;
	struct madt_cpu cpus[MAX_CPUS];
	unsigned int ioapic_count;
	struct madt_ioapic ioapics[MAX_IOAPICS];
	unsigned int skipped_cpus;	/* usable, beyond MAX_CPUS */
};

/* The ECAM window of one PCI segment (PCI Firmware Spec 3.2, 4.1.2). */
struct mcfg_window {
	uint64_t base;		/* where bus 0 would start */
	uint8_t bus_start, bus_end;
};

int acpi_init(struct acpi_tables *t, uint64_t rsdp_phys, acpi_map_fn map,
	      void *ctx);
/* First table with signature `sig` and a valid checksum, or -ENOENT. */
int acpi_find_table(const struct acpi_tables *t, const char sig[4],
		    const uint8_t **table, uint32_t *len);
/* The n-th (from 0) table with signature `sig`, e.g. each SSDT in turn. */
int acpi_find_nth_table(const struct acpi_tables *t, const char sig[4],
			unsigned int n, const uint8_t **table, uint32_t *len);
/* The DSDT the FADT points at (X_DSDT when set), checksum checked. */
int acpi_find_dsdt(const struct acpi_tables *t, const uint8_t **table,
		   uint32_t *len);
int madt_parse(const uint8_t *madt, uint32_t len, struct madt_info *out);
/* The MCFG entry of `segment`, or -ENOENT (-EINVAL: a malformed table). */
int mcfg_parse(const uint8_t *mcfg, uint32_t len, uint16_t segment,
	       struct mcfg_window *out);

#endif
