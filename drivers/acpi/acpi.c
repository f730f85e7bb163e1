/* SPDX-License-Identifier: BSD-2-Clause */
#include "drivers/acpi/acpi.h"
#include "lib/bytes.h"
#include "lib/errno.h"

/* RSDP (ACPI 6.5 5.2.5.3). */
#define RSDP_V1_LEN		20
#define RSDP_REVISION		15
#define RSDP_RSDT_ADDR		16
#define RSDP_LENGTH		20
#define RSDP_XSDT_ADDR		24
#define RSDP_V2_MIN_LEN		36
#define RSDP_SIG_LEN		8	/* "RSD PTR " */
/* System description table header (5.2.6). */
#define SDT_HEADER_LEN		36
#define SDT_LENGTH		4
#define SDT_REVISION		8
/* MADT (5.2.12) and its entries. */
#define MADT_LAPIC_ADDR		36
#define MADT_FLAGS		40
#define MADT_ENTRIES		44
#define MADT_PCAT_COMPAT	(1U << 0)
#define MADT_TYPE_LAPIC		0	/* 5.2.12.2 */
#define MADT_TYPE_IOAPIC	1	/* 5.2.12.3 */
#define MADT_TYPE_LAPIC_OVERRIDE 5	/* 5.2.12.8 */
#define MADT_TYPE_X2APIC	9	/* 5.2.12.12 */
#define LAPIC_ENABLED		(1U << 0)
#define LAPIC_ONLINE_CAPABLE	(1U << 1)	/* MADT revision >= 5 */
#define MADT_REV_ONLINE_CAPABLE	5
#define LAPIC_ID_INVALID	0xff
#define MADT_LAPIC_LEN		8
#define MADT_IOAPIC_LEN		12
#define MADT_OVERRIDE_LEN	12
#define MADT_X2APIC_LEN		16

/* FADT (5.2.9): where the DSDT is. */
#define FADT_DSDT		40
#define FADT_X_DSDT		140
#define FADT_X_DSDT_END		148

/* MCFG (PCI Firmware Specification 3.2, table 4-3). */
#define MCFG_ENTRIES		44
#define MCFG_ENTRY_LEN		16
#define MCFG_SEGMENT		8
#define MCFG_BUS_START		10
#define MCFG_BUS_END		11

#define SIG_LEN			4

static acpi_warn_fn warn;

void acpi_set_warn(acpi_warn_fn fn)
{
	warn = fn;
}

static bool sig_eq(const uint8_t *p, const char *sig, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i] != (uint8_t)sig[i])
			return false;
	return true;
}

/* A signature as text for the log: bytes outside printable ASCII as '?'. */
static void sig_text(const uint8_t *p, unsigned int n, char *out)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = p[i] >= ' ' && p[i] <= '~' ? (char)p[i] : '?';
	out[n] = '\0';
}

/*
 * Whether a length read from firmware may be mapped and summed: at least
 * the structure's header, at most ACPI_TABLE_MAX_LEN, and not wrapping
 * the address space. Otherwise the table is logged and left unread.
 */
static bool length_ok(const uint8_t *hdr, unsigned int sig_len, uint64_t phys,
		      uint64_t len, uint64_t min)
{
	char sig[RSDP_SIG_LEN + 1];

	if (len >= min && len <= ACPI_TABLE_MAX_LEN && phys + len > phys)
		return true;
	if (warn) {
		sig_text(hdr, sig_len, sig);
		warn("ACPI: table \"%s\" at %#llx gives length %llu, outside %llu to %u bytes: ignored, as firmware data that cannot be trusted",
		     sig, (unsigned long long)phys, (unsigned long long)len,
		     (unsigned long long)min, ACPI_TABLE_MAX_LEN);
	}
	return false;
}

/* Maps a whole table: first its header, for the length. */
static const uint8_t *map_table(const struct acpi_tables *t, uint64_t phys,
				uint32_t *len)
{
	const uint8_t *hdr = t->map(phys, SDT_HEADER_LEN, t->ctx);

	if (!hdr)
		return 0;
	*len = get32(hdr + SDT_LENGTH);
	if (!length_ok(hdr, SIG_LEN, phys, *len, SDT_HEADER_LEN))
		return 0;
	return t->map(phys, *len, t->ctx);
}

int acpi_init(struct acpi_tables *t, uint64_t rsdp_phys, acpi_map_fn map,
	      void *ctx)
{
	const uint8_t *rsdp = map(rsdp_phys, RSDP_V1_LEN, ctx);
	uint64_t root;

	t->map = map;
	t->ctx = ctx;
	if (!rsdp || !sig_eq(rsdp, "RSD PTR ", RSDP_SIG_LEN) ||
	    acpi_sum(rsdp, RSDP_V1_LEN))
		return -EINVAL;
	t->root_is_xsdt = false;
	root = get32(rsdp + RSDP_RSDT_ADDR);
	if (rsdp[RSDP_REVISION] >= 2) {
		uint32_t len;

		rsdp = map(rsdp_phys, RSDP_V2_MIN_LEN, ctx);
		if (!rsdp)
			return -EINVAL;
		len = get32(rsdp + RSDP_LENGTH);
		if (!length_ok(rsdp, RSDP_SIG_LEN, rsdp_phys, len,
			       RSDP_V2_MIN_LEN))
			return -EINVAL;
		rsdp = map(rsdp_phys, len, ctx);
		if (!rsdp || acpi_sum(rsdp, len))
			return -EINVAL;
		if (get64(rsdp + RSDP_XSDT_ADDR)) {
			root = get64(rsdp + RSDP_XSDT_ADDR);
			t->root_is_xsdt = true;
		}
	}
	t->root = map_table(t, root, &t->root_len);
	if (!t->root || acpi_sum(t->root, t->root_len) ||
	    !sig_eq(t->root, t->root_is_xsdt ? "XSDT" : "RSDT", 4))
		return -EINVAL;
	return 0;
}

int acpi_find_table(const struct acpi_tables *t, const char sig[4],
		    const uint8_t **table, uint32_t *len)
{
	return acpi_find_nth_table(t, sig, 0, table, len);
}

int acpi_find_nth_table(const struct acpi_tables *t, const char sig[4],
			unsigned int n, const uint8_t **table, uint32_t *len)
{
	unsigned int entry = t->root_is_xsdt ? 8 : 4;
	unsigned int count = (t->root_len - SDT_HEADER_LEN) / entry;

	for (unsigned int i = 0; i < count; i++) {
		const uint8_t *p = t->root + SDT_HEADER_LEN + i * entry;
		uint64_t phys = t->root_is_xsdt ? get64(p) : get32(p);
		const uint8_t *tbl = map_table(t, phys, len);

		if (tbl && sig_eq(tbl, sig, 4) && !acpi_sum(tbl, *len) &&
		    !n--) {
			*table = tbl;
			return 0;
		}
	}
	return -ENOENT;
}

static bool cpu_known(const struct madt_info *out, uint32_t apic_id)
{
	for (unsigned int i = 0; i < out->cpu_count; i++)
		if (out->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

static void add_cpu(struct madt_info *out, uint32_t apic_id, uint32_t uid,
		    uint32_t flags, uint8_t madt_rev, bool x2apic)
{
	bool usable = flags & LAPIC_ENABLED ||
		      (madt_rev >= MADT_REV_ONLINE_CAPABLE &&
		       flags & LAPIC_ONLINE_CAPABLE);

	if (!usable || cpu_known(out, apic_id))
		return;
	if (out->cpu_count == MAX_CPUS) {
		out->skipped_cpus++;
		return;
	}
	out->cpus[out->cpu_count++] = (struct madt_cpu){
		.apic_id = apic_id, .acpi_uid = uid, .x2apic = x2apic };
}

static void add_ioapic(struct madt_info *out, const uint8_t *e)
{
	if (out->ioapic_count == MAX_IOAPICS)
		return;
	out->ioapics[out->ioapic_count++] = (struct madt_ioapic){
		.id = e[2], .address = get32(e + 4), .gsi_base = get32(e + 8) };
}

/* Entries shorter than their type's layout are malformed. */
static int parse_entry(const uint8_t *e, uint8_t rev, struct madt_info *out)
{
	switch (e[0]) {
	case MADT_TYPE_LAPIC:
		if (e[1] < MADT_LAPIC_LEN)
			return -EINVAL;
		if (e[3] != LAPIC_ID_INVALID)
			add_cpu(out, e[3], e[2], get32(e + 4), rev, false);
		return 0;
	case MADT_TYPE_IOAPIC:
		if (e[1] < MADT_IOAPIC_LEN)
			return -EINVAL;
		add_ioapic(out, e);
		return 0;
	case MADT_TYPE_LAPIC_OVERRIDE:
		if (e[1] < MADT_OVERRIDE_LEN)
			return -EINVAL;
		out->lapic_address = get64(e + 4);
		return 0;
	case MADT_TYPE_X2APIC:
		if (e[1] < MADT_X2APIC_LEN)
			return -EINVAL;
		add_cpu(out, get32(e + 4), get32(e + 12), get32(e + 8), rev, true);
		return 0;
	default:
		return 0;
	}
}

int madt_parse(const uint8_t *madt, uint32_t len, struct madt_info *out)
{
	uint32_t off = MADT_ENTRIES;

	if (len < MADT_ENTRIES || !sig_eq(madt, "APIC", 4) ||
	    get32(madt + SDT_LENGTH) != len)
		return -EINVAL;
	*out = (struct madt_info){
		.lapic_address = get32(madt + MADT_LAPIC_ADDR),
		.pcat_compat = get32(madt + MADT_FLAGS) & MADT_PCAT_COMPAT,
	};
	while (off < len) {
		const uint8_t *e = madt + off;
		int err;

		if (len - off < 2 || e[1] < 2 || e[1] > len - off)
			return -EINVAL;
		err = parse_entry(e, madt[SDT_REVISION], out);
		if (err)
			return err;
		off += e[1];
	}
	return 0;
}

const void *acpi_identity_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)len;
	(void)ctx;
	return (const void *)(uintptr_t)phys;
}

int mcfg_parse(const uint8_t *mcfg, uint32_t len, uint16_t segment,
	       struct mcfg_window *out)
{
	if (len < MCFG_ENTRIES || !sig_eq(mcfg, "MCFG", 4) ||
	    get32(mcfg + SDT_LENGTH) != len)
		return -EINVAL;
	for (uint32_t off = MCFG_ENTRIES; off + MCFG_ENTRY_LEN <= len;
	     off += MCFG_ENTRY_LEN) {
		const uint8_t *e = mcfg + off;

		if ((uint16_t)(e[MCFG_SEGMENT] | e[MCFG_SEGMENT + 1] << 8) !=
		    segment)
			continue;
		*out = (struct mcfg_window){
			.base = get32(e) | (uint64_t)get32(e + 4) << 32,
			.bus_start = e[MCFG_BUS_START],
			.bus_end = e[MCFG_BUS_END],
		};
		return out->bus_end >= out->bus_start ? 0 : -EINVAL;
	}
	return -ENOENT;
}

int acpi_find_dsdt(const struct acpi_tables *t, const uint8_t **table,
		   uint32_t *len)
{
	const uint8_t *fadt, *dsdt;
	uint32_t fadt_len;
	uint64_t phys;

	if (acpi_find_table(t, "FACP", &fadt, &fadt_len) ||
	    fadt_len < FADT_DSDT + 4)
		return -ENOENT;
	phys = get32(fadt + FADT_DSDT);
	if (fadt_len >= FADT_X_DSDT_END && get64(fadt + FADT_X_DSDT))
		phys = get64(fadt + FADT_X_DSDT);
	dsdt = phys ? map_table(t, phys, len) : 0;
	if (!dsdt || !sig_eq(dsdt, "DSDT", 4) || acpi_sum(dsdt, *len))
		return -EINVAL;
	*table = dsdt;
	return 0;
}
