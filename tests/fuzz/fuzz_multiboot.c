/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Multiboot loader (loader/multiboot.c) on any kernel file, command
 * line, modules and RAM size. Invariants of a load that succeeds: the
 * kernel, the modules, the info and everything it points to lie in RAM
 * from 4 KiB up, outside the legacy hole, in memory the map it hands the
 * kernel calls available, and apart from each other; the entry is in the
 * kernel; no byte of RAM is written anywhere else (the ACPI tables in the
 * BIOS area aside).
 *
 * Input: [RAM MiB (0-7)] [RAM pages] [vCPUs] [flags] [cmdline length] [cmdline]
 *        [module count] ([size u16] [string length] [string]) ...
 *        [kernel file: the rest]
 */
#include <string.h>

#include "lib/bytes.h"
#include "loader/multiboot.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ram.h"

/* Offsets in the Multiboot information (Multiboot 0.6.96, 3.3). */
#define MBI_SIZE		88
#define MBI_FLAGS		0
#define MBI_MEM_UPPER		8
#define MBI_CMDLINE		16
#define MBI_MODS_COUNT		20
#define MBI_MODS_ADDR		24
#define MBI_MMAP_LENGTH		44
#define MBI_MMAP_ADDR		48
#define MBI_LOADER_NAME		64
#define MOD_ENTRY_SIZE		16
#define MMAP_ENTRY_SIZE		24

#define HOLE_START		0x9fc00ULL
#define HOLE_END		0x100000ULL
#define LOAD_MIN		0x1000ULL
#define MODULES_MAX		4
#define MODULE_SIZE_MAX		0x10000

static uint8_t module_bytes[MODULE_SIZE_MAX];

struct request {
	struct mb_boot_request req;
	struct mb_module mod[MODULES_MAX];
	char mod_string[MODULES_MAX][64];
	char cmdline[256];
	struct guest_acpi_pci pci;
	struct guest_acpi_platform plat;
};

/* Text for the loader: the fuzzer's bytes with NULs made visible. */
static void take_string(struct fuzz_in *in, char *buf, size_t size)
{
	size_t len;
	const uint8_t *p = fuzz_bytes(in, fuzz_u8(in) % size, &len);

	for (size_t i = 0; i < len; i++)
		buf[i] = p[i] ? (char)p[i] : '.';
	buf[len] = '\0';
}

static void take_platform(struct request *r, uint8_t flags)
{
	r->plat = (struct guest_acpi_platform){
		.pm1a_evt_port = 0x600, .pm1a_cnt_port = 0x604,
		.pm_tmr_port = 0x608, .reset_port = 0xcf9,
		.reset_value = 6, .s5_slp_typ = 5, .sci_irq = 9,
		.ioapic_id = 1, .ioapic_addr = 0xfec00000U,
		.rtc_century = 0x32, .pic_present = flags & 4,
		.power_button = true,
	};
	if (flags & 2) {
		guest_acpi_pci_init(&r->pci, 0xb0000000ULL, 0, flags >> 4);
		guest_acpi_pci_add(&r->pci, GUEST_ACPI_MEM, 0xc0000000ULL,
				   0x4000);
		r->plat.pci = &r->pci;
	}
	r->req.platform = flags & 1 ? &r->plat : NULL;
}

static void take_request(struct request *r, struct fuzz_in *in)
{
	uint8_t mib = fuzz_u8(in), pages = fuzz_u8(in);
	uint8_t vcpus = fuzz_u8(in), flags = fuzz_u8(in);

	memset(r, 0, sizeof(*r));
	r->req.ram_size = ((uint64_t)(mib & 7) << 20) + ((uint64_t)pages << 12);
	r->req.vcpu_count = vcpus;
	take_platform(r, flags);
	take_string(in, r->cmdline, sizeof(r->cmdline));
	r->req.cmdline = flags & 8 ? NULL : r->cmdline;
	r->req.module_count = fuzz_u8(in) % (MODULES_MAX + 1);
	for (unsigned int i = 0; i < r->req.module_count; i++) {
		r->mod[i].size = fuzz_u16(in);
		r->mod[i].data = module_bytes;
		take_string(in, r->mod_string[i], sizeof(r->mod_string[i]));
		r->mod[i].string = r->mod_string[i];
	}
	r->req.modules = r->mod;
}

static uint32_t ram32(uint64_t gpa)
{
	return get32(fuzz_ram_buf + gpa);
}

/* A NUL-terminated string in RAM, as a region. */
static void add_string(struct fuzz_ram *ram, uint32_t gpa, const char *what)
{
	uint64_t end = gpa;

	while (end < ram->size && fuzz_ram_buf[end])
		end++;
	FUZZ_CHECK(end < ram->size, "%s at 0x%x runs off the end of RAM",
		   what, gpa);
	fuzz_ram_add(ram, gpa, end + 1, what);
}

/* Whether [start, end) is in one range the memory map calls available. */
static bool available(uint32_t mmap, uint32_t length, uint64_t start,
		      uint64_t end)
{
	for (uint32_t off = 0; off + MMAP_ENTRY_SIZE <= length;
	     off += MMAP_ENTRY_SIZE) {
		const uint8_t *e = fuzz_ram_buf + mmap + off;
		uint64_t base = get64(e + 4), len = get64(e + 12);

		if (get32(e + 20) == MB_MMAP_AVAILABLE && start >= base &&
		    end <= base + len)
			return true;
	}
	return false;
}

static void check_mmap(const struct fuzz_ram *ram, uint32_t mmap,
		       uint32_t length)
{
	FUZZ_CHECK(length % MMAP_ENTRY_SIZE == 0, "mmap_length %u", length);
	for (uint32_t off = 0; off < length; off += MMAP_ENTRY_SIZE) {
		const uint8_t *e = fuzz_ram_buf + mmap + off;
		uint64_t base = get64(e + 4), len = get64(e + 12);
		struct fuzz_region r = { base, base + len, "available RAM" };

		FUZZ_CHECK(get32(e) == MMAP_ENTRY_SIZE - 4, "mmap entry size");
		if (get32(e + 20) != MB_MMAP_AVAILABLE)
			continue;
		FUZZ_CHECK(base + len <= ram->size,
			   "available RAM [0x%llx, 0x%llx) past RAM's end 0x%llx",
			   (unsigned long long)base,
			   (unsigned long long)(base + len),
			   (unsigned long long)ram->size);
		fuzz_ram_outside(ram, &r, HOLE_START, HOLE_END, "the legacy hole");
	}
}

static void check_load(struct fuzz_ram *ram, const struct request *r,
		       const struct mb_boot_result *res)
{
	uint32_t mbi = res->mbi_addr, flags, mods, mmap, mmap_len;

	fuzz_ram_add(ram, res->kernel_start, res->kernel_end, "kernel");
	FUZZ_CHECK(res->entry >= res->kernel_start &&
		   res->entry < res->kernel_end,
		   "entry 0x%x outside the kernel [0x%x, 0x%x)", res->entry,
		   res->kernel_start, res->kernel_end);
	fuzz_ram_add(ram, mbi, (uint64_t)mbi + MBI_SIZE, "Multiboot info");
	flags = ram32(mbi + MBI_FLAGS);
	mods = ram32(mbi + MBI_MODS_COUNT);
	mmap = ram32(mbi + MBI_MMAP_ADDR);
	mmap_len = ram32(mbi + MBI_MMAP_LENGTH);
	FUZZ_CHECK(mods == (r->req.module_count ? r->req.module_count : 0) &&
		   !!(flags & MB_INFO_MODS) == !!r->req.module_count,
		   "%u modules in the info for %u", mods, r->req.module_count);
	fuzz_ram_add(ram, mmap, (uint64_t)mmap + mmap_len, "memory map");
	check_mmap(ram, mmap, mmap_len);
	FUZZ_CHECK(((uint64_t)ram32(mbi + MBI_MEM_UPPER) << 10) + HOLE_END ==
		   (ram->size & ~0x3ffULL),
		   "mem_upper %u KiB for 0x%llx bytes of RAM",
		   ram32(mbi + MBI_MEM_UPPER), (unsigned long long)ram->size);
	add_string(ram, ram32(mbi + MBI_CMDLINE), "command line");
	FUZZ_CHECK(!strcmp((const char *)fuzz_ram_buf + ram32(mbi + MBI_CMDLINE),
			   r->req.cmdline ? r->req.cmdline : ""),
		   "the command line changed on the way");
	add_string(ram, ram32(mbi + MBI_LOADER_NAME), "loader name");
	if (mods) {
		uint32_t list = ram32(mbi + MBI_MODS_ADDR);

		fuzz_ram_add(ram, list, (uint64_t)list + mods * MOD_ENTRY_SIZE,
			     "module list");
		for (uint32_t i = 0; i < mods; i++) {
			uint32_t e = list + i * MOD_ENTRY_SIZE;

			FUZZ_CHECK(ram32(e + 4) - ram32(e) == r->mod[i].size,
				   "module %u has %u bytes, given %u", i,
				   ram32(e + 4) - ram32(e), r->mod[i].size);
			fuzz_ram_add(ram, ram32(e), ram32(e + 4), "module");
			add_string(ram, ram32(e + 8), "module string");
		}
	}
	for (unsigned int i = 0; i < ram->count; i++) {
		const struct fuzz_region *reg = &ram->region[i];

		FUZZ_CHECK(reg->start >= LOAD_MIN || reg->start == reg->end,
			   "%s at 0x%llx, in page 0", reg->what,
			   (unsigned long long)reg->start);
		fuzz_ram_outside(ram, reg, HOLE_START, HOLE_END,
				 "the legacy hole");
		FUZZ_CHECK(reg->start == reg->end ||
			   available(mmap, mmap_len, reg->start, reg->end),
			   "%s [0x%llx, 0x%llx) is not in available memory",
			   reg->what, (unsigned long long)reg->start,
			   (unsigned long long)reg->end);
	}
	fuzz_ram_disjoint(ram);
	if (r->req.platform) {
		FUZZ_CHECK(res->rsdp >= MB_ACPI_GPA &&
			   res->rsdp < MB_ACPI_GPA + GUEST_ACPI_MAX_SIZE,
			   "RSDP at 0x%x", res->rsdp);
		fuzz_ram_add(ram, MB_ACPI_GPA,
			     MB_ACPI_GPA + GUEST_ACPI_MAX_SIZE, "ACPI tables");
	} else {
		FUZZ_CHECK(!res->rsdp, "an RSDP without tables");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request r;
	struct fuzz_in in = { data, size, 0 };
	struct mb_boot_result res;
	struct fuzz_ram ram;
	const char *why = NULL;
	uint8_t *mem;
	size_t ksize;
	int err;

	if (!module_bytes[0])
		memset(module_bytes, 0x5a, sizeof(module_bytes));
	take_request(&r, &in);
	r.req.kernel = fuzz_rest(&in, &ksize);
	r.req.kernel_size = ksize;
	mem = fuzz_ram_open(&ram, r.req.ram_size);
	err = multiboot_load(mem, &r.req, &res, &why);
	if (err) {
		FUZZ_CHECK(why && why[0], "error %d without a reason", err);
	} else {
		FUZZ_CHECK(r.req.ram_size >= HOLE_END, "loaded into %llu bytes",
			   (unsigned long long)r.req.ram_size);
		check_load(&ram, &r, &res);
	}
	fuzz_ram_close(&ram, !err);
	return 0;
}
