/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_FUZZ_FUZZ_RAM_H
#define TESTS_FUZZ_FUZZ_RAM_H

/*
 * A partition's RAM for the loader targets: one zeroed buffer whose bytes
 * past the partition's size are poisoned, so that ASan stops a write past
 * RAM where it happens, and a list of the regions a load says it wrote, so
 * that a byte written anywhere else is caught too.
 */
#include <sanitizer/asan_interface.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

#define FUZZ_RAM_MAX		(48ULL << 20)
#define FUZZ_REGIONS_MAX	32

struct fuzz_region {
	uint64_t start, end;
	const char *what;
};

struct fuzz_ram {
	uint64_t size;
	unsigned int count;
	struct fuzz_region region[FUZZ_REGIONS_MAX];
};

static uint8_t fuzz_ram_buf[FUZZ_RAM_MAX] __attribute__((aligned(4096)));
/* The buffer is poisoned from here on; moved with each input's size. */
static uint64_t fuzz_ram_poisoned = FUZZ_RAM_MAX;

static inline uint8_t *fuzz_ram_open(struct fuzz_ram *r, uint64_t size)
{
	FUZZ_CHECK(size <= FUZZ_RAM_MAX && size % 8 == 0,
		   "RAM size 0x%llx", (unsigned long long)size);
	r->size = size;
	r->count = 0;
	if (size < fuzz_ram_poisoned)
		ASAN_POISON_MEMORY_REGION(fuzz_ram_buf + size,
					  fuzz_ram_poisoned - size);
	else
		ASAN_UNPOISON_MEMORY_REGION(fuzz_ram_buf + fuzz_ram_poisoned,
					    size - fuzz_ram_poisoned);
	fuzz_ram_poisoned = size;
	return fuzz_ram_buf;
}

/* A region the load reported; it must lie inside RAM. */
static inline void fuzz_ram_add(struct fuzz_ram *r, uint64_t start,
				uint64_t end, const char *what)
{
	FUZZ_CHECK(start <= end && end <= r->size,
		   "%s [0x%llx, 0x%llx) is not inside RAM of 0x%llx bytes",
		   what, (unsigned long long)start, (unsigned long long)end,
		   (unsigned long long)r->size);
	FUZZ_CHECK(r->count < FUZZ_REGIONS_MAX, "too many regions");
	r->region[r->count++] = (struct fuzz_region){ start, end, what };
}

/* Regions a..b of the list must not share a byte. */
static inline void fuzz_ram_disjoint(const struct fuzz_ram *r)
{
	for (unsigned int i = 0; i < r->count; i++)
		for (unsigned int j = i + 1; j < r->count; j++) {
			const struct fuzz_region *a = &r->region[i];
			const struct fuzz_region *b = &r->region[j];

			FUZZ_CHECK(a->end <= b->start || b->end <= a->start ||
				   a->start == a->end || b->start == b->end,
				   "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)",
				   a->what, (unsigned long long)a->start,
				   (unsigned long long)a->end, b->what,
				   (unsigned long long)b->start,
				   (unsigned long long)b->end);
		}
}

/* A region must miss [start, end), a range nothing may be loaded into. */
static inline void fuzz_ram_outside(const struct fuzz_ram *r,
				    const struct fuzz_region *reg,
				    uint64_t start, uint64_t end,
				    const char *range)
{
	FUZZ_CHECK(reg->end <= start || reg->start >= end ||
		   reg->start == reg->end,
		   "%s [0x%llx, 0x%llx) lies in %s [0x%llx, 0x%llx)", reg->what,
		   (unsigned long long)reg->start, (unsigned long long)reg->end,
		   range, (unsigned long long)start, (unsigned long long)end);
	(void)r;
}

__attribute__((noinline, no_sanitize("coverage")))
static inline bool fuzz_ram_listed(const struct fuzz_ram *r, uint64_t a)
{
	for (unsigned int i = 0; i < r->count; i++)
		if (a >= r->region[i].start && a < r->region[i].end)
			return true;
	return false;
}

/*
 * After a load that succeeded (check), every non-zero byte lies in a
 * listed region. RAM is zeroed again for the next input (only the words
 * written, which is what keeps a run fast) and nothing is written past the poison.
 */
/*
 * Not instrumented: comparing every word of RAM would only feed the fuzzer
 * noise, and the reads stay below the poison.
 */
__attribute__((noinline, no_sanitize("coverage", "address")))
static inline void fuzz_ram_close(struct fuzz_ram *r, bool check)
{
	uint64_t *w = (uint64_t *)fuzz_ram_buf;
	uint64_t words = r->size / 8;

	for (uint64_t i = 0; i < words; i++) {
		uint64_t any = 0;

		/* A 512-byte block at a time: most of RAM is still zero. */
		if (i % 64 == 0 && i + 64 <= words) {
			for (unsigned int j = 0; j < 64; j++)
				any |= w[i + j];
			if (!any) {
				i += 63;
				continue;
			}
		}
		if (!w[i])
			continue;
		for (uint64_t a = i * 8; check && a < i * 8 + 8; a++)
			FUZZ_CHECK(!fuzz_ram_buf[a] || fuzz_ram_listed(r, a),
				   "byte 0x%02x written at 0x%llx, outside what the load reports",
				   fuzz_ram_buf[a], (unsigned long long)a);
		w[i] = 0;
	}
}

#endif
