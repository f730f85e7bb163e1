/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "loader/multiboot.h"

/*
 * Images are built here byte by byte from the specifications (ELF32 gABI,
 * Multiboot 0.6.96), and the info is read back by raw offsets, so the test
 * does not share the loader's structure definitions.
 */

#define RAM_SIZE	(16ULL << 20)
#define FILE_MAX	0x8000
#define MB_MAGIC	0x1badb002U
#define MBI_FLAGS_BASE	((1U << 0) | (1U << 2) | (1U << 6) | (1U << 9))
#define MBI_FLAG_MODS	(1U << 3)

struct seg {
	uint32_t type, offset, vaddr, paddr, filesz, memsz;
};

static uint8_t *ram;
static uint8_t file[FILE_MAX];
static struct mb_boot_request req;
static struct mb_boot_result res;
static const char *why;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(uint64_t gpa)
{
	const uint8_t *p = ram + gpa;

	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(uint64_t gpa)
{
	return get32(gpa) | (uint64_t)get32(gpa + 4) << 32;
}

static void put_mb_header(uint32_t offset, uint32_t flags)
{
	put32(file + offset, MB_MAGIC);
	put32(file + offset + 4, flags);
	put32(file + offset + 8, -(MB_MAGIC + flags));
}

static void put_aout_fields(uint32_t offset, uint32_t header_addr,
			    uint32_t load_addr, uint32_t load_end,
			    uint32_t bss_end, uint32_t entry)
{
	put32(file + offset + 12, header_addr);
	put32(file + offset + 16, load_addr);
	put32(file + offset + 20, load_end);
	put32(file + offset + 24, bss_end);
	put32(file + offset + 28, entry);
}

/* Segment file bytes are a pattern derived from the file offset. */
static uint8_t pattern(uint32_t offset)
{
	return (uint8_t)(offset * 7 + 3);
}

static void fill_pattern(uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		file[i] = pattern(i);
}

/* An ELF32 i386 executable with a Multiboot header at file offset 0x200. */
static size_t build_elf(uint32_t entry, const struct seg *segs,
			unsigned int n, uint32_t mb_flags)
{
	size_t size = 0x1000;

	memset(file, 0, sizeof(file));
	memcpy(file, "\177ELF", 4);
	file[4] = 1;			/* ELFCLASS32 */
	file[5] = 1;			/* ELFDATA2LSB */
	file[6] = 1;			/* EV_CURRENT */
	put16(file + 16, 2);		/* ET_EXEC */
	put16(file + 18, 3);		/* EM_386 */
	put32(file + 20, 1);
	put32(file + 24, entry);
	put32(file + 28, 52);		/* e_phoff */
	put16(file + 40, 52);		/* e_ehsize */
	put16(file + 42, 32);		/* e_phentsize */
	put16(file + 44, (uint16_t)n);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t *ph = file + 52 + 32 * i;

		put32(ph + 0, segs[i].type);
		put32(ph + 4, segs[i].offset);
		put32(ph + 8, segs[i].vaddr);
		put32(ph + 12, segs[i].paddr);
		put32(ph + 16, segs[i].filesz);
		put32(ph + 20, segs[i].memsz);
		put32(ph + 24, 7);
		put32(ph + 28, 0x1000);
		if (segs[i].offset + segs[i].filesz > size &&
		    segs[i].offset + segs[i].filesz <= FILE_MAX) {
			fill_pattern(segs[i].offset,
				     segs[i].offset + segs[i].filesz);
			size = segs[i].offset + segs[i].filesz;
		}
	}
	put_mb_header(0x200, mb_flags);
	return size;
}

static const struct seg two_segs[] = {
	/* A higher-half kernel: linked at 3 GiB, loaded at 1 MiB. */
	{ 1, 0x1000, 0xc0100000, 0x100000, 0x1800, 0x1800 },
	{ 4, 0x0200, 0x00000000, 0x000000, 0x0010, 0x0010 },	/* PT_NOTE */
	{ 1, 0x2800, 0xc0102000, 0x102000, 0x0100, 0x3000 },	/* + bss */
};

static int setup(void **state)
{
	(void)state;
	ram = malloc(RAM_SIZE);
	assert_non_null(ram);
	/* Poison, so that loaded zeroes are seen to be written. */
	memset(ram, 0xcc, RAM_SIZE);
	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	req.kernel = file;
	req.ram_size = RAM_SIZE;
	req.cmdline = "console=ttyS0 quiet";
	why = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static int load(void)
{
	return multiboot_load(ram, &req, &res, &why);
}

static void assert_fails(int err, const char *text)
{
	why = NULL;
	assert_int_equal(load(), -err);
	assert_non_null(why);
	if (!strstr(why, text))
		fail_msg("\"%s\" does not mention \"%s\"", why, text);
}

static void assert_range_is_zero(uint64_t from, uint64_t to)
{
	for (uint64_t g = from; g < to; g++)
		if (ram[g])
			fail_msg("byte at %#llx is %#x, not 0",
				 (unsigned long long)g, ram[g]);
}

static void assert_loaded(uint64_t gpa, uint32_t offset, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++)
		if (ram[gpa + i] != file[offset + i])
			fail_msg("byte at %#llx differs from file offset %#x",
				 (unsigned long long)(gpa + i), offset + i);
}

/* Walks the memory map by its size fields, checking it entry by entry. */
static void assert_mmap(uint32_t mbi, uint64_t ram_size)
{
	const uint64_t expect[][3] = {
		{ 0x0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, ram_size - 0x100000, 1 },
	};
	uint32_t addr = get32(mbi + 48);
	uint32_t length = get32(mbi + 44);
	unsigned int n = 0;

	assert_int_equal(length, 4 * 24);
	for (uint32_t off = 0; off < length; off += get32(addr + off) + 4) {
		uint32_t e = addr + off;

		assert_true(n < 4);
		assert_int_equal(get32(e), 20);
		assert_int_equal(get64(e + 4), expect[n][0]);
		assert_int_equal(get64(e + 12), expect[n][1]);
		assert_int_equal(get32(e + 20), expect[n][2]);
		n++;
	}
	assert_int_equal(n, 4);
}

static void assert_info_common(uint32_t flags, uint64_t ram_size)
{
	uint32_t mbi = res.mbi_addr;

	assert_int_equal(mbi % 4096, 0);
	assert_true(mbi >= res.kernel_end);
	assert_int_equal(get32(mbi), flags);
	assert_int_equal(get32(mbi + 4), 640);
	assert_int_equal(get32(mbi + 8),
			 ((ram_size < (1ULL << 32) ? ram_size : 1ULL << 32) -
			  0x100000) / 1024);
	assert_string_equal((char *)ram + get32(mbi + 16),
			    req.cmdline ? req.cmdline : "");
	assert_string_equal((char *)ram + get32(mbi + 64), "Bulkhead");
	assert_mmap(mbi, ram_size);
	/* Fields we do not provide stay zero. */
	assert_int_equal(get32(mbi + 12), 0);		/* boot_device */
	assert_int_equal(get32(mbi + 52), 0);		/* drives_length */
	assert_int_equal(get32(mbi + 72), 0);		/* vbe_control_info */
}

static void test_elf_segments_land_at_paddr(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100010, two_segs, 3, 0x00000003);
	assert_int_equal(load(), 0);
	assert_int_equal(res.entry, 0x100010);	/* translated to physical */
	assert_int_equal(res.kernel_start, 0x100000);
	assert_int_equal(res.kernel_end, 0x105000);
	assert_loaded(0x100000, 0x1000, 0x1800);
	assert_loaded(0x102000, 0x2800, 0x100);
	assert_range_is_zero(0x102100, 0x105000);	/* bss */
	/* The PT_NOTE is not loaded, and the gap stays untouched. */
	assert_int_equal(ram[0x1000], 0xcc);
	assert_int_equal(ram[0x101800], 0xcc);
	assert_int_equal(res.mbi_addr, 0x105000);
	assert_info_common(MBI_FLAGS_BASE, RAM_SIZE);
}

static void test_empty_and_missing_cmdline(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.cmdline = NULL;
	assert_int_equal(load(), 0);
	assert_info_common(MBI_FLAGS_BASE, RAM_SIZE);
	assert_int_equal(ram[get32(res.mbi_addr + 16)], 0);
}

static void test_modules(void **state)
{
	static uint8_t big[5000];
	const uint8_t small[3] = { 1, 2, 3 };
	const struct mb_module mods[] = {
		{ small, sizeof(small), "/boot/initrd.img rw" },
		{ big, sizeof(big), NULL },
		{ NULL, 0, "/empty" },
	};
	uint32_t list, prev_end;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i ^ 0x5a);
	req.kernel_size = build_elf(0xc0100010, two_segs, 3, 0x00000001);
	req.modules = mods;
	req.module_count = 3;
	assert_int_equal(load(), 0);
	assert_info_common(MBI_FLAGS_BASE | MBI_FLAG_MODS, RAM_SIZE);
	assert_int_equal(get32(res.mbi_addr + 20), 3);
	list = get32(res.mbi_addr + 24);
	assert_true(list > res.mbi_addr);
	prev_end = res.kernel_end;
	for (unsigned int i = 0; i < 3; i++) {
		uint32_t e = list + 16 * i;
		uint32_t start = get32(e), end = get32(e + 4);

		assert_int_equal(start % 4096, 0);
		assert_true(start >= prev_end);
		assert_int_equal(end - start, mods[i].size);
		assert_memory_equal(ram + start, mods[i].data ? mods[i].data :
				    (const uint8_t *)"", mods[i].size);
		assert_string_equal((char *)ram + get32(e + 8),
				    mods[i].string ? mods[i].string : "");
		assert_int_equal(get32(e + 12), 0);
		prev_end = end;
	}
	/* Module data comes before the info, as laid out. */
	assert_true(res.mbi_addr >= prev_end);
}

static void test_aout_kludge_whole_file(void **state)
{
	(void)state;
	memset(file, 0, sizeof(file));
	fill_pattern(0, 0x1234);
	put_mb_header(0x40, 0x00010002);
	put_aout_fields(0x40, 0x200040, 0x200000, 0, 0x203000, 0x200080);
	req.kernel_size = 0x1234;
	assert_int_equal(load(), 0);
	assert_int_equal(res.entry, 0x200080);
	assert_int_equal(res.kernel_start, 0x200000);
	assert_int_equal(res.kernel_end, 0x203000);
	assert_loaded(0x200000, 0, 0x1234);
	assert_range_is_zero(0x201234, 0x203000);
	assert_int_equal(res.mbi_addr, 0x203000);
	assert_info_common(MBI_FLAGS_BASE, RAM_SIZE);
}

/* The header need not be in the loaded part's first bytes; no bss. */
static void test_aout_kludge_partial_file(void **state)
{
	(void)state;
	memset(file, 0, sizeof(file));
	fill_pattern(0, 0x3000);
	put_mb_header(0x1000, 0x00010000);
	put_aout_fields(0x1000, 0x300800, 0x300000, 0x301800, 0, 0x300900);
	req.kernel_size = 0x3000;
	assert_int_equal(load(), 0);
	assert_int_equal(res.kernel_start, 0x300000);
	assert_int_equal(res.kernel_end, 0x301800);
	assert_int_equal(res.entry, 0x300900);
	assert_loaded(0x300000, 0x800, 0x1000);
	assert_int_equal(ram[0x301800], 0xcc);
	assert_int_equal(res.mbi_addr, 0x302000);
}

/* Flag 16 wins over the ELF headers, as in GRUB. */
static void test_aout_kludge_overrides_elf(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100010, two_segs, 3, 0x00010000);
	put_aout_fields(0x200, 0x400200, 0x400000, 0x401000, 0x402000,
			0x400010);
	put_mb_header(0x200, 0x00010000);
	assert_int_equal(load(), 0);
	assert_int_equal(res.entry, 0x400010);
	assert_loaded(0x400000, 0, 0x1000);
	assert_range_is_zero(0x401000, 0x402000);
	assert_int_equal(ram[0x100000], 0xcc);
}

static void test_optional_and_video_flags_accepted(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0x00020004);
	assert_int_equal(load(), 0);
}

/* Everything we add steps over [0x9fc00, 1 MiB). */
static void test_low_kernel_info_skips_legacy_hole(void **state)
{
	static uint8_t data[0x2000];
	const struct seg low = { 1, 0x1000, 0x90000, 0x90000, 0x100, 0xf000 };
	const struct mb_module mod = { data, sizeof(data), "m" };

	(void)state;
	req.kernel_size = build_elf(0x90000, &low, 1, 0);
	req.modules = &mod;
	req.module_count = 1;
	assert_int_equal(load(), 0);
	assert_int_equal(res.kernel_end, 0x9f000);
	assert_int_equal(get32(get32(res.mbi_addr + 24)), 0x100000);
	assert_int_equal(res.mbi_addr, 0x102000);
	assert_range_is_zero(0x90100, 0x9f000);
	for (uint32_t g = 0x9f000; g < 0x100000; g++)
		assert_int_equal(ram[g], 0xcc);
}

/* Above 4 GiB: mem_upper stops at 4 GiB, the map tells the whole size. */
static void test_large_ram(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100010, two_segs, 3, 0);
	req.ram_size = 8ULL << 30;	/* only low bytes are ever touched */
	assert_int_equal(load(), 0);
	assert_int_equal(get32(res.mbi_addr + 8), (4194304 - 1024));
	assert_info_common(MBI_FLAGS_BASE, req.ram_size);
}

static void test_header_errors(void **state)
{
	(void)state;
	memset(file, 0, sizeof(file));
	req.kernel_size = 0x4000;
	assert_fails(EINVAL, "no Multiboot header");

	put_mb_header(8192 - 8, 0);	/* not completely in the first 8 KiB */
	assert_fails(EINVAL, "no Multiboot header");

	put_mb_header(0x102, 0);	/* not 4-byte aligned */
	assert_fails(EINVAL, "no Multiboot header");

	put_mb_header(0x100, 0);
	put32(file + 0x108, 0x12345678);
	assert_fails(EINVAL, "offset 0x100 has a bad checksum");

	put_mb_header(0x100, 0x00000008);
	assert_fails(ENOTSUP, "flags 0x8");
	put_mb_header(0x100, 0x00018001);
	assert_fails(ENOTSUP, "flags 0x8000");

	memset(file, 0, sizeof(file));
	put_mb_header(8192 - 16, 0x00010000);	/* address fields cut off */
	assert_fails(EINVAL, "address fields");

	req.kernel_size = 8;		/* shorter than a header */
	assert_fails(EINVAL, "no Multiboot header");
	assert_int_equal(multiboot_load(ram, &req, &res, NULL), -EINVAL);
}

static void test_elf_errors(void **state)
{
	const struct seg cases[][1] = {
		{ { 1, 0x1000, 0x800, 0x800, 0x1000, 0x1000 } },
		{ { 1, 0x1000, 0xff0000, 0xff0000, 0x1000, 0x20000 } },
		{ { 1, 0x1000, 0x9f000, 0x9f000, 0x1000, 0x1000 } },
		{ { 1, 0x1000, 0xc0000, 0xc0000, 0x10, 0x10 } },
		{ { 1, 0x1000, 0x100000, 0x100000, 0x2000, 0x1000 } },
		{ { 1, 0x7800, 0x100000, 0x100000, 0x1000, 0x1000 } },
		{ { 4, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 } },
		{ { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0 } },
	};

	(void)state;
	req.kernel_size = build_elf(0x800, cases[0], 1, 0);
	assert_fails(ERANGE, "[0x800, 0x1800) lies outside guest RAM");
	assert_fails(ERANGE, "RAM size 0x1000000");
	req.kernel_size = build_elf(0xff0000, cases[1], 1, 0);
	assert_fails(ERANGE, "[0xff0000, 0x1010000) lies outside guest RAM [0x1000, 0x1000000)");
	req.kernel_size = build_elf(0x9f000, cases[2], 1, 0);
	assert_fails(ERANGE, "legacy hole");
	req.kernel_size = build_elf(0xc0000, cases[3], 1, 0);
	assert_fails(ERANGE, "legacy hole");
	req.kernel_size = build_elf(0x100000, cases[4], 1, 0);
	assert_fails(EINVAL, "exceeds memory size");
	req.kernel_size = build_elf(0x100000, cases[5], 1, 0);
	req.kernel_size = 0x7900;
	assert_fails(EINVAL, "[0x7800, 0x8800) run past the end");
	req.kernel_size = build_elf(0x100000, cases[6], 1, 0);
	assert_fails(EINVAL, "no loadable (PT_LOAD) segment");
	req.kernel_size = build_elf(0x100000, cases[7], 1, 0);
	assert_fails(EINVAL, "no loadable (PT_LOAD) segment");
	req.kernel_size = build_elf(0x200000, two_segs, 1, 0);
	assert_fails(EINVAL, "entry point 0x200000 lies in no loadable");
}

static void test_elf_header_errors(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	file[0] = 'X';
	assert_fails(EINVAL, "not an ELF file");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	file[4] = 2;
	assert_fails(ENOTSUP, "ELF64");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	file[5] = 2;
	assert_fails(EINVAL, "not a little-endian ELF32");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	put16(file + 16, 3);		/* ET_DYN */
	assert_fails(EINVAL, "ET_EXEC");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	put16(file + 18, 62);		/* EM_X86_64 */
	assert_fails(EINVAL, "machine 62");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	put16(file + 44, 2000);		/* program headers past the end */
	assert_fails(EINVAL, "program headers");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	put16(file + 42, 16);		/* entries too small */
	assert_fails(EINVAL, "program headers");
}

static void aout_image(uint32_t header_addr, uint32_t load_addr,
		       uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	memset(file, 0, sizeof(file));
	put_mb_header(0x40, 0x00010000);
	put_aout_fields(0x40, header_addr, load_addr, load_end, bss_end,
			entry);
	req.kernel_size = 0x1000;
}

static void test_aout_errors(void **state)
{
	(void)state;
	aout_image(0x200040, 0x200080, 0, 0, 0x200080);
	assert_fails(EINVAL, "load_addr 0x200080 with header_addr 0x200040");
	aout_image(0x200040, 0x1ff000, 0, 0, 0x1ff000);
	assert_fails(EINVAL, "starts before the file");
	aout_image(0x200040, 0x200000, 0x202000, 0, 0x200000);
	assert_fails(EINVAL, "load_end_addr 0x202000 lies past the end");
	aout_image(0x200040, 0x200000, 0x200800, 0x200400, 0x200000);
	assert_fails(EINVAL, "bss_end_addr 0x200400 is below");
	aout_image(0x200040, 0x200000, 0, 0x300000, 0x201000);
	assert_fails(EINVAL, "entry_addr 0x201000 is outside");
	aout_image(0x1000040, 0x1000000, 0, 0, 0x1000000);
	assert_fails(ERANGE, "kernel image [0x1000000, 0x1001000)");
	aout_image(0x40, 0x0, 0, 0, 0x0);
	assert_fails(ERANGE, "[0x0, 0x1000) lies outside guest RAM");
}

static void test_info_must_fit(void **state)
{
	static uint8_t data[0x10000];
	const struct seg top = { 1, 0x1000, 0xfff000, 0xfff000, 0x100, 0xf80 };
	const struct mb_module mod = { data, sizeof(data), "big" };

	(void)state;
	req.kernel_size = build_elf(0xfff000, &top, 1, 0);
	assert_fails(ENOSPC, "no room for the Multiboot info");

	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.ram_size = 0x110000;
	req.modules = &mod;
	req.module_count = 1;
	assert_fails(ENOSPC, "no room for a module");
	assert_fails(ENOSPC, "RAM size 0x110000");

	/* The strings are the last thing placed: fill the page exactly. */
	req.module_count = 0;
	req.ram_size = 0x102000 + 88 + 4 * 24;
	req.cmdline = "";
	assert_fails(ENOSPC, "no room for the command line");
	req.ram_size += 1 + sizeof("Bulkhead");
	assert_int_equal(load(), 0);
	assert_int_equal(res.mbi_addr, 0x102000);
}

static void test_request_errors(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.ram_size = 0xfffff;
	assert_fails(EINVAL, "below the 1 MiB");
	req.ram_size = RAM_SIZE;
	req.module_count = 1;
	assert_fails(EINVAL, "modules");
	req.kernel = NULL;
	assert_fails(EINVAL, "no kernel image");
}

static void test_module_without_data(void **state)
{
	const struct mb_module mod = { NULL, 10, "x" };

	(void)state;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.modules = &mod;
	req.module_count = 1;
	assert_fails(EINVAL, "module 0 has no data");
}

/*
 * ACPI tables: found the way a BIOS-booted OS finds them (ACPI 6.4
 * 5.2.5.1: 16-byte boundaries of 0xE0000-0xFFFFF), checksummed, inside
 * the reserved BIOS area, and untouched by what the loader places.
 */
static const struct guest_acpi_platform acpi_plat = {
	.pm1a_evt_port = 0x600, .pm1a_cnt_port = 0x604, .pm_tmr_port = 0x608,
	.reset_port = 0xcf9, .reset_value = 0x06, .s5_slp_typ = 5,
	.sci_irq = 9, .pit_gsi = 2, .ioapic_id = 3,
	.ioapic_addr = 0xfec00000U, .rtc_century = 0x32,
	.power_button = true,
};

static uint8_t sum(uint64_t gpa, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + ram[gpa++]);
	return s;
}

static uint64_t find_rsdp(void)
{
	for (uint64_t g = 0xe0000; g < 0x100000; g += 16)
		if (!memcmp(ram + g, "RSD PTR ", 8) && !sum(g, 20) &&
		    !sum(g, get32(g + 20)))
			return g;
	return 0;
}

/* A table the XSDT lists, by signature; checksummed, in the BIOS area. */
static uint64_t xsdt_table(uint64_t rsdp, const char *sig)
{
	uint64_t xsdt = get64(rsdp + 24);
	uint32_t len = get32(xsdt + 4);

	assert_memory_equal(ram + xsdt, "XSDT", 4);
	assert_int_equal(sum(xsdt, len), 0);
	for (uint32_t off = 36; off < len; off += 8) {
		uint64_t t = get64(xsdt + off);

		if (memcmp(ram + t, sig, 4))
			continue;
		assert_true(t >= 0xf0000 && t + get32(t + 4) <= 0x100000);
		assert_int_equal(sum(t, get32(t + 4)), 0);
		return t;
	}
	return 0;
}

static unsigned int madt_lapics(uint64_t madt)
{
	unsigned int n = 0;

	for (uint64_t e = madt + 44; e < madt + get32(madt + 4);
	     e += ram[e + 1])
		n += ram[e] == 0;	/* 5.2.12.2 processor local APIC */
	return n;
}

static void test_acpi_tables_in_bios_area(void **state)
{
	static uint8_t data[0x2000];
	const struct seg low = { 1, 0x1000, 0x90000, 0x90000, 0x100, 0xf000 };
	const struct mb_module mod = { data, sizeof(data), "m" };
	uint64_t rsdp, fadt, madt;

	(void)state;
	/* A kernel right below the EBDA, and a module: all still clear. */
	req.kernel_size = build_elf(0x90000, &low, 1, 0);
	req.modules = &mod;
	req.module_count = 1;
	req.platform = &acpi_plat;
	req.vcpu_count = 3;
	assert_int_equal(load(), 0);
	rsdp = find_rsdp();
	assert_int_equal(rsdp, 0xf0000);
	assert_int_equal(res.rsdp, rsdp);
	assert_int_equal(ram[rsdp + 15], 2);	/* revision 2: XSDT */
	fadt = xsdt_table(rsdp, "FACP");
	madt = xsdt_table(rsdp, "APIC");
	assert_true(fadt && madt);
	assert_false(xsdt_table(rsdp, "MCFG"));
	assert_memory_equal(ram + get32(fadt + 36), "FACS", 4);
	assert_memory_equal(ram + get64(fadt + 140), "DSDT", 4);
	assert_int_equal(sum(get64(fadt + 140), get32(get64(fadt + 140) + 4)),
			 0);
	assert_int_equal(madt_lapics(madt), 3);
	/* Loader-placed things kept out of the tables' area. */
	assert_int_equal(res.kernel_end, 0x9f000);
	assert_int_equal(get32(get32(res.mbi_addr + 24)), 0x100000);
	assert_int_equal(res.mbi_addr, 0x102000);
	/* And the map still says reserved over them. */
	assert_info_common(MBI_FLAGS_BASE | MBI_FLAG_MODS, RAM_SIZE);
}

/* PCI functions: an MCFG, and its ECAM window reserved in the map. */
static void test_acpi_pci_ecam_reserved(void **state)
{
	struct guest_acpi_platform pf = acpi_plat;
	struct guest_acpi_pci pci;
	uint32_t map, len;
	uint64_t mcfg;

	(void)state;
	guest_acpi_pci_init(&pci, 0xb0000000ULL, 0, 3);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xc0000000ULL, 0x1000), 0);
	pf.pci = &pci;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.platform = &pf;
	req.vcpu_count = 1;
	assert_int_equal(load(), 0);
	mcfg = xsdt_table(find_rsdp(), "MCFG");
	assert_true(mcfg);
	assert_int_equal(get64(mcfg + 44), 0xb0000000ULL);
	map = get32(res.mbi_addr + 48);
	len = get32(res.mbi_addr + 44);
	assert_int_equal(len, 5 * 24);
	assert_int_equal(get64(map + 4 * 24 + 4), 0xb0000000ULL);
	assert_int_equal(get64(map + 4 * 24 + 12), 4ULL << 20);
	assert_int_equal(get32(map + 4 * 24 + 20), 2);
}

/*
 * RAM beyond the PCI hole (loader/ram_layout.c): one more available
 * entry at 4 GiB, the last and highest; mem_upper still counts the RAM
 * below the hole only, where the kernel and the info stay.
 */
static void test_ram_above_4g(void **state)
{
	struct guest_acpi_platform pf = acpi_plat;
	struct guest_acpi_pci pci;
	uint32_t map, len;

	(void)state;
	guest_acpi_pci_init(&pci, 0xb0000000ULL, 0, 0xff);
	pf.pci = &pci;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.platform = &pf;
	req.vcpu_count = 1;
	req.high_ram_size = 0x40000000ULL;
	assert_int_equal(load(), 0);
	map = get32(res.mbi_addr + 48);
	len = get32(res.mbi_addr + 44);
	assert_int_equal(len, 6 * 24);
	assert_int_equal(get64(map + 3 * 24 + 4), 0x100000);
	assert_int_equal(get64(map + 3 * 24 + 12), RAM_SIZE - 0x100000);
	assert_int_equal(get64(map + 4 * 24 + 4), 0xb0000000ULL);
	assert_int_equal(get32(map + 4 * 24 + 20), 2);
	assert_int_equal(get32(map + 5 * 24), 20);
	assert_int_equal(get64(map + 5 * 24 + 4), 0x100000000ULL);
	assert_int_equal(get64(map + 5 * 24 + 12), 0x40000000ULL);
	assert_int_equal(get32(map + 5 * 24 + 20), 1);
	assert_int_equal(get32(res.mbi_addr + 8), (RAM_SIZE - 0x100000) / 1024);
	assert_true(res.mbi_addr + 88 <= RAM_SIZE);
}

static void test_acpi_errors(void **state)
{
	(void)state;
	req.kernel_size = build_elf(0xc0100000, two_segs, 1, 0);
	req.platform = &acpi_plat;
	req.vcpu_count = 0;
	assert_fails(EINVAL, "ACPI tables for 0 vCPUs");
	req.vcpu_count = GUEST_ACPI_MAX_VCPUS + 1;
	assert_fails(EINVAL, "ACPI tables for 256 vCPUs");
	req.vcpu_count = GUEST_ACPI_MAX_VCPUS;
	assert_int_equal(load(), 0);
	assert_int_equal(madt_lapics(xsdt_table(find_rsdp(), "APIC")),
			 GUEST_ACPI_MAX_VCPUS);
}

#define TEST(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_elf_segments_land_at_paddr),
		TEST(test_empty_and_missing_cmdline),
		TEST(test_modules),
		TEST(test_aout_kludge_whole_file),
		TEST(test_aout_kludge_partial_file),
		TEST(test_aout_kludge_overrides_elf),
		TEST(test_optional_and_video_flags_accepted),
		TEST(test_low_kernel_info_skips_legacy_hole),
		TEST(test_large_ram),
		TEST(test_header_errors),
		TEST(test_elf_errors),
		TEST(test_elf_header_errors),
		TEST(test_aout_errors),
		TEST(test_info_must_fit),
		TEST(test_request_errors),
		TEST(test_module_without_data),
		TEST(test_acpi_tables_in_bios_area),
		TEST(test_acpi_pci_ecam_reserved),
		TEST(test_ram_above_4g),
		TEST(test_acpi_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
