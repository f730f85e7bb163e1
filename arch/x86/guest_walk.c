/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A software page walk over guest memory (SDM vol. 3A chapter 4). It only
 * needs to find where the guest's instruction bytes live, so it follows
 * present bits and page sizes and ignores rights, accessed/dirty bits and
 * reserved-bit faults, none of which can be wrong for code the guest just
 * ran.
 */
#include "arch/x86/guest_walk.h"
#include "arch/x86/cpu_regs.h"
#include "lib/errno.h"
#include "lib/limits.h"

/* Control bits that pick the paging mode (SDM vol. 3A 2.5, 2.2.1, 4.1.1). */

/* Entry bits common to all modes (SDM vol. 3A 4.3, 4.4.2, 4.5.4). */
#define PTE_P		(1ULL << 0)
#define PTE_PS		(1ULL << 7)

#define PAGE_OFFSET	0xfffULL

/* 32-bit paging: 4-byte entries, 10-bit indices (SDM vol. 3A 4.3). */
#define PT32_INDEX_BITS	10
#define PT32_ADDR	0xfffff000ULL
#define PD32_4M_SHIFT	22
#define PD32_4M_ADDR	0xffc00000ULL	/* PSE-36 high bits 20:13 ignored */

/*
 * PAE, 4-level and 5-level: 8-byte entries, 9-bit indices, addresses in
 * bits 51:12 so that XD (bit 63) and software bits drop out (4.4.2, 4.5.4).
 */
#define PT64_INDEX_BITS	9
#define PT64_ADDR	0x000ffffffffff000ULL
#define PAE_PDPTE_SHIFT	30
#define PAE_CR3_ADDR	0xffffffe0ULL	/* PDPT is 32-byte aligned (4.4.1) */

#define LOW32		0xffffffffULL

/* Levels are numbered from the page table (1) up to the root (4 or 5). */
#define LEVEL_PT	1
#define LEVEL_PD	2
#define LEVEL_PDPT	3

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + PT64_INDEX_BITS * (level - 1);
}

static int read_entry64(guest_read_fn read, void *ctx, uint64_t table,
			unsigned int index, uint64_t *entry)
{
	int err = read(ctx, table + index * sizeof(*entry), entry,
		       sizeof(*entry));

	if (err < 0)
		return err;
	return *entry & PTE_P ? 0 : -EFAULT;
}

/*
 * Walks 8-byte-entry tables from level top down. Large pages exist at the
 * page directory (2 MiB) and, in 4/5-level paging, the PDPT (1 GiB); PS
 * is reserved above, so it is only looked at where it means something.
 */
static int walk64(uint64_t table, unsigned int top, uint64_t gva,
		  guest_read_fn read, void *ctx, uint64_t *gpa)
{
	for (unsigned int level = top; level >= LEVEL_PT; level--) {
		unsigned int shift = level_shift(level);
		unsigned int index = (gva >> shift) &
				     ((1U << PT64_INDEX_BITS) - 1);
		uint64_t entry, offset = (1ULL << shift) - 1;
		int err = read_entry64(read, ctx, table, index, &entry);

		if (err)
			return err;
		if (level == LEVEL_PT ||
		    ((level == LEVEL_PD || level == LEVEL_PDPT) &&
		     (entry & PTE_PS))) {
			*gpa = (entry & PT64_ADDR & ~offset) | (gva & offset);
			return 0;
		}
		table = entry & PT64_ADDR;
	}
	return -EFAULT;
}

/*
 * The CPU loads the four PDPTEs when CR3 is written (4.4.1); reading them
 * from memory now differs only if the guest changed them without
 * reloading CR3, which no sane guest does while running from them.
 */
static int walk_pae(const struct guest_paging *p, uint32_t gva,
		    guest_read_fn read, void *ctx, uint64_t *gpa)
{
	uint64_t pdpte;
	int err = read_entry64(read, ctx, p->cr3 & PAE_CR3_ADDR,
			       gva >> PAE_PDPTE_SHIFT, &pdpte);

	if (err)
		return err;
	return walk64(pdpte & PT64_ADDR, LEVEL_PD, gva, read, ctx, gpa);
}

static int read_entry32(guest_read_fn read, void *ctx, uint64_t table,
			unsigned int index, uint32_t *entry)
{
	int err = read(ctx, table + index * sizeof(*entry), entry,
		       sizeof(*entry));

	if (err < 0)
		return err;
	return *entry & PTE_P ? 0 : -EFAULT;
}

static int walk32(const struct guest_paging *p, uint32_t gva,
		  guest_read_fn read, void *ctx, uint64_t *gpa)
{
	unsigned int mask = (1U << PT32_INDEX_BITS) - 1;
	uint32_t pde, pte;
	int err = read_entry32(read, ctx, p->cr3 & PT32_ADDR,
			       gva >> PD32_4M_SHIFT, &pde);

	if (err)
		return err;
	if ((pde & PTE_PS) && (p->cr4 & CR4_PSE)) {
		*gpa = (pde & PD32_4M_ADDR) |
		       (gva & ((1U << PD32_4M_SHIFT) - 1));
		return 0;
	}
	err = read_entry32(read, ctx, pde & PT32_ADDR,
			   (gva >> PAGE_SHIFT) & mask, &pte);
	if (err)
		return err;
	*gpa = (pte & PT32_ADDR) | (gva & PAGE_OFFSET);
	return 0;
}

int guest_virt_to_phys(const struct guest_paging *p, uint64_t gva,
		       guest_read_fn read, void *ctx, uint64_t *gpa)
{
	if (!(p->cr0 & CR0_PG)) {
		*gpa = gva & LOW32;
		return 0;
	}
	if (p->efer & EFER_LMA)
		return walk64(p->cr3 & PT64_ADDR, p->cr4 & CR4_LA57 ? 5 : 4,
			      gva, read, ctx, gpa);
	if (p->cr4 & CR4_PAE)
		return walk_pae(p, (uint32_t)gva, read, ctx, gpa);
	return walk32(p, (uint32_t)gva, read, ctx, gpa);
}
