/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry stubs for the 32 exception vectors. Each pushes a dummy error code
 * where the CPU pushes none (Intel SDM vol. 3A table 6-1), then its vector,
 * so exception_handle() always sees one frame layout.
 */

.macro stub vector, has_error
	.p2align 4
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vector
	jmp exception_common
.endm

	.text
	.p2align 4
	.globl exception_stubs
exception_stubs:
	stub 0, 0
	stub 1, 0
	stub 2, 0
	stub 3, 0
	stub 4, 0
	stub 5, 0
	stub 6, 0
	stub 7, 0
	stub 8, 1
	stub 9, 0
	stub 10, 1
	stub 11, 1
	stub 12, 1
	stub 13, 1
	stub 14, 1
	stub 15, 0
	stub 16, 0
	stub 17, 1
	stub 18, 0
	stub 19, 0
	stub 20, 0
	stub 21, 1
	stub 22, 0
	stub 23, 0
	stub 24, 0
	stub 25, 0
	stub 26, 0
	stub 27, 0
	stub 28, 0
	stub 29, 1
	stub 30, 1
	stub 31, 0
	.globl exception_stub_spurious
exception_stub_spurious:
	stub 255, 0

exception_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Align the stack for the C call; the frame pointer keeps the old one. */
	movq %rsp, %rbx
	andq $-16, %rsp
	call exception_handle
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
