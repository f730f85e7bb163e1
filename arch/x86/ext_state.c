/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/ext_state.h"
#include "arch/x86/asm.h"
#include "arch/x86/cpu_regs.h"
#include "kernel/page_alloc.h"
#include "lib/errno.h"
#include "lib/string.h"

/* CPUID.1:ECX.XSAVE (SDM vol. 2A), leaf 0xD (vol. 1 13.2). */
#define CPUID_1_ECX_XSAVE	(1U << 26)
#define CPUID_XSAVE_LEAF	0xd
#define XCR0_X87		1ULL
#define FXSAVE_BYTES		512
/* Legacy region: FCW at 0, MXCSR at 24 (SDM vol. 1 10.5.1, table 10-2). */
#define FXSAVE_FCW		0
#define FXSAVE_MXCSR		24
#define FCW_RESET		0x037f	/* after FNINIT / RESET */
#define MXCSR_RESET		0x1f80	/* every exception masked */
#define PAGE_BYTES		4096

static bool has_xsave;
static uint64_t xsave_mask;	/* every component the CPU supports */
static uint32_t area_bytes = FXSAVE_BYTES;

void ext_state_setup(void)
{
	struct cpuid_regs r;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return;
	r = cpuid(CPUID_XSAVE_LEAF, 0);
	has_xsave = true;
	xsave_mask = (uint64_t)r.edx << 32 | r.eax;
	area_bytes = r.ecx;	/* the size for every supported component */
}

int ext_state_init(struct ext_state *s)
{
	unsigned int pages = (area_bytes + PAGE_BYTES - 1) / PAGE_BYTES;
	uint64_t pa = hv_alloc_pages(pages, FRAME_NO_LIMIT);
	uint8_t *area;

	if (!pa)
		return -ENOMEM;
	area = (uint8_t *)(uintptr_t)pa;
	memset(area, 0, pages * PAGE_BYTES);
	/*
	 * An all-zero XSAVE header puts every component in its initial
	 * state, except MXCSR, which XRSTOR takes from the image.
	 */
	*(uint16_t *)(area + FXSAVE_FCW) = FCW_RESET;
	*(uint32_t *)(area + FXSAVE_MXCSR) = MXCSR_RESET;
	s->area = area;
	s->xcr0 = XCR0_X87;
	memset(s->dr, 0, sizeof(s->dr));
	return 0;
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

static void xsetbv0(uint64_t value)
{
	asm volatile("xsetbv" : : "c"(0), "a"((uint32_t)value),
		     "d"((uint32_t)(value >> 32)));
}

/*
 * The host runs without CR4.OSXSAVE/OSFXSR (the guest's CR4 is in the
 * control structure): they are turned on only around the instructions
 * that need them. XCR0 is widened to every supported component so that
 * state a guest reached with its own XCR0 earlier is saved too.
 */
void ext_state_save(struct ext_state *s)
{
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 | CR4_OSFXSR | (has_xsave ? CR4_OSXSAVE : 0));
	if (has_xsave) {
		s->xcr0 = xgetbv0();
		xsetbv0(xsave_mask);
		asm volatile("xsave (%0)" : : "r"(s->area),
			     "a"((uint32_t)xsave_mask),
			     "d"((uint32_t)(xsave_mask >> 32)) : "memory");
	} else {
		asm volatile("fxsave (%0)" : : "r"(s->area) : "memory");
	}
	write_cr4(cr4);
	s->dr[0] = read_dr(0);
	s->dr[1] = read_dr(1);
	s->dr[2] = read_dr(2);
	s->dr[3] = read_dr(3);
}

void ext_state_load(const struct ext_state *s)
{
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 | CR4_OSFXSR | (has_xsave ? CR4_OSXSAVE : 0));
	if (has_xsave) {
		xsetbv0(xsave_mask);
		asm volatile("xrstor (%0)" : : "r"(s->area),
			     "a"((uint32_t)xsave_mask),
			     "d"((uint32_t)(xsave_mask >> 32)) : "memory");
		xsetbv0(s->xcr0);
	} else {
		asm volatile("fxrstor (%0)" : : "r"(s->area) : "memory");
	}
	write_cr4(cr4);
	write_dr(0, s->dr[0]);
	write_dr(1, s->dr[1]);
	write_dr(2, s->dr[2]);
	write_dr(3, s->dr[3]);
}
