/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the ACPI tables loader/guest_acpi.c builds for a Linux partition
 * into DIR, one SIG.dat file per table (what acpixtract would give), for
 * tests/scripts/test_guest_acpi_iasl.py to disassemble with iasl -d:
 *   acpi_dump DIR        a partition with an NVMe-like function (MCFG,
 *                        \_SB.PCI0 with a _PRT, \_SB.MRES)
 *   acpi_dump DIR plain  a partition without PCI functions
 *   acpi_dump DIR multiboot
 *                        the same PCI partition booted by loader/multiboot.c
 *                        (a minimal a.out-kludge kernel): the tables are
 *                        found the way the guest finds them, by searching
 *                        0xE0000-0xFFFFF for the RSDP (ACPI 6.4 5.2.5.1),
 *                        and written with rsdp.dat, xsdt.dat and facs.dat
 */
#include <stdio.h>
#include <string.h>
#include "lib/bytes.h"
#include "loader/guest_acpi.h"
#include "loader/multiboot.h"

#define GPA	0x9f000ULL
#define MB_RAM	(2U << 20)
#define MB_LOAD	0x100000U	/* the kernel's a.out-kludge load address */
#define RSDP_LEN	36

static int dump(const char *dir, const char *sig, const uint8_t *buf,
		uint64_t gpa)
{
	const uint8_t *t = buf + (gpa - GPA);
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, sig);
	f = fopen(path, "wb");
	if (!f || fwrite(t, 1, get32(t + 4), f) != get32(t + 4)) {
		perror(path);
		return 1;
	}
	return fclose(f) != 0;
}

static int dump_bytes(const char *dir, const char *name, const uint8_t *t,
		      size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(t, 1, len, f) != len) {
		perror(path);
		return 1;
	}
	return fclose(f) != 0;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Boots a 16-byte kernel (a Multiboot header with flag 16) by the loader. */
static int multiboot(const char *dir, const struct guest_acpi_platform *plat)
{
	static uint8_t ram[MB_RAM];
	uint32_t kernel[8] = {
		MB_HEADER_MAGIC, MB_HF_AOUT_KLUDGE,
		-(MB_HEADER_MAGIC + MB_HF_AOUT_KLUDGE),
		MB_LOAD, MB_LOAD, 0, 0, MB_LOAD,
	};
	struct mb_boot_request req = {
		.kernel = (const uint8_t *)kernel, .kernel_size = sizeof(kernel),
		.ram_size = MB_RAM, .platform = plat, .vcpu_count = 2,
	};
	struct mb_boot_result res;
	const char *why = "";
	const uint8_t *rsdp = NULL, *xsdt, *fadt;
	int err;

	if (multiboot_load(ram, &req, &res, &why)) {
		fprintf(stderr, "acpi_dump: multiboot_load: %s\n", why);
		return 1;
	}
	for (uint32_t g = 0xe0000; g < 0x100000 && !rsdp; g += 16)
		if (!memcmp(ram + g, "RSD PTR ", 8) && !sum(ram + g, 20) &&
		    !sum(ram + g, RSDP_LEN))
			rsdp = ram + g;
	if (!rsdp) {
		fprintf(stderr, "acpi_dump: no RSDP in 0xE0000-0xFFFFF\n");
		return 1;
	}
	xsdt = ram + get64(rsdp + 24);
	err = dump_bytes(dir, "rsdp", rsdp, RSDP_LEN) ||
	      dump_bytes(dir, "xsdt", xsdt, get32(xsdt + 4));
	for (uint32_t off = 36; !err && off < get32(xsdt + 4); off += 8) {
		const uint8_t *t = ram + get64(xsdt + off);
		char name[5] = { 0 };

		for (int i = 0; i < 4; i++)
			name[i] = (char)(t[i] | 0x20);	/* FACP -> facp */
		err = dump_bytes(dir, name, t, get32(t + 4));
	}
	if (err)
		return err;
	fadt = ram + get64(xsdt + 36);
	return dump_bytes(dir, "facs", ram + get32(fadt + 36), 64) ||
	       dump_bytes(dir, "dsdt", ram + get64(fadt + 140),
			  get32(ram + get64(fadt + 140) + 4));
}

int main(int argc, char **argv)
{
	static uint8_t buf[GUEST_ACPI_MAX_SIZE];
	struct guest_acpi_platform plat = {
		.pm1a_evt_port = 0x600, .pm1a_cnt_port = 0x604,
		.pm_tmr_port = 0x608, .reset_port = 0xcf9,
		.reset_value = 0x06, .s5_slp_typ = 5, .sci_irq = 9,
		.pit_gsi = 2, .ioapic_id = 2, .ioapic_addr = 0xfec00000U,
		.rtc_century = 0x32, .power_button = true,
	};
	struct guest_acpi_pci pci;
	struct guest_acpi_layout lay;
	int err = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: acpi_dump DIR [plain|multiboot]\n");
		return 2;
	}
	guest_acpi_pci_init(&pci, 0xb0000000ULL, 0, 255);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0xc0000000ULL, 0x4000);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0xc0004000ULL, 0x1000);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0xe000000000ULL,
				  0x4000);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_IO, 0x6000, 0x20);
	/* INTx: 00:04.0 INTA and 00:05.x INTB (two functions, one entry). */
	err |= guest_acpi_pci_route(&pci, 4, 0, 20);
	err |= guest_acpi_pci_route(&pci, 5, 1, 16);
	err |= guest_acpi_pci_route(&pci, 5, 1, 16);
	if (argc < 3 || strcmp(argv[2], "plain"))
		plat.pci = &pci;
	if (argc >= 3 && !strcmp(argv[2], "multiboot"))
		return err ? 1 : multiboot(argv[1], &plat);
	err |= guest_acpi_build(buf, sizeof(buf), GPA, &plat, 2, &lay);
	if (err) {
		fprintf(stderr, "acpi_dump: cannot build the tables (%d)\n", err);
		return 1;
	}
	err = dump(argv[1], "dsdt", buf, lay.dsdt) ||
	      dump(argv[1], "facp", buf, lay.fadt) ||
	      dump(argv[1], "apic", buf, lay.madt) ||
	      (lay.mcfg && dump(argv[1], "mcfg", buf, lay.mcfg));
	return err;
}
