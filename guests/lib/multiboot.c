/* SPDX-License-Identifier: BSD-2-Clause */
#include "guests/lib/runtime.h"

bool mb_check(uint32_t magic, const struct mb_info *mbi)
{
	if (magic != MB_BOOTLOADER_MAGIC) {
		printf("bad Multiboot magic 0x%08x (want 0x%08x)\n", magic,
		       MB_BOOTLOADER_MAGIC);
		return false;
	}
	if (!mbi) {
		printf("no Multiboot info\n");
		return false;
	}
	return true;
}

const char *mb_cmdline(const struct mb_info *mbi)
{
	if (!mb_has(mbi, MB_INFO_CMDLINE) || !mbi->cmdline)
		return "";
	return (const char *)(uintptr_t)mbi->cmdline;
}

uint32_t mb_mem_lower_kib(const struct mb_info *mbi)
{
	return mb_has(mbi, MB_INFO_MEMORY) ? mbi->mem_lower : 0;
}

uint32_t mb_mem_upper_kib(const struct mb_info *mbi)
{
	return mb_has(mbi, MB_INFO_MEMORY) ? mbi->mem_upper : 0;
}

const struct mb_mmap_entry *mb_mmap_first(const struct mb_info *mbi)
{
	if (!mb_has(mbi, MB_INFO_MMAP) ||
	    mbi->mmap_length < sizeof(struct mb_mmap_entry))
		return NULL;
	return (const struct mb_mmap_entry *)(uintptr_t)mbi->mmap_addr;
}

const struct mb_mmap_entry *mb_mmap_next(const struct mb_info *mbi,
					 const struct mb_mmap_entry *e)
{
	uint32_t next = (uint32_t)(uintptr_t)e + e->size + 4;
	uint32_t end = mbi->mmap_addr + mbi->mmap_length;

	/* A zero size would loop forever; the entry must also fit. */
	if (e->size < 20 || next + sizeof(*e) > end)
		return NULL;
	return (const struct mb_mmap_entry *)(uintptr_t)next;
}

uint64_t mb_available_bytes(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	uint64_t sum = 0;

	mb_for_each_mmap(e, mbi) {
		if (e->type == MB_MMAP_AVAILABLE)
			sum += e->length;
	}
	return sum;
}

uint32_t mb_module_count(const struct mb_info *mbi)
{
	return mb_has(mbi, MB_INFO_MODS) ? mbi->mods_count : 0;
}

const struct mb_module *mb_module(const struct mb_info *mbi, uint32_t i)
{
	const struct mb_module *mods;

	if (i >= mb_module_count(mbi))
		return NULL;
	mods = (const struct mb_module *)(uintptr_t)mbi->mods_addr;
	return &mods[i];
}
