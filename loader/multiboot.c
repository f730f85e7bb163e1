/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot v1 loader (Multiboot Specification 0.6.96). The kernel image is
 * either an ELF32 executable or carries its load addresses in the header
 * (the "a.out kludge", flag 16, which wins even for ELF files, as in GRUB).
 * Everything we add (modules, info, memory map, strings) goes above the
 * kernel so that it can never overwrite a byte of it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include "loader/multiboot.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "loader/ram_layout.h"

#define MB_SEARCH_BYTES		8192	/* 3.1.1: header within the first 8 KiB */
#define MB_HEADER_ALIGN		4	/* 3.1.1: header is 32-bit aligned */
#define MB_HEADER_MIN		12	/* 3.1.2: magic, flags, checksum */
#define MB_HEADER_AOUT		32	/* 3.1.3: up to entry_addr */
#define MB_HF_REQUIRED		0x0000ffffU	/* 3.1.2: bits 0-15 */
#define MB_HF_SUPPORTED		(MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO | \
				 MB_HF_VIDEO_MODE)
#define MB_MMAP_ENTRY_SIZE	20	/* 3.3: size field excludes itself */
#define MB_MEM_LOWER_KIB	640	/* 3.3: lower memory is at most 640 KiB */

#define PAGE_SIZE		0x1000ULL
/* Keep page 0 unused so that a guest's null pointer hits nothing loaded. */
#define LOAD_MIN		0x1000ULL
/* The partition's PC map (DESIGN.md "Partitions"): EBDA, VGA, ROMs, BIOS. */
#define EBDA_START		0x9fc00ULL
#define VGA_START		0xa0000ULL
#define BIOS_START		0xf0000ULL
#define HOLE_START		EBDA_START
#define HOLE_END		ONE_MIB
#define MMAP_ENTRIES		6	/* PC map, ECAM window, RAM at 4 GiB */
#define ECAM_BUS_SHIFT		20	/* PCIe 5.0 7.2.2: 1 MiB per bus */

_Static_assert(MB_ACPI_GPA >= BIOS_START &&
	       MB_ACPI_GPA + GUEST_ACPI_MAX_SIZE <= HOLE_END,
	       "the ACPI tables lie in the reserved BIOS area");

/* ELF (System V ABI gABI and its Intel386 supplement). */
#define EI_CLASS		4
#define EI_DATA			5
#define ELFCLASS32		1
#define ELFCLASS64		2
#define ELFDATA2LSB		1
#define ET_EXEC			2
#define EM_386			3
#define PT_LOAD			1

struct mb_header {			/* 3.1.2 and 3.1.3 */
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	uint32_t entry_addr;
};

struct mb_info {			/* 3.3 */
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off;
	uint16_t vbe_interface_len;
};
_Static_assert(sizeof(struct mb_info) == 88, "Multiboot 0.6.96 info size");

struct mb_mod_entry {			/* 3.3 */
	uint32_t mod_start, mod_end, string, reserved;
};

struct mb_mmap_entry {			/* 3.3 */
	uint32_t size;
	uint64_t base_addr, length;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap_entry) == MB_MMAP_ENTRY_SIZE + 4,
	       "Multiboot memory map entry size");

struct elf32_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type, e_machine;
	uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum;
	uint16_t e_shentsize, e_shnum, e_shstrndx;
};

struct elf32_phdr {
	uint32_t p_type, p_offset, p_vaddr, p_paddr;
	uint32_t p_filesz, p_memsz, p_flags, p_align;
};

struct loader {
	uint8_t *ram;
	const struct mb_boot_request *req;
	uint64_t limit;		/* end of what 32-bit addresses reach */
	const char **why;
};

struct image {
	uint64_t start, end;
	uint32_t entry;
};

/*
 * Messages with numbers need a buffer that outlives the call. Loads run one
 * at a time in practice; if two failing loads ever raced, only the text
 * would suffer.
 */
static char why_text[192];

static int fail(const struct loader *ld, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(const struct loader *ld, int err, const char *fmt, ...)
{
	va_list ap;

	if (ld->why) {
		va_start(ap, fmt);
		vsnformat(why_text, sizeof(why_text), fmt, ap);
		va_end(ap);
		*ld->why = why_text;
	}
	return -err;
}

static int find_header(const struct loader *ld, struct mb_header *h,
		       size_t *offset)
{
	const struct mb_boot_request *req = ld->req;
	size_t window = req->kernel_size < MB_SEARCH_BYTES ?
			req->kernel_size : MB_SEARCH_BYTES;
	bool bad_sum = false;
	size_t bad_at = 0;

	for (size_t off = 0; off + MB_HEADER_MIN <= window;
	     off += MB_HEADER_ALIGN) {
		uint32_t w[3];

		memcpy(w, req->kernel + off, sizeof(w));
		if (w[0] != MB_HEADER_MAGIC)
			continue;
		/* GRUB skips a bad candidate and keeps looking. */
		if (w[0] + w[1] + w[2] != 0) {
			if (!bad_sum)
				bad_at = off;
			bad_sum = true;
			continue;
		}
		memset(h, 0, sizeof(*h));
		memcpy(h, w, sizeof(w));
		if (h->flags & MB_HF_AOUT_KLUDGE) {
			if (off + MB_HEADER_AOUT > window)
				return fail(ld, EINVAL, "the Multiboot header at file offset 0x%zx sets flag 16 but its address fields end past the first 8192 bytes",
					    off);
			memcpy(h, req->kernel + off, MB_HEADER_AOUT);
		}
		*offset = off;
		return 0;
	}
	if (bad_sum)
		return fail(ld, EINVAL, "the Multiboot header at file offset 0x%zx has a bad checksum",
			    bad_at);
	return fail(ld, EINVAL, "no Multiboot header (magic 0x1badb002) in the first 8192 bytes of the kernel");
}

static int check_flags(const struct loader *ld, const struct mb_header *h)
{
	uint32_t unknown = h->flags & MB_HF_REQUIRED & ~MB_HF_SUPPORTED;

	/* 3.1.2: a loader must refuse requirements it cannot meet. */
	if (unknown)
		return fail(ld, ENOTSUP, "the kernel requires Multiboot header flags 0x%x; Bulkhead supports only bits 0-2",
			    unknown);
	return 0;
}

/* The kernel must lie in RAM the guest sees as available. */
static int check_range(const struct loader *ld, const char *what,
		       uint64_t start, uint64_t end)
{
	if (start < LOAD_MIN || end > ld->limit || end < start)
		return fail(ld, ERANGE, "%s [0x%lx, 0x%lx) lies outside guest RAM [0x1000, 0x%lx) (RAM size 0x%lx)",
			    what, start, end, ld->limit, ld->req->ram_size);
	if (start < HOLE_END && end > HOLE_START)
		return fail(ld, ERANGE, "%s [0x%lx, 0x%lx) overlaps the legacy hole [0x9fc00, 0x100000)",
			    what, start, end);
	return 0;
}

static void load_bytes(const struct loader *ld, uint64_t gpa,
		       uint64_t file_off, uint64_t file_size, uint64_t mem_size)
{
	memcpy(ld->ram + gpa, ld->req->kernel + file_off, file_size);
	memset(ld->ram + gpa + file_size, 0, mem_size - file_size);
}

/* 3.1.3: the image is loaded from the file as one block, then bss. */
static int load_aout(const struct loader *ld, const struct mb_header *h,
		     size_t header_off, struct image *img)
{
	uint64_t size = ld->req->kernel_size;
	uint64_t file_off, load_end, bss_end;
	int err;

	if (h->load_addr > h->header_addr ||
	    h->header_addr - h->load_addr > header_off)
		return fail(ld, EINVAL, "a.out kludge: load_addr 0x%x with header_addr 0x%x starts before the file",
			    h->load_addr, h->header_addr);
	file_off = header_off - (h->header_addr - h->load_addr);
	load_end = h->load_end_addr ? h->load_end_addr :
		   h->load_addr + (size - file_off);
	if (load_end < h->load_addr ||
	    file_off + (load_end - h->load_addr) > size)
		return fail(ld, EINVAL, "a.out kludge: load_end_addr 0x%lx lies past the end of the 0x%lx-byte file",
			    load_end, size);
	bss_end = h->bss_end_addr ? h->bss_end_addr : load_end;
	if (bss_end < load_end)
		return fail(ld, EINVAL, "a.out kludge: bss_end_addr 0x%lx is below load_end_addr 0x%lx",
			    bss_end, load_end);
	err = check_range(ld, "kernel image", h->load_addr, bss_end);
	if (err)
		return err;
	if (h->entry_addr < h->load_addr || h->entry_addr >= load_end)
		return fail(ld, EINVAL, "a.out kludge: entry_addr 0x%x is outside the loaded image [0x%x, 0x%lx)",
			    h->entry_addr, h->load_addr, load_end);
	load_bytes(ld, h->load_addr, file_off, load_end - h->load_addr,
		   bss_end - h->load_addr);
	*img = (struct image){ h->load_addr, bss_end, h->entry_addr };
	return 0;
}

static int elf_check_header(const struct loader *ld, struct elf32_ehdr *eh)
{
	const uint8_t *k = ld->req->kernel;
	uint64_t size = ld->req->kernel_size;
	uint64_t ph_end;

	if (size < sizeof(*eh) || memcmp(k, "\177ELF", 4))
		return fail(ld, EINVAL, "the kernel is not an ELF file and its Multiboot header does not set flag 16 (a.out kludge)");
	if (k[EI_CLASS] == ELFCLASS64)
		return fail(ld, ENOTSUP, "the kernel is ELF64; Multiboot v1 loads ELF32 (or a.out kludge) kernels");
	if (k[EI_CLASS] != ELFCLASS32 || k[EI_DATA] != ELFDATA2LSB)
		return fail(ld, EINVAL, "ELF class %u, data encoding %u: not a little-endian ELF32 file",
			    k[EI_CLASS], k[EI_DATA]);
	memcpy(eh, k, sizeof(*eh));
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_386)
		return fail(ld, EINVAL, "ELF type %u, machine %u: the kernel must be an i386 executable (ET_EXEC, EM_386)",
			    eh->e_type, eh->e_machine);
	ph_end = eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (eh->e_phentsize < sizeof(struct elf32_phdr) || ph_end > size)
		return fail(ld, EINVAL, "ELF program headers (%u of %u bytes at 0x%x) do not fit the 0x%lx-byte file",
			    eh->e_phnum, eh->e_phentsize, eh->e_phoff, size);
	return 0;
}

static void elf_phdr(const struct loader *ld, const struct elf32_ehdr *eh,
		     unsigned int i, struct elf32_phdr *ph)
{
	memcpy(ph, ld->req->kernel + eh->e_phoff +
	       (uint64_t)i * eh->e_phentsize, sizeof(*ph));
}

static int elf_check_segment(const struct loader *ld,
			     const struct elf32_phdr *ph, unsigned int i)
{
	uint64_t file_end = (uint64_t)ph->p_offset + ph->p_filesz;

	if (ph->p_filesz > ph->p_memsz)
		return fail(ld, EINVAL, "ELF segment %u: file size 0x%x exceeds memory size 0x%x",
			    i, ph->p_filesz, ph->p_memsz);
	if (file_end > ld->req->kernel_size)
		return fail(ld, EINVAL, "ELF segment %u: file bytes [0x%x, 0x%lx) run past the end of the 0x%zx-byte file",
			    i, ph->p_offset, file_end, ld->req->kernel_size);
	return check_range(ld, "kernel segment", ph->p_paddr,
			   (uint64_t)ph->p_paddr + ph->p_memsz);
}

static bool elf_loadable(const struct elf32_phdr *ph)
{
	return ph->p_type == PT_LOAD && ph->p_memsz;
}

/*
 * Segments go to their physical addresses; the entry point, a virtual
 * address, is translated through the segment holding it since the kernel
 * starts with paging off (GRUB does the same).
 */
static int elf_scan(const struct loader *ld, const struct elf32_ehdr *eh,
		    struct image *img)
{
	unsigned int count = 0;
	bool have_entry = false;

	img->start = UINT64_MAX;
	img->end = 0;
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		struct elf32_phdr ph;
		int err;

		elf_phdr(ld, eh, i, &ph);
		if (!elf_loadable(&ph))
			continue;
		err = elf_check_segment(ld, &ph, i);
		if (err)
			return err;
		count++;
		if (ph.p_paddr < img->start)
			img->start = ph.p_paddr;
		if ((uint64_t)ph.p_paddr + ph.p_memsz > img->end)
			img->end = (uint64_t)ph.p_paddr + ph.p_memsz;
		if (!have_entry && eh->e_entry >= ph.p_vaddr &&
		    eh->e_entry - ph.p_vaddr < ph.p_memsz) {
			img->entry = eh->e_entry - ph.p_vaddr + ph.p_paddr;
			have_entry = true;
		}
	}
	if (!count)
		return fail(ld, EINVAL, "the ELF kernel has no loadable (PT_LOAD) segment");
	if (!have_entry)
		return fail(ld, EINVAL, "the ELF entry point 0x%x lies in no loadable segment",
			    eh->e_entry);
	return 0;
}

static int load_elf(const struct loader *ld, struct image *img)
{
	struct elf32_ehdr eh;
	int err;

	err = elf_check_header(ld, &eh);
	if (!err)
		err = elf_scan(ld, &eh, img);
	if (err)
		return err;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		struct elf32_phdr ph;

		elf_phdr(ld, &eh, i, &ph);
		if (elf_loadable(&ph))
			load_bytes(ld, ph.p_paddr, ph.p_offset, ph.p_filesz,
				   ph.p_memsz);
	}
	return 0;
}

/* Takes size bytes at the cursor, stepping over the legacy hole. */
static int place(const struct loader *ld, uint64_t *cursor, uint64_t size,
		 uint64_t align, const char *what, uint64_t *addr)
{
	uint64_t start = align_up(*cursor, align);

	if (start < HOLE_END && start + size > HOLE_START)
		start = align_up(HOLE_END, align);
	if (start + size > ld->limit)
		return fail(ld, ENOSPC, "no room for %s (0x%lx bytes at 0x%lx) below the end of usable guest RAM at 0x%lx (RAM size 0x%lx)",
			    what, size, start, ld->limit, ld->req->ram_size);
	*addr = start;
	*cursor = start + size;
	return 0;
}

static int put_bytes(const struct loader *ld, uint64_t *cursor,
		     const void *data, uint64_t size, uint64_t align,
		     const char *what, uint32_t *addr)
{
	uint64_t gpa = 0;
	int err;

	err = place(ld, cursor, size, align, what, &gpa);
	if (err)
		return err;
	memcpy(ld->ram + gpa, data, size);
	*addr = (uint32_t)gpa;
	return 0;
}

static int put_string(const struct loader *ld, uint64_t *cursor,
		      const char *s, const char *what, uint32_t *addr)
{
	if (!s)
		s = "";
	return put_bytes(ld, cursor, s, strlen(s) + 1, 1, what, addr);
}

/* Module data: page aligned whether or not the kernel asked (flag 0). */
static int place_module(const struct loader *ld, uint64_t *cursor,
			unsigned int i, uint64_t *gpa)
{
	return place(ld, cursor, ld->req->modules[i].size, PAGE_SIZE,
		     "a module", gpa);
}

static int put_module_data(const struct loader *ld, uint64_t *cursor)
{
	const struct mb_boot_request *req = ld->req;

	for (unsigned int i = 0; i < req->module_count; i++) {
		const struct mb_module *m = &req->modules[i];
		uint64_t gpa = 0;
		int err;

		if (!m->data && m->size)
			return fail(ld, EINVAL, "module %u has no data",
				    i);
		err = place_module(ld, cursor, i, &gpa);
		if (err)
			return err;
		if (m->size)
			memcpy(ld->ram + gpa, m->data, m->size);
	}
	return 0;
}

/*
 * Fills the module list at list_gpa; replaying the placement from where the
 * module data began gives back each module's address.
 */
static int put_module_list(const struct loader *ld, uint64_t *cursor,
			   uint64_t data_cursor, uint64_t list_gpa)
{
	const struct mb_boot_request *req = ld->req;

	for (unsigned int i = 0; i < req->module_count; i++) {
		struct mb_mod_entry e = { 0 };
		uint64_t gpa = 0;
		int err;

		err = place_module(ld, &data_cursor, i, &gpa);
		if (!err)
			err = put_string(ld, cursor, req->modules[i].string,
					 "a module string", &e.string);
		if (err)
			return err;
		e.mod_start = (uint32_t)gpa;
		e.mod_end = (uint32_t)(gpa + req->modules[i].size);
		memcpy(ld->ram + list_gpa + i * sizeof(e), &e, sizeof(e));
	}
	return 0;
}

/* The ECAM window of the partition's buses (bus 0's base + bus << 20). */
static uint64_t ecam_start(const struct guest_acpi_pci *pci)
{
	return pci->ecam_base + ((uint64_t)pci->bus_start << ECAM_BUS_SHIFT);
}

static uint64_t ecam_end(const struct guest_acpi_pci *pci)
{
	return pci->ecam_base + (((uint64_t)pci->bus_end + 1) << ECAM_BUS_SHIFT);
}

/*
 * The partition's conventional PC map (DESIGN.md "Partitions"). The BIOS
 * area holds the ACPI tables; it stays "reserved" rather than "ACPI
 * reclaimable" because the FACS among them must outlive the OS's parsing
 * (ACPI 6.4 15.3.2 puts it in NVS). A partition with PCI functions also
 * gets its ECAM window reserved, as PC firmware reports it, and its RAM
 * beyond the PCI hole above 4 GiB (loader/ram_layout.h).
 */
static unsigned int fill_mmap(const struct mb_boot_request *req,
			      struct mb_mmap_entry *map)
{
	const struct guest_acpi_pci *pci =
		req->platform ? req->platform->pci : NULL;
	bool ecam = pci && pci->ecam_base;
	const struct { uint64_t base, end; uint32_t type; } ranges[] = {
		{ 0, EBDA_START, MB_MMAP_AVAILABLE },
		{ EBDA_START, VGA_START, MB_MMAP_RESERVED },
		{ BIOS_START, HOLE_END, MB_MMAP_RESERVED },
		{ HOLE_END, req->ram_size, MB_MMAP_AVAILABLE },
		{ ecam ? ecam_start(pci) : 0, ecam ? ecam_end(pci) : 0,
		  MB_MMAP_RESERVED },
		{ RAM_LAYOUT_HIGH_BASE, RAM_LAYOUT_HIGH_BASE + req->high_ram_size,
		  MB_MMAP_AVAILABLE },
	};
	unsigned int n = 0;

	for (unsigned int i = 0; i < MMAP_ENTRIES; i++) {
		if (ranges[i].end <= ranges[i].base)
			continue;
		map[n++] = (struct mb_mmap_entry){
			.size = MB_MMAP_ENTRY_SIZE,
			.base_addr = ranges[i].base,
			.length = ranges[i].end - ranges[i].base,
			.type = ranges[i].type,
		};
	}
	return n;
}

static void fill_info(const struct loader *ld, struct mb_info *mbi,
		      uint64_t list_gpa, unsigned int mmap_entries)
{
	const struct mb_boot_request *req = ld->req;

	mbi->flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MEM_MAP |
		     MB_INFO_LOADER_NAME;
	/* GRUB announces modules only when there are some. */
	if (req->module_count) {
		mbi->flags |= MB_INFO_MODS;
		mbi->mods_count = req->module_count;
		mbi->mods_addr = (uint32_t)list_gpa;
	}
	mbi->mem_lower = MB_MEM_LOWER_KIB;
	mbi->mem_upper = (uint32_t)((ld->limit - ONE_MIB) / 1024);
	mbi->mmap_length = mmap_entries * sizeof(struct mb_mmap_entry);
}

/*
 * Order above the kernel: module data, the info structure, the module
 * list, the memory map, the strings. The info is written last, once every
 * address in it is known.
 */
static int build_info(const struct loader *ld, const struct image *img,
		      uint32_t *mbi_addr)
{
	const struct mb_boot_request *req = ld->req;
	struct mb_mmap_entry map[MMAP_ENTRIES];
	unsigned int entries = fill_mmap(req, map);
	uint64_t cursor = align_up(img->end, PAGE_SIZE);
	uint64_t data_cursor = cursor;
	uint64_t info_gpa = 0, list_gpa = 0;
	struct mb_info mbi = { 0 };
	int err;

	err = put_module_data(ld, &cursor);
	if (!err)
		err = place(ld, &cursor, sizeof(mbi), PAGE_SIZE,
			    "the Multiboot info", &info_gpa);
	if (!err)
		err = place(ld, &cursor, (uint64_t)req->module_count *
			    sizeof(struct mb_mod_entry), 8, "the module list",
			    &list_gpa);
	if (!err)
		err = put_bytes(ld, &cursor, map, entries * sizeof(map[0]), 8,
				"the memory map", &mbi.mmap_addr);
	if (!err)
		err = put_string(ld, &cursor, req->cmdline,
				 "the command line", &mbi.cmdline);
	if (!err)
		err = put_module_list(ld, &cursor, data_cursor, list_gpa);
	if (!err)
		err = put_string(ld, &cursor, MB_LOADER_NAME,
				 "the boot loader name",
				 &mbi.boot_loader_name);
	if (err)
		return err;
	fill_info(ld, &mbi, list_gpa, entries);
	memcpy(ld->ram + info_gpa, &mbi, sizeof(mbi));
	*mbi_addr = (uint32_t)info_gpa;
	return 0;
}

static int check_request(const struct loader *ld)
{
	const struct mb_boot_request *req = ld->req;

	if (!ld->ram || !req->kernel)
		return fail(ld, EINVAL, "no guest RAM or no kernel image");
	if (req->module_count && !req->modules)
		return fail(ld, EINVAL, "modules are counted but not given");
	/* Below 1 MiB the PC map above has no upper memory to speak of. */
	if (req->ram_size < ONE_MIB)
		return fail(ld, EINVAL, "guest RAM size 0x%lx is below the 1 MiB a Multiboot kernel expects",
			    req->ram_size);
	return 0;
}

/* The tables sit in the BIOS area, which nothing placed above can reach. */
static int build_acpi(const struct loader *ld, uint32_t *rsdp)
{
	const struct mb_boot_request *req = ld->req;
	struct guest_acpi_layout lay;
	int err;

	if (!req->platform) {
		*rsdp = 0;
		return 0;
	}
	err = guest_acpi_build(ld->ram + MB_ACPI_GPA, GUEST_ACPI_MAX_SIZE,
			       MB_ACPI_GPA, req->platform, req->vcpu_count,
			       &lay);
	if (err)
		return fail(ld, -err, "cannot build the ACPI tables for %u vCPUs (error %d)",
			    req->vcpu_count, err);
	*rsdp = (uint32_t)lay.rsdp;
	return 0;
}

int multiboot_load(uint8_t *ram, const struct mb_boot_request *req,
		   struct mb_boot_result *res, const char **why)
{
	/* The info holds 32-bit addresses: nothing is loaded above 4 GiB. */
	struct loader ld = {
		.ram = ram,
		.req = req,
		.limit = req->ram_size < FOUR_GIB ? req->ram_size : FOUR_GIB,
		.why = why,
	};
	struct mb_header h = { 0 };
	struct image img = { 0 };
	size_t header_off = 0;
	uint32_t mbi_addr = 0, rsdp = 0;
	int err;

	err = check_request(&ld);
	if (!err)
		err = find_header(&ld, &h, &header_off);
	if (!err)
		err = check_flags(&ld, &h);
	if (err)
		return err;
	if (h.flags & MB_HF_AOUT_KLUDGE)
		err = load_aout(&ld, &h, header_off, &img);
	else
		err = load_elf(&ld, &img);
	if (!err)
		err = build_info(&ld, &img, &mbi_addr);
	if (!err)
		err = build_acpi(&ld, &rsdp);
	if (err)
		return err;
	*res = (struct mb_boot_result){
		.entry = img.entry,
		.mbi_addr = mbi_addr,
		.kernel_start = (uint32_t)img.start,
		.kernel_end = (uint32_t)img.end,
		.rsdp = rsdp,
	};
	return 0;
}
