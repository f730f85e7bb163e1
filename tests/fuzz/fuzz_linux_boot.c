/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux bzImage loader (loader/linux_boot.c) on any kernel file,
 * initrd size, command line and RAM size. Invariants of a load that
 * succeeds: the kernel runs at an aligned address from 1 MiB with room
 * for init_size, the initrd lies above it and below initrd_addr_max, both
 * inside RAM the e820 map calls usable; boot_params says where they are;
 * the ACPI area is e820 ACPI memory; e820 entries do not overlap; and no
 * byte of RAM is written outside what the load reports.
 *
 * Input: [RAM MiB (2-17)] [RAM pages] [vCPUs] [flags] [cmdline length u16]
 *        [cmdline] [initrd size u24] [kernel file: the rest]
 */
#include <string.h>

#include "lib/bytes.h"
#include "loader/linux_boot.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ram.h"

/* boot.rst and zero-page.rst offsets, read back independently. */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_INIT_SIZE		0x260
#define BP_SIZE			0x1000
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define E820_ENTRY_SIZE		20
#define E820_MAX		128
#define E820_RAM		1
#define E820_ACPI		3
#define RSDP_COPY_LEN		36
#define CMDLINE_MAX		400
#define INITRD_MAX		(4U << 20)

static uint8_t initrd_bytes[INITRD_MAX];

struct request {
	struct linux_boot_request req;
	char cmdline[CMDLINE_MAX + 1];
	struct guest_acpi_pci pci;
	struct guest_acpi_platform plat;
};

static void take_request(struct request *r, struct fuzz_in *in)
{
	uint8_t mib = fuzz_u8(in), pages = fuzz_u8(in);
	uint8_t vcpus = fuzz_u8(in), flags = fuzz_u8(in);
	size_t len;
	const uint8_t *p;

	memset(r, 0, sizeof(*r));
	r->req.ram_size = ((uint64_t)(2 + (mib & 15)) << 20) +
			  ((uint64_t)pages << 12);
	r->req.vcpu_count = vcpus;
	r->plat = (struct guest_acpi_platform){
		.pm1a_evt_port = 0x600, .pm1a_cnt_port = 0x604,
		.pm_tmr_port = 0x608, .reset_port = 0xcf9,
		.reset_value = 6, .s5_slp_typ = 5, .sci_irq = 9,
		.ioapic_id = 1, .ioapic_addr = 0xfec00000U,
		.rtc_century = 0x32, .power_button = true,
	};
	if (flags & 1) {
		guest_acpi_pci_init(&r->pci, 0xb0000000ULL, 0, flags >> 4);
		guest_acpi_pci_add(&r->pci, GUEST_ACPI_MEM, 0xc0000000ULL,
				   0x4000);
		r->plat.pci = &r->pci;
	}
	r->req.platform = &r->plat;
	p = fuzz_bytes(in, fuzz_u16(in) % (CMDLINE_MAX + 1), &len);
	for (size_t i = 0; i < len; i++)
		r->cmdline[i] = p[i] ? (char)p[i] : '.';
	r->req.cmdline = flags & 2 ? NULL : r->cmdline;
	r->req.initrd_size = fuzz_u16(in);
	r->req.initrd_size = (r->req.initrd_size |
			      (size_t)fuzz_u8(in) << 16) % INITRD_MAX;
	if (flags & 4)
		r->req.initrd_size = 0;
	r->req.initrd = initrd_bytes;
}

static const uint8_t *bp(void)
{
	return fuzz_ram_buf + LINUX_BOOT_PARAMS_GPA;
}

static void check_e820(struct fuzz_ram *ram)
{
	unsigned int n = bp()[BP_E820_ENTRIES];

	FUZZ_CHECK(n >= 1 && n <= E820_MAX, "%u e820 entries", n);
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = bp() + BP_E820_TABLE + i * E820_ENTRY_SIZE;
		uint64_t base = get64(e), len = get64(e + 8);

		FUZZ_CHECK(len && base + len > base, "e820 entry %u empty", i);
		if (get32(e + 16) == E820_RAM)
			FUZZ_CHECK(base + len <= ram->size,
				   "e820 RAM [0x%llx, 0x%llx) past RAM's end",
				   (unsigned long long)base,
				   (unsigned long long)(base + len));
		for (unsigned int j = 0; j < i; j++) {
			const uint8_t *f = bp() + BP_E820_TABLE +
					   j * E820_ENTRY_SIZE;

			FUZZ_CHECK(get64(f) + get64(f + 8) <= base ||
				   base + len <= get64(f),
				   "e820 entries %u and %u overlap", j, i);
		}
	}
}

/* Whether [start, end) lies in one e820 entry of `type`. */
static bool e820_has(unsigned int type, uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < bp()[BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp() + BP_E820_TABLE + i * E820_ENTRY_SIZE;

		if (get32(e + 16) == type && start >= get64(e) &&
		    end <= get64(e) + get64(e + 8))
			return true;
	}
	return false;
}

static void check_kernel(const struct request *r,
			 const struct linux_boot_result *res)
{
	const uint8_t *k = r->req.kernel;
	unsigned int sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
	size_t setup = (sects + 1) * 512U;
	uint32_t align = get32(k + HDR_KERNEL_ALIGNMENT);

	FUZZ_CHECK(res->entry == res->kernel_start &&
		   res->kernel_start >= ONE_MIB &&
		   res->kernel_start % align == 0,
		   "kernel at 0x%x (entry 0x%x, alignment 0x%x)",
		   res->kernel_start, res->entry, align);
	FUZZ_CHECK((uint64_t)res->kernel_end - res->kernel_start >=
		   get32(k + HDR_INIT_SIZE),
		   "kernel [0x%x, 0x%x) shorter than init_size 0x%x",
		   res->kernel_start, res->kernel_end,
		   get32(k + HDR_INIT_SIZE));
	FUZZ_CHECK(!memcmp(fuzz_ram_buf + res->kernel_start, k + setup,
			   r->req.kernel_size - setup),
		   "the protected-mode kernel is not at its start");
}

static void check_initrd(const struct request *r,
			 const struct linux_boot_result *res)
{
	uint64_t max = (uint64_t)get32(r->req.kernel + HDR_INITRD_ADDR_MAX) + 1;

	FUZZ_CHECK(res->initrd_end - res->initrd_start == r->req.initrd_size,
		   "initrd [0x%x, 0x%x) for %zu bytes", res->initrd_start,
		   res->initrd_end, r->req.initrd_size);
	if (!r->req.initrd_size)
		return;
	FUZZ_CHECK(res->initrd_start % 4096 == 0 &&
		   res->initrd_start >= res->kernel_end &&
		   res->initrd_end <= max,
		   "initrd [0x%x, 0x%x): kernel ends at 0x%x, initrd_addr_max 0x%llx",
		   res->initrd_start, res->initrd_end, res->kernel_end,
		   (unsigned long long)(max - 1));
	FUZZ_CHECK(get32(bp() + HDR_RAMDISK_IMAGE) == res->initrd_start &&
		   get32(bp() + HDR_RAMDISK_SIZE) == r->req.initrd_size,
		   "boot_params names another initrd");
}

static void check_load(struct fuzz_ram *ram, const struct request *r,
		       const struct linux_boot_result *res)
{
	const char *cmdline = r->req.cmdline ? r->req.cmdline : "";
	size_t len = strlen(cmdline);

	FUZZ_CHECK(res->boot_params == LINUX_BOOT_PARAMS_GPA, "boot_params");
	fuzz_ram_add(ram, res->kernel_start, res->kernel_end, "kernel");
	fuzz_ram_add(ram, res->initrd_start, res->initrd_end, "initrd");
	fuzz_ram_add(ram, LINUX_BOOT_PARAMS_GPA, LINUX_BOOT_PARAMS_GPA + BP_SIZE,
		     "boot_params");
	fuzz_ram_add(ram, LINUX_CMDLINE_GPA, LINUX_CMDLINE_GPA + len + 1,
		     "command line");
	fuzz_ram_disjoint(ram);
	check_e820(ram);
	for (unsigned int i = 0; i < ram->count; i++) {
		const struct fuzz_region *reg = &ram->region[i];

		FUZZ_CHECK(reg->start == reg->end ||
			   e820_has(E820_RAM, reg->start, reg->end),
			   "%s [0x%llx, 0x%llx) is not in e820 RAM", reg->what,
			   (unsigned long long)reg->start,
			   (unsigned long long)reg->end);
	}
	FUZZ_CHECK(!strcmp((const char *)fuzz_ram_buf + LINUX_CMDLINE_GPA,
			   cmdline) &&
		   get32(bp() + HDR_CMD_LINE_PTR) == LINUX_CMDLINE_GPA,
		   "the command line changed on the way");
	FUZZ_CHECK(get32(bp() + HDR_CODE32_START) == res->entry,
		   "code32_start is not the entry");
	check_kernel(r, res);
	check_initrd(r, res);
	FUZZ_CHECK(e820_has(E820_ACPI, LINUX_ACPI_GPA,
			    LINUX_ACPI_GPA + GUEST_ACPI_MAX_SIZE) &&
		   res->rsdp >= LINUX_ACPI_GPA &&
		   res->rsdp < LINUX_ACPI_GPA + GUEST_ACPI_MAX_SIZE &&
		   get64(bp() + BP_ACPI_RSDP_ADDR) == res->rsdp,
		   "the ACPI tables are not in e820 ACPI memory (RSDP 0x%x)",
		   res->rsdp);
	fuzz_ram_add(ram, LINUX_ACPI_GPA, LINUX_ACPI_GPA + GUEST_ACPI_MAX_SIZE,
		     "ACPI tables");
	fuzz_ram_add(ram, LINUX_LEGACY_RSDP_GPA,
		     LINUX_LEGACY_RSDP_GPA + RSDP_COPY_LEN, "RSDP copy");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request r;
	struct fuzz_in in = { data, size, 0 };
	struct linux_boot_result res;
	struct fuzz_ram ram;
	const char *why = NULL;
	uint8_t *mem;
	size_t ksize;
	int err;

	if (!initrd_bytes[0])
		memset(initrd_bytes, 0xa7, sizeof(initrd_bytes));
	take_request(&r, &in);
	r.req.kernel = fuzz_rest(&in, &ksize);
	r.req.kernel_size = ksize;
	mem = fuzz_ram_open(&ram, r.req.ram_size);
	err = linux_boot_load(mem, &r.req, &res, &why);
	if (err)
		FUZZ_CHECK(why && why[0], "error %d without a reason", err);
	else
		check_load(&ram, &r, &res);
	fuzz_ram_close(&ram, !err);
	return 0;
}
