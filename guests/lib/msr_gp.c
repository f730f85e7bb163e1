/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RDMSR/WRMSR that report a #GP instead of dying: a one-gate IDT whose
 * #GP handler skips the faulting 2-byte instruction and counts it. For
 * the guests that check which MSRs exist (msr-check, conformance).
 */
#include "guests/lib/runtime.h"

#define GP_VECTOR	13	/* SDM vol. 3A 6.15 */
#define GATE_INT32	0x8e	/* present, DPL 0, 32-bit interrupt gate */
#define CODE_SELECTOR	0x08	/* guests/lib/entry.S's flat code segment */

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t zero, type;
	uint16_t offset_high;
} __attribute__((packed));

static struct idt_gate idt[32];
volatile uint32_t msr_gp_count;

void msr_gp_entry(void);
/* Error code, EIP, CS, EFLAGS on the stack: skip the 2-byte instruction. */
asm(".text\n.globl msr_gp_entry\nmsr_gp_entry:\n"
    "\taddl $4, %esp\n"
    "\taddl $2, (%esp)\n"
    "\tlock incl msr_gp_count\n"
    "\tiret\n");

void msr_gp_init(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) p = {
		sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };
	uint32_t handler = (uint32_t)(uintptr_t)msr_gp_entry;

	idt[GP_VECTOR] = (struct idt_gate){ handler & 0xffff, CODE_SELECTOR,
					    0, GATE_INT32, handler >> 16 };
	asm volatile("lidt %0" : : "m"(p));
}

bool rdmsr_gp(uint32_t msr, uint64_t *value)
{
	uint32_t before = msr_gp_count, lo = 0, hi = 0;

	asm volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*value = ((uint64_t)hi << 32) | lo;
	return msr_gp_count != before;
}

bool wrmsr_gp(uint32_t msr, uint64_t value)
{
	uint32_t before = msr_gp_count;

	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value),
		     "d"((uint32_t)(value >> 32)) : "memory");
	return msr_gp_count != before;
}
