/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the ACPI tables loader/guest_acpi.c builds for a Linux partition
 * into DIR, one SIG.dat file per table (what acpixtract would give), for
 * tests/scripts/test_guest_acpi_iasl.py to disassemble with iasl -d:
 *   acpi_dump DIR        a partition with an NVMe-like function (MCFG,
 *                        \_SB.PCI0, \_SB.MRES)
 *   acpi_dump DIR plain  a partition without PCI functions
 */
#include <stdio.h>
#include <string.h>
#include "lib/bytes.h"
#include "loader/guest_acpi.h"

#define GPA	0x9f000ULL

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
		fprintf(stderr, "usage: acpi_dump DIR [plain]\n");
		return 2;
	}
	guest_acpi_pci_init(&pci, 0xb0000000ULL, 0, 255);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0xc0000000ULL, 0x4000);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0xc0004000ULL, 0x1000);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_MEM, 0xe000000000ULL,
				  0x4000);
	err |= guest_acpi_pci_add(&pci, GUEST_ACPI_IO, 0x6000, 0x20);
	if (argc < 3 || strcmp(argv[2], "plain"))
		plat.pci = &pci;
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
