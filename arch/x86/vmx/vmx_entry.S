/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/guest_gprs.h"
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

	.text
	.globl vmx_enter
vmx_enter:
	push_host_callee_saved
	pushq %rdi			/* gprs, for vmx_exit_point */
	movl $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	/* Decide now: the moves below leave the flags alone. */
	testl %esi, %esi
	movq G_RAX(%rdi), %rax
	load_guest_gprs_but_rax_rdi %rdi
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
	store_guest_gprs_but_rax_rdi %rdi
	popq %rax
	movq %rax, G_RDI(%rdi)
	addq $8, %rsp
	xorl %eax, %eax
4:	pop_host_callee_saved
	ret

	.section .note.GNU-stack, "", @progbits
