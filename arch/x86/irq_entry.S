/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The external interrupts the hypervisor takes itself, on a core shared
 * in time: the LAPIC timer that ends a window, and the posting vectors of
 * devices' MSIs (irq_host_stubs). They interrupt a guest (an exit; SVM
 * takes them here right after STGI), never code that holds a lock with
 * interrupts on. The timer's handler only acknowledges it: the scheduler
 * reads the TSC to decide what is next.
 * 64-bit mode aligns RSP to 16 bytes before the 5-word frame (SDM vol. 3A
 * 6.14.2), so after the nine pushes the call is aligned again.
 */
	/* The registers a C call may change (System V ABI): nine pushes. */
	.macro push_caller_saved
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	.endm

	.macro pop_caller_saved
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	.endm

	.text
	.globl irq_timer_entry
irq_timer_entry:
	push_caller_saved
	cld
	call lapic_timer_irq_ack
	pop_caller_saved
	iretq

	/*
	 * The other host vectors (arch/x86/irq_host.c): a 16-byte stub per
	 * vector from 32 to 254 pushes its number for irq_host_dispatch.
	 * With the vector the frame is 6 words, so after the nine pushes
	 * 8 more bytes align the call.
	 */
	.p2align 4
	.globl irq_host_stubs
irq_host_stubs:
	.set vector, 32
	.rept 255 - 32
	.p2align 4
	pushq $vector
	jmp irq_host_common
	.set vector, vector + 1
	.endr

irq_host_common:
	push_caller_saved
	movq 72(%rsp), %rdi		/* the vector */
	subq $8, %rsp
	cld
	call irq_host_dispatch
	addq $8, %rsp
	pop_caller_saved
	addq $8, %rsp			/* the vector */
	iretq

	/* A spurious interrupt (SDM vol. 3A 11.9) needs no EOI. */
	.globl irq_spurious_entry
irq_spurious_entry:
	iretq

	.section .note.GNU-stack, "", @progbits
