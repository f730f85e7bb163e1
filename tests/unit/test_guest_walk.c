/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/guest_walk.h"
#include "lib/errno.h"

/* Control-register bits, as the walker reads them (SDM vol. 3A 2.5). */
#define CR0_PE		(1ULL << 0)
#define CR0_PG		(1ULL << 31)
#define CR4_PSE		(1ULL << 4)
#define CR4_PAE		(1ULL << 5)
#define CR4_LA57	(1ULL << 12)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

/* Entry bits. */
#define P		0x001ULL	/* present */
#define RW		0x002ULL
#define A		0x020ULL
#define D		0x040ULL
#define PS		0x080ULL	/* page size; PAT in a 4 KiB PTE */
#define G		0x100ULL
#define NX		(1ULL << 63)
#define TABLE		(P | RW | A)

#define GUEST_MEM	(64 * 4096)

/* Guest-physical memory 0..GUEST_MEM; reads beyond it fail with -EIO. */
struct fake_guest {
	uint8_t mem[GUEST_MEM];
	size_t entry_size;
	unsigned int reads;
};

static struct fake_guest guest;

static int fake_read(void *ctx, uint64_t gpa, void *buf, size_t len)
{
	struct fake_guest *g = ctx;

	assert_ptr_equal(g, &guest);
	assert_int_equal(len, g->entry_size);
	assert_int_equal(gpa % len, 0);
	g->reads++;
	if (gpa >= GUEST_MEM || len > GUEST_MEM - gpa)
		return -EIO;
	memcpy(buf, g->mem + gpa, len);
	return 0;
}

static void set64(uint64_t gpa, uint64_t value)
{
	assert_true(gpa + 8 <= GUEST_MEM);
	memcpy(guest.mem + gpa, &value, 8);
}

static void set32(uint64_t gpa, uint32_t value)
{
	assert_true(gpa + 4 <= GUEST_MEM);
	memcpy(guest.mem + gpa, &value, 4);
}

static int setup(void **state)
{
	(void)state;
	memset(&guest, 0, sizeof(guest));
	return 0;
}

static void expect_gpa(const struct guest_paging *p, uint64_t gva,
		       uint64_t want)
{
	uint64_t gpa = ~0ULL;

	assert_int_equal(guest_virt_to_phys(p, gva, fake_read, &guest, &gpa),
			 0);
	assert_int_equal(gpa, want);
}

static void expect_err(const struct guest_paging *p, uint64_t gva, int err)
{
	uint64_t gpa = 0x5a5a;

	assert_int_equal(guest_virt_to_phys(p, gva, fake_read, &guest, &gpa),
			 err);
}

static void test_paging_off(void **state)
{
	/* PAE or LME without PG do nothing: paging is simply off. */
	struct guest_paging p = { .cr0 = CR0_PE, .cr3 = 0x1000,
				  .cr4 = CR4_PAE, .efer = EFER_LME };

	(void)state;
	expect_gpa(&p, 0x0, 0x0);
	expect_gpa(&p, 0xfee00300, 0xfee00300);
	expect_gpa(&p, 0x10ffef, 0x10ffef);
	expect_gpa(&p, 0x123456789ULL, 0x23456789);
	p.cr0 = 0;
	expect_gpa(&p, 0x7c00, 0x7c00);
	assert_int_equal(guest.reads, 0);
}

/*
 * 32-bit paging: PD at 0x1000. PDE 1 -> PT at 0x2000; PDE 2 has PS set
 * but points at a PT at 0x3000, which is what it is without CR4.PSE;
 * PDE 0x300 maps 4 MiB at 0x00800000.
 */
static void build_32bit(void)
{
	guest.entry_size = 4;
	set32(0x1000 + 1 * 4, 0x2000 | TABLE);
	set32(0x2000 + 5 * 4, 0x7000 | P | RW | A | D | G);
	set32(0x2000 + 6 * 4, 0xfffff000 | P);
	set32(0x2000 + 7 * 4, 0x8000 | RW);		/* not present */
	set32(0x1000 + 2 * 4, 0x3000 | TABLE | PS);
	set32(0x3000 + 1 * 4, 0x9000 | P);
	set32(0x1000 + 0x300 * 4, 0x00800000 | P | RW | PS | (0xffU << 13));
}

static void test_32bit_4k(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1018 };

	(void)state;
	build_32bit();
	expect_gpa(&p, 0x00405abc, 0x7abc);
	expect_gpa(&p, 0x00405000, 0x7000);
	expect_gpa(&p, 0x00406fff, 0xffffffff);
	/* Bits above 31 of a 32-bit linear address do not exist. */
	expect_gpa(&p, 0x100405abcULL, 0x7abc);
	/* Without CR4.PSE the PS bit means nothing: a page table. */
	expect_gpa(&p, 0x00801234, 0x9234);
}

static void test_32bit_4m(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000,
				  .cr4 = CR4_PSE };

	(void)state;
	build_32bit();
	/* PSE-36 bits 20:13 of the PDE are ignored. */
	expect_gpa(&p, 0xc0123456, 0x00923456);
	expect_gpa(&p, 0xc03fffff, 0x00bfffff);
	expect_gpa(&p, 0x00801234, 0x00001234);
	expect_gpa(&p, 0x00405abc, 0x7abc);
}

static void test_32bit_not_present(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000,
				  .cr4 = CR4_PSE };

	(void)state;
	build_32bit();
	expect_err(&p, 0x00000000, -EFAULT);	/* PDE 0 */
	expect_err(&p, 0xffc00000, -EFAULT);	/* PDE 0x3ff */
	expect_err(&p, 0x00407000, -EFAULT);	/* PTE 7 */
	expect_err(&p, 0x00408000, -EFAULT);	/* PTE 8, all zero */
}

/*
 * PAE: PDPT at 0x1020. PDPTE 3 -> PD at 0x2000; PDE 5 -> PT at 0x3000;
 * PDE 6 maps 2 MiB above 4 GiB.
 */
static void build_pae(void)
{
	guest.entry_size = 8;
	set64(0x1020 + 3 * 8, 0x2000 | P);
	set64(0x2000 + 5 * 8, 0x3000 | TABLE);
	set64(0x3000 + 7 * 8, 0x123456000ULL | P | RW | NX | (0x7ULL << 52));
	set64(0x3000 + 8 * 8, 0x4000 | P | PS);		/* PAT, not PS */
	set64(0x2000 + 6 * 8, 0x400200000ULL | P | RW | PS | NX);
	set64(0x2000 + 9 * 8, 0x3000 | RW | PS);	/* not present */
}

#define PAE_VA(pdpt, pd, pt, off) \
	(((uint64_t)(pdpt) << 30) | ((uint64_t)(pd) << 21) | \
	 ((uint64_t)(pt) << 12) | (off))

static void test_pae(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1020 | 0x18,
				  .cr4 = CR4_PAE };

	(void)state;
	build_pae();
	expect_gpa(&p, PAE_VA(3, 5, 7, 0x123), 0x123456123ULL);
	expect_gpa(&p, PAE_VA(3, 5, 8, 0xfff), 0x4fff);
	expect_gpa(&p, PAE_VA(3, 6, 0, 0), 0x400200000ULL);
	expect_gpa(&p, PAE_VA(3, 6, 0x1ff, 0xabc), 0x4003ffabcULL);
	expect_gpa(&p, PAE_VA(3, 5, 7, 0x123) | (1ULL << 40),
		   0x123456123ULL);
	/* PSE is implied by PAE: setting it changes nothing. */
	p.cr4 |= CR4_PSE;
	expect_gpa(&p, PAE_VA(3, 6, 1, 0x10), 0x400201010ULL);
}

static void test_pae_not_present(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1020,
				  .cr4 = CR4_PAE };

	(void)state;
	build_pae();
	expect_err(&p, PAE_VA(0, 0, 0, 0), -EFAULT);	/* PDPTE 0 */
	expect_err(&p, PAE_VA(2, 5, 7, 0), -EFAULT);	/* PDPTE 2 */
	expect_err(&p, PAE_VA(3, 4, 0, 0), -EFAULT);	/* PDE 4 */
	expect_err(&p, PAE_VA(3, 9, 0, 0), -EFAULT);	/* PDE 9, PS */
	expect_err(&p, PAE_VA(3, 5, 6, 0), -EFAULT);	/* PTE 6 */
}

#define LM_VA(l4, l3, l2, l1, off) \
	(((uint64_t)(l4) << 39) | ((uint64_t)(l3) << 30) | \
	 ((uint64_t)(l2) << 21) | ((uint64_t)(l1) << 12) | (off))
#define HIGH_HALF	0xffff000000000000ULL

/*
 * 4-level: PML4 at 0x1000.
 *   PML4 256 -> PDPT 0x2000: 1 -> PD 0x3000 (2 -> PT 0x4000, 3 = 2 MiB),
 *                            4 = 1 GiB.
 *   PML4 0 -> PDPT 0x5000: 0 = 1 GiB at 0 (identity).
 *   PML4 1 has PS set (reserved there) -> PDPT 0x6000: 0 -> PD 0x7000.
 *   PML4 2 -> PDPT outside guest memory.
 */
static void build_4level(uint64_t pml4)
{
	guest.entry_size = 8;
	set64(pml4 + 256 * 8, 0x2000 | TABLE);
	set64(0x2000 + 1 * 8, 0x3000 | TABLE);
	set64(0x3000 + 2 * 8, 0x4000 | TABLE | NX);
	set64(0x4000 + 3 * 8, 0xabcde000ULL | P | NX);
	set64(0x4000 + 4 * 8, 0xfffffffffffff000ULL | P);
	set64(0x4000 + 5 * 8, 0x8000 | P | PS | G);	/* PAT */
	set64(0x3000 + 3 * 8, 0x00600000ULL | P | PS);
	set64(0x2000 + 4 * 8, 0x140000000ULL | P | PS | NX);
	set64(pml4 + 0 * 8, 0x5000 | TABLE);
	set64(0x5000 + 0 * 8, 0x0 | P | RW | PS);
	set64(pml4 + 1 * 8, 0x6000 | TABLE | PS);
	set64(0x6000 + 0 * 8, 0x7000 | TABLE);
	set64(0x7000 + 0 * 8, 0x9000 | TABLE);
	set64(0x9000 + 0 * 8, 0xa000 | P);
	set64(pml4 + 2 * 8, 0x7fff000ULL | TABLE);
}

static void test_4level(void **state)
{
	struct guest_paging p = {
		.cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000 | 0x7,
		.cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA,
	};

	(void)state;
	build_4level(0x1000);
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 1, 2, 3, 0x456), 0xabcde456);
	/* Bits 51:12 only: the walker must not keep bit 63 or the top. */
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 1, 2, 4, 0x1),
		   0x000ffffffffff001ULL);
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 1, 2, 5, 0x80), 0x8080);
	/* 2 MiB and 1 GiB pages. */
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 1, 3, 0, 0), 0x00600000);
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 1, 3, 0x1ff, 0xfff),
		   0x007fffff);
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 4, 0, 0, 0) | 0x12345678,
		   0x152345678ULL);
	expect_gpa(&p, 0x0, 0x0);
	expect_gpa(&p, 0x3fffffff, 0x3fffffff);
	expect_gpa(&p, 0x3ee00300, 0x3ee00300);
	/* PS in a PML4E is reserved: the walk goes on. */
	expect_gpa(&p, LM_VA(1, 0, 0, 0, 0x99), 0xa099);
	/* A bad table address comes back as the reader's error. */
	expect_err(&p, LM_VA(2, 0, 0, 0, 0), -EIO);
}

static void test_4level_not_present(void **state)
{
	struct guest_paging p = {
		.cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000,
		.cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA,
	};

	(void)state;
	build_4level(0x1000);
	expect_err(&p, HIGH_HALF | LM_VA(257, 0, 0, 0, 0), -EFAULT);
	expect_err(&p, HIGH_HALF | LM_VA(256, 0, 0, 0, 0), -EFAULT);
	expect_err(&p, HIGH_HALF | LM_VA(256, 1, 0, 0, 0), -EFAULT);
	expect_err(&p, HIGH_HALF | LM_VA(256, 1, 2, 0, 0), -EFAULT);
	expect_err(&p, LM_VA(0, 1, 0, 0, 0), -EFAULT);
}

/* 5-level: PML5 at 0xb000; entry 1 -> the 4-level tables at 0xc000. */
static void test_5level(void **state)
{
	struct guest_paging p = {
		.cr0 = CR0_PE | CR0_PG, .cr3 = 0xb000,
		.cr4 = CR4_PAE | CR4_LA57, .efer = EFER_LME | EFER_LMA,
	};
	uint64_t l5 = 1ULL << 48;

	(void)state;
	build_4level(0xc000);
	set64(0xb000 + 1 * 8, 0xc000 | TABLE);
	set64(0xb000 + 0x1ff * 8, 0xc000 | TABLE);
	expect_gpa(&p, l5 | LM_VA(256, 1, 2, 3, 0x456), 0xabcde456);
	expect_gpa(&p, l5 | LM_VA(0, 0, 0, 0, 0x10), 0x10);
	expect_gpa(&p, 0xff00000000000000ULL | (0x1ffULL << 48) |
		   LM_VA(256, 4, 0, 0, 0x20), 0x140000020ULL);
	expect_err(&p, LM_VA(256, 1, 2, 3, 0x456), -EFAULT);
	/* The same address under 4-level ignores bits 56:48. */
	p.cr3 = 0xc000;
	p.cr4 &= ~CR4_LA57;
	expect_gpa(&p, HIGH_HALF | LM_VA(256, 1, 2, 3, 0x456), 0xabcde456);
}

/* One read per level: 4-level does four, PAE three, 32-bit two. */
static void test_read_counts(void **state)
{
	struct guest_paging lm = {
		.cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000,
		.cr4 = CR4_PAE, .efer = EFER_LME | EFER_LMA,
	};
	struct guest_paging pae = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1020,
				    .cr4 = CR4_PAE };
	struct guest_paging p32 = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000,
				    .cr4 = CR4_PSE };

	(void)state;
	build_4level(0x1000);
	expect_gpa(&lm, HIGH_HALF | LM_VA(256, 1, 2, 3, 0), 0xabcde000);
	assert_int_equal(guest.reads, 4);
	guest.reads = 0;
	expect_gpa(&lm, HIGH_HALF | LM_VA(256, 4, 0, 0, 0), 0x140000000ULL);
	assert_int_equal(guest.reads, 2);

	memset(&guest, 0, sizeof(guest));
	build_pae();
	expect_gpa(&pae, PAE_VA(3, 5, 7, 0), 0x123456000ULL);
	assert_int_equal(guest.reads, 3);

	memset(&guest, 0, sizeof(guest));
	build_32bit();
	expect_gpa(&p32, 0x00405000, 0x7000);
	assert_int_equal(guest.reads, 2);
	guest.reads = 0;
	expect_gpa(&p32, 0xc0000000, 0x00800000);
	assert_int_equal(guest.reads, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_32bit_4k, setup),
		cmocka_unit_test_setup(test_32bit_4m, setup),
		cmocka_unit_test_setup(test_32bit_not_present, setup),
		cmocka_unit_test_setup(test_pae, setup),
		cmocka_unit_test_setup(test_pae_not_present, setup),
		cmocka_unit_test_setup(test_4level, setup),
		cmocka_unit_test_setup(test_4level_not_present, setup),
		cmocka_unit_test_setup(test_5level, setup),
		cmocka_unit_test_setup(test_read_counts, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
