/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/acpi/acpi.h"
#include "lib/errno.h"

/* The MADT of QEMU 7.2 q35 with -smp 4 under OVMF, captured at boot. */
static const uint8_t qemu_q35_smp4_madt[] = {
	0x41,0x50,0x49,0x43,0x90,0x00,0x00,0x00,0x01,0x4b,0x42,0x4f,0x43,0x48,0x53,0x20,
	0x42,0x58,0x50,0x43,0x20,0x20,0x20,0x20,0x01,0x00,0x00,0x00,0x42,0x58,0x50,0x43,
	0x01,0x00,0x00,0x00,0x00,0x00,0xe0,0xfe,0x01,0x00,0x00,0x00,0x00,0x08,0x00,0x00,
	0x01,0x00,0x00,0x00,0x00,0x08,0x01,0x01,0x01,0x00,0x00,0x00,0x00,0x08,0x02,0x02,
	0x01,0x00,0x00,0x00,0x00,0x08,0x03,0x03,0x01,0x00,0x00,0x00,0x01,0x0c,0x00,0x00,
	0x00,0x00,0xc0,0xfe,0x00,0x00,0x00,0x00,0x02,0x0a,0x00,0x00,0x02,0x00,0x00,0x00,
	0x00,0x00,0x02,0x0a,0x00,0x05,0x05,0x00,0x00,0x00,0x0d,0x00,0x02,0x0a,0x00,0x09,
	0x09,0x00,0x00,0x00,0x0d,0x00,0x02,0x0a,0x00,0x0a,0x0a,0x00,0x00,0x00,0x0d,0x00,
	0x02,0x0a,0x00,0x0b,0x0b,0x00,0x00,0x00,0x0d,0x00,0x04,0x06,0xff,0x00,0x00,0x01,
};

/* Fake physical memory: tables live in `mem` at fake address BASE + off. */
#define BASE 0xe0000ULL
static uint8_t mem[8192];
static size_t used;

static uint64_t longest_map;	/* the longest length asked of fake_map */

static const void *fake_map(uint64_t phys, uint64_t len, void *ctx)
{
	(void)ctx;
	if (len > longest_map)
		longest_map = len;
	if (phys < BASE || phys - BASE + len > sizeof(mem))
		return NULL;
	return mem + (phys - BASE);
}

static void fix_checksum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

static uint64_t put(const void *data, size_t len)
{
	uint64_t phys = BASE + used;

	memcpy(mem + used, data, len);
	used += (len + 15) & ~15UL;
	return phys;
}

static uint64_t put_table(const char *sig, const uint8_t *body, size_t len)
{
	uint8_t t[1024] = { 0 };
	uint32_t total = 36 + len;

	memcpy(t, sig, 4);
	memcpy(t + 4, &total, 4);
	t[8] = 1;
	memcpy(t + 10, "BOCHS ", 6);
	memcpy(t + 36, body, len);
	fix_checksum(t, total, 9);
	return put(t, total);
}

static uint64_t put_root(const char *sig, const uint64_t *tables, int n,
			 int entry_size)
{
	uint8_t body[256];

	for (int i = 0; i < n; i++)
		memcpy(body + i * entry_size, &tables[i], entry_size);
	return put_table(sig, body, n * entry_size);
}

static uint64_t put_rsdp(int revision, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t r[36] = "RSD PTR ";
	uint32_t len = 36;

	memcpy(r + 9, "BOCHS ", 6);
	r[15] = revision;
	memcpy(r + 16, &rsdt, 4);
	memcpy(r + 20, &len, 4);
	memcpy(r + 24, &xsdt, 8);
	fix_checksum(r, 20, 8);
	fix_checksum(r, 36, 32);
	return put(r, revision >= 2 ? 36 : 20);
}

static uint64_t put_qemu_madt(void)
{
	uint64_t phys = BASE + used;

	put(qemu_q35_smp4_madt, sizeof(qemu_q35_smp4_madt));
	return phys;
}

static char warning[512];
static unsigned int warnings;

static void capture_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(warning, sizeof(warning), fmt, ap);
	va_end(ap);
	warnings++;
}

static int setup(void **state)
{
	(void)state;
	memset(mem, 0, sizeof(mem));
	used = 0;
	longest_map = 0;
	warning[0] = '\0';
	warnings = 0;
	acpi_set_warn(capture_warn);
	return 0;
}

static void set_length(uint64_t phys, size_t at, uint32_t len)
{
	memcpy(mem + (phys - BASE) + at, &len, 4);
}

static void assert_warned(const char *sig, uint64_t phys)
{
	char addr[32];

	snprintf(addr, sizeof(addr), "%#llx", (unsigned long long)phys);
	assert_int_equal(warnings, 1);
	if (!strstr(warning, sig) || !strstr(warning, addr))
		fail_msg("\"%s\" names not %s at %s", warning, sig, addr);
	warnings = 0;
}

/*
 * Lengths are firmware data: one too short for a header, or absurdly
 * long, is reported by signature and address and never mapped.
 */
static void test_table_lengths_bounded(void **state)
{
	struct acpi_tables t;
	const uint8_t *tbl;
	uint32_t len;
	uint64_t tables[2], rsdp, xsdt;
	uint8_t body[8] = { 0 };

	(void)state;
	tables[0] = put_table("HPET", body, sizeof(body));
	tables[1] = put_qemu_madt();
	xsdt = put_root("XSDT", tables, 2, 8);
	rsdp = put_rsdp(2, 0, xsdt);
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), 0);
	assert_int_equal(warnings, 0);

	set_length(tables[0], 4, 0xffffffffU);
	assert_int_equal(acpi_find_table(&t, "HPET", &tbl, &len), -ENOENT);
	assert_warned("HPET", tables[0]);
	assert_true(longest_map <= ACPI_TABLE_MAX_LEN);
	set_length(tables[0], 4, ACPI_TABLE_MAX_LEN + 1);
	assert_int_equal(acpi_find_table(&t, "HPET", &tbl, &len), -ENOENT);
	assert_warned("HPET", tables[0]);
	set_length(tables[0], 4, 35);
	assert_int_equal(acpi_find_table(&t, "HPET", &tbl, &len), -ENOENT);
	assert_warned("HPET", tables[0]);
	/* The bad table does not hide the good one after it. */
	assert_int_equal(acpi_find_table(&t, "APIC", &tbl, &len), 0);
	assert_warned("HPET", tables[0]);

	set_length(xsdt, 4, 0x80000000U);
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), -EINVAL);
	assert_warned("XSDT", xsdt);
	set_length(rsdp, 20, 0xfffffff0U);
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), -EINVAL);
	assert_warned("RSD PTR ", rsdp);
	assert_true(longest_map <= ACPI_TABLE_MAX_LEN);
}

static void test_qemu_madt_lists_four_cpus_and_ioapic(void **state)
{
	struct madt_info info;

	(void)state;
	assert_int_equal(madt_parse(qemu_q35_smp4_madt,
				    sizeof(qemu_q35_smp4_madt), &info), 0);
	assert_int_equal(info.lapic_address, 0xfee00000);
	assert_true(info.pcat_compat);
	assert_int_equal(info.cpu_count, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(info.cpus[i].apic_id, i);
		assert_int_equal(info.cpus[i].acpi_uid, i);
		assert_false(info.cpus[i].x2apic);
	}
	assert_int_equal(info.ioapic_count, 1);
	assert_int_equal(info.ioapics[0].address, 0xfec00000);
	assert_int_equal(info.ioapics[0].gsi_base, 0);
	assert_int_equal(info.skipped_cpus, 0);
}

static void test_xsdt_preferred_and_tables_found(void **state)
{
	struct acpi_tables t;
	const uint8_t *tbl;
	uint32_t len;
	uint64_t tables[2], rsdt, xsdt, rsdp;
	uint8_t facp_body[8] = { 0 };

	(void)state;
	tables[0] = put_table("FACP", facp_body, sizeof(facp_body));
	tables[1] = put_qemu_madt();
	rsdt = put_root("RSDT", tables, 1, 4);	/* RSDT lacks the MADT */
	xsdt = put_root("XSDT", tables, 2, 8);
	rsdp = put_rsdp(2, rsdt, xsdt);
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), 0);
	assert_true(t.root_is_xsdt);
	assert_int_equal(acpi_find_table(&t, "APIC", &tbl, &len), 0);
	assert_int_equal(len, sizeof(qemu_q35_smp4_madt));
	assert_memory_equal(tbl, qemu_q35_smp4_madt, len);
	assert_int_equal(acpi_find_table(&t, "HPET", &tbl, &len), -ENOENT);
}

/* The FADT's DSDT (X_DSDT over the 32-bit field) and each SSDT in turn. */
static void test_dsdt_and_ssdts(void **state)
{
	static const uint8_t aml[4] = { 0xa3, 0xa3, 0xa3, 0xa3 };	/* Noops */
	uint8_t fadt[112] = { 0 };	/* up to X_DSDT's end, offset 148 */
	uint64_t old_dsdt, dsdt, tables[4], rsdp;
	struct acpi_tables t;
	const uint8_t *tbl;
	uint32_t len;

	(void)state;
	old_dsdt = put_table("DSDT", aml, 2);
	dsdt = put_table("DSDT", aml, 4);
	tables[0] = put_table("SSDT", aml, 1);
	memcpy(fadt + 40 - 36, &old_dsdt, 4);
	memcpy(fadt + 140 - 36, &dsdt, 8);
	tables[1] = put_table("FACP", fadt, sizeof(fadt));
	tables[2] = put_table("SSDT", aml, 3);
	tables[3] = put_table("APIC", aml, 0);
	rsdp = put_rsdp(2, 0, put_root("XSDT", tables, 4, 8));
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), 0);
	assert_int_equal(acpi_find_dsdt(&t, &tbl, &len), 0);
	assert_int_equal(len, 36 + 4);
	assert_int_equal(acpi_find_nth_table(&t, "SSDT", 0, &tbl, &len), 0);
	assert_int_equal(len, 36 + 1);
	assert_int_equal(acpi_find_nth_table(&t, "SSDT", 1, &tbl, &len), 0);
	assert_int_equal(len, 36 + 3);
	assert_int_equal(acpi_find_nth_table(&t, "SSDT", 2, &tbl, &len),
			 -ENOENT);
	/* Without X_DSDT the 32-bit field counts. */
	memset(fadt + 140 - 36, 0, 8);
	tables[1] = put_table("FACP", fadt, sizeof(fadt));
	rsdp = put_rsdp(2, 0, put_root("XSDT", tables, 4, 8));
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), 0);
	assert_int_equal(acpi_find_dsdt(&t, &tbl, &len), 0);
	assert_int_equal(len, 36 + 2);
	/* A DSDT whose checksum fails is not handed out. */
	mem[old_dsdt - BASE + 36] ^= 1;
	assert_int_equal(acpi_find_dsdt(&t, &tbl, &len), -EINVAL);
}

static void test_revision_0_uses_rsdt(void **state)
{
	struct acpi_tables t;
	const uint8_t *tbl;
	uint32_t len;
	uint64_t madt, rsdp;

	(void)state;
	madt = put_qemu_madt();
	rsdp = put_rsdp(0, put_root("RSDT", &madt, 1, 4), 0);
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), 0);
	assert_false(t.root_is_xsdt);
	assert_int_equal(acpi_find_table(&t, "APIC", &tbl, &len), 0);
}

static void test_bad_checksums_rejected(void **state)
{
	struct acpi_tables t;
	const uint8_t *tbl;
	uint32_t len;
	uint64_t madt, rsdp;

	(void)state;
	madt = put_qemu_madt();
	rsdp = put_rsdp(2, 0, put_root("XSDT", &madt, 1, 8));
	mem[rsdp - BASE + 8]++;			/* first checksum */
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), -EINVAL);
	mem[rsdp - BASE + 8]--;
	mem[rsdp - BASE + 32]++;		/* extended checksum */
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), -EINVAL);
	mem[rsdp - BASE + 32]--;
	assert_int_equal(acpi_init(&t, rsdp, fake_map, NULL), 0);
	mem[madt - BASE + 20]++;		/* a byte of the MADT */
	assert_int_equal(acpi_find_table(&t, "APIC", &tbl, &len), -ENOENT);
	assert_int_equal(acpi_init(&t, BASE + sizeof(mem), fake_map, NULL),
			 -EINVAL);
}

/* A MADT header followed by the given entries. */
static size_t build_madt(uint8_t *buf, uint8_t revision, const uint8_t *e,
			 size_t elen)
{
	uint32_t len = 44 + elen;

	memcpy(buf, qemu_q35_smp4_madt, 44);
	memcpy(buf + 4, &len, 4);
	buf[8] = revision;
	memcpy(buf + 44, e, elen);
	return len;
}

static void test_cpu_flags_filter(void **state)
{
	static const uint8_t entries[] = {
		0, 8, 0, 0, 1, 0, 0, 0,		/* enabled */
		0, 8, 1, 1, 0, 0, 0, 0,		/* disabled */
		0, 8, 2, 2, 2, 0, 0, 0,		/* online capable */
		0, 8, 3, 0xff, 1, 0, 0, 0,	/* invalid APIC ID */
		9, 16, 0, 0, 0x20, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0,
		9, 16, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0,	/* dup */
		5, 12, 0, 0, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0,
	};
	uint8_t buf[256];
	struct madt_info info;
	size_t len;

	(void)state;
	len = build_madt(buf, 5, entries, sizeof(entries));
	assert_int_equal(madt_parse(buf, len, &info), 0);
	assert_int_equal(info.cpu_count, 3);
	assert_int_equal(info.cpus[0].apic_id, 0);
	assert_int_equal(info.cpus[1].apic_id, 2);
	assert_int_equal(info.cpus[2].apic_id, 0x20);
	assert_true(info.cpus[2].x2apic);
	assert_int_equal(info.cpus[2].acpi_uid, 7);
	assert_int_equal(info.lapic_address, 0xfed00000);
	/* Before revision 5 the online-capable bit means nothing. */
	len = build_madt(buf, 4, entries, sizeof(entries));
	assert_int_equal(madt_parse(buf, len, &info), 0);
	assert_int_equal(info.cpu_count, 2);
}

static void test_malformed_entries_rejected(void **state)
{
	static const uint8_t short_lapic[] = { 0, 6, 0, 0, 1, 0 };
	static const uint8_t zero_len[] = { 0, 0, 0, 0 };
	static const uint8_t overrun[] = { 1, 12, 0, 0 };
	uint8_t buf[128];
	struct madt_info info;
	size_t len;

	(void)state;
	len = build_madt(buf, 1, short_lapic, sizeof(short_lapic));
	assert_int_equal(madt_parse(buf, len, &info), -EINVAL);
	len = build_madt(buf, 1, zero_len, sizeof(zero_len));
	assert_int_equal(madt_parse(buf, len, &info), -EINVAL);
	len = build_madt(buf, 1, overrun, sizeof(overrun));
	assert_int_equal(madt_parse(buf, len, &info), -EINVAL);
	/* Length field disagreeing with the buffer. */
	assert_int_equal(madt_parse(qemu_q35_smp4_madt, 100, &info), -EINVAL);
}

static void test_more_cpus_than_the_limit(void **state)
{
	static uint8_t entries[8 * (MAX_CPUS + 3)];
	static uint8_t buf[44 + sizeof(entries)];
	struct madt_info info;
	size_t len;

	(void)state;
	for (unsigned int i = 0; i < MAX_CPUS + 3; i++) {
		uint8_t e[8] = { 0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0 };

		memcpy(entries + 8 * i, e, 8);
	}
	len = build_madt(buf, 1, entries, sizeof(entries));
	assert_int_equal(madt_parse(buf, len, &info), 0);
	assert_int_equal(info.cpu_count, MAX_CPUS);
	assert_int_equal(info.skipped_cpus, 3);
	assert_int_equal(info.cpus[MAX_CPUS - 1].apic_id, MAX_CPUS - 1);
}

/* QEMU q35's MCFG: one window, segment 0, buses 0-255 at 0xb0000000. */
static void test_mcfg(void **state)
{
	uint8_t buf[76] = { 'M', 'C', 'F', 'G', 60 };
	struct mcfg_window w;

	(void)state;
	buf[44 + 3] = 0xb0;		/* base 0xb0000000 */
	buf[44 + 4] = 0x01;		/* ... | 1 << 32 */
	buf[44 + 11] = 0xff;		/* buses 0-255 */
	assert_int_equal(mcfg_parse(buf, 60, 0, &w), 0);
	assert_int_equal(w.base, 0x1b0000000ULL);
	assert_int_equal(w.bus_start, 0);
	assert_int_equal(w.bus_end, 255);
	assert_int_equal(mcfg_parse(buf, 60, 1, &w), -ENOENT);
	assert_int_equal(mcfg_parse(buf, 59, 0, &w), -EINVAL);
	buf[44 + 10] = 9;
	buf[44 + 11] = 8;		/* ends before it starts */
	assert_int_equal(mcfg_parse(buf, 60, 0, &w), -EINVAL);
	buf[4] = 76;			/* a second entry: segment 1 */
	buf[60 + 8] = 1;
	buf[60 + 3] = 0xc0;
	assert_int_equal(mcfg_parse(buf, 76, 1, &w), 0);
	assert_int_equal(w.base, 0xc0000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_qemu_madt_lists_four_cpus_and_ioapic, setup),
		cmocka_unit_test_setup(test_xsdt_preferred_and_tables_found, setup),
		cmocka_unit_test_setup(test_revision_0_uses_rsdt, setup),
		cmocka_unit_test_setup(test_dsdt_and_ssdts, setup),
		cmocka_unit_test_setup(test_bad_checksums_rejected, setup),
		cmocka_unit_test_setup(test_table_lengths_bounded, setup),
		cmocka_unit_test_setup(test_cpu_flags_filter, setup),
		cmocka_unit_test_setup(test_malformed_entries_rejected, setup),
		cmocka_unit_test_setup(test_more_cpus_than_the_limit, setup),
		cmocka_unit_test(test_mcfg),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
