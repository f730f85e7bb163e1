/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The firmware ACPI table reader (drivers/acpi/acpi.c), two ways:
 *
 * - on fuzzed physical memory (input byte 0 even): the RSDP, the root
 *   table and the tables it lists, checksums fixed up when bit 1 asks,
 *   so that the fuzzer gets past them. Every mapping is a copy of exactly
 *   the bytes asked for, so ASan catches a read past what was mapped.
 *   A table found has its signature, length and checksum; the MADT gives
 *   at most MAX_CPUS distinct CPUs; an MCFG window's buses are in order.
 * - on the tables loader/guest_acpi.c builds for a fuzzed partition
 *   (byte 0 odd): they must read back as exactly that partition (one CPU
 *   per vCPU with APIC IDs 0..n-1, its I/O APIC, its ECAM window).
 */
#include <string.h>

#include "drivers/acpi/acpi.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "loader/guest_acpi.h"
#include "tests/fuzz/fuzz.h"

#define MEM_BASE	0xe0000ULL
#define MEM_MAX		8192
#define MAPS_MAX	64
#define SDT_HEADER	36
#define SDT_LENGTH	4
#define SDT_CHECKSUM	9
#define RSDP_CHECKSUM	8
#define RSDP_RSDT	16
#define RSDP_LENGTH	20
#define RSDP_XSDT	24
#define RSDP_XCHECKSUM	32

struct fake_phys {
	const uint8_t *mem;
	size_t size;
	unsigned int maps;
	void *map[MAPS_MAX];
};

static const void *fake_map(uint64_t phys, uint64_t len, void *ctx)
{
	struct fake_phys *f = ctx;
	void *copy;

	if (phys < MEM_BASE || phys - MEM_BASE > f->size ||
	    len > f->size - (phys - MEM_BASE) || f->maps == MAPS_MAX)
		return NULL;
	copy = malloc(len ? len : 1);
	memcpy(copy, f->mem + (phys - MEM_BASE), len);
	f->map[f->maps++] = copy;
	return copy;
}

static uint8_t *at(uint8_t *mem, size_t size, uint64_t phys, size_t len)
{
	if (phys < MEM_BASE || phys - MEM_BASE > size ||
	    len > size - (phys - MEM_BASE))
		return NULL;
	return mem + (phys - MEM_BASE);
}

static void fix_sum(uint8_t *p, size_t len, size_t at_byte)
{
	p[at_byte] = 0;
	p[at_byte] = (uint8_t)-acpi_sum(p, len);
}

static void fix_table(uint8_t *mem, size_t size, uint64_t phys)
{
	uint8_t *t = at(mem, size, phys, SDT_HEADER);

	if (t && get32(t + SDT_LENGTH) >= SDT_HEADER &&
	    at(mem, size, phys, get32(t + SDT_LENGTH)))
		fix_sum(t, get32(t + SDT_LENGTH), SDT_CHECKSUM);
}

/* What a firmware would have summed right; layout errors stay. */
static void fix_checksums(uint8_t *mem, size_t size, uint64_t rsdp_phys)
{
	uint8_t *rsdp = at(mem, size, rsdp_phys, RSDP_XCHECKSUM + 4);
	uint64_t root;
	uint8_t *r;
	bool xsdt;

	if (!rsdp)
		return;
	xsdt = rsdp[15] >= 2 && get64(rsdp + RSDP_XSDT);
	root = xsdt ? get64(rsdp + RSDP_XSDT) : get32(rsdp + RSDP_RSDT);
	r = at(mem, size, root, SDT_HEADER);
	if (r && get32(r + SDT_LENGTH) >= SDT_HEADER &&
	    at(mem, size, root, get32(r + SDT_LENGTH))) {
		unsigned int entry = xsdt ? 8 : 4;

		for (uint32_t off = SDT_HEADER;
		     off + entry <= get32(r + SDT_LENGTH); off += entry)
			fix_table(mem, size, xsdt ? get64(r + off) :
					     get32(r + off));
		fix_table(mem, size, root);
	}
	fix_sum(rsdp, 20, RSDP_CHECKSUM);
	if (rsdp[15] >= 2 && at(mem, size, rsdp_phys, get32(rsdp + RSDP_LENGTH)) &&
	    get32(rsdp + RSDP_LENGTH) > RSDP_XCHECKSUM)
		fix_sum(rsdp, get32(rsdp + RSDP_LENGTH), RSDP_XCHECKSUM);
}

static void check_madt(const struct madt_info *m)
{
	FUZZ_CHECK(m->cpu_count <= MAX_CPUS && m->ioapic_count <= MAX_IOAPICS,
		   "%u CPUs, %u I/O APICs", m->cpu_count, m->ioapic_count);
	for (unsigned int i = 0; i < m->cpu_count; i++)
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(m->cpus[i].apic_id != m->cpus[j].apic_id,
				   "APIC ID %u listed twice", m->cpus[i].apic_id);
}

static void check_found(const uint8_t *t, uint32_t len, const char *sig)
{
	FUZZ_CHECK(len >= SDT_HEADER && get32(t + SDT_LENGTH) == len &&
		   !memcmp(t, sig, 4) && !acpi_sum(t, len),
		   "%.4s: a table found without its signature, length or checksum",
		   sig);
}

static void fuzz_firmware(struct fuzz_in *in, bool fix)
{
	static uint8_t mem[MEM_MAX];
	struct fake_phys f = { .mem = mem };
	struct acpi_tables t;
	uint64_t rsdp = MEM_BASE + fuzz_u16(in) % MEM_MAX;
	const uint8_t *p = fuzz_bytes(in, MEM_MAX, &f.size);
	const uint8_t *table;
	uint32_t len;

	memcpy(mem, p, f.size);
	if (fix)
		fix_checksums(mem, f.size, rsdp);
	if (!acpi_init(&t, rsdp, fake_map, &f)) {
		struct madt_info madt;
		struct mcfg_window w;

		FUZZ_CHECK(t.root_len >= SDT_HEADER && !acpi_sum(t.root, t.root_len),
			   "a root table without its checksum");
		if (!acpi_find_table(&t, "APIC", &table, &len)) {
			check_found(table, len, "APIC");
			if (!madt_parse(table, len, &madt))
				check_madt(&madt);
		}
		if (!acpi_find_table(&t, "MCFG", &table, &len)) {
			check_found(table, len, "MCFG");
			if (!mcfg_parse(table, len, 0, &w))
				FUZZ_CHECK(w.bus_end >= w.bus_start, "buses");
		}
		if (!acpi_find_table(&t, "FACP", &table, &len))
			check_found(table, len, "FACP");
	}
	while (f.maps)
		free(f.map[--f.maps]);
}

/* ---- the partition's own tables, read back ---- */

static void take_platform(struct fuzz_in *in, struct guest_acpi_platform *p,
			  struct guest_acpi_pci *pci)
{
	uint8_t flags = fuzz_u8(in);

	*p = (struct guest_acpi_platform){
		.pm1a_evt_port = fuzz_u16(in), .pm1a_cnt_port = fuzz_u16(in),
		.pm_tmr_port = fuzz_u16(in), .reset_port = fuzz_u16(in),
		.reset_value = fuzz_u8(in), .s5_slp_typ = fuzz_u8(in) & 7,
		.sci_irq = fuzz_u8(in) & 15, .pit_gsi = fuzz_u8(in) % 24,
		.ioapic_id = fuzz_u8(in) & 15, .ioapic_addr = fuzz_u32(in) & ~0xfffU,
		.rtc_century = fuzz_u8(in) & 0x7f, .pic_present = flags & 1,
		.power_button = flags & 2,
	};
	if (!(flags & 4))
		return;
	guest_acpi_pci_init(pci, flags & 8 ? (uint64_t)(fuzz_u16(in) & 0xfff0) << 16 : 0,
			    fuzz_u8(in), fuzz_u8(in));
	if (pci->bus_end < pci->bus_start)
		pci->bus_end = pci->bus_start;
	while (fuzz_more(in)) {
		uint8_t kind = fuzz_u8(in) & 1;
		uint64_t base = fuzz_u32(in), size = fuzz_u16(in);

		if (guest_acpi_pci_add(pci, kind, base, size) == -ENOSPC)
			break;
	}
	p->pci = pci;
}

static void check_windows(const struct guest_acpi_pci *pci)
{
	for (unsigned int i = 1; i < pci->window_count; i++)
		FUZZ_CHECK(pci->window[i - 1].base + pci->window[i - 1].size <=
			   pci->window[i].base ||
			   pci->window[i - 1].kind != pci->window[i].kind,
			   "windows %u and %u overlap or are out of order",
			   i - 1, i);
}

static void fuzz_guest_tables(struct fuzz_in *in)
{
	static uint8_t buf[GUEST_ACPI_MAX_SIZE];
	struct guest_acpi_platform plat;
	struct guest_acpi_pci pci;
	struct guest_acpi_layout lay;
	struct fake_phys f = { .mem = buf, .size = sizeof(buf) };
	unsigned int vcpus = fuzz_u8(in);
	struct acpi_tables t;
	struct madt_info madt;
	const uint8_t *table;
	uint32_t len;
	int err;

	take_platform(in, &plat, &pci);
	if (plat.pci)
		check_windows(&pci);
	memset(buf, 0, sizeof(buf));
	err = guest_acpi_build(buf, sizeof(buf), MEM_BASE, &plat, vcpus, &lay);
	if (err) {
		/*
		 * GUEST_ACPI_MAX_SIZE is the room the loaders reserve: the
		 * tables of any partition the hypervisor can run (at most
		 * MAX_CPUS vCPUs) must fit.
		 */
		FUZZ_CHECK((err == -EINVAL && (!vcpus || vcpus > GUEST_ACPI_MAX_VCPUS)) ||
			   (err == -ENOSPC && vcpus > MAX_CPUS),
			   "error %d for %u vCPUs (%u windows)",
			   err, vcpus, plat.pci ? pci.window_count : 0);
		return;
	}
	FUZZ_CHECK(lay.size <= sizeof(buf), "tables of %zu bytes", lay.size);
	FUZZ_CHECK(!acpi_init(&t, lay.rsdp, fake_map, &f) && t.root_is_xsdt,
		   "the guest's RSDP or XSDT does not read back");
	FUZZ_CHECK(!acpi_find_table(&t, "APIC", &table, &len) &&
		   !madt_parse(table, len, &madt),
		   "the guest's MADT does not read back");
	check_madt(&madt);
	FUZZ_CHECK(madt.cpu_count + madt.skipped_cpus == vcpus &&
		   madt.ioapic_count == 1 &&
		   madt.ioapics[0].id == plat.ioapic_id &&
		   madt.ioapics[0].address == plat.ioapic_addr &&
		   madt.pcat_compat == plat.pic_present,
		   "the MADT shows %u CPUs for %u vCPUs, or another I/O APIC",
		   madt.cpu_count, vcpus);
	for (unsigned int i = 0; i < madt.cpu_count; i++)
		FUZZ_CHECK(madt.cpus[i].apic_id == i, "vCPU %u has APIC ID %u",
			   i, madt.cpus[i].apic_id);
	FUZZ_CHECK(!acpi_find_table(&t, "FACP", &table, &len),
		   "no FADT read back");
	if (plat.pci && pci.ecam_base) {
		struct mcfg_window w;

		FUZZ_CHECK(!acpi_find_table(&t, "MCFG", &table, &len) &&
			   !mcfg_parse(table, len, 0, &w) &&
			   w.base == pci.ecam_base &&
			   w.bus_start == pci.bus_start &&
			   w.bus_end == pci.bus_end,
			   "the MCFG does not read back as the ECAM window");
	} else {
		FUZZ_CHECK(acpi_find_table(&t, "MCFG", &table, &len) == -ENOENT,
			   "an MCFG without an ECAM window");
	}
	while (f.maps)
		free(f.map[--f.maps]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size, 0 };
	uint8_t mode = fuzz_u8(&in);

	if (mode & 1)
		fuzz_guest_tables(&in);
	else
		fuzz_firmware(&in, mode & 2);
	return 0;
}
