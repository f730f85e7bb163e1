/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_GUEST_GPRS_H
#define ARCH_X86_GUEST_GPRS_H

/*
 * Byte offsets in a vCPU's gprs[] (x86 encoding order, as enum guest_reg
 * in kernel/vcpu.h), and the moves both vendor entry paths make between
 * that array and the registers, and around them the host's. RAX, RSP and RDI differ per vendor (RSP
 * travels in the VMCB/VMCS, RDI holds the array) and are moved by each.
 */
#define G_RAX	0
#define G_RCX	8
#define G_RDX	16
#define G_RBX	24
#define G_RBP	40
#define G_RSI	48
#define G_RDI	56
#define G_R8	64
#define G_R9	72
#define G_R10	80
#define G_R11	88
#define G_R12	96
#define G_R13	104
#define G_R14	112
#define G_R15	120

#ifdef __ASSEMBLER__
.macro load_guest_gprs_but_rax_rdi base
	movq G_RCX(\base), %rcx
	movq G_RDX(\base), %rdx
	movq G_RBX(\base), %rbx
	movq G_RBP(\base), %rbp
	movq G_RSI(\base), %rsi
	movq G_R8(\base), %r8
	movq G_R9(\base), %r9
	movq G_R10(\base), %r10
	movq G_R11(\base), %r11
	movq G_R12(\base), %r12
	movq G_R13(\base), %r13
	movq G_R14(\base), %r14
	movq G_R15(\base), %r15
.endm

.macro store_guest_gprs_but_rax_rdi base
	movq %rcx, G_RCX(\base)
	movq %rdx, G_RDX(\base)
	movq %rbx, G_RBX(\base)
	movq %rbp, G_RBP(\base)
	movq %rsi, G_RSI(\base)
	movq %r8, G_R8(\base)
	movq %r9, G_R9(\base)
	movq %r10, G_R10(\base)
	movq %r11, G_R11(\base)
	movq %r12, G_R12(\base)
	movq %r13, G_R13(\base)
	movq %r14, G_R14(\base)
	movq %r15, G_R15(\base)
.endm

/* The host's callee-saved registers (System V ABI), around a guest run. */
.macro push_host_callee_saved
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro pop_host_callee_saved
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
.endm
#endif

#endif
