/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "loader/linux_boot.h"

/*
 * bzImages are built here byte by byte from Documentation/arch/x86/boot.rst
 * and the zero page is read back by the raw offsets of zero-page.rst, so
 * the test shares no structure with the loader. If the machine has a
 * Debian kernel in /boot, it is loaded too.
 */

#define MIB		(1ULL << 20)
#define RAM_SIZE	(128 * MIB)
#define SETUP_SECTS	2
#define SETUP_BYTES	((SETUP_SECTS + 1) * 512)
#define PAYLOAD		0x3000
#define FILE_SIZE	(SETUP_BYTES + PAYLOAD)
#define PREF		(16 * MIB)
#define INIT_SIZE	(32 * MIB)
#define ALIGN_2M	(2 * MIB)
#define HDR_END		0x268		/* 0x202 + jump offset 0x66 */

static uint8_t *ram;
static uint64_t ram_size;
static uint8_t image[FILE_SIZE];
static uint8_t initrd[10000];
static struct linux_boot_request req;
static struct linux_boot_result res;
static const char *why;

static const struct guest_acpi_platform plat = {
	.pm1a_evt_port = 0x600, .pm1a_cnt_port = 0x604,
	.reset_port = 0xcf9, .reset_value = 6, .s5_slp_typ = 5,
	.sci_irq = 9, .pit_gsi = 2, .ioapic_addr = 0xfec00000U,
};

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

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void make_image(void)
{
	memset(image, 0, sizeof(image));
	for (size_t i = 0; i < FILE_SIZE; i++)
		image[i] = (uint8_t)(i * 7 + 3);
	image[0x1f1] = SETUP_SECTS;
	put16(image + 0x1fe, 0xaa55);
	image[0x200] = 0xeb;
	image[0x201] = HDR_END - 0x202;
	memcpy(image + 0x202, "HdrS", 4);
	put16(image + 0x206, 0x020f);
	image[0x210] = 0;
	image[0x211] = 0x01;			/* LOADED_HIGH */
	put32(image + 0x214, 0x100000);
	put32(image + 0x218, 0);
	put32(image + 0x21c, 0);
	put32(image + 0x22c, 0x7fffffff);
	put32(image + 0x230, ALIGN_2M);
	image[0x234] = 1;
	image[0x235] = 21;
	put16(image + 0x236, 0x7f);
	put32(image + 0x238, 0x7ff);
	put32(image + 0x258, (uint32_t)PREF);
	put32(image + 0x25c, 0);
	put32(image + 0x260, (uint32_t)INIT_SIZE);
}

static int setup(void **state)
{
	(void)state;
	ram_size = RAM_SIZE;
	ram = calloc(1, ram_size);
	assert_non_null(ram);
	make_image();
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 13 + 1);
	req = (struct linux_boot_request){
		.kernel = image, .kernel_size = FILE_SIZE,
		.initrd = initrd, .initrd_size = sizeof(initrd),
		.cmdline = "console=ttyS0 earlyprintk=serial",
		.ram_size = ram_size, .vcpu_count = 3, .platform = &plat,
	};
	memset(&res, 0, sizeof(res));
	why = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	ram = NULL;
	return 0;
}

struct e820 {
	uint64_t start, end;
	uint32_t type;
};

static unsigned int read_e820(const uint8_t *bp, struct e820 *map)
{
	unsigned int n = bp[0x1e8];

	assert_true(n >= 1 && n <= 128);
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *e = bp + 0x2d0 + 20 * i;

		map[i].start = get64(e);
		map[i].end = map[i].start + get64(e + 8);
		map[i].type = get32(e + 16);
		assert_true(map[i].end > map[i].start);
		if (i)
			assert_true(map[i].start >= map[i - 1].end);
	}
	return n;
}

/* The type of the e820 range holding all of [start, end), 0 if none. */
static uint32_t e820_type(const struct e820 *map, unsigned int n,
			  uint64_t start, uint64_t end)
{
	for (unsigned int i = 0; i < n; i++)
		if (start >= map[i].start && end <= map[i].end)
			return map[i].type;
	return 0;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void check_e820(const uint8_t *bp)
{
	struct e820 map[128];
	unsigned int n = read_e820(bp, map);

	assert_int_equal(map[0].start, 0);
	assert_int_equal(map[0].type, 1);
	assert_true(map[0].end <= 0xa0000);
	assert_int_equal(e820_type(map, n, 0xa0000, 0x100000), 2);
	assert_int_equal(e820_type(map, n, 0x100000, ram_size), 1);
	assert_int_equal(map[n - 1].end, ram_size);
	/* Nothing the guest may use lies in the legacy hole. */
	for (unsigned int i = 0; i < n; i++)
		if (map[i].type == 1)
			assert_true(map[i].end <= 0xa0000 ||
				    map[i].start >= 0x100000);
	assert_int_equal(e820_type(map, n, res.boot_params,
				   res.boot_params + 4096), 1);
	assert_int_equal(e820_type(map, n, res.kernel_start, res.kernel_end),
			 1);
	if (res.initrd_end > res.initrd_start)
		assert_int_equal(e820_type(map, n, res.initrd_start,
					   res.initrd_end), 1);
}

/* RSDP -> XSDT -> tables, each inside an e820 ACPI range. */
static void check_acpi(const uint8_t *bp, unsigned int vcpus)
{
	struct e820 map[128];
	unsigned int n = read_e820(bp, map), lapics = 0;
	uint64_t rsdp = get64(bp + 0x070), xsdt;
	const uint8_t *r = ram + rsdp, *x;

	assert_int_equal(rsdp, res.rsdp);
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum(r, 36), 0);
	assert_int_equal(e820_type(map, n, rsdp, rsdp + 36), 3);
	/* The legacy copy pre-2.14 kernels find by scanning the BIOS area. */
	assert_memory_equal(ram + 0xe0000, r, 36);
	xsdt = get64(r + 24);
	x = ram + xsdt;
	assert_memory_equal(x, "XSDT", 4);
	assert_int_equal(e820_type(map, n, xsdt, xsdt + get32(x + 4)), 3);
	for (uint32_t i = 36; i < get32(x + 4); i += 8) {
		uint64_t t = get64(x + i);
		const uint8_t *tp = ram + t;

		assert_int_equal(e820_type(map, n, t, t + get32(tp + 4)), 3);
		assert_int_equal(sum(tp, get32(tp + 4)), 0);
		if (memcmp(tp, "APIC", 4))
			continue;
		for (uint32_t o = 44; o < get32(tp + 4); o += tp[o + 1])
			if (tp[o] == 0)
				lapics++;
	}
	assert_int_equal(lapics, vcpus);
}

static void load_ok(void)
{
	int err = linux_boot_load(ram, &req, &res, &why);

	if (err)
		fail_msg("load failed (%d): %s", err, why);
}

static void test_recognise(void **state)
{
	(void)state;
	assert_true(linux_is_bzimage(image, FILE_SIZE));
	assert_false(linux_is_bzimage(image, 0x263));
	assert_false(linux_is_bzimage(NULL, FILE_SIZE));
	image[0x205] = 's';
	assert_false(linux_is_bzimage(image, FILE_SIZE));
	make_image();
	put16(image + 0x1fe, 0x55aa);
	assert_false(linux_is_bzimage(image, FILE_SIZE));
	/* A Multiboot ELF is not taken for a bzImage. */
	memset(image, 0, sizeof(image));
	memcpy(image, "\177ELF", 4);
	assert_false(linux_is_bzimage(image, FILE_SIZE));
}

static void test_load(void **state)
{
	const uint8_t *bp;
	uint64_t iend;

	(void)state;
	load_ok();
	assert_int_equal(res.entry, PREF);
	assert_int_equal(res.kernel_start, PREF);
	assert_int_equal(res.kernel_end, PREF + INIT_SIZE);
	assert_memory_equal(ram + PREF, image + SETUP_BYTES, PAYLOAD);
	bp = ram + res.boot_params;
	assert_true(res.boot_params < 0xa0000);
	/* The header is copied, then the loader's fields are set. */
	assert_memory_equal(bp + 0x1f1, image + 0x1f1, 0x210 - 0x1f1);
	assert_memory_equal(bp + 0x22c, image + 0x22c, HDR_END - 0x22c);
	assert_int_equal(bp[0x1ef], 0);			/* sentinel */
	assert_int_equal(bp[0x210], 0xff);		/* type_of_loader */
	assert_int_equal(bp[0x211], 0x81);		/* LOADED_HIGH|HEAP */
	assert_true(get16(bp + 0x224) != 0);		/* heap_end_ptr */
	assert_int_equal(get32(bp + 0x214), PREF);	/* code32_start */
	assert_string_equal((const char *)ram + get32(bp + 0x228),
			    req.cmdline);
	assert_int_equal(get32(bp + 0x218), res.initrd_start);
	assert_int_equal(get32(bp + 0x21c), sizeof(initrd));
	assert_int_equal(res.initrd_start % 4096, 0);
	assert_true(res.initrd_start >= res.kernel_end);
	iend = res.initrd_start + sizeof(initrd);
	assert_int_equal(res.initrd_end, iend);
	assert_true(iend <= ram_size);
	assert_true(ram_size - iend < 4096);		/* as high as possible */
	assert_memory_equal(ram + res.initrd_start, initrd, sizeof(initrd));
	/* Nothing the loader wrote lands in the payload or initrd. */
	assert_true(get32(bp + 0x228) + strlen(req.cmdline) < PREF);
	check_e820(bp);
	check_acpi(bp, 3);
}

static void test_no_initrd_no_cmdline(void **state)
{
	const uint8_t *bp;

	(void)state;
	req.initrd = NULL;
	req.initrd_size = 0;
	req.cmdline = NULL;
	req.vcpu_count = 1;
	load_ok();
	bp = ram + res.boot_params;
	assert_int_equal(get32(bp + 0x218), 0);
	assert_int_equal(get32(bp + 0x21c), 0);
	assert_int_equal(res.initrd_start, res.initrd_end);
	assert_string_equal((const char *)ram + get32(bp + 0x228), "");
	check_e820(bp);
	check_acpi(bp, 1);
}

/* With PCI functions the ECAM window of their buses is reserved. */
static void test_pci_ecam_reserved(void **state)
{
	struct guest_acpi_platform p = plat;
	struct guest_acpi_pci pci;
	struct e820 map[128];
	const uint8_t *bp;
	unsigned int n;

	(void)state;
	guest_acpi_pci_init(&pci, 0xb0000000ULL, 2, 5);
	assert_int_equal(guest_acpi_pci_add(&pci, GUEST_ACPI_MEM,
					    0xc0000000ULL, 0x4000), 0);
	p.pci = &pci;
	req.platform = &p;
	load_ok();
	bp = ram + res.boot_params;
	n = read_e820(bp, map);
	assert_int_equal(map[n - 2].end, ram_size);
	assert_int_equal(map[n - 1].start, 0xb0000000ULL + (2 << 20));
	assert_int_equal(map[n - 1].end, 0xb0000000ULL + (6 << 20));
	assert_int_equal(map[n - 1].type, 2);
	check_acpi(bp, 3);
	/*
	 * RAM beyond the PCI hole (loader/ram_layout.c): one range at 4 GiB
	 * after the ECAM window; kernel and initrd stay below the hole.
	 */
	req.high_ram_size = 0xd0000000ULL;
	put32(image + 0x22c, 0xffffffff);	/* initrd_addr_max: no limit */
	load_ok();
	n = read_e820(bp, map);
	assert_int_equal(e820_type(map, n, 0x100000, ram_size), 1);
	assert_int_equal(e820_type(map, n, ram_size, ram_size + 1), 0);
	assert_int_equal(map[n - 2].start, 0xb0000000ULL + (2 << 20));
	assert_int_equal(map[n - 1].start, 0x100000000ULL);
	assert_int_equal(map[n - 1].end, 0x1d0000000ULL);
	assert_int_equal(map[n - 1].type, 1);
	assert_true(ram_size - res.initrd_end < 4096);
	req.high_ram_size = 0;
	/* Ports only: nothing to reserve. */
	pci.ecam_base = 0;
	load_ok();
	n = read_e820(bp, map);
	assert_int_equal(map[n - 1].end, ram_size);
}

static void test_initrd_addr_max(void **state)
{
	(void)state;
	put32(image + 0x22c, (uint32_t)(64 * MIB - 1));
	load_ok();
	assert_true(res.initrd_end <= 64 * MIB);
	assert_true(64 * MIB - res.initrd_end < 8192);
	assert_true(res.initrd_start >= res.kernel_end);
	/* Below the kernel's end there is no room: refused, not overlapped. */
	put32(image + 0x22c, (uint32_t)(PREF + INIT_SIZE + 4096 - 1));
	assert_int_equal(linux_boot_load(ram, &req, &res, &why), -ENOSPC);
	assert_non_null(strstr(why, "initrd"));
	assert_non_null(strstr(why, "initrd_addr_max"));
	/* More RAM cannot help here: the message must not ask for it. */
	assert_null(strstr(why, "at least"));
	assert_non_null(strstr(why, "smaller initrd"));
}

static void test_placement_without_pref(void **state)
{
	(void)state;
	/* pref_address not aligned: the lowest aligned address from 1 MiB. */
	put32(image + 0x258, 0x100000);
	load_ok();
	assert_int_equal(res.entry, ALIGN_2M);
	assert_int_equal(res.kernel_end, ALIGN_2M + INIT_SIZE);
	assert_memory_equal(ram + ALIGN_2M, image + SETUP_BYTES, PAYLOAD);
	assert_int_equal(get32(ram + res.boot_params + 0x214), ALIGN_2M);
}

static void test_ram_size(void **state)
{
	(void)state;
	/* Exactly pref + init_size + the initrd's 3 pages: fits. */
	req.ram_size = PREF + INIT_SIZE + 3 * 4096;
	ram_size = req.ram_size;
	load_ok();
	assert_int_equal(res.initrd_start, PREF + INIT_SIZE);
	req.ram_size = PREF + INIT_SIZE;
	assert_int_equal(linux_boot_load(ram, &req, &res, &why), -ENOSPC);
	assert_non_null(strstr(why, "initrd"));
	req.ram_size = PREF + INIT_SIZE - 4096;
	assert_int_equal(linux_boot_load(ram, &req, &res, &why), -ENOSPC);
	assert_non_null(strstr(why, "init_size 0x2000000"));
	assert_non_null(strstr(why, "at least 48 MiB"));
	req.ram_size = 0xfec00000ULL + 4096;
	assert_int_equal(linux_boot_load(ram, &req, &res, &why), -ENOTSUP);
	assert_non_null(strstr(why, "0xfec00000"));
}

#define EXPECT(err_code, ...)						\
	do {								\
		const char *const words[] = { __VA_ARGS__, NULL };	\
		assert_int_equal(linux_boot_load(ram, &req, &res, &why), \
				 err_code);				\
		for (const char *const *w = words; *w; w++)		\
			if (!strstr(why, *w))				\
				fail_msg("\"%s\" lacks \"%s\"", why, *w); \
		make_image();						\
	} while (0)

static void test_header_checks(void **state)
{
	(void)state;
	put16(image + 0x206, 0x020b);
	EXPECT(-ENOTSUP, "2.11", "older than 2.12");
	image[0x211] = 0;
	EXPECT(-ENOTSUP, "zImage");
	image[0x234] = 0;
	EXPECT(-ENOTSUP, "not relocatable");
	put32(image + 0x230, 0x300000);
	EXPECT(-EINVAL, "kernel_alignment 0x300000");
	put32(image + 0x230, 0);
	EXPECT(-EINVAL, "kernel_alignment");
	put32(image + 0x260, PAYLOAD - 1);
	EXPECT(-EINVAL, "init_size");
	image[0x1f1] = 200;
	EXPECT(-EINVAL, "setup code", "truncated");
	image[0x201] = 0x10;
	EXPECT(-EINVAL, "header end");
	put32(image + 0x238, 10);
	EXPECT(-EINVAL, "command line is 32 characters", "cmdline_size is 10");
	memcpy(image + 0x202, "HdrX", 4);
	EXPECT(-EINVAL, "not a Linux bzImage");
	req.vcpu_count = 0;
	EXPECT(-EINVAL, "0 vCPUs");
	req.vcpu_count = 256;
	EXPECT(-EINVAL, "256 vCPUs");
	req.vcpu_count = 1;
	req.initrd = NULL;
	EXPECT(-EINVAL, "initrd");
}

/*
 * A pref_address near the top of the 64-bit range: pref + init_size
 * wrapped to a small number and the message asked for a few MiB.
 */
static void test_pref_address_out_of_reach(void **state)
{
	(void)state;
	put32(image + 0x258, 0xffe00000U);
	put32(image + 0x25c, 0xffffffffU);
	EXPECT(-ENOTSUP, "runs at 0xffffffffffe00000", "beyond the 4 GiB");
	/* Below 4 GiB but ending above it. */
	put32(image + 0x258, 0xfe200000U);
	EXPECT(-ENOTSUP, "runs at 0xfe200000", "init_size 0x2000000",
	       "beyond the 4 GiB");
	/* Ending below 4 GiB: a plain question of RAM size. */
	put32(image + 0x258, 0xfe000000U - INIT_SIZE);
	EXPECT(-ENOSPC, "needs RAM up to 0xfe000000", "at least 4064 MiB");
}

/*
 * The command line goes to 0x11000, below the ACPI tables at 0x9f000;
 * a header claiming a huge cmdline_size must not let a long one run
 * into them.
 */
static void test_cmdline_bounded(void **state)
{
	size_t len = LINUX_CMDLINE_SPACE;
	char *line = malloc(len + 1);

	(void)state;
	assert_non_null(line);
	memset(line, 'x', len);
	line[len] = '\0';
	req.cmdline = line;
	put32(image + 0x238, 0xffffffffU);
	EXPECT(-EINVAL, "0x11000", "shorten cmdline");
	/* One less fits, its zero just below the tables. */
	line[len - 1] = '\0';
	put32(image + 0x238, 0xffffffffU);
	load_ok();
	assert_int_equal(ram[LINUX_CMDLINE_GPA + len - 2], 'x');
	assert_int_equal(ram[LINUX_CMDLINE_GPA + len - 1], '\0');
	/* The words the hypervisor appended are owned up to. */
	line[30] = '\0';
	req.cmdline_added = 10;
	put32(image + 0x238, 20);
	EXPECT(-EINVAL, "30 characters", "10 of them", "cmdline_size is 20");
	free(line);
}

/* setup_sects 0 means 4 (boot.rst). */
static void test_setup_sects_zero(void **state)
{
	(void)state;
	image[0x1f1] = 0;
	req.kernel_size = FILE_SIZE;
	load_ok();
	assert_memory_equal(ram + PREF, image + 5 * 512, FILE_SIZE - 5 * 512);
}

static uint8_t *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0) {
		data = malloc((size_t)len);
		rewind(f);
		if (data && fread(data, 1, (size_t)len, f) != (size_t)len) {
			free(data);
			data = NULL;
		}
		*size = (size_t)len;
	}
	fclose(f);
	return data;
}

/* Debian's own kernel, when the machine has one (linux-image-amd64). */
static void test_distribution_kernel(void **state)
{
	char path[512] = "";
	struct dirent *d;
	uint8_t *k;
	size_t size = 0;
	DIR *dir = opendir("/boot");

	(void)state;
	while (dir && (d = readdir(dir)))
		if (!strncmp(d->d_name, "vmlinuz-", 8))
			snprintf(path, sizeof(path), "/boot/%s", d->d_name);
	if (dir)
		closedir(dir);
	k = path[0] ? read_all(path, &size) : NULL;
	if (!k)
		skip();
	free(ram);
	ram_size = 256 * MIB;
	ram = calloc(1, ram_size);
	assert_non_null(ram);
	req.kernel = k;
	req.kernel_size = size;
	req.ram_size = ram_size;
	assert_true(linux_is_bzimage(k, size));
	load_ok();
	assert_int_equal(res.entry, get64(k + 0x258));
	assert_true(res.kernel_end <= res.initrd_start);
	assert_true(get16(k + 0x206) >= 0x020e);	/* reads acpi_rsdp_addr */
	check_e820(ram + res.boot_params);
	check_acpi(ram + res.boot_params, 3);
	req.ram_size = 64 * MIB;
	assert_int_equal(linux_boot_load(ram, &req, &res, &why), -ENOSPC);
	assert_non_null(strstr(why, "at least"));
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recognise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pref_address_out_of_reach,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_bounded,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_initrd_no_cmdline,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pci_ecam_reserved, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_initrd_addr_max, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_placement_without_pref,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ram_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_setup_sects_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_distribution_kernel, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
