/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_VTD_TABLES_H
#define ARCH_X86_IOMMU_VTD_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/iommu/iommu.h"
#include "arch/x86/paging.h"

/*
 * Intel VT-d, the part without hardware: the ACPI DMAR table, the memory
 * structures the remapping unit reads (root, context, page-table and
 * interrupt-remapping entries), invalidation descriptors and fault
 * records. Numbers from the Intel VT-d spec rev 3.x, sections cited per item.
 */

#define VTD_MAX_UNITS		4
#define VTD_MAX_RANGES		32	/* requester-ID ranges per unit */
#define VTD_MAX_SOURCES		8	/* I/O APICs and HPETs per unit */

/* DMAR device scope types (8.3.1). */
#define VTD_SCOPE_ENDPOINT	1
#define VTD_SCOPE_BRIDGE	2
#define VTD_SCOPE_IOAPIC	3
#define VTD_SCOPE_HPET		4

/* An interrupt source that is no PCI function, and its source ID. */
struct vtd_source {
	uint8_t type;		/* VTD_SCOPE_IOAPIC or VTD_SCOPE_HPET */
	uint8_t id;		/* I/O APIC ID or HPET number */
	uint16_t sid;
};

/* One DRHD: a remapping unit and the requesters it translates. */
struct vtd_drhd {
	uint64_t base;		/* register block */
	uint16_t segment;
	bool include_all;	/* every function no other unit lists */
	unsigned int range_count, source_count;
	struct { uint16_t first, last; } ranges[VTD_MAX_RANGES];
	struct vtd_source sources[VTD_MAX_SOURCES];
};

struct vtd_dmar {
	unsigned int host_address_width;	/* bits */
	bool intr_remap, x2apic_opt_out;
	unsigned int unit_count;
	struct vtd_drhd units[VTD_MAX_UNITS];
};

/* A PCI config-space dword (struct pci_access's read), for bus numbers. */
typedef uint32_t (*vtd_config_read_fn)(void *ctx, uint16_t rid,
				       unsigned int offset);

/*
 * Parses a whole DMAR table (the caller checked its checksum); device
 * scope paths through bridges are resolved with `read`. 0, or -EINVAL for
 * a malformed table, -E2BIG when it exceeds the limits above.
 */
int vtd_parse_dmar(const uint8_t *table, uint32_t len, vtd_config_read_fn read,
		   void *ctx, struct vtd_dmar *out);
/* The unit that translates segment 0's rid, or -ENOENT. */
int vtd_unit_of(const struct vtd_dmar *d, uint16_t rid);
/* The source ID of I/O APIC `id` and its unit, or -ENOENT. */
int vtd_ioapic_sid(const struct vtd_dmar *d, uint8_t id, uint16_t *sid);

/* CAP register fields (10.4.2). */
#define VTD_CAP_ND(c)		((unsigned int)(c) & 7)
#define VTD_CAP_RWBF		(1ULL << 4)
#define VTD_CAP_PLMR		(1ULL << 5)
#define VTD_CAP_PHMR		(1ULL << 6)
#define VTD_CAP_CM		(1ULL << 7)
#define VTD_CAP_SAGAW(c)	((unsigned int)((c) >> 8) & 0x1f)
#define VTD_CAP_FRO(c)		((unsigned int)(((c) >> 24) & 0x3ff) * 16)
#define VTD_CAP_SLLPS_2M	(1ULL << 34)
#define VTD_CAP_SLLPS_1G	(1ULL << 35)
#define VTD_CAP_NFR(c)		((unsigned int)((c) >> 40 & 0xff) + 1)
/* ECAP register fields (10.4.3). */
#define VTD_ECAP_C		(1ULL << 0)
#define VTD_ECAP_QI		(1ULL << 1)
#define VTD_ECAP_IR		(1ULL << 3)
#define VTD_ECAP_IRO(e)		((unsigned int)(((e) >> 8) & 0x3ff) * 16)

/*
 * The context entry's AW for this CAP: 2 (48-bit, 4-level) when SAGAW has
 * it, else 1 (39-bit, 3-level), else -ENOTSUP. Levels = AW + 2.
 */
int vtd_pick_aw(uint64_t cap);

/* A 128-bit table entry or descriptor, low qword first. */
struct vtd_entry {
	uint64_t lo, hi;
};

#define VTD_ENTRY_PRESENT	(1ULL << 0)	/* root, context, IRTE */
struct vtd_entry vtd_root_entry(uint64_t context_table);
/* Translates untranslated requests through `slpt`; domain 0 has DID 1. */
struct vtd_entry vtd_context_entry(uint64_t slpt, int aw, unsigned int domain);

/* Second-level paging entries (9.8): R/W, PS for 2 MiB and 1 GiB. */
extern const struct pt_format pt_format_vtd;

/* IRTE delivery modes (9.10). */
#define VTD_DLM_FIXED		0
#define VTD_DLM_NMI		4
/* IRTE bit 4, trigger mode: level (VT-d 3.4, 9.10). */
#define VTD_IRTE_LEVEL		(1ULL << 4)
/*
 * An IRTE: edge, physical destination `apic_id` (xAPIC, EIME=0), accepted
 * only from requester `sid` exactly (SVT=1, SQ=0). apic_id must be < 256.
 */
struct vtd_entry vtd_irte(uint8_t vector, uint32_t apic_id, unsigned int dlm,
			  uint16_t sid);
/*
 * An IRTE's low half masked (P clear: the message is blocked, FPD set:
 * no fault recorded; 9.10) or not; an empty entry stays empty.
 */
uint64_t vtd_irte_masked(uint64_t lo, bool masked);
/* What a device writes to raise IRTE `handle` (5.1.5.2), data 0. */
struct iommu_msi vtd_msi(unsigned int handle);
/* The remappable I/O APIC redirection entry for IRTE `handle` (5.1.5.1). */
uint64_t vtd_ioapic_rte(unsigned int handle, uint8_t vector);

/* Queued-invalidation descriptors (6.5.2). */
struct vtd_entry vtd_inv_context_global(void);
struct vtd_entry vtd_inv_iotlb_global(void);
struct vtd_entry vtd_inv_iec_global(void);
/* Writes `data` to the 4-byte-aligned `status` when done; no interrupt. */
struct vtd_entry vtd_inv_wait(uint64_t status, uint32_t data);

/* Fault record (9.9, 10.4.14): F bit and decoding. */
#define VTD_FRCD_F		(1ULL << 63)	/* in the high qword */
void vtd_decode_fault(struct vtd_entry rec, struct iommu_fault *f);

#endif
