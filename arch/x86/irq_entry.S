/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The only external interrupts the hypervisor takes itself: on a core
 * shared in time, the LAPIC timer that ends a window. It interrupts either
 * a guest (an exit; then it is taken here right after STGI) or an idle
 * loop, never code that holds a lock with interrupts on. The handler only
 * acknowledges it: the scheduler reads the TSC to decide what is next.
 * 64-bit mode aligns RSP to 16 bytes before the 5-word frame (SDM vol. 3A
 * 6.14.2), so after the nine pushes the call is aligned again.
 */
	.text
	.globl irq_timer_entry
irq_timer_entry:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	cld
	call lapic_timer_irq_ack
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	iretq

	/* A spurious interrupt (SDM vol. 3A 11.9) needs no EOI. */
	.globl irq_spurious_entry
irq_spurious_entry:
	iretq

	.section .note.GNU-stack, "", @progbits
