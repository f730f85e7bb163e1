/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hello: the smallest useful partition. Prints its command line, memory
 * and modules, counts, and checks that 1 MiB of its RAM it filled with a
 * pattern at the start is unchanged at the end (nobody else wrote it).
 *
 * Command line: count=N (default 3), exit=N (default 0), spin=N (busy
 * loop iterations between two lines, default 0: a steady ticker beside a
 * partition that reboots).
 * Exit codes: exit=N, 2 if the pattern changed, 0x7f on a bad boot.
 */
#include "guests/lib/runtime.h"

#define PATTERN_SIZE	(1u << 20)
#define PATTERN_ALIGN	4096u
#define EXIT_CORRUPTED	2

struct range {
	uint64_t start, end;	/* [start, end) */
};

static uint32_t pattern_word(uint32_t addr)
{
	/* Address dependent, so aliasing is caught as well as overwrites. */
	return (addr * 0x9e3779b1u) ^ 0xa5c35a3cu;
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
	return (v + a - 1) & ~(uint64_t)(a - 1);
}

struct ranges {
	struct range r[64];
	unsigned int n;
};

static void add(struct ranges *rs, uint64_t start, uint64_t end)
{
	if (rs->n < ARRAY_SIZE(rs->r))
		rs->r[rs->n++] = (struct range){ start, end };
}

/* Everything the loader gave us that the pattern must not overwrite. */
static void busy_ranges(const struct mb_info *mbi, struct ranges *busy)
{
	const char *cmdline = mb_cmdline(mbi);

	add(busy, 0, 0x100000);	/* low memory: left alone */
	add(busy, (uintptr_t)__image_start, (uintptr_t)__image_end);
	add(busy, (uintptr_t)mbi, (uintptr_t)mbi + sizeof(*mbi));
	add(busy, (uintptr_t)cmdline,
	    (uintptr_t)cmdline + strlen(cmdline) + 1);
	if (mb_has(mbi, MB_INFO_MMAP))
		add(busy, mbi->mmap_addr,
		    (uint64_t)mbi->mmap_addr + mbi->mmap_length);
	if (!mb_module_count(mbi))
		return;
	add(busy, mbi->mods_addr, (uint64_t)mbi->mods_addr +
	    mbi->mods_count * sizeof(struct mb_module));
	for (uint32_t i = 0; i < mb_module_count(mbi); i++) {
		const struct mb_module *m = mb_module(mbi, i);
		const char *str = (const char *)(uintptr_t)m->string;

		add(busy, m->mod_start, m->mod_end);
		if (str)
			add(busy, m->string, m->string + strlen(str) + 1);
	}
}

/* Available RAM below 4 GiB: the memory map, else mem_upper from 1 MiB. */
static void avail_ranges(const struct mb_info *mbi, struct ranges *avail)
{
	const struct mb_mmap_entry *e;

	mb_for_each_mmap(e, mbi) {
		if (e->type == MB_MMAP_AVAILABLE && e->base < 0x100000000ull)
			add(avail, e->base, e->base + e->length);
	}
	if (!mb_mmap_first(mbi))
		add(avail, 0x100000,
		    0x100000 + ((uint64_t)mb_mem_upper_kib(mbi) << 10));
	for (unsigned int i = 0; i < avail->n; i++) {
		if (avail->r[i].end > 0x100000000ull)
			avail->r[i].end = 0x100000000ull;
	}
}

/* First PATTERN_SIZE window of available RAM that holds nothing; 0 if
 * there is none. */
static uint32_t find_window(const struct mb_info *mbi)
{
	static struct ranges busy, avail;

	busy_ranges(mbi, &busy);
	avail_ranges(mbi, &avail);
	for (unsigned int a = 0; a < avail.n; a++) {
		uint64_t cand = align_up(avail.r[a].start, PATTERN_ALIGN);
		bool moved = true;

		while (moved && cand + PATTERN_SIZE <= avail.r[a].end) {
			moved = false;
			for (unsigned int i = 0; i < busy.n; i++) {
				const struct range *b = &busy.r[i];

				if (b->start < cand + PATTERN_SIZE &&
				    b->end > cand) {
					cand = align_up(b->end, PATTERN_ALIGN);
					moved = true;
				}
			}
		}
		if (cand + PATTERN_SIZE <= avail.r[a].end)
			return (uint32_t)cand;
	}
	return 0;
}

static void pattern_fill(uint32_t base)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)base;

	for (uint32_t i = 0; i < PATTERN_SIZE / 4; i++)
		p[i] = pattern_word(base + i * 4);
}

/* Address of the first changed word, or 0 if intact. */
static uint32_t pattern_check(uint32_t base)
{
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)base;

	for (uint32_t i = 0; i < PATTERN_SIZE / 4; i++) {
		if (p[i] != pattern_word(base + i * 4))
			return base + i * 4;
	}
	return 0;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint32_t window, bad;
	long count, code, spin;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	cmdline = mb_cmdline(mbi);
	count = cmdline_int(cmdline, "count", 3);
	code = cmdline_int(cmdline, "exit", 0);
	spin = cmdline_int(cmdline, "spin", 0);

	window = find_window(mbi);
	if (window)
		pattern_fill(window);

	printf("hello from %s\n", *cmdline ? cmdline : "(no command line)");
	printf("memory: lower %u KiB, upper %u KiB\n", mb_mem_lower_kib(mbi),
	       mb_mem_upper_kib(mbi));
	printf("mmap: %u KiB available\n",
	       (uint32_t)(mb_available_bytes(mbi) >> 10));
	for (uint32_t i = 0; i < mb_module_count(mbi); i++) {
		const struct mb_module *m = mb_module(mbi, i);
		const char *s = m->string ?
			(const char *)(uintptr_t)m->string : "";

		printf("module %u: '%s' %u bytes at 0x%08x\n", i, s,
		       m->mod_end - m->mod_start, m->mod_start);
	}
	for (long i = 1; i <= count; i++) {
		printf("hello %d/%d\n", (int)i, (int)count);
		for (volatile long n = 0; n < spin; n++)
			;
	}

	if (!window) {
		printf("memory: no free 1 MiB window to test\n");
	} else {
		bad = pattern_check(window);
		if (bad) {
			printf("memory CORRUPTED at 0x%08x (window 0x%08x)\n",
			       bad, window);
			return EXIT_CORRUPTED;
		}
		printf("memory intact (1 MiB at 0x%08x)\n", window);
	}
	printf("exit=%d\n", (int)code);
	return (int)code;
}
