/* SPDX-License-Identifier: BSD-2-Clause */
/* call_on_stack(stack_top, fn, arg): leave the firmware's stack for good. */
	.text
	.globl call_on_stack
call_on_stack:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	movq %rdx, %rdi
	call *%rsi
	ud2

	.section .note.GNU-stack, "", @progbits
