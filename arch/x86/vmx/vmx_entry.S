/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * int vmx_enter(uint64_t *gprs, int launched)
 *
 * VM entry loads the guest's RSP, RIP and RFLAGS from the VMCS, but no
 * other general register; VM exit loads the host's RSP and RIP from the
 * VMCS and leaves every other general register holding the guest's value
 * (Intel SDM vol. 3C 26.3.2, 27.5). So the guest's registers, RAX
 * included, travel through gprs[] here, and HOST_RSP is written on every
 * entry to point at the frame vmx_exit_point unwinds.
 * gprs[] is in x86 encoding order; RSP travels in the VMCS.
 *
 * Returns 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed with
 * VMfailValid (the VM-instruction error field says why) and 2 on
 * VMfailInvalid (no current VMCS) (SDM vol. 3C 31.2).
 */
#define VMCS_HOST_RSP	0x6c14	/* arch/x86/vmx/vmcs.h */
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

	.text
	.globl vmx_enter
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* gprs, for vmx_exit_point */
	movl $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	/* Decide now: the moves below leave the flags alone. */
	testl %esi, %esi
	movq G_RAX(%rdi), %rax
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
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* The entry failed: CF = VMfailInvalid, ZF = VMfailValid. */
	movl $2, %eax
	jc 3f
	movl $1, %eax
3:	addq $8, %rsp
	jmp 4f

	/* HOST_RIP: RSP = HOST_RSP, RFLAGS = 0x2, the rest = the guest's. */
	.globl vmx_exit_point
vmx_exit_point:
	pushq %rdi
	movq 8(%rsp), %rdi		/* gprs */
	movq %rax, G_RAX(%rdi)
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
	popq %rax
	movq %rax, G_RDI(%rdi)
	addq $8, %rsp
	xorl %eax, %eax
4:	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
