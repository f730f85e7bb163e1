/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AP start-up: real mode -> protected mode -> long mode (Intel SDM vol. 3A
 * 9.9, "Mode switching"). Position independent: runs from whatever page the
 * SIPI names, finding itself through CS. %ebx holds that page's linear base
 * throughout. Parameters are at AP_PARAMS_OFFSET from it.
 */
#include "arch/x86/cpu_regs.h"

#define PARAMS		0x1000
#define P_CR3		(PARAMS + 0)
#define P_STACK		(PARAMS + 8)
#define P_ENTRY		(PARAMS + 16)
#define P_ARG		(PARAMS + 24)
#define SEL_CODE32	0x08
#define SEL_DATA	0x10
#define SEL_CODE64	0x18
#define CR0_NW_CD	(CR0_NW | CR0_CD)
#define EFER_LME_NXE	(EFER_LME | EFER_NXE)
#define OFF(label)	((label) - ap_trampoline_start)

	.section .rodata
	.p2align 4
	.globl ap_trampoline_start
ap_trampoline_start:
	.code16
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movzwl %ax, %ebx
	shll $4, %ebx
	/* Patch the absolute addresses the far jumps and GDTR need. */
	leal OFF(tramp_gdt)(%ebx), %eax
	movl %eax, OFF(tramp_gdtr) + 2
	leal OFF(protected32)(%ebx), %eax
	movl %eax, OFF(far32)
	leal OFF(long64)(%ebx), %eax
	movl %eax, OFF(far64)
	lgdtl OFF(tramp_gdtr)
	/* An INIT leaves caches disabled (CD/NW set): turn them back on. */
	movl %cr0, %eax
	andl $~CR0_NW_CD, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl *OFF(far32)

	.code32
protected32:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl P_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME_NXE, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG, %eax
	movl %eax, %cr0
	ljmpl *OFF(far64)(%ebx)

	.code64
long64:
	movq P_STACK(%rbx), %rsp
	movq P_ARG(%rbx), %rdi
	xorl %ebp, %ebp
	callq *P_ENTRY(%rbx)
1:	hlt
	jmp 1b

	.p2align 3
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 32-bit code */
	.quad 0x00cf92000000ffff	/* data */
	.quad 0x00af9a000000ffff	/* 64-bit code */
tramp_gdt_end:
tramp_gdtr:
	.word tramp_gdt_end - tramp_gdt - 1
	.long 0
far32:
	.long 0
	.word SEL_CODE32
far64:
	.long 0
	.word SEL_CODE64
	.globl ap_trampoline_end
ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits
