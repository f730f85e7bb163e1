/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/gdt.h"
#include "lib/limits.h"
#include "lib/spinlock.h"

/* Descriptor encodings (Intel SDM vol. 3A 3.4.5). */
#define DESC_CODE64	0x00af9a000000ffffULL	/* P, DPL0, code R/X, L */
#define DESC_DATA	0x00cf92000000ffffULL	/* P, DPL0, data R/W, 4 GiB */
#define DESC_TSS_AVAIL	0x89ULL			/* P, type 9: 64-bit TSS */

#define GDT_ENTRIES	(GDT_TSS_FIRST + 2 * MAX_CPUS)

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[1] = DESC_CODE64,
	[2] = DESC_DATA,
};
static struct spinlock gdt_lock;

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void set_tss_descriptor(unsigned int cpu, struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;
	unsigned int slot = GDT_TSS_FIRST + 2 * cpu;

	gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		    (DESC_TSS_AVAIL << 40) | (((limit >> 16) & 0xf) << 48) |
		    (((base >> 24) & 0xff) << 56);
	gdt[slot + 1] = base >> 32;
}

static void reload_segments(void)
{
	asm volatile("pushq %[cs]\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w[ds], %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%ss\n\t"
		     "xorl %%eax, %%eax\n\t"
		     "movw %%ax, %%fs\n\t"
		     "movw %%ax, %%gs"
		     :
		     : [cs] "i"(GDT_CODE64_SEL), [ds] "i"(GDT_DATA_SEL)
		     : "rax", "memory");
}

void gdt_load_cpu(unsigned int cpu, struct tss64 *tss)
{
	struct descriptor_ptr ptr = {
		.limit = sizeof(gdt) - 1,
		.base = (uint64_t)gdt,
	};
	uint16_t tss_sel = (GDT_TSS_FIRST + 2 * cpu) * 8;

	/* No I/O bitmap: base beyond the limit (SDM vol. 1 19.5.2). */
	tss->iomap_base = sizeof(*tss);
	spin_lock(&gdt_lock);
	set_tss_descriptor(cpu, tss);
	spin_unlock(&gdt_lock);
	asm volatile("lgdt %0" : : "m"(ptr));
	reload_segments();
	asm volatile("ltr %0" : : "r"(tss_sel));
}
