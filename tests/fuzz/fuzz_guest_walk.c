/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest page walk (arch/x86/guest_walk.c) over fuzzed guest memory in
 * every paging mode. Invariants: it reads only naturally aligned 4- or
 * 8-byte entries, at most one per level, and stops at the first read
 * that fails; a translation keeps the page offset; and the result (an
 * address, a not-present fault or the read's error) is the one a plain
 * walk written from SDM vol. 3A chapter 4 gives.
 *
 * Input: [mode flags] [cr3 u64] [gva u64] [guest RAM from GPA 0: the rest]
 */
#include <string.h>

#include "arch/x86/cpu_regs.h"
#include "arch/x86/guest_walk.h"
#include "lib/errno.h"
#include "tests/fuzz/fuzz.h"

#define READS_MAX	5
#define ADDR_52		0x000ffffffffff000ULL

struct guest_ram {
	const uint8_t *bytes;
	size_t size;
	unsigned int reads;
};

static int ram_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct guest_ram *g = ctx;

	g->reads++;
	FUZZ_CHECK(g->reads <= READS_MAX, "more than %d reads in one walk",
		   READS_MAX);
	FUZZ_CHECK((len == 4 || len == 8) && gpa % len == 0,
		   "a %zu-byte read at 0x%llx", len, (unsigned long long)gpa);
	if (gpa >= g->size || len > g->size - gpa)
		return -EIO;	/* outside this guest's RAM */
	memcpy(buf, g->bytes + gpa, len);
	return 0;
}

/* ---- the reference walk ---- */

static int ref_entry(struct guest_ram *g, uint64_t gpa, size_t len,
		     uint64_t *e)
{
	*e = 0;
	if (gpa >= g->size || len > g->size - gpa)
		return -EIO;
	memcpy(e, g->bytes + gpa, len);
	return *e & 1 ? 0 : -EFAULT;	/* P */
}

/* Walks 8-byte tables from `level` down; PS means a page at PD and PDPT. */
static int ref_walk64(struct guest_ram *g, uint64_t table, int level,
		      uint64_t gva, uint64_t *gpa)
{
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		uint64_t e, page = 1ULL << shift;
		int err = ref_entry(g, table + ((gva >> shift) & 511) * 8, 8, &e);

		if (err)
			return err;
		if (level == 1 || ((level == 2 || level == 3) && (e & 0x80))) {
			*gpa = (e & ADDR_52 & ~(page - 1)) | (gva & (page - 1));
			return 0;
		}
		table = e & ADDR_52;
	}
	return -EFAULT;
}

static int ref_walk(const struct guest_paging *p, struct guest_ram *g,
		    uint64_t gva, uint64_t *gpa)
{
	uint32_t va = (uint32_t)gva;
	uint64_t e;
	int err;

	if (!(p->cr0 & CR0_PG)) {
		*gpa = va;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return ref_walk64(g, p->cr3 & ADDR_52,
				  p->cr4 & CR4_LA57 ? 5 : 4, gva, gpa);
	if (p->cr4 & CR4_PAE) {
		err = ref_entry(g, (p->cr3 & 0xffffffe0) + (va >> 30) * 8, 8, &e);
		return err ? err : ref_walk64(g, e & ADDR_52, 2, va, gpa);
	}
	err = ref_entry(g, (p->cr3 & 0xfffff000) + (va >> 22) * 4, 4, &e);
	if (err)
		return err;
	/* A 4 MiB page; PSE-36's address bits 39:32 are not used here. */
	if ((e & 0x80) && (p->cr4 & CR4_PSE)) {
		*gpa = (e & 0xffc00000) | (va & 0x3fffff);
		return 0;
	}
	err = ref_entry(g, (e & 0xfffff000) + ((va >> 12) & 0x3ff) * 4, 4, &e);
	if (err)
		return err;
	*gpa = (e & 0xfffff000) | (va & 0xfff);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size, 0 };
	uint8_t mode = fuzz_u8(&in);
	struct guest_paging p = {
		.cr0 = mode & 1 ? CR0_PG : 0,
		.cr4 = (mode & 2 ? CR4_PAE : 0) | (mode & 4 ? CR4_PSE : 0) |
		       (mode & 8 ? CR4_LA57 : 0),
		.efer = mode & 16 ? EFER_LMA : 0,
	};
	struct guest_ram g = { 0 };
	uint64_t gva, gpa = 0, ref = 0;
	int err, ref_err;

	p.cr3 = fuzz_u64(&in);
	gva = fuzz_u64(&in);
	g.bytes = fuzz_rest(&in, &g.size);
	err = guest_virt_to_phys(&p, gva, ram_read, &g, &gpa);
	ref_err = ref_walk(&p, &g, gva, &ref);
	FUZZ_CHECK(err == ref_err, "walk returned %d, the reference %d", err,
		   ref_err);
	if (err)
		return 0;
	FUZZ_CHECK(gpa == ref, "gva 0x%llx: 0x%llx, the reference 0x%llx",
		   (unsigned long long)gva, (unsigned long long)gpa,
		   (unsigned long long)ref);
	FUZZ_CHECK((gpa & 0xfff) == (gva & 0xfff), "page offset lost");
	return 0;
}
