/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/insn.h"
#include "lib/errno.h"

#define M16	INSN_MODE_16
#define M32	INSN_MODE_32
#define M64	INSN_MODE_64
#define B(...)	{ __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ })

/*
 * Every encoding below came from GNU as (--32 with .code16/.code32, or
 * --64) and was checked with objdump -D -b binary -m i8086 / i386 /
 * i386:x86-64; hand-made ones (.byte) carry objdump's reading as text.
 */
struct insn_case {
	const char *text;
	enum insn_mode mode;
	enum insn_kind kind;
	unsigned int size;
	int reg;
	bool high8;
	uint64_t imm;
	unsigned int ext_size;
	uint8_t bytes[INSN_MAX_LEN];
	unsigned int len;
};

static const struct insn_case cases[] = {
	{ "mov %eax,(%rdx)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x02) },
	{ "mov %ecx,0x300(%rbx)", M64,
	  INSN_MOV_TO_MEM, 4, 1, 0, 0, 0,
	  B(0x89, 0x8b, 0x00, 0x03, 0x00, 0x00) },
	{ "mov %edx,0x10(%rax)", M64,
	  INSN_MOV_TO_MEM, 4, 2, 0, 0, 0,
	  B(0x89, 0x50, 0x10) },
	{ "mov %eax,(%rsp)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x04, 0x24) },
	{ "mov %eax,0x8(%rsp)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x44, 0x24, 0x08) },
	{ "mov %eax,0x100(%rsp,%rcx,4)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x84, 0x8c, 0x00, 0x01, 0x00, 0x00) },
	{ "mov %eax,0x0(,%rcx,8)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x04, 0xcd, 0x00, 0x00, 0x00, 0x00) },
	{ "mov %edi,0x300", M64,
	  INSN_MOV_TO_MEM, 4, 7, 0, 0, 0,
	  B(0x89, 0x3c, 0x25, 0x00, 0x03, 0x00, 0x00) },
	{ "mov %eax,0x10(%rip)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x05, 0x10, 0x00, 0x00, 0x00) },
	{ "mov %eax,(%rbp)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x45, 0x00) },
	{ "mov %eax,(%r13)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x41, 0x89, 0x45, 0x00) },
	{ "mov %eax,(%r12)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x41, 0x89, 0x04, 0x24) },
	{ "mov %eax,0x300", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x41, 0x89, 0x04, 0x25, 0x00, 0x03, 0x00, 0x00) },
	{ "mov %eax,0x300(,%r12,8)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x43, 0x89, 0x04, 0xe5, 0x00, 0x03, 0x00, 0x00) },
	{ "mov %r13d,0x7fffffff(%r13,%r12,8)", M64,
	  INSN_MOV_TO_MEM, 4, 13, 0, 0, 0,
	  B(0x47, 0x89, 0xac, 0xe5, 0xff, 0xff, 0xff, 0x7f) },
	{ "mov %r8d,(%rax)", M64,
	  INSN_MOV_TO_MEM, 4, 8, 0, 0, 0,
	  B(0x44, 0x89, 0x00) },
	{ "mov %r15,(%rdi)", M64,
	  INSN_MOV_TO_MEM, 8, 15, 0, 0, 0,
	  B(0x4c, 0x89, 0x3f) },
	{ "mov %rax,(%r9,%r10,2)", M64,
	  INSN_MOV_TO_MEM, 8, 0, 0, 0, 0,
	  B(0x4b, 0x89, 0x04, 0x51) },
	{ "mov %al,(%rdi)", M64,
	  INSN_MOV_TO_MEM, 1, 0, 0, 0, 0,
	  B(0x88, 0x07) },
	{ "mov %ah,(%rdi)", M64,
	  INSN_MOV_TO_MEM, 1, 0, 1, 0, 0,
	  B(0x88, 0x27) },
	{ "mov %bh,(%rdi)", M64,
	  INSN_MOV_TO_MEM, 1, 3, 1, 0, 0,
	  B(0x88, 0x3f) },
	{ "mov %spl,(%rdi)", M64,
	  INSN_MOV_TO_MEM, 1, 4, 0, 0, 0,
	  B(0x40, 0x88, 0x27) },
	{ "mov %dil,(%rax)", M64,
	  INSN_MOV_TO_MEM, 1, 7, 0, 0, 0,
	  B(0x40, 0x88, 0x38) },
	{ "mov %r10b,(%rax)", M64,
	  INSN_MOV_TO_MEM, 1, 10, 0, 0, 0,
	  B(0x44, 0x88, 0x10) },
	{ "mov %ax,(%rdi)", M64,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0x89, 0x07) },
	{ "mov %r9w,0x40(%rdi)", M64,
	  INSN_MOV_TO_MEM, 2, 9, 0, 0, 0,
	  B(0x66, 0x44, 0x89, 0x4f, 0x40) },
	{ "mov (%rdi),%eax", M64,
	  INSN_MOV_FROM_MEM, 4, 0, 0, 0, 0,
	  B(0x8b, 0x07) },
	{ "mov 0x20(%rdi),%r11", M64,
	  INSN_MOV_FROM_MEM, 8, 11, 0, 0, 0,
	  B(0x4c, 0x8b, 0x5f, 0x20) },
	{ "mov (%rsi),%ch", M64,
	  INSN_MOV_FROM_MEM, 1, 1, 1, 0, 0,
	  B(0x8a, 0x2e) },
	{ "mov (%rsi),%sil", M64,
	  INSN_MOV_FROM_MEM, 1, 6, 0, 0, 0,
	  B(0x40, 0x8a, 0x36) },
	{ "mov 0x30(%rip),%esi", M64,
	  INSN_MOV_FROM_MEM, 4, 6, 0, 0, 0,
	  B(0x8b, 0x35, 0x30, 0x00, 0x00, 0x00) },
	{ "movl $0x12345678,0x300(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 4, -1, 0, 0x12345678, 0,
	  B(0xc7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x78, 0x56, 0x34,
	    0x12) },
	{ "movq $-1,(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 8, -1, 0, 0xffffffffffffffff, 0,
	  B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff) },
	{ "movq $0x7fffffff,(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 8, -1, 0, 0x7fffffff, 0,
	  B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f) },
	{ "movl $-2,(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 4, -1, 0, 0xfffffffe, 0,
	  B(0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff) },
	{ "movw $0x1234,(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 2, -1, 0, 0x1234, 0,
	  B(0x66, 0xc7, 0x00, 0x34, 0x12) },
	{ "movw $-1,(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 2, -1, 0, 0xffff, 0,
	  B(0x66, 0xc7, 0x00, 0xff, 0xff) },
	{ "movb $0x80,(%rax)", M64,
	  INSN_MOV_IMM_TO_MEM, 1, -1, 0, 0x80, 0,
	  B(0xc6, 0x00, 0x80) },
	{ "movl $1,0x10(%rip)", M64,
	  INSN_MOV_IMM_TO_MEM, 4, -1, 0, 1, 0,
	  B(0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
	    0x00) },
	{ "movb $1,0x10(%rip)", M64,
	  INSN_MOV_IMM_TO_MEM, 1, -1, 0, 1, 0,
	  B(0xc6, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01) },
	{ "movq $0,0x8(%rsp,%rbx,2)", M64,
	  INSN_MOV_IMM_TO_MEM, 8, -1, 0, 0, 0,
	  B(0x48, 0xc7, 0x44, 0x5c, 0x08, 0x00, 0x00, 0x00, 0x00) },
	{ "movabs 0xfee00300,%eax", M64,
	  INSN_MOV_FROM_MEM, 4, 0, 0, 0, 0,
	  B(0xa1, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ "movabs %eax,0xfee000b0", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ "movabs 0xfee00300,%al", M64,
	  INSN_MOV_FROM_MEM, 1, 0, 0, 0, 0,
	  B(0xa0, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ "movabs %al,0xfee00300", M64,
	  INSN_MOV_TO_MEM, 1, 0, 0, 0, 0,
	  B(0xa2, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00) },
	{ "movabs %rax,0xfee00300", M64,
	  INSN_MOV_TO_MEM, 8, 0, 0, 0, 0,
	  B(0x48, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00,
	    0x00) },
	{ "movabs %ax,0xfee00300", M64,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0xa3, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00,
	    0x00) },
	{ "addr32 movabs 0xfee00300,%eax", M64,
	  INSN_MOV_FROM_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0xa1, 0x00, 0x03, 0xe0, 0xfe) },
	{ "movzbl (%rax),%eax", M64,
	  INSN_MOVZX_FROM_MEM, 1, 0, 0, 0, 4,
	  B(0x0f, 0xb6, 0x00) },
	{ "movzwl 0x10(%rax),%ecx", M64,
	  INSN_MOVZX_FROM_MEM, 2, 1, 0, 0, 4,
	  B(0x0f, 0xb7, 0x48, 0x10) },
	{ "movzbq (%rax),%r9", M64,
	  INSN_MOVZX_FROM_MEM, 1, 9, 0, 0, 8,
	  B(0x4c, 0x0f, 0xb6, 0x08) },
	{ "movzbw (%rax),%ax", M64,
	  INSN_MOVZX_FROM_MEM, 1, 0, 0, 0, 2,
	  B(0x66, 0x0f, 0xb6, 0x00) },
	{ "movzbl (%rax),%esi", M64,
	  INSN_MOVZX_FROM_MEM, 1, 6, 0, 0, 4,
	  B(0x0f, 0xb6, 0x30) },
	{ "movsbl (%rax),%edx", M64,
	  INSN_MOVSX_FROM_MEM, 1, 2, 0, 0, 4,
	  B(0x0f, 0xbe, 0x10) },
	{ "movswq (%rax),%rax", M64,
	  INSN_MOVSX_FROM_MEM, 2, 0, 0, 0, 8,
	  B(0x48, 0x0f, 0xbf, 0x00) },
	{ "movsbw 0x4(%rbx),%r8w", M64,
	  INSN_MOVSX_FROM_MEM, 1, 8, 0, 0, 2,
	  B(0x66, 0x44, 0x0f, 0xbe, 0x43, 0x04) },
	{ "movslq (%rax),%rax", M64,
	  INSN_MOVSX_FROM_MEM, 4, 0, 0, 0, 8,
	  B(0x48, 0x63, 0x00) },
	{ "movslq 0x1000(%r8),%r14", M64,
	  INSN_MOVSX_FROM_MEM, 4, 14, 0, 0, 8,
	  B(0x4d, 0x63, 0xb0, 0x00, 0x10, 0x00, 0x00) },
	{ "movsxd (%rax),%ecx", M64,
	  INSN_MOVSX_FROM_MEM, 4, 1, 0, 0, 4,
	  B(0x63, 0x08) },
	{ "and %eax,(%rdx)", M64,
	  INSN_AND_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x21, 0x02) },
	{ "or %ecx,(%rdx)", M64,
	  INSN_OR_TO_MEM, 4, 1, 0, 0, 0,
	  B(0x09, 0x0a) },
	{ "xor %dl,(%rbx)", M64,
	  INSN_XOR_TO_MEM, 1, 2, 0, 0, 0,
	  B(0x30, 0x13) },
	{ "or %r8,0x10(%rdx)", M64,
	  INSN_OR_TO_MEM, 8, 8, 0, 0, 0,
	  B(0x4c, 0x09, 0x42, 0x10) },
	{ "and %dh,(%rbx)", M64,
	  INSN_AND_TO_MEM, 1, 2, 1, 0, 0,
	  B(0x20, 0x33) },
	{ "xor %ax,(%rbx)", M64,
	  INSN_XOR_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0x31, 0x03) },
	{ "andl $0xfffffeff,0xf0(%rax)", M64,
	  INSN_AND_TO_MEM, 4, -1, 0, 0xfffffeff, 0,
	  B(0x81, 0xa0, 0xf0, 0x00, 0x00, 0x00, 0xff, 0xfe, 0xff,
	    0xff) },
	{ "orl $0x100,0xf0(%rax)", M64,
	  INSN_OR_TO_MEM, 4, -1, 0, 0x100, 0,
	  B(0x81, 0x88, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	    0x00) },
	{ "orl $-1,0xf0(%rax)", M64,
	  INSN_OR_TO_MEM, 4, -1, 0, 0xffffffff, 0,
	  B(0x83, 0x88, 0xf0, 0x00, 0x00, 0x00, 0xff) },
	{ "andq $-16,(%rax)", M64,
	  INSN_AND_TO_MEM, 8, -1, 0, 0xfffffffffffffff0, 0,
	  B(0x48, 0x83, 0x20, 0xf0) },
	{ "andw $-2,(%rax)", M64,
	  INSN_AND_TO_MEM, 2, -1, 0, 0xfffe, 0,
	  B(0x66, 0x83, 0x20, 0xfe) },
	{ "orw $0x8000,(%rax)", M64,
	  INSN_OR_TO_MEM, 2, -1, 0, 0x8000, 0,
	  B(0x66, 0x81, 0x08, 0x00, 0x80) },
	{ "xorb $0x80,(%rax)", M64,
	  INSN_XOR_TO_MEM, 1, -1, 0, 0x80, 0,
	  B(0x80, 0x30, 0x80) },
	{ "xorl $1,(%rax)", M64,
	  INSN_XOR_TO_MEM, 4, -1, 0, 1, 0,
	  B(0x83, 0x30, 0x01) },
	{ "andq $0x7fffffff,(%rax)", M64,
	  INSN_AND_TO_MEM, 8, -1, 0, 0x7fffffff, 0,
	  B(0x48, 0x81, 0x20, 0xff, 0xff, 0xff, 0x7f) },
	{ "andq $-0x80000000,(%rax)", M64,
	  INSN_AND_TO_MEM, 8, -1, 0, 0xffffffff80000000, 0,
	  B(0x48, 0x81, 0x20, 0x00, 0x00, 0x00, 0x80) },
	{ "cmpl $0,0x20(%rax)", M64,
	  INSN_CMP_MEM, 4, -1, 0, 0, 0,
	  B(0x83, 0x78, 0x20, 0x00) },
	{ "cmpq $0x12345678,(%rax)", M64,
	  INSN_CMP_MEM, 8, -1, 0, 0x12345678, 0,
	  B(0x48, 0x81, 0x38, 0x78, 0x56, 0x34, 0x12) },
	{ "cmpq $-0x80000000,(%rax)", M64,
	  INSN_CMP_MEM, 8, -1, 0, 0xffffffff80000000, 0,
	  B(0x48, 0x81, 0x38, 0x00, 0x00, 0x00, 0x80) },
	{ "cmpb $0xff,(%rax)", M64,
	  INSN_CMP_MEM, 1, -1, 0, 0xff, 0,
	  B(0x80, 0x38, 0xff) },
	{ "cmp %eax,(%rbx)", M64,
	  INSN_CMP_MEM, 4, 0, 0, 0, 0,
	  B(0x39, 0x03) },
	{ "cmp (%rbx),%eax", M64,
	  INSN_ALU_TO_REG, 4, 0, 0, 0, 0,
	  B(0x3b, 0x03) },
	{ "cmp (%rbx),%cl", M64,
	  INSN_ALU_TO_REG, 1, 1, 0, 0, 0,
	  B(0x3a, 0x0b) },
	{ "cmp %r9b,(%rbx)", M64,
	  INSN_CMP_MEM, 1, 9, 0, 0, 0,
	  B(0x44, 0x38, 0x0b) },
	{ "test %eax,(%rbx)", M64,
	  INSN_TEST_MEM, 4, 0, 0, 0, 0,
	  B(0x85, 0x03) },
	{ "test %bl,(%rcx)", M64,
	  INSN_TEST_MEM, 1, 3, 0, 0, 0,
	  B(0x84, 0x19) },
	{ "testl $0x1000,0x300(%rax)", M64,
	  INSN_TEST_MEM, 4, -1, 0, 0x1000, 0,
	  B(0xf7, 0x80, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00,
	    0x00) },
	{ "testb $1,(%rax)", M64,
	  INSN_TEST_MEM, 1, -1, 0, 1, 0,
	  B(0xf6, 0x00, 0x01) },
	{ "testw $0x8000,(%rax)", M64,
	  INSN_TEST_MEM, 2, -1, 0, 0x8000, 0,
	  B(0x66, 0xf7, 0x00, 0x00, 0x80) },
	{ "testq $-1,(%rax)", M64,
	  INSN_TEST_MEM, 8, -1, 0, 0xffffffffffffffff, 0,
	  B(0x48, 0xf7, 0x00, 0xff, 0xff, 0xff, 0xff) },
	{ "xchg %eax,(%rbx)", M64,
	  INSN_XCHG_MEM, 4, 0, 0, 0, 0,
	  B(0x87, 0x03) },
	{ "xchg %r12,0x8(%rbx)", M64,
	  INSN_XCHG_MEM, 8, 12, 0, 0, 0,
	  B(0x4c, 0x87, 0x63, 0x08) },
	{ "xchg %al,(%rbx)", M64,
	  INSN_XCHG_MEM, 1, 0, 0, 0, 0,
	  B(0x86, 0x03) },
	{ "lock orl $1,(%rax)", M64,
	  INSN_OR_TO_MEM, 4, -1, 0, 1, 0,
	  B(0xf0, 0x83, 0x08, 0x01) },
	{ "lock xchg %ecx,(%rax)", M64,
	  INSN_XCHG_MEM, 4, 1, 0, 0, 0,
	  B(0xf0, 0x87, 0x08) },
	{ "lock andq %rcx,(%rax)", M64,
	  INSN_AND_TO_MEM, 8, 1, 0, 0, 0,
	  B(0xf0, 0x48, 0x21, 0x08) },
	{ "lock xorb $1,%gs:0x10(%rax)", M64,
	  INSN_XOR_TO_MEM, 1, -1, 0, 1, 0,
	  B(0x65, 0xf0, 0x80, 0x70, 0x10, 0x01) },
	{ "mov %eax,%fs:0x10", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x64, 0x89, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00) },
	{ "mov %eax,%gs:(%rax)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x65, 0x89, 0x00) },
	{ "cs ss ds es mov %eax,(%rax)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x2e, 0x36, 0x3e, 0x26, 0x89, 0x00) },
	{ "addr32 mov %eax,(%eax)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0x89, 0x00) },
	{ "addr32 mov %eax,(%esp)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0x89, 0x04, 0x24) },
	{ "mov %eax,0x10(%eip)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0x89, 0x05, 0x10, 0x00, 0x00, 0x00) },
	{ "addr32 mov %eax,0xfee00300", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0xa3, 0x00, 0x03, 0xe0, 0xfe) },
	{ "data16 mov %rax,(%rax)", M64,
	  INSN_MOV_TO_MEM, 8, 0, 0, 0, 0,
	  B(0x66, 0x48, 0x89, 0x00) },
	{ "rex.W", M64,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x48, 0x66, 0x89, 0x00) },
	{ "rex.R", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x44, 0x3e, 0x89, 0x00) },
	{ "rex", M64,
	  INSN_MOV_TO_MEM, 1, 0, 1, 0, 0,
	  B(0x40, 0x3e, 0x88, 0x20) },
	{ "mov %rax,(%r8)", M64,
	  INSN_MOV_TO_MEM, 8, 0, 0, 0, 0,
	  B(0x49, 0x89, 0x00) },
	{ "mov %r8w,%fs:0x10(%eax)", M64,
	  INSN_MOV_TO_MEM, 2, 8, 0, 0, 0,
	  B(0x66, 0x67, 0x64, 0x44, 0x89, 0x40, 0x10) },
	{ "13 x ds, mov %eax,(%rax)", M64,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x3e, 0x89, 0x00) },
	{ "mov %eax,0xfee00300", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0xa3, 0x00, 0x03, 0xe0, 0xfe) },
	{ "mov %ecx,0xfee00300", M32,
	  INSN_MOV_TO_MEM, 4, 1, 0, 0, 0,
	  B(0x89, 0x0d, 0x00, 0x03, 0xe0, 0xfe) },
	{ "mov 0xfee00020,%eax", M32,
	  INSN_MOV_FROM_MEM, 4, 0, 0, 0, 0,
	  B(0xa1, 0x20, 0x00, 0xe0, 0xfe) },
	{ "mov %al,0xfee00000", M32,
	  INSN_MOV_TO_MEM, 1, 0, 0, 0, 0,
	  B(0xa2, 0x00, 0x00, 0xe0, 0xfe) },
	{ "mov %ax,0xfee00000", M32,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0xa3, 0x00, 0x00, 0xe0, 0xfe) },
	{ "mov %ax,(%ebx)", M32,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0x89, 0x03) },
	{ "mov %eax,(%ebx)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x03) },
	{ "mov %ebp,0x10(%ebx,%esi,4)", M32,
	  INSN_MOV_TO_MEM, 4, 5, 0, 0, 0,
	  B(0x89, 0x6c, 0xb3, 0x10) },
	{ "mov %eax,0x1000(%ebp)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x85, 0x00, 0x10, 0x00, 0x00) },
	{ "mov %eax,(%ebp)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x45, 0x00) },
	{ "mov %eax,(%esp)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x04, 0x24) },
	{ "mov %eax,0x0(,%eax,4)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x04, 0x85, 0x00, 0x00, 0x00, 0x00) },
	{ "mov %eax,0x100(%esp,%ecx,2)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x89, 0x84, 0x4c, 0x00, 0x01, 0x00, 0x00) },
	{ "mov %dh,(%ecx)", M32,
	  INSN_MOV_TO_MEM, 1, 2, 1, 0, 0,
	  B(0x88, 0x31) },
	{ "mov 0x4(%esi),%edi", M32,
	  INSN_MOV_FROM_MEM, 4, 7, 0, 0, 0,
	  B(0x8b, 0x7e, 0x04) },
	{ "movl $0,0xfee000b0", M32,
	  INSN_MOV_IMM_TO_MEM, 4, -1, 0, 0, 0,
	  B(0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00,
	    0x00) },
	{ "movw $0x1234,(%eax)", M32,
	  INSN_MOV_IMM_TO_MEM, 2, -1, 0, 0x1234, 0,
	  B(0x66, 0xc7, 0x00, 0x34, 0x12) },
	{ "movb $0xff,0x20(%edx)", M32,
	  INSN_MOV_IMM_TO_MEM, 1, -1, 0, 0xff, 0,
	  B(0xc6, 0x42, 0x20, 0xff) },
	{ "addr16 mov %eax,(%bx,%si)", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0x89, 0x00) },
	{ "addr16 mov %eax,0x1234", M32,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0xa3, 0x34, 0x12) },
	{ "addr16 mov %ecx,(%bp)", M32,
	  INSN_MOV_TO_MEM, 4, 1, 0, 0, 0,
	  B(0x67, 0x89, 0x4e, 0x00) },
	{ "addr16 mov %ecx,0x1234", M32,
	  INSN_MOV_TO_MEM, 4, 1, 0, 0, 0,
	  B(0x67, 0x89, 0x0e, 0x34, 0x12) },
	{ "orl $0x100,0xf0(%ebx)", M32,
	  INSN_OR_TO_MEM, 4, -1, 0, 0x100, 0,
	  B(0x81, 0x8b, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	    0x00) },
	{ "andb $0xfe,0x10(%eax)", M32,
	  INSN_AND_TO_MEM, 1, -1, 0, 0xfe, 0,
	  B(0x80, 0x60, 0x10, 0xfe) },
	{ "andl $-2,0x10(%eax)", M32,
	  INSN_AND_TO_MEM, 4, -1, 0, 0xfffffffe, 0,
	  B(0x83, 0x60, 0x10, 0xfe) },
	{ "xorw $0x7f,(%eax)", M32,
	  INSN_XOR_TO_MEM, 2, -1, 0, 0x7f, 0,
	  B(0x66, 0x83, 0x30, 0x7f) },
	{ "orb $0x1,(%eax)", M32,
	  INSN_OR_TO_MEM, 1, -1, 0, 1, 0,
	  B(0x82, 0x08, 0x01) },
	{ "cmpb $0x80,(%eax)", M32,
	  INSN_CMP_MEM, 1, -1, 0, 0x80, 0,
	  B(0x82, 0x38, 0x80) },
	{ "movzbl (%eax),%eax", M32,
	  INSN_MOVZX_FROM_MEM, 1, 0, 0, 0, 4,
	  B(0x0f, 0xb6, 0x00) },
	{ "movsbw (%eax),%ax", M32,
	  INSN_MOVSX_FROM_MEM, 1, 0, 0, 0, 2,
	  B(0x66, 0x0f, 0xbe, 0x00) },
	{ "movswl 0x300(%ebx),%esp", M32,
	  INSN_MOVSX_FROM_MEM, 2, 4, 0, 0, 4,
	  B(0x0f, 0xbf, 0xa3, 0x00, 0x03, 0x00, 0x00) },
	{ "cmpl $0x10,0xfee00030", M32,
	  INSN_CMP_MEM, 4, -1, 0, 0x10, 0,
	  B(0x83, 0x3d, 0x30, 0x00, 0xe0, 0xfe, 0x10) },
	{ "testl $0x1000,0xfee00300", M32,
	  INSN_TEST_MEM, 4, -1, 0, 0x1000, 0,
	  B(0xf7, 0x05, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x10, 0x00,
	    0x00) },
	{ "lock orl $0,(%esp)", M32,
	  INSN_OR_TO_MEM, 4, -1, 0, 0, 0,
	  B(0xf0, 0x83, 0x0c, 0x24, 0x00) },
	{ "xchg %eax,0xfee00300", M32,
	  INSN_XCHG_MEM, 4, 0, 0, 0, 0,
	  B(0x87, 0x05, 0x00, 0x03, 0xe0, 0xfe) },
	{ "mov %eax,(%bx)", M16,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x66, 0x89, 0x07) },
	{ "mov %ax,(%bx)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x07) },
	{ "mov %ax,(%bx,%si)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x00) },
	{ "mov %ax,(%bp)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x46, 0x00) },
	{ "mov %ax,0x1234", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0xa3, 0x34, 0x12) },
	{ "mov %eax,0x1234", M16,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x66, 0xa3, 0x34, 0x12) },
	{ "mov %al,0x1234", M16,
	  INSN_MOV_TO_MEM, 1, 0, 0, 0, 0,
	  B(0xa2, 0x34, 0x12) },
	{ "mov 0x20,%ax", M16,
	  INSN_MOV_FROM_MEM, 2, 0, 0, 0, 0,
	  B(0xa1, 0x20, 0x00) },
	{ "mov %cx,0x1234", M16,
	  INSN_MOV_TO_MEM, 2, 1, 0, 0, 0,
	  B(0x89, 0x0e, 0x34, 0x12) },
	{ "mov %ax,0x10(%bx,%di)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x41, 0x10) },
	{ "mov %ax,0x1000(%bp,%si)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x82, 0x00, 0x10) },
	{ "mov %ax,-2(%bp)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x46, 0xfe) },
	{ "mov %dx,(%si)", M16,
	  INSN_MOV_TO_MEM, 2, 2, 0, 0, 0,
	  B(0x89, 0x14) },
	{ "mov %bx,(%di)", M16,
	  INSN_MOV_TO_MEM, 2, 3, 0, 0, 0,
	  B(0x89, 0x1d) },
	{ "mov %ax,0x300(%bx)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x87, 0x00, 0x03) },
	{ "mov %ax,(%bp,%di)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x89, 0x03) },
	{ "movl $0x12345678,(%bx)", M16,
	  INSN_MOV_IMM_TO_MEM, 4, -1, 0, 0x12345678, 0,
	  B(0x66, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12) },
	{ "movw $0x1234,0x10(%si)", M16,
	  INSN_MOV_IMM_TO_MEM, 2, -1, 0, 0x1234, 0,
	  B(0xc7, 0x44, 0x10, 0x34, 0x12) },
	{ "movw $0x5678,0x300", M16,
	  INSN_MOV_IMM_TO_MEM, 2, -1, 0, 0x5678, 0,
	  B(0xc7, 0x06, 0x00, 0x03, 0x78, 0x56) },
	{ "addr32 mov %eax,(%eax)", M16,
	  INSN_MOV_TO_MEM, 4, 0, 0, 0, 0,
	  B(0x67, 0x66, 0x89, 0x00) },
	{ "addr32 mov %ax,0xfee00300", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x67, 0xa3, 0x00, 0x03, 0xe0, 0xfe) },
	{ "addr32 mov %ax,(%esp)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x67, 0x89, 0x04, 0x24) },
	{ "addr32 mov %ax,(%ebp)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x67, 0x89, 0x45, 0x00) },
	{ "addr32 mov %cx,0xfee00300", M16,
	  INSN_MOV_TO_MEM, 2, 1, 0, 0, 0,
	  B(0x67, 0x89, 0x0d, 0x00, 0x03, 0xe0, 0xfe) },
	{ "addr32 movl $1,0xfee000b0", M16,
	  INSN_MOV_IMM_TO_MEM, 4, -1, 0, 1, 0,
	  B(0x67, 0x66, 0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x01,
	    0x00, 0x00, 0x00) },
	{ "mov %ax,%es:(%di)", M16,
	  INSN_MOV_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x26, 0x89, 0x05) },
	{ "mov %ah,(%bx)", M16,
	  INSN_MOV_TO_MEM, 1, 0, 1, 0, 0,
	  B(0x88, 0x27) },
	{ "movzbw (%bx),%ax", M16,
	  INSN_MOVZX_FROM_MEM, 1, 0, 0, 0, 2,
	  B(0x0f, 0xb6, 0x07) },
	{ "movzbl (%bx),%eax", M16,
	  INSN_MOVZX_FROM_MEM, 1, 0, 0, 0, 4,
	  B(0x66, 0x0f, 0xb6, 0x07) },
	{ "orw $-1,(%bx)", M16,
	  INSN_OR_TO_MEM, 2, -1, 0, 0xffff, 0,
	  B(0x83, 0x0f, 0xff) },
	{ "orl $-1,(%bx)", M16,
	  INSN_OR_TO_MEM, 4, -1, 0, 0xffffffff, 0,
	  B(0x66, 0x83, 0x0f, 0xff) },
	{ "andl $0x12345678,0x10(%bx)", M16,
	  INSN_AND_TO_MEM, 4, -1, 0, 0x12345678, 0,
	  B(0x66, 0x81, 0x67, 0x10, 0x78, 0x56, 0x34, 0x12) },
	{ "cmp %ax,(%bx)", M16,
	  INSN_CMP_MEM, 2, 0, 0, 0, 0,
	  B(0x39, 0x07) },
	/* Widths, RMW and string forms (gcc/clang output and GNU as). */
	{ "mov %sil,(%rcx)", M64,
	  INSN_MOV_TO_MEM, 1, 6, 0, 0, 0,
	  B(0x40, 0x88, 0x31) },
	{ "mov %bpl,0x80(%rcx)", M64,
	  INSN_MOV_TO_MEM, 1, 5, 0, 0, 0,
	  B(0x40, 0x88, 0xa9, 0x80, 0x00, 0x00, 0x00) },
	{ "mov %ch,0x80(%rcx)", M64,
	  INSN_MOV_TO_MEM, 1, 1, 1, 0, 0,
	  B(0x88, 0xa9, 0x80, 0x00, 0x00, 0x00) },
	{ "mov 0x20(%rdi),%sil", M64,
	  INSN_MOV_FROM_MEM, 1, 6, 0, 0, 0,
	  B(0x40, 0x8a, 0x77, 0x20) },
	{ "mov 0x20(%rdi),%dh", M64,
	  INSN_MOV_FROM_MEM, 1, 2, 1, 0, 0,
	  B(0x8a, 0x77, 0x20) },
	{ "movw $0x10,%gs:0x80(%rcx)", M64,
	  INSN_MOV_IMM_TO_MEM, 2, -1, 0, 0x10, 0,
	  B(0x65, 0x66, 0xc7, 0x81, 0x80, 0x00, 0x00, 0x00, 0x10, 0x00) },
	{ "addl $0x1,(%rdi)", M64,
	  INSN_ADD_TO_MEM, 4, -1, 0, 0x1, 0,
	  B(0x83, 0x07, 0x01) },
	{ "add %esi,(%rdi)", M64,
	  INSN_ADD_TO_MEM, 4, 6, 0, 0, 0,
	  B(0x01, 0x37) },
	{ "add %r8b,(%rdi)", M64,
	  INSN_ADD_TO_MEM, 1, 8, 0, 0, 0,
	  B(0x44, 0x00, 0x07) },
	{ "subq $0x10,0x8(%rdi)", M64,
	  INSN_SUB_TO_MEM, 8, -1, 0, 0x10, 0,
	  B(0x48, 0x83, 0x6f, 0x08, 0x10) },
	{ "sub %ax,(%rdi)", M64,
	  INSN_SUB_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0x29, 0x07) },
	{ "adcl $0x12345678,(%rdi)", M64,
	  INSN_ADC_TO_MEM, 4, -1, 0, 0x12345678, 0,
	  B(0x81, 0x17, 0x78, 0x56, 0x34, 0x12) },
	{ "adc %ecx,(%rdi)", M64,
	  INSN_ADC_TO_MEM, 4, 1, 0, 0, 0,
	  B(0x11, 0x0f) },
	{ "sbbb $0x1,(%rdi)", M64,
	  INSN_SBB_TO_MEM, 1, -1, 0, 0x1, 0,
	  B(0x80, 0x1f, 0x01) },
	{ "sbb %rdx,(%rdi)", M64,
	  INSN_SBB_TO_MEM, 8, 2, 0, 0, 0,
	  B(0x48, 0x19, 0x17) },
	{ "lock addl $0x1,(%rdi)", M64,
	  INSN_ADD_TO_MEM, 4, -1, 0, 0x1, 0,
	  B(0xf0, 0x83, 0x07, 0x01) },
	{ "andw $0xfffb,(%rdi)", M64,
	  INSN_AND_TO_MEM, 2, -1, 0, 0xfffb, 0,
	  B(0x66, 0x83, 0x27, 0xfb) },
	{ "and (%rdi),%eax", M64,
	  INSN_ALU_TO_REG, 4, 0, 0, 0, 0,
	  B(0x23, 0x07) },
	{ "or 0x10(%rdi),%r9", M64,
	  INSN_ALU_TO_REG, 8, 9, 0, 0, 0,
	  B(0x4c, 0x0b, 0x4f, 0x10) },
	{ "add (%rdi),%bh", M64,
	  INSN_ALU_TO_REG, 1, 3, 1, 0, 0,
	  B(0x02, 0x3f) },
	{ "sub (%rdi),%dil", M64,
	  INSN_ALU_TO_REG, 1, 7, 0, 0, 0,
	  B(0x40, 0x2a, 0x3f) },
	{ "xor (%rdi),%cx", M64,
	  INSN_ALU_TO_REG, 2, 1, 0, 0, 0,
	  B(0x66, 0x33, 0x0f) },
	{ "notl (%rdi)", M64,
	  INSN_NOT_MEM, 4, -1, 0, 0, 0,
	  B(0xf7, 0x17) },
	{ "negb 0x3(%rdi)", M64,
	  INSN_NEG_MEM, 1, -1, 0, 0, 0,
	  B(0xf6, 0x5f, 0x03) },
	{ "incl (%rdi)", M64,
	  INSN_INC_MEM, 4, -1, 0, 0, 0,
	  B(0xff, 0x07) },
	{ "decw (%rdi)", M64,
	  INSN_DEC_MEM, 2, -1, 0, 0, 0,
	  B(0x66, 0xff, 0x0f) },
	{ "incb (%rdi)", M64,
	  INSN_INC_MEM, 1, -1, 0, 0, 0,
	  B(0xfe, 0x07) },
	{ "lock decq (%rdi)", M64,
	  INSN_DEC_MEM, 8, -1, 0, 0, 0,
	  B(0xf0, 0x48, 0xff, 0x0f) },
	{ "xchg %sil,(%rdi)", M64,
	  INSN_XCHG_MEM, 1, 6, 0, 0, 0,
	  B(0x40, 0x86, 0x37) },
	{ "xchg %ax,(%rdi)", M64,
	  INSN_XCHG_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0x87, 0x07) },
	{ "movzbq 0x30(%rdi),%rsi", M64,
	  INSN_MOVZX_FROM_MEM, 1, 6, 0, 0, 8,
	  B(0x48, 0x0f, 0xb6, 0x77, 0x30) },
	{ "movzwl (%rdi),%r10d", M64,
	  INSN_MOVZX_FROM_MEM, 2, 10, 0, 0, 4,
	  B(0x44, 0x0f, 0xb7, 0x17) },
	{ "movsbq (%rdi),%rbx", M64,
	  INSN_MOVSX_FROM_MEM, 1, 3, 0, 0, 8,
	  B(0x48, 0x0f, 0xbe, 0x1f) },
	{ "movswl (%rdi),%eax", M64,
	  INSN_MOVSX_FROM_MEM, 2, 0, 0, 0, 4,
	  B(0x0f, 0xbf, 0x07) },
	{ "stos %al,%es:(%rdi)", M64,
	  INSN_STOS, 1, 0, 0, 0, 0,
	  B(0xaa) },
	{ "stos %eax,%es:(%rdi)", M64,
	  INSN_STOS, 4, 0, 0, 0, 0,
	  B(0xab) },
	{ "stos %rax,%es:(%rdi)", M64,
	  INSN_STOS, 8, 0, 0, 0, 0,
	  B(0x48, 0xab) },
	{ "rep stos %eax,%es:(%rdi)", M64,
	  INSN_STOS, 4, 0, 0, 0, 0,
	  B(0xf3, 0xab) },
	{ "rep stos %ax,%es:(%edi)", M64,
	  INSN_STOS, 2, 0, 0, 0, 0,
	  B(0x67, 0x66, 0xf3, 0xab) },
	{ "movsb %ds:(%rsi),%es:(%rdi)", M64,
	  INSN_MOVS, 1, 0, 0, 0, 0,
	  B(0xa4) },
	{ "rep movsl %ds:(%rsi),%es:(%rdi)", M64,
	  INSN_MOVS, 4, 0, 0, 0, 0,
	  B(0xf3, 0xa5) },
	{ "rep movsq %ds:(%rsi),%es:(%rdi)", M64,
	  INSN_MOVS, 8, 0, 0, 0, 0,
	  B(0xf3, 0x48, 0xa5) },
	{ "rep movsl %fs:(%rsi),%es:(%rdi)", M64,
	  INSN_MOVS, 4, 0, 0, 0, 0,
	  B(0x64, 0xf3, 0xa5) },
	{ "lods %ds:(%rsi),%al", M64,
	  INSN_LODS, 1, 0, 0, 0, 0,
	  B(0xac) },
	{ "lods %ds:(%rsi),%rax", M64,
	  INSN_LODS, 8, 0, 0, 0, 0,
	  B(0x48, 0xad) },
	{ "rep lods %gs:(%rsi),%eax", M64,
	  INSN_LODS, 4, 0, 0, 0, 0,
	  B(0x65, 0xf3, 0xad) },
	{ "rep insb (%dx),%es:(%rdi)", M64,
	  INSN_INS, 1, 0, 0, 0, 0,
	  B(0xf3, 0x6c) },
	{ "outsl %ds:(%rsi),(%dx)", M64,
	  INSN_OUTS, 4, 0, 0, 0, 0,
	  B(0x6f) },
	{ "rex.W outsl %ds:(%rsi),(%dx)", M64,
	  INSN_OUTS, 4, 0, 0, 0, 0,
	  B(0x48, 0x6f) },
	{ "mov %dl,0xfee00080", M32,
	  INSN_MOV_TO_MEM, 1, 2, 0, 0, 0,
	  B(0x88, 0x15, 0x80, 0x00, 0xe0, 0xfe) },
	{ "movb $0x20,0xfee00080", M32,
	  INSN_MOV_IMM_TO_MEM, 1, -1, 0, 0x20, 0,
	  B(0xc6, 0x05, 0x80, 0x00, 0xe0, 0xfe, 0x20) },
	{ "mov 0xfee00030,%ax", M32,
	  INSN_MOV_FROM_MEM, 2, 0, 0, 0, 0,
	  B(0x66, 0xa1, 0x30, 0x00, 0xe0, 0xfe) },
	{ "addl $0x10,0xfee00080", M32,
	  INSN_ADD_TO_MEM, 4, -1, 0, 0x10, 0,
	  B(0x83, 0x05, 0x80, 0x00, 0xe0, 0xfe, 0x10) },
	{ "subb $0x10,0xfee00080", M32,
	  INSN_SUB_TO_MEM, 1, -1, 0, 0x10, 0,
	  B(0x80, 0x2d, 0x80, 0x00, 0xe0, 0xfe, 0x10) },
	{ "add (%ebx),%ecx", M32,
	  INSN_ALU_TO_REG, 4, 1, 0, 0, 0,
	  B(0x03, 0x0b) },
	{ "cmp (%ebx),%ah", M32,
	  INSN_ALU_TO_REG, 1, 0, 1, 0, 0,
	  B(0x3a, 0x23) },
	{ "notw (%ebx)", M32,
	  INSN_NOT_MEM, 2, -1, 0, 0, 0,
	  B(0x66, 0xf7, 0x13) },
	{ "incl 0xfee00080", M32,
	  INSN_INC_MEM, 4, -1, 0, 0, 0,
	  B(0xff, 0x05, 0x80, 0x00, 0xe0, 0xfe) },
	{ "stos %eax,%es:(%edi)", M32,
	  INSN_STOS, 4, 0, 0, 0, 0,
	  B(0xab) },
	{ "rep stos %al,%es:(%edi)", M32,
	  INSN_STOS, 1, 0, 0, 0, 0,
	  B(0xf3, 0xaa) },
	{ "rep movsw %ds:(%esi),%es:(%edi)", M32,
	  INSN_MOVS, 2, 0, 0, 0, 0,
	  B(0x66, 0xf3, 0xa5) },
	{ "rep movsl %ds:(%si),%es:(%di)", M32,
	  INSN_MOVS, 4, 0, 0, 0, 0,
	  B(0x67, 0xf3, 0xa5) },
	{ "lods %ds:(%esi),%ax", M32,
	  INSN_LODS, 2, 0, 0, 0, 0,
	  B(0x66, 0xad) },
	{ "rep outsb %ds:(%esi),(%dx)", M32,
	  INSN_OUTS, 1, 0, 0, 0, 0,
	  B(0xf3, 0x6e) },
	{ "rep outsb %es:(%esi),(%dx)", M32,
	  INSN_OUTS, 1, 0, 0, 0, 0,
	  B(0x26, 0xf3, 0x6e) },
	{ "rep insw (%dx),%es:(%edi)", M32,
	  INSN_INS, 2, 0, 0, 0, 0,
	  B(0x66, 0xf3, 0x6d) },
	{ "rep insl (%dx),%es:(%di)", M32,
	  INSN_INS, 4, 0, 0, 0, 0,
	  B(0x67, 0xf3, 0x6d) },
	{ "rep stos %al,%es:(%di)", M16,
	  INSN_STOS, 1, 0, 0, 0, 0,
	  B(0xf3, 0xaa) },
	{ "rep movsl %ds:(%si),%es:(%di)", M16,
	  INSN_MOVS, 4, 0, 0, 0, 0,
	  B(0x66, 0xf3, 0xa5) },
	{ "rep movsw %ds:(%esi),%es:(%edi)", M16,
	  INSN_MOVS, 2, 0, 0, 0, 0,
	  B(0x67, 0xf3, 0xa5) },
	{ "rep outsw %cs:(%si),(%dx)", M16,
	  INSN_OUTS, 2, 0, 0, 0, 0,
	  B(0x2e, 0xf3, 0x6f) },
	{ "insb (%dx),%es:(%di)", M16,
	  INSN_INS, 1, 0, 0, 0, 0,
	  B(0x6c) },
	{ "addb $0x1,(%bx)", M16,
	  INSN_ADD_TO_MEM, 1, -1, 0, 0x1, 0,
	  B(0x80, 0x07, 0x01) },
	{ "sub %ax,0x80(%bx)", M16,
	  INSN_SUB_TO_MEM, 2, 0, 0, 0, 0,
	  B(0x29, 0x87, 0x80, 0x00) },
	{ "negw (%si)", M16,
	  INSN_NEG_MEM, 2, -1, 0, 0, 0,
	  B(0xf7, 0x1c) },
};

static void check_case(const struct insn_case *c, const struct insn *in)
{
	if (in->kind != c->kind || in->length != c->len ||
	    in->size != c->size || in->reg != c->reg ||
	    in->reg_high8 != c->high8 || in->imm != c->imm ||
	    in->ext_size != c->ext_size)
		print_message("mismatch: %s\n", c->text);
	assert_int_equal(in->kind, c->kind);
	assert_int_equal(in->length, c->len);
	assert_int_equal(in->size, c->size);
	assert_int_equal(in->reg, c->reg);
	assert_int_equal(in->reg_high8, c->high8);
	assert_int_equal(in->imm, c->imm);
	assert_int_equal(in->ext_size, c->ext_size);
}

static void test_table_exact(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct insn_case *c = &cases[i];
		struct insn in;
		int err = insn_decode(c->bytes, c->len, c->mode, &in);

		if (err)
			print_message("%s: %d\n", c->text, err);
		assert_int_equal(err, 0);
		check_case(c, &in);
	}
}

/* What follows the instruction must not change its length. */
static void test_table_padded(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct insn_case *c = &cases[i];
		uint8_t buf[32];
		struct insn in;

		memset(buf, 0x66, sizeof(buf));
		memcpy(buf, c->bytes, c->len);
		assert_int_equal(insn_decode(buf, sizeof(buf), c->mode, &in),
				 0);
		check_case(c, &in);
	}
}

static void test_table_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct insn_case *c = &cases[i];
		struct insn in;

		for (unsigned int n = 0; n < c->len; n++) {
			if (insn_decode(c->bytes, n, c->mode, &in) != -E2BIG)
				print_message("%s: %u bytes\n", c->text, n);
			assert_int_equal(insn_decode(c->bytes, n, c->mode, &in),
					 -E2BIG);
		}
	}
}

struct reject_case {
	const char *text;
	enum insn_mode mode;
	uint8_t bytes[INSN_MAX_LEN];
	unsigned int len;
};

static const struct reject_case rejects[] = {
	/* Register-direct ModRM: no memory operand. */
	{ "mov %eax,%ecx", M64, B(0x89, 0xc1) },
	{ "mov $0x1,%eax (c7 /0)", M64, B(0xc7, 0xc0, 0x01, 0x00, 0x00, 0x00) },
	{ "movzbl %al,%eax", M64, B(0x0f, 0xb6, 0xc0) },
	{ "or $1,%al (80 /1)", M32, B(0x80, 0xc8, 0x01) },
	{ "mov %ax,%bx (16)", M16, B(0x89, 0xc3) },
	{ "add %eax,%ecx", M64, B(0x01, 0xc1) },
	{ "incl %eax (ff /0)", M32, B(0xff, 0xc0) },
	/* Group members that are not emulated. */
	{ "(bad) c6 /1", M64, B(0xc6, 0x08, 0x01) },
	{ "mull (%rax)", M64, B(0xf7, 0x20) },
	{ "testb $0x1,(%rax) as f6 /1", M64, B(0xf6, 0x08, 0x01) },
	{ "call *(%rax)", M64, B(0xff, 0x10) },
	{ "push (%rax)", M64, B(0xff, 0x30) },
	{ "(bad) fe /2", M64, B(0xfe, 0x10) },
	/* Opcodes outside the set. */
	{ "nop", M64, B(0x90) },
	{ "syscall", M64, B(0x0f, 0x05) },
	{ "add $0x1,%al", M64, B(0x04, 0x01) },
	{ "lea (%rax),%eax", M64, B(0x8d, 0x00) },
	{ "movnti %eax,(%rax)", M64, B(0x0f, 0xc3, 0x00) },
	{ "mov %es,(%rax)", M64, B(0x8c, 0x00) },
	{ "cmpsb", M64, B(0xa6) },
	{ "scas %es:(%rdi),%al", M64, B(0xae) },
	{ "xadd %eax,(%rax)", M64, B(0x0f, 0xc1, 0x00) },
	{ "vmovdqa (%rax),%ymm0", M64, B(0xc5, 0xfd, 0x6f, 0x00) },
	/* LOCK only on read-modify-write. */
	{ "lock mov %eax,(%rax)", M64, B(0xf0, 0x89, 0x00) },
	{ "lock cmp %eax,(%rax)", M64, B(0xf0, 0x39, 0x00) },
	{ "lock testl $0x1,(%rax)", M64,
	  B(0xf0, 0xf7, 0x00, 0x01, 0x00, 0x00, 0x00) },
	{ "lock movsb", M64, B(0xf0, 0xa4) },
	{ "lock stos %al,%es:(%rdi)", M64, B(0xf0, 0xaa) },
	{ "lock notl %eax", M64, B(0xf0, 0xf7, 0xd0) },
	/* REP only on string forms; REPNE (also XACQUIRE) never. */
	{ "xrelease mov %eax,(%rax)", M64, B(0xf3, 0x89, 0x00) },
	{ "repnz mov %eax,(%rax)", M64, B(0xf2, 0x89, 0x00) },
	{ "repnz movsb", M64, B(0xf2, 0xa4) },
	{ "repz and %eax,(%rax)", M32, B(0xf3, 0x21, 0x00) },
	/* Mode-dependent opcodes. */
	{ "movsxd (%rax),%ax", M64, B(0x66, 0x63, 0x00) },
	{ "arpl %ax,(%eax)", M32, B(0x63, 0x00) },
	{ "82 /1 in 64-bit mode", M64, B(0x82, 0x08, 0x01) },
	{ "inc %eax (REX outside 64-bit)", M32, B(0x40, 0x89, 0x00) },
	{ "dec %eax (REX.W outside 64-bit)", M16, B(0x48, 0x89, 0x00) },
	/* 16 bytes: one more than the architectural limit. */
	{ "14 x ds, mov %eax,(%rax)", M64,
	  B(0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x3e,
	    0x3e, 0x3e, 0x3e, 0x3e, 0x3e, 0x89) },
};

static void test_rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject_case *c = &rejects[i];
		uint8_t buf[32];
		struct insn in;

		memset(buf, 0, sizeof(buf));
		memcpy(buf, c->bytes, c->len);
		if (insn_decode(buf, sizeof(buf), c->mode, &in) != -EINVAL)
			print_message("accepted: %s\n", c->text);
		assert_int_equal(insn_decode(buf, sizeof(buf), c->mode, &in),
				 -EINVAL);
	}
}

/* Prefixes past 15 bytes fail as too long even when bytes run out later. */
static void test_too_long(void **state)
{
	uint8_t buf[INSN_MAX_LEN + 4];
	struct insn in;

	(void)state;
	memset(buf, 0x66, sizeof(buf));
	assert_int_equal(insn_decode(buf, sizeof(buf), M32, &in), -EINVAL);
	assert_int_equal(insn_decode(buf, INSN_MAX_LEN, M32, &in), -EINVAL);
	assert_int_equal(insn_decode(buf, INSN_MAX_LEN - 1, M32, &in),
			 -E2BIG);
}

/* One byte string, three lengths: the mode decides the addressing. */
static void test_same_bytes_each_mode(void **state)
{
	static const uint8_t modrm[] = { 0x89, 0x05, 0x00, 0x03, 0xe0, 0xfe };
	static const uint8_t moffs[] = { 0xa1, 0x00, 0x03, 0xe0, 0xfe,
					 0x00, 0x00, 0x00, 0x00 };
	struct insn in;

	(void)state;
	/* mov %ax,(%di) / mov %eax,0xfee00300 / mov %eax,0x...(%rip) */
	assert_int_equal(insn_decode(modrm, sizeof(modrm), M16, &in), 0);
	assert_int_equal(in.length, 2);
	assert_int_equal(in.size, 2);
	assert_int_equal(insn_decode(modrm, sizeof(modrm), M32, &in), 0);
	assert_int_equal(in.length, 6);
	assert_int_equal(in.size, 4);
	assert_int_equal(insn_decode(modrm, sizeof(modrm), M64, &in), 0);
	assert_int_equal(in.length, 6);
	assert_int_equal(in.size, 4);
	/* moffs is 2, 4 or 8 bytes wide. */
	assert_int_equal(insn_decode(moffs, sizeof(moffs), M16, &in), 0);
	assert_int_equal(in.length, 3);
	assert_int_equal(in.size, 2);
	assert_int_equal(insn_decode(moffs, sizeof(moffs), M32, &in), 0);
	assert_int_equal(in.length, 5);
	assert_int_equal(insn_decode(moffs, sizeof(moffs), M64, &in), 0);
	assert_int_equal(in.length, 9);
}

/*
 * Every ModRM byte with a memory operand and every SIB byte, in each
 * addressing size. The model below agreed with objdump on all 192 ModRM
 * bytes times a spread of SIB bytes when it was written.
 */
static unsigned int expected_len(unsigned int addr, uint8_t modrm,
				 uint8_t sib)
{
	unsigned int mod = modrm >> 6, rm = modrm & 7;
	unsigned int len = 2;

	if (addr == 2) {
		if (mod == 0)
			return len + (rm == 6 ? 2 : 0);
		return len + (mod == 1 ? 1 : 2);
	}
	if (rm == 4)
		len++;
	if (mod == 0)
		return len + (rm == 5 || (rm == 4 && (sib & 7) == 5) ? 4 : 0);
	return len + (mod == 1 ? 1 : 4);
}

static void sweep_modrm(enum insn_mode mode, unsigned int addr)
{
	for (unsigned int m = 0; m < 0xc0; m++) {
		for (unsigned int sib = 0; sib < 256; sib++) {
			uint8_t buf[16] = { 0x89, (uint8_t)m, (uint8_t)sib };
			unsigned int want = expected_len(addr, m, sib);
			struct insn in;

			assert_int_equal(insn_decode(buf, want, mode, &in), 0);
			assert_int_equal(in.length, want);
			assert_int_equal(in.reg, (m >> 3) & 7);
			assert_int_equal(insn_decode(buf, want - 1, mode, &in),
					 -E2BIG);
		}
	}
}

static void test_modrm_sweep(void **state)
{
	(void)state;
	sweep_modrm(M16, 2);
	sweep_modrm(M32, 4);
	sweep_modrm(M64, 8);
}

static void test_reg_read(void **state)
{
	uint64_t regs[16];
	struct insn in = { .size = 4, .reg = 3 };

	(void)state;
	for (int i = 0; i < 16; i++)
		regs[i] = 0x1122334455667788ULL + (uint64_t)i;
	assert_int_equal(insn_reg_read(regs, &in), 0x5566778bULL);
	in.size = 8;
	assert_int_equal(insn_reg_read(regs, &in), 0x112233445566778bULL);
	in.size = 2;
	assert_int_equal(insn_reg_read(regs, &in), 0x778b);
	in.size = 1;
	assert_int_equal(insn_reg_read(regs, &in), 0x8b);
	in.reg_high8 = true;
	assert_int_equal(insn_reg_read(regs, &in), 0x77);
	in = (struct insn){ .size = 1, .reg = 15 };
	assert_int_equal(insn_reg_read(regs, &in), 0x97);
	in = (struct insn){ .size = 4, .reg = -1, .imm = 0xfffffffe };
	assert_int_equal(insn_reg_read(regs, &in), 0xfffffffe);
}

static uint64_t write_one(const struct insn *in, uint64_t value)
{
	uint64_t regs[16];

	for (int i = 0; i < 16; i++)
		regs[i] = 0x1122334455667788ULL;
	insn_reg_write(regs, in, value);
	for (int i = 0; i < 16; i++)
		if (i != in->reg)
			assert_int_equal(regs[i], 0x1122334455667788ULL);
	return in->reg >= 0 ? regs[in->reg] : 0;
}

static void test_reg_write_mov(void **state)
{
	struct insn in = { .kind = INSN_MOV_FROM_MEM, .reg = 2 };

	(void)state;
	in.size = 8;
	assert_int_equal(write_one(&in, 0xaabbccddeeff0011ULL),
			 0xaabbccddeeff0011ULL);
	in.size = 4;
	assert_int_equal(write_one(&in, 0xffffffffdeadbeefULL), 0xdeadbeef);
	in.size = 2;
	assert_int_equal(write_one(&in, 0xffffbeef), 0x112233445566beefULL);
	in.size = 1;
	assert_int_equal(write_one(&in, 0x1ef), 0x11223344556677efULL);
	in.reg_high8 = true;
	assert_int_equal(write_one(&in, 0x1ef), 0x112233445566ef88ULL);
	in = (struct insn){ .kind = INSN_MOV_FROM_MEM, .size = 4, .reg = -1 };
	assert_int_equal(write_one(&in, 0x1234), 0);
}

static void test_reg_write_extend(void **state)
{
	struct insn in = { .kind = INSN_MOVZX_FROM_MEM, .reg = 9 };

	(void)state;
	in.size = 1;
	in.ext_size = 4;
	assert_int_equal(write_one(&in, 0xff80), 0x80);
	in.ext_size = 2;
	assert_int_equal(write_one(&in, 0x80), 0x1122334455660080ULL);
	in.size = 2;
	in.ext_size = 8;
	assert_int_equal(write_one(&in, 0xffff8000), 0x8000);

	in.kind = INSN_MOVSX_FROM_MEM;
	in.size = 1;
	in.ext_size = 4;
	assert_int_equal(write_one(&in, 0x80), 0xffffff80);
	in.ext_size = 2;
	assert_int_equal(write_one(&in, 0x80), 0x112233445566ff80ULL);
	in.ext_size = 8;
	assert_int_equal(write_one(&in, 0x7f), 0x7f);
	assert_int_equal(write_one(&in, 0xfe), 0xfffffffffffffffeULL);
	in.size = 2;
	assert_int_equal(write_one(&in, 0x8001), 0xffffffffffff8001ULL);
	in.size = 4;
	assert_int_equal(write_one(&in, 0x80000000), 0xffffffff80000000ULL);
	in.ext_size = 4;
	assert_int_equal(write_one(&in, 0x80000000), 0x80000000);
}

/* Decode, then apply, as the MMIO path does. */
static void test_decode_then_apply(void **state)
{
	static const uint8_t mov_ch[] = { 0x8a, 0x2e };	/* mov (%rsi),%ch */
	static const uint8_t movsbw[] = { 0x66, 0x44, 0x0f, 0xbe, 0x43, 0x04 };
	static const uint8_t mov_r9w[] = { 0x66, 0x44, 0x89, 0x4f, 0x40 };
	uint64_t regs[16] = { 0 };
	struct insn in;

	(void)state;
	regs[1] = 0xffffffffffffffffULL;
	assert_int_equal(insn_decode(mov_ch, sizeof(mov_ch), M64, &in), 0);
	insn_reg_write(regs, &in, 0x12);
	assert_int_equal(regs[1], 0xffffffffffff12ffULL);

	regs[8] = 0x1111111111111111ULL;
	assert_int_equal(insn_decode(movsbw, sizeof(movsbw), M64, &in), 0);
	insn_reg_write(regs, &in, 0x90);
	assert_int_equal(regs[8], 0x111111111111ff90ULL);

	regs[9] = 0x123456789abcdef0ULL;
	assert_int_equal(insn_decode(mov_r9w, sizeof(mov_r9w), M64, &in), 0);
	assert_int_equal(insn_reg_read(regs, &in), 0xdef0);
}

/* String forms: REP, the address size and the source segment. */
static void test_string_fields(void **state)
{
	static const struct {
		enum insn_mode mode;
		uint8_t bytes[4];
		unsigned int len;
		bool rep;
		unsigned int addr_size;
		enum insn_seg seg;
	} t[] = {
		{ M64, { 0xf3, 0xab }, 2, true, 8, INSN_SEG_DS },
		{ M64, { 0x67, 0xaa }, 2, false, 4, INSN_SEG_DS },
		{ M64, { 0x64, 0xf3, 0xa5 }, 3, true, 8, INSN_SEG_FS },
		{ M32, { 0xf3, 0x26, 0x6e }, 3, true, 4, INSN_SEG_ES },
		{ M32, { 0x67, 0xf3, 0xa5 }, 3, true, 2, INSN_SEG_DS },
		{ M16, { 0xf3, 0x2e, 0x6f }, 3, true, 2, INSN_SEG_CS },
		{ M16, { 0x67, 0x65, 0xac }, 3, false, 4, INSN_SEG_GS },
	};
	struct insn in;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(insn_decode(t[i].bytes, t[i].len, t[i].mode,
					     &in), 0);
		assert_int_equal(in.length, t[i].len);
		assert_int_equal(in.rep, t[i].rep);
		assert_int_equal(in.addr_size, t[i].addr_size);
		assert_int_equal(in.seg, t[i].seg);
	}
}

/*
 * The memory operand's address, checked against the fault by the MMIO
 * emulation. Encodings from GNU as; offsets worked out by hand from the
 * registers below.
 */
static void test_mem_offset(void **state)
{
	static const uint64_t regs[16] = {
		[0] = 0x100, [1] = 3, [3] = 0x1fee00000ULL, [4] = 0x7000,
		[5] = 0xfffffffcULL, [6] = 0x10, [7] = 0x20, [9] = 2,
		[12] = 0xfee00000ULL, [13] = 0xfee00308ULL,
	};
	static const struct {
		const char *text;
		enum insn_mode mode;
		uint8_t bytes[INSN_MAX_LEN];
		unsigned int len;
		uint64_t offset;	/* with the instruction at 0x5000 */
		enum insn_seg seg;
	} t[] = {
		{ "mov (%rbx),%eax", M64, B(0x8b, 0x03),
		  0x1fee00000ULL, INSN_SEG_DS },
		{ "mov 0x10(%rbx,%rcx,4),%eax", M64, B(0x8b, 0x44, 0x8b, 0x10),
		  0x1fee00000ULL + 12 + 0x10, INSN_SEG_DS },
		{ "mov (%r12),%eax", M64, B(0x41, 0x8b, 0x04, 0x24),
		  0xfee00000ULL, INSN_SEG_DS },
		{ "mov 0x1000(,%r12,1),%eax", M64,
		  B(0x42, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00),
		  0xfee01000ULL, INSN_SEG_DS },
		{ "mov -0x8(%r13),%eax", M64, B(0x41, 0x8b, 0x45, 0xf8),
		  0xfee00300ULL, INSN_SEG_DS },
		{ "mov 0x10(%rip),%eax", M64,
		  B(0x8b, 0x05, 0x10, 0x00, 0x00, 0x00),
		  0x5000 + 6 + 0x10, INSN_SEG_DS },
		{ "mov (%ebx),%eax", M64, B(0x67, 0x8b, 0x03),
		  0xfee00000ULL, INSN_SEG_DS },
		{ "mov (%rsp),%eax", M64, B(0x8b, 0x04, 0x24),
		  0x7000, INSN_SEG_SS },
		{ "mov %fs:(%rbx),%eax", M64, B(0x64, 0x8b, 0x03),
		  0x1fee00000ULL, INSN_SEG_FS },
		{ "movabs 0xfee00300,%eax", M64,
		  B(0xa1, 0x00, 0x03, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00),
		  0xfee00300ULL, INSN_SEG_DS },
		{ "movl $0x12345678,0x200(%rax,%rcx,4)", M64,
		  B(0xc7, 0x84, 0x88, 0x00, 0x02, 0x00, 0x00, 0x78, 0x56, 0x34,
		    0x12),
		  0x100 + 12 + 0x200, INSN_SEG_DS },
		{ "mov 0x8(%rbp,%r9,8),%rdx", M64,
		  B(0x4a, 0x8b, 0x54, 0xcd, 0x08),
		  0xfffffffcULL + 16 + 8, INSN_SEG_SS },
		{ "mov 0x8(%ebp),%eax", M32, B(0x8b, 0x45, 0x08),
		  0x4, INSN_SEG_SS },
		{ "mov 0xfee00000,%ecx", M32,
		  B(0x8b, 0x0d, 0x00, 0x00, 0xe0, 0xfe),
		  0xfee00000ULL, INSN_SEG_DS },
		{ "mov %ds:0x8(%ebp),%eax", M32, B(0x3e, 0x8b, 0x45, 0x08),
		  0x4, INSN_SEG_DS },
		{ "mov -0x4(,%esi,2),%eax", M32,
		  B(0x8b, 0x04, 0x75, 0xfc, 0xff, 0xff, 0xff),
		  0x1c, INSN_SEG_DS },
		{ "mov (%bx,%si),%ax", M16, B(0x8b, 0x00),
		  0x10, INSN_SEG_DS },
		{ "mov -0x2(%bp),%ax", M16, B(0x8b, 0x46, 0xfe),
		  0xfffa, INSN_SEG_SS },
		{ "mov 0x1234,%bx", M16, B(0x8b, 0x1e, 0x34, 0x12),
		  0x1234, INSN_SEG_DS },
		{ "mov 0x1234,%ax", M16, B(0xa1, 0x34, 0x12),
		  0x1234, INSN_SEG_DS },
		{ "mov 0x10(%bp,%di),%ax", M16, B(0x8b, 0x43, 0x10),
		  (0xfffc + 0x20 + 0x10) & 0xffff, INSN_SEG_SS },
	};
	struct insn in;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t got;

		assert_int_equal(insn_decode(t[i].bytes, t[i].len, t[i].mode,
					     &in), 0);
		assert_int_equal(in.length, t[i].len);
		got = insn_mem_offset(&in, regs, 0x5000 + in.length);
		if (got != t[i].offset || in.mem.seg != t[i].seg)
			fail_msg("%s: offset %#llx seg %d, want %#llx seg %d",
				 t[i].text, (unsigned long long)got,
				 in.mem.seg, (unsigned long long)t[i].offset,
				 t[i].seg);
	}
}

/* The operation of the reg,r/m ALU forms: one per opcode row. */
static void test_alu_to_reg(void **state)
{
	static const enum insn_kind want[8] = {
		INSN_ADD_TO_MEM, INSN_OR_TO_MEM, INSN_ADC_TO_MEM,
		INSN_SBB_TO_MEM, INSN_AND_TO_MEM, INSN_SUB_TO_MEM,
		INSN_XOR_TO_MEM, INSN_CMP_MEM,
	};
	struct insn in;

	(void)state;
	for (unsigned int row = 0; row < 8; row++) {
		uint8_t b[2] = { (uint8_t)(row << 3 | 3), 0x07 };

		assert_int_equal(insn_decode(b, 2, M64, &in), 0);
		assert_int_equal(in.kind, INSN_ALU_TO_REG);
		assert_int_equal(in.alu, want[row]);
		b[0] = (uint8_t)(row << 3 | 1);
		assert_int_equal(insn_decode(b, 2, M64, &in), 0);
		assert_int_equal(in.kind, want[row]);
	}
}

/*
 * insn_alu against this very CPU: the host runs each operation at each
 * size and its RFLAGS is the reference. The pushes step over the red zone.
 */
#define HW_BINARY(name, mnem, T)					\
static uint64_t name(uint64_t d, uint64_t s, uint64_t *fl)		\
{									\
	T dd = (T)d, ss = (T)s;						\
	uint64_t f = *fl;						\
	__asm__("lea -128(%%rsp),%%rsp; push %[f]; popfq; "		\
		mnem " %[s],%[d]; pushfq; pop %[f]; lea 128(%%rsp),%%rsp" \
		: [d] "+r"(dd), [f] "+r"(f) : [s] "r"(ss) : "cc");	\
	*fl = f;							\
	return dd;							\
}
#define HW_UNARY(name, mnem, T)						\
static uint64_t name(uint64_t d, uint64_t s, uint64_t *fl)		\
{									\
	T dd = (T)d;							\
	uint64_t f = *fl;						\
	(void)s;							\
	__asm__("lea -128(%%rsp),%%rsp; push %[f]; popfq; "		\
		mnem " %[d]; pushfq; pop %[f]; lea 128(%%rsp),%%rsp"	\
		: [d] "+r"(dd), [f] "+r"(f) : : "cc");			\
	*fl = f;							\
	return dd;							\
}
#define HW_ALL(mac, op, mnem)						\
	mac(hw_##op##1, mnem, uint8_t) mac(hw_##op##2, mnem, uint16_t)	\
	mac(hw_##op##4, mnem, uint32_t) mac(hw_##op##8, mnem, uint64_t)
HW_ALL(HW_BINARY, add, "add") HW_ALL(HW_BINARY, adc, "adc")
HW_ALL(HW_BINARY, sub, "sub") HW_ALL(HW_BINARY, sbb, "sbb")
HW_ALL(HW_BINARY, and, "and") HW_ALL(HW_BINARY, or, "or")
HW_ALL(HW_BINARY, xor, "xor") HW_ALL(HW_BINARY, cmp, "cmp")
HW_ALL(HW_BINARY, test, "test") HW_ALL(HW_UNARY, not, "not")
HW_ALL(HW_UNARY, neg, "neg") HW_ALL(HW_UNARY, inc, "inc")
HW_ALL(HW_UNARY, dec, "dec")

typedef uint64_t (*hw_fn)(uint64_t, uint64_t, uint64_t *);
#define HW_ROW(kind, op, logic)						\
	{ kind, logic, { hw_##op##1, hw_##op##2, hw_##op##4, hw_##op##8 } }

static void test_alu_flags(void **state)
{
	static const struct {
		enum insn_kind kind;
		bool logic;	/* AF undefined */
		hw_fn hw[4];
	} ops[] = {
		HW_ROW(INSN_ADD_TO_MEM, add, false),
		HW_ROW(INSN_ADC_TO_MEM, adc, false),
		HW_ROW(INSN_SUB_TO_MEM, sub, false),
		HW_ROW(INSN_SBB_TO_MEM, sbb, false),
		HW_ROW(INSN_AND_TO_MEM, and, true),
		HW_ROW(INSN_OR_TO_MEM, or, true),
		HW_ROW(INSN_XOR_TO_MEM, xor, true),
		HW_ROW(INSN_CMP_MEM, cmp, false),
		HW_ROW(INSN_TEST_MEM, test, true),
		HW_ROW(INSN_NOT_MEM, not, false),
		HW_ROW(INSN_NEG_MEM, neg, false),
		HW_ROW(INSN_INC_MEM, inc, false),
		HW_ROW(INSN_DEC_MEM, dec, false),
	};
	static const uint64_t vals[] = {
		0, 1, 2, 0xf, 0x10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0xffffffffffffffffULL,
		0x123456789abcdef0ULL,
	};
	static const unsigned int sizes[4] = { 1, 2, 4, 8 };
	const size_t nv = sizeof(vals) / sizeof(vals[0]);

	(void)state;
	for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++)
	for (unsigned int z = 0; z < 4; z++)
	for (size_t a = 0; a < nv; a++)
	for (size_t b = 0; b < nv; b++)
	for (uint64_t in_fl = 0x2; in_fl <= 0x2 + RFLAGS_STATUS;
	     in_fl += RFLAGS_STATUS) {
		uint64_t mask = sizes[z] == 8 ? ~0ULL :
				(1ULL << (8 * sizes[z])) - 1;
		uint64_t hw_fl = in_fl, sw_fl = in_fl;
		uint64_t hw = ops[o].hw[z](vals[a], vals[b], &hw_fl) & mask;
		uint64_t sw = insn_alu(ops[o].kind, sizes[z], vals[a],
				       vals[b], &sw_fl);
		uint64_t cmp = RFLAGS_STATUS & ~(ops[o].logic ? RFLAGS_AF : 0);

		if (ops[o].kind == INSN_CMP_MEM || ops[o].kind == INSN_TEST_MEM)
			hw = vals[a] & mask;	/* the destination stays */
		if (hw != sw || (hw_fl & cmp) != (sw_fl & cmp))
			print_message("kind %d size %u %#llx %#llx: hw %#llx fl %#llx, sw %#llx fl %#llx\n",
				      ops[o].kind, sizes[z],
				      (unsigned long long)vals[a],
				      (unsigned long long)vals[b],
				      (unsigned long long)hw,
				      (unsigned long long)hw_fl,
				      (unsigned long long)sw,
				      (unsigned long long)sw_fl);
		assert_int_equal(hw, sw);
		assert_int_equal(hw_fl & cmp, sw_fl & cmp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_exact),
		cmocka_unit_test(test_table_padded),
		cmocka_unit_test(test_table_truncated),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_same_bytes_each_mode),
		cmocka_unit_test(test_modrm_sweep),
		cmocka_unit_test(test_reg_read),
		cmocka_unit_test(test_reg_write_mov),
		cmocka_unit_test(test_reg_write_extend),
		cmocka_unit_test(test_decode_then_apply),
		cmocka_unit_test(test_string_fields),
		cmocka_unit_test(test_mem_offset),
		cmocka_unit_test(test_alu_to_reg),
		cmocka_unit_test(test_alu_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
