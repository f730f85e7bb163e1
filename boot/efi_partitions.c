/* SPDX-License-Identifier: BSD-2-Clause */
#include "boot/efi_partitions.h"
#include "boot/efi_pci.h"
#include "boot/efi_util.h"
#include "lib/format.h"
#include "kernel/log.h"
#include "loader/image.h"
#include "loader/linux_boot.h"

#define CONFIG_FILE	"bulkhead.cfg"
#define RAM_ALIGN	0x200000ULL	/* 2 MiB: large stage-2 pages */
#define RAM_ALIGN_PAGES	(RAM_ALIGN / PAGE_SIZE)

static void report_config_error(const struct config_error *err)
{
	char line[LOG_LINE_MAX];

	config_error_format(err, CONFIG_FILE, line, sizeof(line));
	pr_err("%s", line);
}

static EFI_STATUS load_file(EFI_HANDLE image, const struct config_file_ref *ref,
			    struct loaded_file *out, struct boot_info *info)
{
	char *data;
	UINTN size;
	EFI_STATUS s = efi_read_file(image, ref->path, &data, &size);

	if (EFI_ERROR(s)) {
		pr_err("%s:%u: cannot read %s from the boot volume: %s",
		       CONFIG_FILE, ref->line, ref->path, efi_status_text(s));
		return s;
	}
	out->data = (const uint8_t *)data;
	out->size = size;
	info->boot_alloc_bytes += size + 1;
	return EFI_SUCCESS;
}

/* AllocatePages cannot align: take 2 MiB more and give back the ends. */
static EFI_STATUS reserve_ram(uint64_t bytes, uint64_t *base)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	UINTN pages = bytes / PAGE_SIZE + RAM_ALIGN_PAGES;
	EFI_PHYSICAL_ADDRESS raw;
	uint64_t aligned, head, tail;
	EFI_STATUS s;

	s = bs->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &raw);
	if (EFI_ERROR(s))
		return s;
	aligned = (raw + RAM_ALIGN - 1) & ~(RAM_ALIGN - 1);
	head = (aligned - raw) / PAGE_SIZE;
	tail = pages - head - bytes / PAGE_SIZE;
	if (head)
		bs->FreePages(raw, head);
	if (tail)
		bs->FreePages(aligned + bytes, tail);
	*base = aligned;
	return EFI_SUCCESS;
}

static EFI_STATUS prepare_one(EFI_HANDLE image, const struct partition_config *pc,
			      struct partition_boot *pb, struct boot_info *info)
{
	struct vcpu_entry entry;
	const char *why = "";
	EFI_STATUS s;

	s = load_file(image, &pc->kernel, &pb->kernel, info);
	for (unsigned int m = 0; !EFI_ERROR(s) && m < pc->module_count; m++)
		s = load_file(image, &pc->modules[m], &pb->modules[m], info);
	if (!EFI_ERROR(s) && pc->initrd.path[0])
		s = load_file(image, &pc->initrd, &pb->initrd, info);
	if (EFI_ERROR(s))
		return s;
	s = reserve_ram(pc->memory, &pb->ram);
	if (EFI_ERROR(s)) {
		pr_err("%s:%u: partition \"%s\": cannot reserve %llu MiB of RAM: %s; lower its memory",
		       CONFIG_FILE, pc->memory_line, pc->name,
		       (unsigned long long)(pc->memory >> 20),
		       efi_status_text(s));
		return s;
	}
	info->partition_ram_bytes += pc->memory;
	/* Loading once now turns a bad kernel into a boot-time error. */
	if (image_load(pc, pb, &entry, &why)) {
		pr_err("%s:%u: %s: not a kernel Bulkhead can start: %s",
		       CONFIG_FILE, pc->kernel.line, pc->kernel.path, why);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

/* Conventional memory left, for the "does it fit" check of the config. */
static uint64_t free_memory(void)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	UINTN size = 0, key, desc_size;
	UINT32 version;
	uint8_t *buf;
	uint64_t sum = 0;

	if (bs->GetMemoryMap(&size, NULL, &key, &desc_size, &version) !=
	    EFI_BUFFER_TOO_SMALL)
		return 0;
	size += 8 * desc_size;
	if (EFI_ERROR(bs->AllocatePool(EfiLoaderData, size, (void **)&buf)))
		return 0;
	if (!EFI_ERROR(bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)buf,
					&key, &desc_size, &version))) {
		for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
			EFI_MEMORY_DESCRIPTOR *d = (void *)(buf + off);

			if (d->Type == EfiConventionalMemory)
				sum += d->NumberOfPages * PAGE_SIZE;
		}
	}
	bs->FreePool(buf);
	return sum;
}

EFI_STATUS efi_prepare_partitions(EFI_HANDLE image, struct boot_info *info)
{
	struct config_error err;
	struct config *cfg = &info->config;

	if (config_parse(info->config_text, info->config_size, cfg, &err) ||
	    config_check_machine(cfg, info->madt.cpu_count, free_memory(),
				 &err) ||
	    efi_pci_prepare(info, &err)) {
		report_config_error(&err);
		return EFI_INVALID_PARAMETER;
	}
	for (unsigned int i = 0; i < cfg->partition_count; i++) {
		EFI_STATUS s = prepare_one(image, &cfg->partitions[i],
					   &info->partitions[i], info);

		if (EFI_ERROR(s))
			return s;
	}
	pr_info("config: %u partition(s), %llu MiB of partition RAM reserved",
		cfg->partition_count,
		(unsigned long long)(info->partition_ram_bytes >> 20));
	return EFI_SUCCESS;
}
