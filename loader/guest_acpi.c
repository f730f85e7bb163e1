/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ACPI tables for a partition (ACPI Specification 6.4, chapter 5). The
 * machine they describe is a PC without firmware services: no SMI command
 * port (so the guest finds itself in ACPI mode already), no GPE blocks, no
 * PM timer (no device model provides one; Linux then calibrates against
 * the PIT), no fixed sleep button, no 8042 and no VGA; the fixed power
 * button is there when the platform model has one.
 */
#include "loader/guest_acpi.h"
#include "drivers/acpi/acpi.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/string.h"

/* 5.2.5.3 RSDP; 5.2.6 table header. */
#define RSDP_V1_LEN		20
#define RSDP_LEN		36
#define RSDP_REVISION		2
#define HDR_LEN			36
#define HDR_CHECKSUM		9
#define OEM_ID			"BLKHD "
#define OEM_TABLE_ID		"BULKHEAD"
#define CREATOR_ID		"BLKH"
#define OEM_REVISION		1
#define CREATOR_REVISION	1

/* 5.2.8 XSDT. */
#define XSDT_REVISION		1
#define XSDT_ENTRIES		2

/* 5.2.9 FADT, Table 5.9: version 6.4 is 276 bytes. */
#define FADT_LEN		276
#define FADT_REVISION		6
#define FADT_MINOR		4
#define FADT_FACS		36
#define FADT_DSDT		40
#define FADT_SCI_INT		46
#define FADT_PM1A_EVT		56
#define FADT_PM1A_CNT		64
#define FADT_PM_TMR		76
#define FADT_PM1_EVT_LEN	88
#define FADT_PM1_CNT_LEN	89
#define FADT_PM_TMR_LEN		91
#define FADT_P_LVL2_LAT		96
#define FADT_P_LVL3_LAT		98
#define FADT_CENTURY		108
#define FADT_BOOT_ARCH		109
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_MINOR_VERSION	131
#define FADT_X_DSDT		140
#define FADT_X_PM1A_EVT		148
#define FADT_X_PM1A_CNT		172
#define FADT_X_PM_TMR		208
#define PM_TMR_LEN		4	/* 4.8.3.3: a 24-bit counter (no TMR_VAL_EXT) */
#define GAS_ACCESS_DWORD	3
#define PM1_EVT_LEN		4	/* 4.8.3.1: status and enable, 16 bits each */
#define PM1_CNT_LEN		2	/* 4.8.3.2 */
/* 5.2.9: latencies above 100 / 1000 us say C2 / C3 are not supported. */
#define C2_NOT_SUPPORTED	101
#define C3_NOT_SUPPORTED	1001
/* 5.2.9.3 IA-PC boot architecture flags. */
#define BOOT_ARCH_VGA_NOT_PRESENT	(1U << 2)
/* 5.2.9 Table 5.10 fixed feature flags. */
#define FADT_F_WBINVD		(1U << 0)
#define FADT_F_PROC_C1		(1U << 2)
#define FADT_F_PWR_BUTTON	(1U << 4)	/* no fixed power button */
#define FADT_F_SLP_BUTTON	(1U << 5)	/* no fixed sleep button */
#define FADT_F_FIX_RTC		(1U << 6)	/* no RTC wake status */
#define FADT_F_RESET_REG_SUP	(1U << 10)
#define FADT_FLAGS_VALUE	(FADT_F_WBINVD | FADT_F_PROC_C1 | \
				 FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | \
				 FADT_F_RESET_REG_SUP)

/* 5.2.3.2 Generic Address Structure. */
#define GAS_SYSTEM_IO		1
#define GAS_ACCESS_BYTE		1
#define GAS_ACCESS_WORD		2

/* 5.2.10 FACS: 64 bytes, 64-byte aligned, no checksum. */
#define FACS_LEN		64
#define FACS_ALIGN		64
#define FACS_VERSION		2
#define FACS_VERSION_OFF	32

/* 5.2.11.1 DSDT; 20.2 AML grammar. */
#define DSDT_REVISION		2
#define AML_NAME_OP		0x08
#define AML_PACKAGE_OP		0x12
#define AML_BYTE_PREFIX		0x0a
#define S5_ELEMENTS		4	/* 7.4.2: SLP_TYPa, SLP_TYPb, 2 reserved */

/* 5.2.12 MADT. */
#define MADT_REVISION		5
#define MADT_LAPIC_ADDR		36
#define MADT_FLAGS		40
#define MADT_PCAT_COMPAT	(1U << 0)
#define MADT_HDR_LEN		44
#define MADT_LAPIC		0	/* 5.2.12.2 */
#define MADT_LAPIC_LEN		8
#define MADT_LAPIC_ENABLED	(1U << 0)
#define MADT_IOAPIC		1	/* 5.2.12.3 */
#define MADT_IOAPIC_LEN		12
#define MADT_ISO		2	/* 5.2.12.5 */
#define MADT_ISO_LEN		10
#define MADT_LAPIC_NMI		4	/* 5.2.12.7 */
#define MADT_LAPIC_NMI_LEN	6
#define MADT_ALL_PROCESSORS	0xff
#define LINT1			1	/* where PCs wire NMI */
/* 5.2.12.5 Table 5.26 MPS INTI flags. */
#define INTI_ACTIVE_LOW		0x3
#define INTI_LEVEL		(0x3 << 2)
#define ISA_BUS			0
#define PIT_IRQ			0

#define TABLE_ALIGN		16

struct builder {
	uint8_t *buf;
	size_t size, off;
};

/* The byte that makes a table's sum 0. */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	return (uint8_t)-acpi_sum(p, len);
}

/* Reserves len zeroed bytes; returns their offset in buf or -ENOSPC. */
static long take(struct builder *b, size_t len, size_t align)
{
	size_t at = align_up(b->off, align);

	if (at > b->size || len > b->size - at)
		return -ENOSPC;
	memset(b->buf + at, 0, len);
	b->off = at + len;
	return (long)at;
}

static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	put8(t + 8, rev);
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, OEM_REVISION);
	memcpy(t + 28, CREATOR_ID, 4);
	put32(t + 32, CREATOR_REVISION);
}

static void seal(uint8_t *t, uint32_t len)
{
	t[HDR_CHECKSUM] = 0;
	t[HDR_CHECKSUM] = checksum(t, len);
}

static void gas_io(uint8_t *g, uint16_t port, uint8_t bytes, uint8_t access)
{
	put8(g, GAS_SYSTEM_IO);
	put8(g + 1, (uint8_t)(bytes * 8));
	put8(g + 2, 0);
	put8(g + 3, access);
	put64(g + 4, port);
}

static void build_fadt(uint8_t *t, const struct guest_acpi_platform *plat,
		       uint64_t facs, uint64_t dsdt)
{
	header(t, "FACP", FADT_LEN, FADT_REVISION);
	put32(t + FADT_FACS, (uint32_t)facs);
	put32(t + FADT_DSDT, (uint32_t)dsdt);
	put16(t + FADT_SCI_INT, plat->sci_irq);
	put32(t + FADT_PM1A_EVT, plat->pm1a_evt_port);
	put32(t + FADT_PM1A_CNT, plat->pm1a_cnt_port);
	put8(t + FADT_PM1_EVT_LEN, PM1_EVT_LEN);
	put8(t + FADT_PM1_CNT_LEN, PM1_CNT_LEN);
	put16(t + FADT_P_LVL2_LAT, C2_NOT_SUPPORTED);
	put16(t + FADT_P_LVL3_LAT, C3_NOT_SUPPORTED);
	put8(t + FADT_CENTURY, plat->rtc_century);
	/* No 8042 flag: Linux then skips probing a keyboard controller. */
	put16(t + FADT_BOOT_ARCH, BOOT_ARCH_VGA_NOT_PRESENT);
	put32(t + FADT_FLAGS, FADT_FLAGS_VALUE |
	      (plat->power_button ? 0 : FADT_F_PWR_BUTTON));
	gas_io(t + FADT_RESET_REG, plat->reset_port, 1, GAS_ACCESS_BYTE);
	put8(t + FADT_RESET_VALUE, plat->reset_value);
	put8(t + FADT_MINOR_VERSION, FADT_MINOR);
	/* X_FIRMWARE_CTRL stays 0: with both set, Linux maps the FACS twice. */
	put64(t + FADT_X_DSDT, dsdt);
	gas_io(t + FADT_X_PM1A_EVT, plat->pm1a_evt_port, PM1_EVT_LEN,
	       GAS_ACCESS_WORD);
	gas_io(t + FADT_X_PM1A_CNT, plat->pm1a_cnt_port, PM1_CNT_LEN,
	       GAS_ACCESS_WORD);
	if (plat->pm_tmr_port) {
		put32(t + FADT_PM_TMR, plat->pm_tmr_port);
		put8(t + FADT_PM_TMR_LEN, PM_TMR_LEN);
		gas_io(t + FADT_X_PM_TMR, plat->pm_tmr_port, PM_TMR_LEN,
		       GAS_ACCESS_DWORD);
	}
	seal(t, FADT_LEN);
}

/* Name (_S5, Package () { typ, typ, 0, 0 }), every element a ByteConst. */
static const uint8_t s5_aml_head[] = {
	AML_NAME_OP, '_', 'S', '5', '_', AML_PACKAGE_OP,
	/* PkgLength (20.2.4, one byte): itself, NumElements, elements. */
	1 + 1 + S5_ELEMENTS * 2, S5_ELEMENTS,
};
#define DSDT_LEN	(HDR_LEN + sizeof(s5_aml_head) + S5_ELEMENTS * 2)

static void build_dsdt(uint8_t *t, uint8_t slp_typ)
{
	const uint8_t values[S5_ELEMENTS] = { slp_typ, slp_typ, 0, 0 };
	uint8_t *aml = t + HDR_LEN + sizeof(s5_aml_head);

	header(t, "DSDT", DSDT_LEN, DSDT_REVISION);
	memcpy(t + HDR_LEN, s5_aml_head, sizeof(s5_aml_head));
	for (unsigned int i = 0; i < S5_ELEMENTS; i++) {
		aml[2 * i] = AML_BYTE_PREFIX;
		aml[2 * i + 1] = values[i];
	}
	seal(t, DSDT_LEN);
}

static bool pit_override(const struct guest_acpi_platform *plat)
{
	return plat->pit_gsi != PIT_IRQ;
}

static size_t madt_len(const struct guest_acpi_platform *plat,
		       unsigned int vcpus)
{
	return MADT_HDR_LEN + (size_t)vcpus * MADT_LAPIC_LEN +
	       MADT_IOAPIC_LEN + MADT_ISO_LEN * (pit_override(plat) ? 2 : 1) +
	       MADT_LAPIC_NMI_LEN;
}

static uint8_t *madt_iso(uint8_t *e, uint8_t irq, uint32_t gsi,
			 uint16_t flags)
{
	put8(e, MADT_ISO);
	put8(e + 1, MADT_ISO_LEN);
	put8(e + 2, ISA_BUS);
	put8(e + 3, irq);
	put32(e + 4, gsi);
	put16(e + 8, flags);
	return e + MADT_ISO_LEN;
}

static void build_madt(uint8_t *t, size_t len,
		       const struct guest_acpi_platform *plat,
		       unsigned int vcpus)
{
	uint8_t *e = t + MADT_HDR_LEN;

	header(t, "APIC", (uint32_t)len, MADT_REVISION);
	put32(t + MADT_LAPIC_ADDR, GUEST_ACPI_LAPIC_ADDR);
	put32(t + MADT_FLAGS, plat->pic_present ? MADT_PCAT_COMPAT : 0);
	/* vCPU i has local APIC ID i and ACPI processor UID i. */
	for (unsigned int i = 0; i < vcpus; i++, e += MADT_LAPIC_LEN) {
		put8(e, MADT_LAPIC);
		put8(e + 1, MADT_LAPIC_LEN);
		put8(e + 2, (uint8_t)i);
		put8(e + 3, (uint8_t)i);
		put32(e + 4, MADT_LAPIC_ENABLED);
	}
	put8(e, MADT_IOAPIC);
	put8(e + 1, MADT_IOAPIC_LEN);
	put8(e + 2, plat->ioapic_id);
	put32(e + 4, plat->ioapic_addr);
	put32(e + 8, 0);		/* GSI base */
	e += MADT_IOAPIC_LEN;
	/* ISA IRQs are edge/high (bus conforming) unless overridden. */
	if (pit_override(plat))
		e = madt_iso(e, PIT_IRQ, plat->pit_gsi, 0);
	/* The SCI is a shared level interrupt, active low (5.2.9, SCI_INT). */
	e = madt_iso(e, plat->sci_irq, plat->sci_irq,
		     INTI_ACTIVE_LOW | INTI_LEVEL);
	put8(e, MADT_LAPIC_NMI);
	put8(e + 1, MADT_LAPIC_NMI_LEN);
	put8(e + 2, MADT_ALL_PROCESSORS);
	put16(e + 3, 0);
	put8(e + 5, LINT1);
	seal(t, (uint32_t)len);
}

static void build_rsdp(uint8_t *r, uint64_t xsdt)
{
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, OEM_ID, 6);
	put8(r + 15, RSDP_REVISION);
	put32(r + 16, 0);	/* no RSDT: revision 2 guests use the XSDT */
	put32(r + 20, RSDP_LEN);
	put64(r + 24, xsdt);
	r[8] = checksum(r, RSDP_V1_LEN);
	r[32] = checksum(r, RSDP_LEN);
}

static int check_request(size_t size, uint64_t gpa,
			 const struct guest_acpi_platform *plat,
			 unsigned int vcpus)
{
	if (!plat || !vcpus || vcpus > GUEST_ACPI_MAX_VCPUS)
		return -EINVAL;
	if (gpa % TABLE_ALIGN || gpa >= FOUR_GIB || size > FOUR_GIB - gpa)
		return -EINVAL;
	return 0;
}

int guest_acpi_build(uint8_t *buf, size_t size, uint64_t gpa,
		     const struct guest_acpi_platform *plat,
		     unsigned int vcpu_count, struct guest_acpi_layout *out)
{
	struct builder b = { buf, size, 0 };
	long rsdp, xsdt, fadt, facs, dsdt, madt;
	int err = check_request(size, gpa, plat, vcpu_count);
	size_t mlen;

	if (err)
		return err;
	mlen = madt_len(plat, vcpu_count);
	rsdp = take(&b, RSDP_LEN, TABLE_ALIGN);
	xsdt = take(&b, HDR_LEN + XSDT_ENTRIES * 8, TABLE_ALIGN);
	fadt = take(&b, FADT_LEN, TABLE_ALIGN);
	facs = take(&b, FACS_LEN, FACS_ALIGN);
	dsdt = take(&b, DSDT_LEN, TABLE_ALIGN);
	madt = take(&b, mlen, TABLE_ALIGN);
	if (rsdp < 0 || xsdt < 0 || fadt < 0 || facs < 0 || dsdt < 0 ||
	    madt < 0)
		return -ENOSPC;
	*out = (struct guest_acpi_layout){
		.rsdp = gpa + (uint64_t)rsdp, .xsdt = gpa + (uint64_t)xsdt,
		.fadt = gpa + (uint64_t)fadt, .facs = gpa + (uint64_t)facs,
		.dsdt = gpa + (uint64_t)dsdt, .madt = gpa + (uint64_t)madt,
		.size = b.off,
	};
	memcpy(buf + facs, "FACS", 4);
	put32(buf + facs + 4, FACS_LEN);
	put8(buf + facs + FACS_VERSION_OFF, FACS_VERSION);
	build_dsdt(buf + dsdt, plat->s5_slp_typ);
	build_madt(buf + madt, mlen, plat, vcpu_count);
	build_fadt(buf + fadt, plat, out->facs, out->dsdt);
	header(buf + xsdt, "XSDT", HDR_LEN + XSDT_ENTRIES * 8, XSDT_REVISION);
	put64(buf + xsdt + HDR_LEN, out->fadt);
	put64(buf + xsdt + HDR_LEN + 8, out->madt);
	seal(buf + xsdt, HDR_LEN + XSDT_ENTRIES * 8);
	build_rsdp(buf + rsdp, out->xsdt);
	return 0;
}
