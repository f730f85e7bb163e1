/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One IDT for every vCPU: 256 stubs of 16 bytes each push their vector
 * and jump to one common entry, which saves the registers and calls
 * irq_dispatch(vector). Exceptions (vectors 0-31) end the run: nothing
 * here should raise one.
 */
#include "guests/lapic-check/lapic.h"

#define GATE_INTR32	0x8e	/* present, DPL 0, 32-bit interrupt gate */
#define CODE_SELECTOR	0x08	/* guests/lib/entry.S and the trampoline's */
#define STUB_SIZE	16
#define EXIT_EXCEPTION	0xff

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t zero, type;
	uint16_t offset_high;
} __attribute__((packed));

static struct idt_gate idt[VECTORS] __attribute__((aligned(8)));
struct irq_log irq_log;
irq_hook_fn irq_hooks[VECTORS];

void irq_dispatch(const uint32_t *frame);
extern const char irq_stubs[];

/* pushl imm32 (0x68) keeps every stub the same size; after PUSHAL the
 * vector is 32 bytes up the stack. */
asm(".text\n"
    ".balign 16\n"
    ".globl irq_stubs\n"
    "irq_stubs:\n"
    ".set vec, 0\n"
    ".rept 256\n"
    "	.balign 16\n"
    "	.byte 0x68\n"
    "	.long vec\n"
    "	jmp irq_common\n"
    "	.set vec, vec + 1\n"
    ".endr\n"
    "irq_common:\n"
    "	pushal\n"
    "	cld\n"
    "	leal 32(%esp), %eax\n"
    "	pushl %eax\n"
    "	call irq_dispatch\n"
    "	addl $4, %esp\n"
    "	popal\n"
    "	addl $4, %esp\n"
    "	iret\n");

/* frame: the vector, then what the CPU pushed (an error code first for
 * some exceptions, then EIP, CS, EFLAGS). */
void irq_dispatch(const uint32_t *frame)
{
	uint64_t now = rdtsc();
	uint32_t vector = frame[0];
	bool eoi = true;

	if (vector < FIRST_EXTERNAL_VECTOR) {
		printf("lapic-check: FAIL exception %u on APIC ID %u: stack %x "
		       "%x %x %x\n", vector, lapic_read(LAPIC_ID) >> 24,
		       frame[1], frame[2], frame[3], frame[4]);
		guest_exit(EXIT_EXCEPTION);
	}
	irq_log.arrival[vector] = now;
	irq_log.count[vector]++;
	if (irq_log.logged < ORDER_MAX)
		irq_log.order[irq_log.logged++] = vector;
	irq_log.depth++;
	if (irq_hooks[vector])
		eoi = irq_hooks[vector](vector);
	irq_log.depth--;
	irq_log.total++;
	/* 11.9: a spurious interrupt sets no ISR bit and gets no EOI. */
	if (eoi && vector != SPURIOUS_VECTOR)
		lapic_write(LAPIC_EOI, 0);
}

void irq_setup_cpu(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1,
					   (uint32_t)(uintptr_t)idt };

	for (uint32_t v = 0; v < VECTORS; v++) {
		uint32_t entry = (uint32_t)(uintptr_t)irq_stubs + v * STUB_SIZE;

		idt[v] = (struct idt_gate){ (uint16_t)entry, CODE_SELECTOR, 0,
					    GATE_INTR32,
					    (uint16_t)(entry >> 16) };
	}
	asm volatile("lidt %0" : : "m"(idtr));
	lapic_write(LAPIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	lapic_write(LAPIC_TPR, 0);
}

void irq_log_clear(void)
{
	memset((void *)&irq_log, 0, sizeof(irq_log));
	memset(irq_hooks, 0, sizeof(irq_hooks));
}

bool wait_count(volatile uint32_t *p, uint32_t want, uint64_t ticks)
{
	uint64_t start = rdtsc();

	while (*p < want && rdtsc() - start < ticks)
		cpu_relax();
	return *p >= want;
}
