/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void svm_enter(uint64_t *gprs, uint64_t vmcb_pa, uint64_t host_area_pa)
 *
 * VMRUN switches only part of the state (AMD APM vol. 2 15.5.1): FS, GS,
 * TR, LDTR, KernelGsBase and the SYSCALL/SYSENTER MSRs go through
 * VMSAVE/VMLOAD, and every general register but RAX and RSP keeps the
 * guest's value after #VMEXIT. GIF stays clear while guest FS/GS are
 * loaded, so no host NMI handler can run on them.
 * gprs[] is in x86 encoding order; RAX and RSP travel in the VMCB.
 */
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

	.text
	.globl svm_enter
svm_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* gprs */
	pushq %rdx			/* host area */
	pushq %rsi			/* vmcb */
	clgi
	movq %rdx, %rax
	vmsave
	movq %rsi, %rax
	vmload
	movq G_RCX(%rdi), %rcx
	movq G_RDX(%rdi), %rdx
	movq G_RBX(%rdi), %rbx
	movq G_RBP(%rdi), %rbp
	movq G_RSI(%rdi), %rsi
	movq G_R8(%rdi), %r8
	movq G_R9(%rdi), %r9
	movq G_R10(%rdi), %r10
	movq G_R11(%rdi), %r11
	movq G_R12(%rdi), %r12
	movq G_R13(%rdi), %r13
	movq G_R14(%rdi), %r14
	movq G_R15(%rdi), %r15
	movq G_RDI(%rdi), %rdi
	vmrun
	/* RAX = vmcb (restored by #VMEXIT), RSP = ours, the rest = guest's. */
	pushq %rdi
	movq 24(%rsp), %rdi		/* gprs */
	movq %rcx, G_RCX(%rdi)
	movq %rdx, G_RDX(%rdi)
	movq %rbx, G_RBX(%rdi)
	movq %rbp, G_RBP(%rdi)
	movq %rsi, G_RSI(%rdi)
	movq %r8, G_R8(%rdi)
	movq %r9, G_R9(%rdi)
	movq %r10, G_R10(%rdi)
	movq %r11, G_R11(%rdi)
	movq %r12, G_R12(%rdi)
	movq %r13, G_R13(%rdi)
	movq %r14, G_R14(%rdi)
	movq %r15, G_R15(%rdi)
	popq %rcx
	movq %rcx, G_RDI(%rdi)
	vmsave				/* RAX = vmcb: guest FS, GS, ... */
	movq 8(%rsp), %rax
	vmload				/* host FS, GS, TR, ... */
	stgi
	addq $24, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
