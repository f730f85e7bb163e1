/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AP start-up. tramp_start..tramp_end is copied to the SIPI page (any
 * 4 KiB page below 1 MiB, page 0 included) and runs there in real mode
 * with CS = page << 8, IP = 0. It uses only CS-relative data, so the one
 * thing the BSP patches is the GDTR base (the linear address of the GDT
 * in the copy). It enters protected mode and far-jumps to ap_entry32 in
 * the image at 1 MiB, which takes a stack and calls ap_main().
 */
#include "guests/smp/smp.h"

	.section .rodata
	.code16
	.globl tramp_start, tramp_end, tramp_gdt, tramp_gdtr_base
tramp_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tramp_gdtr - tramp_start
	movl %cr0, %eax
	orl $1, %eax			/* PE; paging stays off */
	movl %eax, %cr0
	ljmpl $SMP_SEL_CODE, $ap_entry32

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat 32-bit data */
tramp_gdt_end:
	.balign 4
	.word 0
tramp_gdtr:
	.word tramp_gdt_end - tramp_gdt - 1
tramp_gdtr_base:
	.long 0			/* patched: page address + GDT offset */
tramp_end:

	.text
	.code32
	.globl ap_entry32
	.type ap_entry32, @function
ap_entry32:
	movw $SMP_SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss

	/* One stack per AP, handed out in arrival order. */
	movl $1, %eax
	lock xaddl %eax, ap_stack_next
	cmpl $SMP_MAX_CPUS, %eax
	jae 2f
	incl %eax
	shll $SMP_AP_STACK_SHIFT, %eax
	leal ap_stacks(%eax), %esp
	pushl $0
	popfl
	call ap_main
2:	cli
	hlt
	jmp 2b
	.size ap_entry32, . - ap_entry32

	.section .bss
	.balign 4
ap_stack_next:
	.long 0
	.balign 16
ap_stacks:
	.skip SMP_MAX_CPUS * SMP_AP_STACK_SIZE

	.section .note.GNU-stack, "", @progbits
