/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe: touch guest-physical addresses the partition does not own. A
 * correct hypervisor stops the partition at the first access; if an
 * access returns, it is reported as a LEAK. Reads first, then writes.
 *
 * Addresses: the end of RAM, RAM end + 16 MiB, 0x3E000000, 0x7F000000,
 * 0xFD000000 and every addr=0x... on the command line. Addresses inside
 * RAM or at/above 4 GiB (unreachable without paging) are skipped.
 * Exit codes: 1 when nothing faulted, 0x7f on a bad boot.
 */
#include "guests/lib/runtime.h"

#define MAX_ADDRS	16
#define WRITE_VALUE	0x5afec0deu
#define EXIT_NO_FAULT	1

static bool is_ram_type(uint32_t type)
{
	return type == MB_MMAP_AVAILABLE || type == MB_MMAP_ACPI ||
	       type == MB_MMAP_NVS;
}

/* End of the highest RAM range, from the memory map or mem_upper. */
static uint64_t ram_end(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	uint64_t end = 0;

	mb_for_each_mmap(e, mbi) {
		if (is_ram_type(e->type) && e->base + e->length > end)
			end = e->base + e->length;
	}
	if (!end)
		end = 0x100000 + ((uint64_t)mb_mem_upper_kib(mbi) << 10);
	return end;
}

static bool in_ram(const struct mb_info *mbi, uint64_t addr)
{
	const struct mb_mmap_entry *e;

	if (!mb_mmap_first(mbi))
		return addr < ram_end(mbi);
	mb_for_each_mmap(e, mbi) {
		if (is_ram_type(e->type) && addr >= e->base &&
		    addr - e->base < e->length)
			return true;
	}
	return false;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint64_t addrs[MAX_ADDRS];
	unsigned int n = 0, i;
	const char *cmdline, *v, *end;
	uint64_t top;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	cmdline = mb_cmdline(mbi);
	top = ram_end(mbi);
	printf("RAM is %u KiB (ends at 0x%llx)\n", (uint32_t)(top >> 10),
	       top);

	addrs[n++] = top;
	addrs[n++] = top + (16u << 20);
	addrs[n++] = 0x3e000000;
	addrs[n++] = 0x7f000000;
	addrs[n++] = 0xfd000000;
	for (v = cmdline_find(cmdline, "addr"); v && n < MAX_ADDRS;
	     v = cmdline_find(end, "addr")) {
		uint64_t a = parse_ulong(v, &end);

		if (end == v)
			printf("ignoring a bad addr=\n");
		else
			addrs[n++] = a;
	}

	/* Drop what we may legitimately touch or cannot address. */
	for (i = 0; i < n; i++) {
		if (addrs[i] >= 0x100000000ull || in_ram(mbi, addrs[i])) {
			printf("skipping 0x%llx (%s)\n", addrs[i],
			       addrs[i] >= 0x100000000ull ? "above 4 GiB" :
			       "inside RAM");
			addrs[i] = ~0ull;
		}
	}

	for (i = 0; i < n; i++) {
		volatile uint32_t *p;
		uint32_t val;

		if (addrs[i] == ~0ull)
			continue;
		p = launder_ptr((void *)(uintptr_t)addrs[i]);
		printf("reading 0x%08x\n", (uint32_t)addrs[i]);
		val = *p;
		printf("LEAK: read 0x%08x at 0x%08x\n", val,
		       (uint32_t)addrs[i]);
	}
	for (i = 0; i < n; i++) {
		volatile uint32_t *p;

		if (addrs[i] == ~0ull)
			continue;
		p = launder_ptr((void *)(uintptr_t)addrs[i]);
		printf("writing 0x%08x\n", (uint32_t)addrs[i]);
		*p = WRITE_VALUE;
		printf("LEAK: write at 0x%08x went through\n",
		       (uint32_t)addrs[i]);
	}
	printf("no access faulted\n");
	return EXIT_NO_FAULT;
}
