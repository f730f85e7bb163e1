/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IOMMU_AMD_VI_TABLES_H
#define ARCH_X86_IOMMU_AMD_VI_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/iommu/iommu.h"
#include "arch/x86/paging.h"

/*
 * The pure half of the AMD-Vi driver: the ACPI IVRS table, device table
 * entries, the I/O page-table format, commands, interrupt remapping
 * entries and event-log records (AMD IOMMU spec 48882 rev 3.x). No
 * hardware access here, so host unit tests cover all of it.
 */

#define AMD_VI_MAX_UNITS	8	/* one per root complex on large EPYCs */
#define AMD_VI_MAX_ALIASES	32
#define AMD_VI_DEVICE_IDS	0x10000	/* bus << 8 | devfn, one PCI segment */

/* An I/O APIC as the IVHD names it (special entry, variety I/O APIC). */
struct amd_vi_ioapic {
	uint8_t id;		/* the MADT's I/O APIC ID */
	uint16_t devid;		/* the requester ID its interrupts carry */
	uint8_t setting;	/* the DTE-setting byte (INITPass, NMIPass...) */
};

/* Requests of [first, last] arrive with requester ID `used`. */
struct amd_vi_alias {
	uint16_t first, last, used;
};

struct amd_vi_unit {
	uint64_t mmio;		/* register base, 16 KiB */
	uint16_t devid;		/* the IOMMU's own PCI function */
	uint16_t segment;
	uint8_t flags;		/* IVHD flags: HtTunEn, PassPW, ResPassPW, Isoc */
};

struct amd_vi_ivrs {
	unsigned int units;
	struct amd_vi_unit unit[AMD_VI_MAX_UNITS];
	unsigned int listed;	/* device IDs the entries name */
	unsigned int ivmds;	/* memory ranges firmware wants kept mapped */
	unsigned int aliases;
	struct amd_vi_alias alias[AMD_VI_MAX_ALIASES];
	unsigned int ioapics;
	struct amd_vi_ioapic ioapic[IOMMU_MAX_IOAPICS];
};

/*
 * Reads the IVRS (header checked by the caller): every IVHD block of the
 * highest type present among 0x10/0x11/0x40. 0, or -EINVAL for a
 * malformed table, -E2BIG when it names more than we hold, -ENOENT
 * without IVHD.
 */
int amd_vi_parse_ivrs(const uint8_t *t, uint32_t len, struct amd_vi_ivrs *out);
/* The requester ID a request of `rid` carries (itself unless aliased). */
uint16_t amd_vi_alias_of(const struct amd_vi_ivrs *ivrs, uint16_t rid);
const struct amd_vi_ioapic *amd_vi_ioapic_of(const struct amd_vi_ivrs *ivrs,
					     uint8_t id);

/* Device table entries: 256 bits as four qwords. */
struct amd_vi_dte {
	uint64_t q[4];
};

/* Neither DMA nor any interrupt of this requester gets through. */
struct amd_vi_dte amd_vi_dte_blocked(void);
/* DMA through the 4-level table at root, interrupts through irt. */
struct amd_vi_dte amd_vi_dte_translated(uint64_t root, uint16_t domain_id,
					uint64_t irt);
/* No DMA; interrupts through irt, pass bits from the IVHD setting + NMI. */
struct amd_vi_dte amd_vi_dte_ioapic(uint64_t irt, uint8_t setting);

/* The I/O page-table format (v1 host table), for arch/x86/paging.c. */
extern const struct pt_format amd_vi_pt_format;
#define AMD_VI_PT_LEVELS	4	/* DTE Mode: 48-bit IOVAs */

/* Commands: 128 bits as two qwords. */
struct amd_vi_cmd {
	uint64_t q[2];
};

struct amd_vi_cmd amd_vi_cmd_completion_wait(uint64_t store, uint64_t data);
struct amd_vi_cmd amd_vi_cmd_inv_dte(uint16_t devid);
struct amd_vi_cmd amd_vi_cmd_inv_domain(uint16_t domain_id);
struct amd_vi_cmd amd_vi_cmd_inv_irt(uint16_t devid);
struct amd_vi_cmd amd_vi_cmd_inv_all(void);

/* Interrupt remapping: a table of 32-bit entries per requester. */
#define AMD_VI_IRT_LEN_LOG2	6	/* 2^6 = IOMMU_IRQS_PER_DEVICE */
#define AMD_VI_IRT_BYTES	(4U << AMD_VI_IRT_LEN_LOG2)
_Static_assert((1U << AMD_VI_IRT_LEN_LOG2) == IOMMU_IRQS_PER_DEVICE,
	       "the interrupt table holds every remapped vector");

enum amd_vi_int_type { AMD_VI_INT_FIXED, AMD_VI_INT_NMI };

/* The entry delivering `vector` to the xAPIC `dest`, physical mode. */
uint32_t amd_vi_irte(uint8_t dest, uint8_t vector, enum amd_vi_int_type type);
/*
 * That entry masked (RemapEn clear: the IOMMU target-aborts the message,
 * SupIOPF set: no event logged) or not; an empty entry stays empty.
 */
uint32_t amd_vi_irte_masked(uint32_t irte, bool masked);
/* What the device must write so that its interrupt uses entry `index`. */
struct iommu_msi amd_vi_msi(unsigned int index);
/* The I/O APIC entry that raises an NMI at apic_id (passed by NMIPass). */
uint64_t amd_vi_ioapic_nmi_rte(uint8_t apic_id);

/* One 128-bit event-log record; false for an empty (not yet written) one. */
bool amd_vi_decode_event(const uint64_t ev[2], struct iommu_fault *f);

#endif
