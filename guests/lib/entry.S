/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot (v1) entry: 32-bit protected mode, paging off, EAX = magic,
 * EBX = physical address of the Multiboot info. Load our own GDT (the
 * loader's GDTR may be anything), zero .bss, take the boot stack and call
 * guest_start(magic, mbi), which calls main() and exits with its result.
 */
#include "guests/lib/multiboot.h"

#define MB_FLAGS	(MB_HEADER_PAGE_ALIGN | MB_HEADER_MEMORY_INFO)
#define BOOT_STACK_SIZE	16384
#define SEL_CODE	0x08
#define SEL_DATA	0x10

	.section .multiboot, "a"
	.balign 4
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MB_HEADER_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
	.type _start, @function
_start:
	cli
	cld
	movl %eax, %esi			/* magic */
	movl %ebx, %ebp			/* mbi */

	lgdt boot_gdtr
	ljmp $SEL_CODE, $1f
1:	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss

	/* .bss: the loader should have zeroed it, but do not rely on it. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	movl $boot_stack_top, %esp
	pushl $0
	popfl				/* IF=0, DF=0, AC=0 */

	subl $8, %esp			/* keep 16-byte call alignment */
	pushl %ebp
	pushl %esi
	call guest_start
	/* guest_start does not return; be safe anyway. */
2:	cli
	hlt
	jmp 2b
	.size _start, . - _start

	.section .rodata
	.balign 8
	.globl boot_gdt
boot_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat 32-bit data */
boot_gdt_end:

	.balign 4
	.word 0
boot_gdtr:
	.word boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
