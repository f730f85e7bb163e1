/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The chaos guest's entry: a Multiboot (v1) kernel that switches to 64-bit
 * mode at once (SDM vol. 3A 10.8.5: PAE, CR3, EFER.LME, then CR0.PG) with
 * the first 4 GiB identity-mapped in 2 MiB pages (the top GiB, where the
 * APICs live, uncached) and the rest of the first 512 GiB in 1 GiB pages
 * when the CPU has them, then calls guest_start(magic, mbi) in 64-bit
 * mode. Also the 256 interrupt stubs and chaos_try(), the recovery point
 * every operation runs under (chaos.h).
 */
#include "guests/lib/multiboot.h"

#define MB_FLAGS	(MB_HEADER_PAGE_ALIGN | MB_HEADER_MEMORY_INFO)
#define STACK_SIZE	32768
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define CR0_PG_WP	0x80010000
#define CR4_PAE		(1 << 5)
#define PTE_P_RW	0x003
#define PTE_PS		0x080
#define PTE_UC		0x018		/* PCD | PWT: PAT entry 3, UC */
#define PD_UC_FIRST	1536		/* 2 MiB entries from 3 GiB up */
#define CPUID_EXT1	0x80000001
#define EDX_PAGE1G	(1 << 26)
#define RFLAGS_RESERVED	0x2		/* IF clear */
#define VECTOR_FIRST_IRQ 16		/* below: no interrupt can use it */
#define LAPIC_EOI	0xfee000b0
#define NMI_VECTOR	2

	.section .multiboot, "a"
	.balign 4
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long -(MB_HEADER_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, %esi			/* magic */
	movl %ebx, %ebp			/* mbi */
	lgdt gdtr
	ljmp $SEL_CODE32, $1f
1:	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> four page directories. */
	movl $pdpt, %eax
	orl $PTE_P_RW, %eax
	movl %eax, pml4
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $pd, %eax
	orl $PTE_P_RW, %eax
	movl %eax, pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb 2b
	/* 2048 entries of 2 MiB: 0-4 GiB. */
	xorl %ecx, %ecx
3:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P_RW | PTE_PS), %eax
	cmpl $PD_UC_FIRST, %ecx
	jb 4f
	orl $PTE_UC, %eax
4:	movl %eax, pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 3b
	/* 1 GiB pages for 4-512 GiB: holes to aim at. */
	movl $CPUID_EXT1, %eax
	cpuid
	testl $EDX_PAGE1G, %edx
	jz 6f
	movl $4, %ecx
5:	movl %ecx, %eax
	shll $30, %eax
	orl $(PTE_P_RW | PTE_PS | PTE_UC), %eax
	movl %eax, pdpt(, %ecx, 8)
	movl %ecx, %eax
	shrl $2, %eax
	movl %eax, pdpt + 4(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jb 5b
6:
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $CR0_PG_WP, %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $long_mode

	.code64
long_mode:
	movl $stack_top, %esp
	movl %esi, %edi			/* guest_start(magic, mbi) */
	movl %ebp, %esi
	call guest_start
7:	cli
	hlt
	jmp 7b

/*
 * uint32_t chaos_try(void (*fn)(void *), void *arg): calls fn(arg) with
 * the recovery point armed. Returns 0, or 1 + the vector of the first
 * exception, NMI or interrupt taken meanwhile: the stub below IRETs to
 * the recovery point, on this frame, whatever fn had on its stack.
 */
	.globl chaos_try
chaos_try:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, chaos_recover_rsp(%rip)
	lea 1f(%rip), %rax
	mov %rax, chaos_recover_rip(%rip)
	movl $1, chaos_armed(%rip)
	mov %rdi, %rax
	mov %rsi, %rdi
	call *%rax
	movl $0, chaos_armed(%rip)
	xorl %eax, %eax
	jmp 2f
1:	movl $0, chaos_armed(%rip)
	movl chaos_vector(%rip), %eax
	incl %eax
2:	cld
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

/* One 16-byte stub per vector: push the vector, go to the common part. */
	.balign 16
	.globl chaos_stubs
chaos_stubs:
	vector = 0
	.rept 256
	.balign 16
	pushq $vector
	jmp stub_common
	vector = vector + 1
	.endr

/*
 * With an operation under way, whatever arrived (error code or not) ends
 * it: EOI for what may be an interrupt, then IRET to the recovery point
 * (an IRET, so an NMI's blocking ends as on hardware). Otherwise only an
 * NMI is expected (another vCPU's, or one sent late): return from it;
 * anything else is the guest's own bug, reported by chaos_unexpected().
 */
stub_common:
	cmpl $0, chaos_armed(%rip)
	je 3f
	movq (%rsp), %rax
	movl %eax, chaos_vector(%rip)
	cmpl $VECTOR_FIRST_IRQ, %eax
	jb 1f
	movl $LAPIC_EOI, %ecx
	movl $0, (%rcx)
1:	movq chaos_recover_rsp(%rip), %rdx
	pushq $SEL_DATA
	pushq %rdx
	pushq $RFLAGS_RESERVED
	pushq $SEL_CODE64
	pushq chaos_recover_rip(%rip)
	iretq
3:	cmpq $NMI_VECTOR, (%rsp)
	jne 4f
	addq $8, %rsp
	iretq
4:	movq (%rsp), %rdi
	leaq 8(%rsp), %rsi
	andq $-16, %rsp
	call chaos_unexpected
5:	cli
	hlt
	jmp 5b

	.section .rodata
	.balign 8
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code (L=1) */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
	.quad 0x00cf9a000000ffff	/* 0x18: flat 32-bit code */
gdt_end:
	.balign 4
	.word 0
gdtr:
	.word gdt_end - gdt - 1
	.long gdt

	.data
	.balign 8
	.globl chaos_armed, chaos_vector
chaos_recover_rsp:	.quad 0
chaos_recover_rip:	.quad 0
chaos_armed:		.long 0
chaos_vector:		.long 0

	.section .bss
	.balign 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
	.balign 16
stack:	.skip STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits
