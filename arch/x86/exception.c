/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/exception.h"
#include "arch/x86/asm.h"
#include "arch/x86/gdt.h"
#include "kernel/log.h"
#include "kernel/percpu.h"

#define IDT_VECTORS		256
#define EXCEPTION_VECTORS	32
#define STUB_STRIDE		16	/* .p2align 4 in exception_entry.S */
#define GATE_INTERRUPT		0x8e	/* P, DPL0, 64-bit interrupt gate */
#define STACK_WORDS_SHOWN	8

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

extern const char exception_stubs[];
extern const char exception_stub_spurious[];

static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
void (*exception_halt_hook)(unsigned int cpu);

static void set_gate(unsigned int vector, const void *handler, uint8_t ist)
{
	uint64_t addr = (uint64_t)handler;

	idt[vector] = (struct idt_gate){
		.offset_low = addr & 0xffff,
		.selector = GDT_CODE64_SEL,
		.ist = ist,
		.type = GATE_INTERRUPT,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_high = addr >> 32,
	};
}

static uint8_t ist_for(unsigned int vector)
{
	switch (vector) {
	case EXC_DOUBLE_FAULT:
		return IST_DOUBLE_FAULT;
	case EXC_NMI:
		return IST_NMI;
	case EXC_MACHINE_CHECK:
		return IST_MACHINE_CHECK;
	default:
		return 0;
	}
}

void idt_init(void)
{
	for (unsigned int v = 0; v < IDT_VECTORS; v++) {
		if (v < EXCEPTION_VECTORS)
			set_gate(v, exception_stubs + v * STUB_STRIDE,
				 ist_for(v));
		else
			set_gate(v, exception_stub_spurious, 0);
	}
}

void idt_set_interrupt(unsigned int vector, const void *handler)
{
	if (vector >= EXCEPTION_VECTORS && vector < IDT_VECTORS)
		set_gate(vector, handler, 0);
}

void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };

	asm volatile("lidt %0" : : "m"(ptr));
}

const char *exception_name(uint64_t vector)
{
	static const char *const names[EXCEPTION_VECTORS] = {
		"divide error", "debug", "NMI", "breakpoint", "overflow",
		"bound range", "invalid opcode", "device not available",
		"double fault", "coprocessor segment overrun", "invalid TSS",
		"segment not present", "stack fault", "general protection",
		"page fault", "reserved", "x87 FP error", "alignment check",
		"machine check", "SIMD FP error", "virtualization",
		"control protection",
	};

	if (vector < EXCEPTION_VECTORS && names[vector])
		return names[vector];
	return vector == EXC_SPURIOUS ? "unexpected interrupt" : "reserved";
}

static void dump_stack_words(const struct exception_frame *f)
{
	const uint64_t *sp = (const uint64_t *)f->rsp;

	/* Only dereference a stack pointer that looks canonical and aligned. */
	if ((f->rsp & 7) || (f->rsp >> 47)) {
		pr_err("  stack: rsp not readable");
		return;
	}
	for (int i = 0; i < STACK_WORDS_SHOWN; i += 2)
		pr_err("  [rsp+%02x] %016llx %016llx", i * 8,
		       (unsigned long long)sp[i],
		       (unsigned long long)sp[i + 1]);
}

static void dump(const struct exception_frame *f, unsigned int cpu)
{
	pr_err("EXCEPTION on CPU %u: vector %llu (%s), error code 0x%llx",
	       cpu, (unsigned long long)f->vector, exception_name(f->vector),
	       (unsigned long long)f->error_code);
	pr_err("  RIP %04llx:%016llx RFLAGS %016llx CR2 %016llx",
	       (unsigned long long)f->cs, (unsigned long long)f->rip,
	       (unsigned long long)f->rflags,
	       (unsigned long long)read_cr2());
	pr_err("  RAX %016llx RBX %016llx RCX %016llx RDX %016llx",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx,
	       (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	pr_err("  RSI %016llx RDI %016llx RBP %016llx RSP %016llx",
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	pr_err("  R8  %016llx R9  %016llx R10 %016llx R11 %016llx",
	       (unsigned long long)f->r8, (unsigned long long)f->r9,
	       (unsigned long long)f->r10, (unsigned long long)f->r11);
	pr_err("  R12 %016llx R13 %016llx R14 %016llx R15 %016llx",
	       (unsigned long long)f->r12, (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	pr_err("  CR0 %016llx CR3 %016llx CR4 %016llx",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
	       (unsigned long long)read_cr4());
	dump_stack_words(f);
}

void exception_handle(struct exception_frame *f)
{
	unsigned int cpu = this_cpu_index();

	/*
	 * NMIs are how CPUs kick each other out of guest mode; one that
	 * arrives while this CPU runs hypervisor code is noted for whoever
	 * waits for one (the console input) and needs nothing else.
	 */
	if (f->vector == EXC_NMI) {
		if (percpu_ready)
			__atomic_store_n(&this_cpu()->nmi_seen, true,
					 __ATOMIC_SEQ_CST);
		return;
	}

	log_break_lock_if_held_by(cpu);
	log_block_begin();
	dump(f, cpu);
	pr_err("CPU %u halted; the other CPUs keep running", cpu);
	log_block_end();
	if (percpu_ready)
		__atomic_store_n(&this_cpu()->state, CPU_HALTED,
				 __ATOMIC_RELEASE);
	if (exception_halt_hook)
		exception_halt_hook(cpu);
	cpu_halt_forever();
}
