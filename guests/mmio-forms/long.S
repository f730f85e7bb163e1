/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * call64(): runs long_rows in 64-bit mode and comes back to 32-bit
 * protected mode with paging off, for the REX forms a 32-bit guest cannot
 * encode. The caller has built long_pml4 (identity, 2 MiB pages, the
 * LAPIC page uncached). SDM vol. 3A 10.8.5: PAE, CR3, EFER.LME, then
 * CR0.PG; leaving is the reverse from a compatibility-mode segment.
 */
#define MSR_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define SEL_CODE32	0x08
#define SEL_CODE64	0x18
#define LAPIC_TPR	0xfee00080

	.text
	.code32
	.globl call64
call64:
	push %ebx
	push %esi
	push %edi
	push %ebp
	lgdt gdtr64
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov long_pml4, %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	ljmp $SEL_CODE64, $1f
	.code64
1:	mov %esp, %esp		/* upper halves are undefined on the way in */
	call long_rows
	push $SEL_CODE32
	lea 2f(%rip), %rax
	push %rax
	lretq
	.code32
2:	mov %cr0, %eax
	and $~CR0_PG, %eax
	mov %eax, %cr0
	mov $MSR_EFER, %ecx
	rdmsr
	and $~EFER_LME, %eax
	wrmsr
	pop %ebp
	pop %edi
	pop %esi
	pop %ebx
	ret

/*
 * Each row leaves what the LAPIC's TPR (or a read) gave in long_got[i];
 * main.c knows what each should be. The bytes of every access are the
 * ones in the comment: the REX forms are the point.
 */
	.code64
long_rows:
	mov $LAPIC_TPR, %ecx
	mov $0x70, %esi
	mov %sil, (%rcx)		/* 40 88 31: the reported store */
	mov (%rcx), %eax
	mov %eax, long_got + 0(%rip)
	mov $0x31, %edi
	mov %dil, (%rcx)		/* 40 88 39: DIL with REX */
	mov (%rcx), %eax
	mov %eax, long_got + 4(%rip)
	mov $0x4200, %ebx
	.byte 0x88, 0x39		/* mov %bh,(%rcx): BH without REX */
	mov (%rcx), %eax
	mov %eax, long_got + 8(%rip)
	mov $0x55, %r10d
	mov %r10, (%rcx)		/* 4c 89 11: 8-byte store */
	mov (%rcx), %r11		/* 4c 8b 19: 8-byte load */
	mov %r11, long_got + 12(%rip)
	movzbq -0x50(%rcx), %r9		/* 4c 0f b6 49 b0: version byte */
	mov %r9, long_got + 20(%rip)
	mov $0x40, %r8b
	add %r8b, (%rcx)		/* 44 00 01: TPR 0x55 + 0x40 */
	movsbq (%rcx), %rax		/* 48 0f be 01 */
	mov %rax, long_got + 28(%rip)
	movl $0, (%rcx)
	ret

	.data
	.align 8
gdt64:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: flat 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code (L=1) */
gdt64_end:
gdtr64:
	.word gdt64_end - gdt64 - 1
	.long gdt64
	.globl long_got
long_got:
	.fill 36, 1, 0
	.section .note.GNU-stack,"",@progbits
