/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_EXCEPTION_H
#define ARCH_X86_EXCEPTION_H

#include <stdint.h>

/* Layout built by exception_entry.S, lowest address first. */
struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Exception vectors: Intel SDM vol. 3A 6.3.1, table 6-1. */
#define EXC_NMI		2
#define EXC_UD		6	/* invalid opcode */
#define EXC_DOUBLE_FAULT 8
#define EXC_GP		13	/* general protection */
#define EXC_PAGE_FAULT	14
#define EXC_MACHINE_CHECK 18
#define EXC_SPURIOUS	255

/* Called on a CPU about to halt after an exception, once it is dumped. */
extern void (*exception_halt_hook)(unsigned int cpu);

/* Builds the IDT once (boot CPU). */
void idt_init(void);
/* Loads it on the calling CPU. */
void idt_load(void);
/* Points an interrupt vector (32-255) at a handler that ends in IRETQ. */
void idt_set_interrupt(unsigned int vector, const void *handler);
void exception_handle(struct exception_frame *frame);
const char *exception_name(uint64_t vector);

#endif
