/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ACPI tables for a partition (ACPI Specification 6.4, chapter 5). The
 * machine they describe is a PC without firmware services: no SMI command
 * port (so the guest finds itself in ACPI mode already), no GPE blocks, a
 * PM timer when the platform model has one, no fixed sleep button, no
 * 8042 and no VGA; the fixed power button is there when the platform
 * model has one. Every partition gets them, Linux (loader/linux_boot.c)
 * or Multiboot (loader/multiboot.c). A partition with PCI functions also
 * gets the MCFG and a root bridge in the DSDT (AML written here byte by
 * byte: chapter 20 for the terms, 6.4 for resource data).
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
#define XSDT_MAX_ENTRIES	3	/* FADT, MADT, MCFG */

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

/* 5.2.11.1 DSDT; 20.2 AML encoding. */
#define DSDT_REVISION		2
#define AML_ZERO_OP		0x00	/* 20.2.3 data objects */
#define AML_ONE_OP		0x01
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_NAME_OP		0x08	/* 20.2.5.1 DefName */
#define AML_SCOPE_OP		0x10	/* 20.2.5.1 DefScope */
#define AML_BUFFER_OP		0x11	/* 20.2.5.4 DefBuffer */
#define AML_PACKAGE_OP		0x12	/* 20.2.5.4 DefPackage */
#define AML_EXT_OP_PREFIX	0x5b	/* 20.2.5.2 DefDevice: 0x5b 0x82 */
#define AML_DEVICE_OP		0x82
#define AML_ROOT_CHAR		'\\'	/* 20.2.2 */
#define AML_NAME_SEG		4
#define PRT_ENTRY_ELEMENTS	4	/* 6.2.13: address, pin, source, index */
#define PRT_ANY_FUNCTION	0xffff	/* address low word: all functions */
#define PCI_MAX_SLOT		31
#define PCI_MAX_INTX_PIN	3
/* 20.2.4 PkgLength: one byte holds 6 bits, each further byte 8 more. */
#define PKG_LEN_1BYTE_MAX	0x3f
#define PKG_LEN_MAX_BYTES	4
#define S5_ELEMENTS		4	/* 7.4.2: SLP_TYPa, SLP_TYPb, 2 reserved */

/* 6.4 resource data: small items (6.4.2), large items (6.4.3). */
#define RES_IO_PORT		0x47	/* 6.4.2.5: small item 8, 7 bytes */
#define RES_IO_DECODE16		(1U << 0)
#define RES_END_TAG		0x79	/* 6.4.2.9: small item 0xf, 1 byte */
#define RES_QWORD		0x8a	/* 6.4.3.5.1 */
#define RES_DWORD		0x87	/* 6.4.3.5.2 */
#define RES_WORD		0x88	/* 6.4.3.5.3 */
/* 6.4.3.5: type, flags and 5 fields (granularity, min, max, offset, len). */
#define RES_ADDR_FIXED_LEN	3
#define RES_ADDR_FIELDS		5
#define RES_TYPE_MEM		0	/* 6.4.3.5.1 resource type */
#define RES_TYPE_IO		1
#define RES_TYPE_BUS		2
/* 6.4.3.5 general flags: producer (bit 0 clear), fixed min/max. */
#define RES_PRODUCER		0
#define RES_CONSUMER		(1U << 0)
#define RES_MIN_FIXED		(1U << 2)
#define RES_MAX_FIXED		(1U << 3)
/* 6.4.3.5.4 type-specific flags: read-write, non-cacheable memory. */
#define RES_MEM_RW		(1U << 0)
#define RES_IO_ENTIRE_RANGE	3	/* _RNG: ISA and non-ISA ranges */
/* PCI 3.0 3.2.2.3.2: configuration mechanism #1, 0xCF8-0xCFF. */
#define PCI_CONF1_PORT		0xcf8
#define PCI_CONF1_LEN		8
#define PCI_IO_END		0x10000ULL
#define PCI_ECAM_BUS_SHIFT	20	/* PCIe 5.0 7.2.2: 1 MiB per bus */
#define PCI_ADDR_END		(1ULL << 52)	/* SDM: MAXPHYADDR <= 52 */
#define WINDOW_PAGE		0x1000ULL

/* PCI Firmware Specification 3.2, 4.1.2: MCFG, one allocation. */
#define MCFG_REVISION		1
#define MCFG_ALLOC		44	/* after 8 reserved bytes */
#define MCFG_LEN		(MCFG_ALLOC + 16)

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

/* AML and resource data, written in place into a table of cap bytes. */
struct aml {
	uint8_t *p;
	size_t len, cap;
	bool full;
};

static void aml_insert(struct aml *a, size_t at, const uint8_t *src, size_t n)
{
	if (a->full || n > a->cap - a->len) {
		a->full = true;
		return;
	}
	memmove(a->p + at + n, a->p + at, a->len - at);
	memcpy(a->p + at, src, n);
	a->len += n;
}

static void aml_bytes(struct aml *a, const void *src, size_t n)
{
	aml_insert(a, a->len, src, n);
}

static void aml_byte(struct aml *a, uint8_t v)
{
	aml_bytes(a, &v, 1);
}

static void aml_le(struct aml *a, uint64_t v, unsigned int bytes)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, bytes);
}

/* 20.2.3: the shortest constant holding v. */
static size_t integer_bytes(uint64_t v, uint8_t out[9])
{
	static const uint8_t prefix[] = { AML_BYTE_PREFIX, AML_WORD_PREFIX, 0,
					  AML_DWORD_PREFIX, 0, 0, 0,
					  AML_QWORD_PREFIX };
	unsigned int n = v <= 0xff ? 1 : v <= 0xffff ? 2 :
			 v <= 0xffffffffULL ? 4 : 8;

	if (v <= 1) {
		out[0] = v ? AML_ONE_OP : AML_ZERO_OP;
		return 1;
	}
	out[0] = prefix[n - 1];
	for (unsigned int i = 0; i < n; i++)
		out[1 + i] = (uint8_t)(v >> (8 * i));
	return 1 + n;
}

static void aml_integer(struct aml *a, uint64_t v)
{
	uint8_t b[9];

	aml_bytes(a, b, integer_bytes(v, b));
}

/* A term's PkgLength goes in front of its body once the body is known. */
static size_t aml_open(struct aml *a, uint8_t op)
{
	aml_byte(a, op);
	return a->len;
}

/* 20.2.4: the length counts itself; bits 7:6 of the lead byte say how
 * many bytes follow, which then hold bits 4 and up. */
static void aml_close(struct aml *a, size_t body)
{
	size_t n = a->len - body, extra = 0, total;
	uint8_t b[PKG_LEN_MAX_BYTES];

	while (extra < PKG_LEN_MAX_BYTES - 1 &&
	       n + 1 + extra > (extra ? (1ULL << (4 + 8 * extra)) - 1 :
				PKG_LEN_1BYTE_MAX))
		extra++;
	total = n + 1 + extra;
	b[0] = extra ? (uint8_t)(extra << 6 | (total & 0xf)) : (uint8_t)total;
	for (size_t i = 1; i <= extra; i++)
		b[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
	aml_insert(a, body, b, 1 + extra);
}

static void aml_name(struct aml *a, const char *seg)
{
	aml_byte(a, AML_NAME_OP);
	aml_bytes(a, seg, AML_NAME_SEG);
}

static void aml_name_integer(struct aml *a, const char *seg, uint64_t v)
{
	aml_name(a, seg);
	aml_integer(a, v);
}

/* The ASL EISAID() macro (ACPI 6.4 19.6.35, 6.1.5): three letters of 5
 * bits and four hex digits, stored as a big-endian DWordConst. */
static void aml_name_eisaid(struct aml *a, const char *seg, const char *id)
{
	uint32_t v = (uint32_t)(id[0] - '@') << 26 |
		     (uint32_t)(id[1] - '@') << 21 |
		     (uint32_t)(id[2] - '@') << 16;

	for (unsigned int i = 3; i < 7; i++)
		v |= (uint32_t)(id[i] <= '9' ? id[i] - '0' : id[i] - 'A' + 10)
		     << (4 * (6 - i));
	aml_name(a, seg);
	aml_byte(a, AML_DWORD_PREFIX);
	aml_le(a, (uint32_t)(v >> 24 | (v >> 8 & 0xff00) |
			     (v << 8 & 0xff0000) | v << 24), 4);
}

/* Name (_S5, Package () { typ, typ, 0, 0 }), every element a ByteConst. */
static void aml_s5(struct aml *a, uint8_t slp_typ)
{
	const uint8_t values[S5_ELEMENTS] = { slp_typ, slp_typ, 0, 0 };
	size_t pkg;

	aml_name(a, "_S5_");
	pkg = aml_open(a, AML_PACKAGE_OP);
	aml_byte(a, S5_ELEMENTS);
	for (unsigned int i = 0; i < S5_ELEMENTS; i++) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_byte(a, values[i]);
	}
	aml_close(a, pkg);
}

/* 6.4.3.5.1-3: a fixed window [min, min + len); Word, DWord or QWord. */
static void res_address(struct aml *a, uint8_t type, uint8_t flags,
			uint8_t type_flags, uint64_t min, uint64_t len)
{
	uint64_t max = min + len - 1;
	unsigned int w = max > 0xffffffffULL ? 8 : type == RES_TYPE_MEM ? 4 : 2;

	aml_byte(a, w == 8 ? RES_QWORD : w == 4 ? RES_DWORD : RES_WORD);
	aml_le(a, RES_ADDR_FIXED_LEN + RES_ADDR_FIELDS * w, 2);
	aml_byte(a, type);
	aml_byte(a, flags | RES_MIN_FIXED | RES_MAX_FIXED);
	aml_byte(a, type_flags);
	aml_le(a, 0, w);	/* granularity: 0 for a fixed window */
	aml_le(a, min, w);
	aml_le(a, max, w);
	aml_le(a, 0, w);	/* no translation */
	aml_le(a, len, w);
}

static void res_window(struct aml *a, const struct guest_acpi_window *w)
{
	if (w->kind == GUEST_ACPI_IO)
		res_address(a, RES_TYPE_IO, RES_PRODUCER, RES_IO_ENTIRE_RANGE,
			    w->base, w->size);
	else
		res_address(a, RES_TYPE_MEM, RES_PRODUCER, RES_MEM_RW, w->base,
			    w->size);
}

/* 6.4.2.5: IO (Decode16, port, port, 1, len). */
static void res_io_port(struct aml *a, uint16_t port, uint8_t len)
{
	aml_byte(a, RES_IO_PORT);
	aml_byte(a, RES_IO_DECODE16);
	aml_le(a, port, 2);
	aml_le(a, port, 2);
	aml_byte(a, 1);
	aml_byte(a, len);
}

/* Name (_CRS, ResourceTemplate () {...}): a Buffer whose size comes
 * first, so it is put in front once the descriptors are written. */
static size_t aml_crs_open(struct aml *a)
{
	aml_name(a, "_CRS");
	return aml_open(a, AML_BUFFER_OP);
}

static void aml_crs_close(struct aml *a, size_t body)
{
	uint8_t b[9];

	aml_byte(a, RES_END_TAG);
	aml_byte(a, 0);		/* checksum 0: not checked (6.4.2.9) */
	if (!a->full)
		aml_insert(a, body, b, integer_bytes(a->len - body, b));
	aml_close(a, body);
}

static size_t aml_device(struct aml *a, const char *seg)
{
	size_t body;

	aml_byte(a, AML_EXT_OP_PREFIX);
	body = aml_open(a, AML_DEVICE_OP);
	aml_bytes(a, seg, AML_NAME_SEG);
	return body;
}

/*
 * Name (_PRT, Package () { Package () { 0xSSSSFFFF, pin, Zero, GSI }...}):
 * source 0, so each entry names its GSI (ACPI 6.4 6.2.13), which the
 * guest takes as level-triggered, active low and shareable.
 */
static void aml_prt(struct aml *a, const struct guest_acpi_pci *pci)
{
	size_t table;

	aml_name(a, "_PRT");
	table = aml_open(a, AML_PACKAGE_OP);
	aml_byte(a, (uint8_t)pci->route_count);
	for (unsigned int i = 0; i < pci->route_count; i++) {
		const struct guest_acpi_route *r = &pci->route[i];
		size_t entry = aml_open(a, AML_PACKAGE_OP);

		aml_byte(a, PRT_ENTRY_ELEMENTS);
		aml_byte(a, AML_DWORD_PREFIX);	/* the form iasl writes */
		aml_le(a, (uint32_t)r->slot << 16 | PRT_ANY_FUNCTION, 4);
		aml_integer(a, r->pin);
		aml_byte(a, AML_ZERO_OP);	/* no link device */
		aml_integer(a, r->gsi);
		aml_close(a, entry);
	}
	aml_close(a, table);
}

/* Device (PCI0): the root bridge of the partition's functions. */
static void aml_pci_root(struct aml *a, const struct guest_acpi_pci *pci)
{
	size_t dev = aml_device(a, "PCI0"), crs;

	aml_name_eisaid(a, "_HID", "PNP0A08");	/* PCI Express root */
	aml_name_eisaid(a, "_CID", "PNP0A03");	/* PCI root */
	aml_name_integer(a, "_UID", 0);
	aml_name_integer(a, "_SEG", 0);
	aml_name_integer(a, "_BBN", pci->bus_start);
	crs = aml_crs_open(a);
	res_address(a, RES_TYPE_BUS, RES_PRODUCER, 0, pci->bus_start,
		    (uint64_t)pci->bus_end - pci->bus_start + 1);
	res_io_port(a, PCI_CONF1_PORT, PCI_CONF1_LEN);
	for (unsigned int i = 0; i < pci->window_count; i++)
		res_window(a, &pci->window[i]);
	aml_crs_close(a, crs);
	if (pci->route_count)
		aml_prt(a, pci);
	aml_close(a, dev);
}

/* Device (MRES): motherboard resources (PNP0C02) holding the ECAM window
 * of the partition's buses, which Linux wants reserved before it uses
 * the MCFG. */
static void aml_ecam_reserved(struct aml *a, const struct guest_acpi_pci *pci)
{
	size_t dev = aml_device(a, "MRES"), crs;
	uint64_t start = pci->ecam_base +
			 ((uint64_t)pci->bus_start << PCI_ECAM_BUS_SHIFT);

	aml_name_eisaid(a, "_HID", "PNP0C02");
	crs = aml_crs_open(a);
	res_address(a, RES_TYPE_MEM, RES_CONSUMER, RES_MEM_RW, start,
		    ((uint64_t)pci->bus_end - pci->bus_start + 1) <<
		    PCI_ECAM_BUS_SHIFT);
	aml_crs_close(a, crs);
	aml_close(a, dev);
}

static void aml_pci(struct aml *a, const struct guest_acpi_pci *pci)
{
	size_t scope = aml_open(a, AML_SCOPE_OP);

	aml_byte(a, AML_ROOT_CHAR);
	aml_bytes(a, "_SB_", AML_NAME_SEG);
	aml_pci_root(a, pci);
	if (pci->ecam_base)
		aml_ecam_reserved(a, pci);
	aml_close(a, scope);
}

/* Builds the DSDT at t (cap bytes); returns its length, 0 when full. */
static size_t build_dsdt(uint8_t *t, size_t cap,
			 const struct guest_acpi_platform *plat)
{
	struct aml a = { t, HDR_LEN, cap, cap < HDR_LEN };

	aml_s5(&a, plat->s5_slp_typ);
	if (plat->pci)
		aml_pci(&a, plat->pci);
	if (a.full)
		return 0;
	header(t, "DSDT", (uint32_t)a.len, DSDT_REVISION);
	seal(t, (uint32_t)a.len);
	return a.len;
}

static void build_mcfg(uint8_t *t, const struct guest_acpi_pci *pci)
{
	header(t, "MCFG", MCFG_LEN, MCFG_REVISION);
	put64(t + MCFG_ALLOC, pci->ecam_base);	/* bus 0's, whatever start */
	put16(t + MCFG_ALLOC + 8, 0);		/* PCI segment group */
	put8(t + MCFG_ALLOC + 10, pci->bus_start);
	put8(t + MCFG_ALLOC + 11, pci->bus_end);
	seal(t, MCFG_LEN);
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

static bool pci_valid(const struct guest_acpi_pci *pci)
{
	if (pci->bus_start > pci->bus_end ||
	    pci->window_count > GUEST_ACPI_PCI_WINDOWS)
		return false;
	for (unsigned int i = 0; i < pci->window_count; i++) {
		const struct guest_acpi_window *w = &pci->window[i];

		if (!w->size || w->base + w->size < w->base ||
		    w->base + w->size > (w->kind == GUEST_ACPI_IO ?
					 PCI_IO_END : PCI_ADDR_END))
			return false;
	}
	return true;
}

static int check_request(size_t size, uint64_t gpa,
			 const struct guest_acpi_platform *plat,
			 unsigned int vcpus)
{
	if (!plat || !vcpus || vcpus > GUEST_ACPI_MAX_VCPUS)
		return -EINVAL;
	if (gpa % TABLE_ALIGN || gpa >= FOUR_GIB || size > FOUR_GIB - gpa)
		return -EINVAL;
	if (plat->pci && !pci_valid(plat->pci))
		return -EINVAL;
	return 0;
}

/* The DSDT's length is known once it is written: it is built in place. */
static long take_dsdt(struct builder *b, const struct guest_acpi_platform *plat)
{
	long at = take(b, 0, TABLE_ALIGN);
	size_t len;

	if (at < 0)
		return at;
	len = build_dsdt(b->buf + at, b->size - (size_t)at, plat);
	if (!len)
		return -ENOSPC;
	b->off += len;
	return at;
}

static void build_xsdt(uint8_t *t, const struct guest_acpi_layout *lay)
{
	const uint64_t entries[XSDT_MAX_ENTRIES] = { lay->fadt, lay->madt,
						      lay->mcfg };
	unsigned int n = lay->mcfg ? 3 : 2;
	uint32_t len = HDR_LEN + n * 8;

	header(t, "XSDT", len, XSDT_REVISION);
	for (unsigned int i = 0; i < n; i++)
		put64(t + HDR_LEN + 8 * i, entries[i]);
	seal(t, len);
}

int guest_acpi_build(uint8_t *buf, size_t size, uint64_t gpa,
		     const struct guest_acpi_platform *plat,
		     unsigned int vcpu_count, struct guest_acpi_layout *out)
{
	struct builder b = { buf, size, 0 };
	long rsdp, xsdt, fadt, facs, dsdt, madt, mcfg = 0;
	int err = check_request(size, gpa, plat, vcpu_count);
	bool has_mcfg;
	size_t mlen;

	if (err)
		return err;
	has_mcfg = plat->pci && plat->pci->ecam_base;
	mlen = madt_len(plat, vcpu_count);
	rsdp = take(&b, RSDP_LEN, TABLE_ALIGN);
	xsdt = take(&b, HDR_LEN + (has_mcfg ? 3 : 2) * 8, TABLE_ALIGN);
	fadt = take(&b, FADT_LEN, TABLE_ALIGN);
	facs = take(&b, FACS_LEN, FACS_ALIGN);
	dsdt = rsdp < 0 || xsdt < 0 || fadt < 0 || facs < 0 ? -ENOSPC :
	       take_dsdt(&b, plat);
	madt = take(&b, mlen, TABLE_ALIGN);
	if (has_mcfg)
		mcfg = take(&b, MCFG_LEN, TABLE_ALIGN);
	if (rsdp < 0 || xsdt < 0 || fadt < 0 || facs < 0 || dsdt < 0 ||
	    madt < 0 || mcfg < 0)
		return -ENOSPC;
	*out = (struct guest_acpi_layout){
		.rsdp = gpa + (uint64_t)rsdp, .xsdt = gpa + (uint64_t)xsdt,
		.fadt = gpa + (uint64_t)fadt, .facs = gpa + (uint64_t)facs,
		.dsdt = gpa + (uint64_t)dsdt, .madt = gpa + (uint64_t)madt,
		.mcfg = has_mcfg ? gpa + (uint64_t)mcfg : 0,
		.size = b.off,
	};
	memcpy(buf + facs, "FACS", 4);
	put32(buf + facs + 4, FACS_LEN);
	put8(buf + facs + FACS_VERSION_OFF, FACS_VERSION);
	build_madt(buf + madt, mlen, plat, vcpu_count);
	if (has_mcfg)
		build_mcfg(buf + mcfg, plat->pci);
	build_fadt(buf + fadt, plat, out->facs, out->dsdt);
	build_xsdt(buf + xsdt, out);
	build_rsdp(buf + rsdp, out->xsdt);
	return 0;
}

void guest_acpi_pci_init(struct guest_acpi_pci *pci, uint64_t ecam_base,
			 uint8_t bus_start, uint8_t bus_end)
{
	*pci = (struct guest_acpi_pci){
		.ecam_base = ecam_base,
		.bus_start = bus_start,
		.bus_end = bus_end,
	};
}

static bool window_before(const struct guest_acpi_window *w, uint8_t kind,
			  uint64_t base)
{
	return w->kind < kind || (w->kind == kind && w->base < base);
}

int guest_acpi_pci_add(struct guest_acpi_pci *pci, uint8_t kind,
		       uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	unsigned int i;

	if (!size || end < base ||
	    end > (kind == GUEST_ACPI_IO ? PCI_IO_END : PCI_ADDR_END))
		return -EINVAL;
	if (kind == GUEST_ACPI_MEM) {
		base &= ~(WINDOW_PAGE - 1);
		end = align_up(end, WINDOW_PAGE);
	}
	/* Take in every window of its kind it overlaps or touches. */
	for (i = 0; i < pci->window_count;) {
		struct guest_acpi_window *w = &pci->window[i];

		if (w->kind != kind || w->base > end ||
		    w->base + w->size < base) {
			i++;
			continue;
		}
		base = w->base < base ? w->base : base;
		end = w->base + w->size > end ? w->base + w->size : end;
		memmove(w, w + 1, (pci->window_count - i - 1) * sizeof(*w));
		pci->window_count--;
	}
	if (pci->window_count == GUEST_ACPI_PCI_WINDOWS)
		return -ENOSPC;
	for (i = 0; i < pci->window_count &&
		    window_before(&pci->window[i], kind, base); i++)
		;
	memmove(&pci->window[i + 1], &pci->window[i],
		(pci->window_count - i) * sizeof(pci->window[0]));
	pci->window[i] = (struct guest_acpi_window){ base, end - base, kind };
	pci->window_count++;
	return 0;
}

int guest_acpi_pci_route(struct guest_acpi_pci *pci, uint8_t slot,
			 uint8_t pin, uint8_t gsi)
{
	if (slot > PCI_MAX_SLOT || pin > PCI_MAX_INTX_PIN)
		return -EINVAL;
	for (unsigned int i = 0; i < pci->route_count; i++)
		if (pci->route[i].slot == slot && pci->route[i].pin == pin)
			return pci->route[i].gsi == gsi ? 0 : -EINVAL;
	if (pci->route_count == GUEST_ACPI_PCI_ROUTES)
		return -ENOSPC;
	pci->route[pci->route_count++] =
		(struct guest_acpi_route){ slot, pin, gsi };
	return 0;
}
