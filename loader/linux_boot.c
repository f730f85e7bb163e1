/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux bzImage loader, 32-bit boot protocol (Documentation/arch/x86/
 * boot.rst, "32-bit boot protocol"; boot_params layout from zero-page.rst).
 * The real-mode setup code is never run: the partition has no BIOS for it.
 */
#include "loader/linux_boot.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "loader/ram_layout.h"

/* boot.rst "The real-mode kernel header": offsets in the file and zero page. */
#define HDR_START		0x1f1
#define HDR_SETUP_SECTS		0x1f1
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200	/* 2-byte jump; its offset ends the header */
#define HDR_HEADER		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_CMDLINE_SIZE	0x238
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_MIN_SIZE		0x264	/* through init_size (protocol 2.10) */
/* zero-page.rst: the header may grow up to edd_mbr_sig_buffer. */
#define HDR_LIMIT		0x290

#define BOOT_FLAG		0xaa55
#define HDR_MAGIC		"HdrS"
#define MIN_VERSION		0x020c	/* 2.12: xloadflags, 64-bit era */
#define SECTOR			512
#define DEFAULT_SETUP_SECTS	4	/* boot.rst: setup_sects 0 means 4 */
#define LOADED_HIGH		0x01	/* loadflags bit 0 */
#define KEEP_SEGMENTS		0x40	/* loadflags bit 6, obsolete */
#define CAN_USE_HEAP		0x80	/* loadflags bit 7 */
/* boot.rst: "0xFF" = undefined boot loader, for one not assigned an ID. */
#define LOADER_UNDEFINED	0xff
/*
 * The 16-bit setup code's heap end, relative to its start minus 0x200,
 * as boot.rst asks a loader to set with CAN_USE_HEAP. Our entry is the
 * 32-bit one, so no setup code runs; the value only keeps the header
 * what a conventional loader would leave (setup at 0x90000, heap to 0x9de00).
 */
#define HEAP_END_PTR		0xde00

/* zero-page.rst. */
#define BP_SIZE			0x1000
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define E820_ENTRY_SIZE		20
#define E820_RAM		1	/* ACPI 6.4 table 15.312 address ranges */
#define E820_RESERVED		2
#define E820_ACPI		3
#define ECAM_BUS_SHIFT		20	/* PCIe 5.0 7.2.2: 1 MiB per bus */

#define PAGE			0x1000ULL
#define LEGACY_HOLE_START	0xa0000ULL	/* VGA, ROMs, BIOS */
#define ACPI_AREA_END		LEGACY_HOLE_START
/* Nothing but emulated devices at the I/O APIC and above (DESIGN.md). */
#define RAM_LIMIT		0xfec00000ULL
#define RSDP_COPY_LEN		36
/*
 * The 32-bit entry runs with paging off (boot.rst, "32-bit boot
 * protocol"), so the kernel must decompress below 4 GiB.
 */
#define BOOT32_REACH		(1ULL << 32)

_Static_assert(LINUX_ACPI_GPA + GUEST_ACPI_MAX_SIZE <= ACPI_AREA_END,
	       "the ACPI tables fit below the legacy hole");
_Static_assert(LINUX_BOOT_PARAMS_GPA + BP_SIZE <= LINUX_CMDLINE_GPA,
	       "boot_params and the command line do not overlap");
_Static_assert(LINUX_CMDLINE_GPA + LINUX_CMDLINE_SPACE <= LINUX_ACPI_GPA,
	       "the command line and the ACPI tables do not overlap");

struct setup {
	uint32_t setup_bytes;		/* real-mode part, skipped */
	uint32_t version;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t header_end;
};

static char why_text[224];

static int fail(const char **why, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const char **why, int err, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		vsnformat(why_text, sizeof(why_text), fmt, ap);
		va_end(ap);
		*why = why_text;
	}
	return -err;
}

static uint64_t mib_up(uint64_t bytes)
{
	return (bytes + ONE_MIB - 1) / ONE_MIB;
}

bool linux_is_bzimage(const uint8_t *img, size_t size)
{
	return img && size >= HDR_MIN_SIZE &&
	       get16(img + HDR_BOOT_FLAG) == BOOT_FLAG &&
	       !memcmp(img + HDR_HEADER, HDR_MAGIC, 4);
}

static int check_version(const uint8_t *k, struct setup *s, const char **why)
{
	s->version = get16(k + HDR_VERSION);
	if (s->version < MIN_VERSION)
		return fail(why, ENOTSUP, "boot protocol %u.%02u is older than 2.12 (Linux 3.8): use a newer kernel",
			    s->version >> 8, s->version & 0xff);
	if (!(k[HDR_LOADFLAGS] & LOADED_HIGH))
		return fail(why, ENOTSUP, "a zImage loaded low (loadflags bit 0 clear): build a bzImage");
	if (!k[HDR_RELOCATABLE])
		return fail(why, ENOTSUP, "the kernel is not relocatable (CONFIG_RELOCATABLE=n): Bulkhead places kernels at their pref_address with kernel_alignment");
	return 0;
}

static int read_setup(const uint8_t *k, size_t size, struct setup *s,
		      const char **why)
{
	unsigned int sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] :
			     DEFAULT_SETUP_SECTS;
	int err = check_version(k, s, why);

	if (err)
		return err;
	s->setup_bytes = (sects + 1) * SECTOR;
	if (s->setup_bytes >= size)
		return fail(why, EINVAL, "the setup code (%u sectors) runs past the end of the %zu-byte file: the image is truncated",
			    sects, size);
	s->header_end = HDR_HEADER + k[HDR_JUMP + 1];
	if (s->header_end < HDR_MIN_SIZE || s->header_end > HDR_LIMIT)
		return fail(why, EINVAL, "setup header end %#x (from the jump at 0x200) is outside [%#x, %#x]: the image is damaged",
			    s->header_end, HDR_MIN_SIZE, HDR_LIMIT);
	s->initrd_addr_max = get32(k + HDR_INITRD_ADDR_MAX);
	s->kernel_alignment = get32(k + HDR_KERNEL_ALIGNMENT);
	s->cmdline_size = get32(k + HDR_CMDLINE_SIZE);
	s->pref_address = get64(k + HDR_PREF_ADDRESS);
	s->init_size = get32(k + HDR_INIT_SIZE);
	if (!s->kernel_alignment ||
	    (s->kernel_alignment & (s->kernel_alignment - 1)))
		return fail(why, EINVAL, "kernel_alignment %#x is not a power of two: the image is damaged",
			    s->kernel_alignment);
	if (s->init_size < size - s->setup_bytes)
		return fail(why, EINVAL, "init_size %#x is smaller than the %#zx-byte protected-mode kernel: the image is damaged",
			    s->init_size, size - s->setup_bytes);
	return 0;
}

/*
 * A relocatable kernel decompresses to max(load address, pref_address),
 * so it needs pref_address + init_size whatever its load address. It goes
 * to pref_address when that is a usable RAM address, else to the lowest
 * aligned address from 1 MiB.
 */
static int place_kernel(const struct linux_boot_request *req,
			const struct setup *s, uint64_t limit,
			uint64_t *start, uint64_t *end, const char **why)
{
	uint64_t load = s->pref_address;
	uint64_t run;

	if (load < ONE_MIB || load % s->kernel_alignment)
		load = align_up(ONE_MIB, s->kernel_alignment);
	run = load > s->pref_address ? load : s->pref_address;
	/* Checked first: past it run + init_size may not even fit 64 bits. */
	if (run > BOOT32_REACH || s->init_size > BOOT32_REACH - run)
		return fail(why, ENOTSUP, "the kernel runs at %#llx (pref_address %#llx) and takes init_size %#x, which ends beyond the 4 GiB the 32-bit boot protocol reaches: no partition can hold it; the image is damaged or not meant for this entry",
			    (unsigned long long)run,
			    (unsigned long long)s->pref_address, s->init_size);
	if (run > limit || s->init_size > limit - run)
		return fail(why, ENOSPC, "the kernel needs RAM up to %#llx (it runs at %#llx and takes init_size %#x) but the partition has %llu MiB: give it at least %llu MiB plus room for the initrd",
			    (unsigned long long)(run + s->init_size),
			    (unsigned long long)run, s->init_size,
			    (unsigned long long)(req->ram_size >> 20),
			    (unsigned long long)mib_up(run + s->init_size));
	*start = load;
	*end = run + s->init_size;
	return 0;
}

/* As high as possible (boot.rst), page aligned, above the kernel. */
static int place_initrd(const struct linux_boot_request *req,
			const struct setup *s, uint64_t limit,
			uint64_t kernel_end, uint64_t *start, const char **why)
{
	uint64_t top = limit;
	bool capped = (uint64_t)s->initrd_addr_max + 1 < top, fits;

	if (capped)
		top = (uint64_t)s->initrd_addr_max + 1;
	top &= ~(PAGE - 1);
	fits = req->initrd_size <= top &&
	       ((top - req->initrd_size) & ~(PAGE - 1)) >= kernel_end;
	/* Below the kernel's own limit, more RAM would not help. */
	if (!fits && capped)
		return fail(why, ENOSPC, "the %zu-byte initrd does not fit between the kernel's end at %#llx and its initrd_addr_max %#x, whatever the partition's RAM: use a smaller initrd",
			    req->initrd_size, (unsigned long long)kernel_end,
			    s->initrd_addr_max);
	if (!fits)
		return fail(why, ENOSPC, "the %zu-byte initrd does not fit between the kernel's end at %#llx and %#llx (RAM %llu MiB, initrd_addr_max %#x): give the partition at least %llu MiB",
			    req->initrd_size, (unsigned long long)kernel_end,
			    (unsigned long long)top,
			    (unsigned long long)(req->ram_size >> 20),
			    s->initrd_addr_max,
			    (unsigned long long)mib_up(align_up(kernel_end,
								PAGE) +
						       align_up(req->initrd_size,
								PAGE)));
	*start = (top - req->initrd_size) & ~(PAGE - 1);
	return 0;
}

static int check_request(const uint8_t *ram,
			 const struct linux_boot_request *req,
			 const char **why)
{
	if (!ram || !req->kernel || !req->platform)
		return fail(why, EINVAL, "no guest RAM, kernel image or platform description");
	if (req->initrd_size && !req->initrd)
		return fail(why, EINVAL, "an initrd size without initrd data");
	if (!linux_is_bzimage(req->kernel, req->kernel_size))
		return fail(why, EINVAL, "not a Linux bzImage (no \"HdrS\" at 0x202 and 0xaa55 at 0x1fe)");
	if (!req->vcpu_count || req->vcpu_count > GUEST_ACPI_MAX_VCPUS)
		return fail(why, EINVAL, "%u vCPUs: a Linux partition takes 1 to %u",
			    req->vcpu_count, GUEST_ACPI_MAX_VCPUS);
	if (req->ram_size < ONE_MIB * 2)
		return fail(why, ENOSPC, "%llu KiB of RAM is far too little for Linux",
			    (unsigned long long)(req->ram_size >> 10));
	if (req->ram_size > RAM_LIMIT)
		return fail(why, ENOTSUP, "%llu MiB of RAM would cover the I/O APIC at 0xfec00000: a Linux partition takes at most %llu MiB for now",
			    (unsigned long long)(req->ram_size >> 20),
			    RAM_LIMIT >> 20);
	return 0;
}

/*
 * Bounded twice: by the kernel's cmdline_size (boot.rst: the longest
 * command line it takes, without the terminating zero) and by the area
 * at LINUX_CMDLINE_GPA, whatever a damaged header claims.
 */
static int put_cmdline(uint8_t *ram, const struct setup *s,
		       const struct linux_boot_request *req, const char **why)
{
	const char *cmdline = req->cmdline;
	size_t len = cmdline ? strlen(cmdline) : 0;

	if (len > s->cmdline_size && req->cmdline_added)
		return fail(why, EINVAL, "the command line is %zu characters (%zu of them the words Bulkhead appends, see docs/config.md) but this kernel's cmdline_size is %u: shorten cmdline",
			    len, req->cmdline_added, s->cmdline_size);
	if (len > s->cmdline_size)
		return fail(why, EINVAL, "the command line is %zu characters but this kernel's cmdline_size is %u: shorten cmdline",
			    len, s->cmdline_size);
	if (len >= LINUX_CMDLINE_SPACE)
		return fail(why, EINVAL, "the command line is %zu characters; the loader's area for it at %#x holds %u with the terminating zero: shorten cmdline",
			    len, LINUX_CMDLINE_GPA, LINUX_CMDLINE_SPACE);
	if (len)
		memcpy(ram + LINUX_CMDLINE_GPA, cmdline, len);
	ram[LINUX_CMDLINE_GPA + len] = '\0';
	return 0;
}

static void e820_add(uint8_t *bp, uint64_t start, uint64_t end, uint32_t type)
{
	uint8_t *e = bp + BP_E820_TABLE + bp[BP_E820_ENTRIES] * E820_ENTRY_SIZE;

	if (end <= start)
		return;
	put64(e, start);
	put64(e + 8, end - start);
	put32(e + 16, type);
	bp[BP_E820_ENTRIES]++;
}

/*
 * The partition's PC map; the stage-2 leaves part of the hole unmapped.
 * The ECAM window of its buses is reserved, as PC firmware does: Linux
 * uses the MCFG only over reserved memory (its "MMCONFIG ... reserved in
 * E820" check; the DSDT's motherboard resources say so too). The RAM
 * below 4 GiB ends below it, the rest is above 4 GiB (loader/ram_layout.c
 * at boot), listed last as the highest range.
 */
static void fill_e820(uint8_t *bp, const struct linux_boot_request *req)
{
	const struct guest_acpi_pci *pci = req->platform->pci;

	e820_add(bp, 0, LINUX_ACPI_GPA, E820_RAM);
	e820_add(bp, LINUX_ACPI_GPA, ACPI_AREA_END, E820_ACPI);
	e820_add(bp, LEGACY_HOLE_START, ONE_MIB, E820_RESERVED);
	e820_add(bp, ONE_MIB, req->ram_size, E820_RAM);
	if (pci && pci->ecam_base)
		e820_add(bp, pci->ecam_base +
			 ((uint64_t)pci->bus_start << ECAM_BUS_SHIFT),
			 pci->ecam_base +
			 (((uint64_t)pci->bus_end + 1) << ECAM_BUS_SHIFT),
			 E820_RESERVED);
	e820_add(bp, RAM_LAYOUT_HIGH_BASE,
		 RAM_LAYOUT_HIGH_BASE + req->high_ram_size, E820_RAM);
}

static void fill_boot_params(uint8_t *ram, const struct linux_boot_request *req,
			     const struct setup *s,
			     const struct linux_boot_result *res)
{
	uint8_t *bp = ram + LINUX_BOOT_PARAMS_GPA;

	memset(bp, 0, BP_SIZE);
	memcpy(bp + HDR_START, req->kernel + HDR_START,
	       s->header_end - HDR_START);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[HDR_LOADFLAGS] = (uint8_t)((bp[HDR_LOADFLAGS] | CAN_USE_HEAP) &
				      ~KEEP_SEGMENTS);
	put16(bp + HDR_HEAP_END_PTR, HEAP_END_PTR);
	put32(bp + HDR_CODE32_START, res->entry);
	put32(bp + HDR_CMD_LINE_PTR, LINUX_CMDLINE_GPA);
	put32(bp + HDR_RAMDISK_IMAGE, res->initrd_start);
	put32(bp + HDR_RAMDISK_SIZE, res->initrd_end - res->initrd_start);
	put64(bp + BP_ACPI_RSDP_ADDR, res->rsdp);
	fill_e820(bp, req);
}

static int build_acpi(uint8_t *ram, const struct linux_boot_request *req,
		      uint32_t *rsdp, const char **why)
{
	struct guest_acpi_layout lay;
	int err = guest_acpi_build(ram + LINUX_ACPI_GPA, GUEST_ACPI_MAX_SIZE,
				   LINUX_ACPI_GPA, req->platform,
				   req->vcpu_count, &lay);

	if (err)
		return fail(why, -err, "cannot build the ACPI tables for %u vCPUs (error %d)",
			    req->vcpu_count, err);
	/* ACPI 6.4 5.2.5.1: the BIOS area is searched on 16-byte bounds. */
	memcpy(ram + LINUX_LEGACY_RSDP_GPA, ram + lay.rsdp, RSDP_COPY_LEN);
	*rsdp = (uint32_t)lay.rsdp;
	return 0;
}

int linux_boot_load(uint8_t *ram, const struct linux_boot_request *req,
		    struct linux_boot_result *res, const char **why)
{
	uint64_t limit = req->ram_size, kstart = 0, kend = 0, istart;
	struct linux_boot_result r = { 0 };
	struct setup s = { 0 };
	int err;

	err = check_request(ram, req, why);
	if (!err)
		err = read_setup(req->kernel, req->kernel_size, &s, why);
	if (!err)
		err = place_kernel(req, &s, limit, &kstart, &kend, why);
	if (err)
		return err;
	istart = 0;
	if (req->initrd_size)
		err = place_initrd(req, &s, limit, kend, &istart, why);
	if (!err)
		err = put_cmdline(ram, &s, req, why);
	if (!err)
		err = build_acpi(ram, req, &r.rsdp, why);
	if (err)
		return err;
	memcpy(ram + kstart, req->kernel + s.setup_bytes,
	       req->kernel_size - s.setup_bytes);
	if (req->initrd_size)
		memcpy(ram + istart, req->initrd, req->initrd_size);
	r.entry = (uint32_t)kstart;
	r.boot_params = LINUX_BOOT_PARAMS_GPA;
	r.kernel_start = (uint32_t)kstart;
	r.kernel_end = (uint32_t)kend;
	r.initrd_start = (uint32_t)istart;
	r.initrd_end = (uint32_t)(istart + req->initrd_size);
	fill_boot_params(ram, req, &s, &r);
	*res = r;
	return 0;
}
