/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/guest_gprs.h"
/*
 * void svm_enter(uint64_t *gprs, uint64_t vmcb_pa, uint64_t host_area_pa,
 *		  bool host_interrupts)
 *
 * VMRUN switches only part of the state (AMD APM vol. 2 15.5.1): FS, GS,
 * TR, LDTR, KernelGsBase and the SYSCALL/SYSENTER MSRs go through
 * VMSAVE/VMLOAD, and every general register but RAX and RSP keeps the
 * guest's value after #VMEXIT. GIF stays clear while guest FS/GS are
 * loaded, so no host NMI handler can run on them.
 * gprs[] is in x86 encoding order; RAX and RSP travel in the VMCB.
 * With host_interrupts (a core shared in time) the host's IF is set for
 * VMRUN, which with V_INTR_MASKING lets a physical interrupt exit; it is
 * taken through the host's IDT at STGI and IF is cleared again.
 */

	.text
	.globl svm_enter
svm_enter:
	push_host_callee_saved
	pushq %rdi			/* gprs */
	pushq %rdx			/* host area */
	pushq %rsi			/* vmcb */
	pushq %rcx			/* host_interrupts */
	clgi
	testb %cl, %cl
	jz 1f
	sti				/* held by GIF until VMRUN */
1:
	movq %rdx, %rax
	vmsave
	movq %rsi, %rax
	vmload
	load_guest_gprs_but_rax_rdi %rdi
	movq G_RDI(%rdi), %rdi
	vmrun
	/* RAX = vmcb (restored by #VMEXIT), RSP = ours, the rest = guest's. */
	pushq %rdi
	movq 32(%rsp), %rdi		/* gprs */
	store_guest_gprs_but_rax_rdi %rdi
	popq %rcx
	movq %rcx, G_RDI(%rdi)
	vmsave				/* RAX = vmcb: guest FS, GS, ... */
	movq 16(%rsp), %rax
	vmload				/* host FS, GS, TR, ... */
	stgi				/* a pending timer interrupt is taken */
	cli
	addq $32, %rsp
	pop_host_callee_saved
	ret

	.section .note.GNU-stack, "", @progbits
