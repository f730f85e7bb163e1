/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp nmi=1: NMIs sent as IPIs in NMI delivery mode (SDM vol. 3A 11.6.1)
 * to self and to another vCPU, each counted by its handler. Then the NMI
 * blocking of SDM 6.7.1: two NMIs sent from inside the handler must not
 * nest; they arrive after its IRET, as one (one in service, one pending).
 */
#include "guests/lib/runtime.h"
#include "guests/smp/ap_start.h"
#include "guests/smp/nmi.h"
#include "guests/smp/smp.h"

#define LAPIC_VERSION	0xfee00030u
#define LAPIC_ICR_LO	0xfee00300u
#define LAPIC_ICR_HI	0xfee00310u
#define ICR_MODE_NMI	(4u << 8)
#define ICR_TO_SELF	(1u << 18)	/* destination shorthand 01 */
#define EXC_NMI		2
#define GATE_INTR32	0x8e		/* present, DPL 0, 32-bit interrupt */
/* LAPIC reads in the handler: exits where a pending NMI could nest. */
#define HANDLER_EXITS	200
#define SETTLE_SPINS	2000000u

struct idt_gate {
	uint16_t offset_low, selector;
	uint8_t zero, type;
	uint16_t offset_high;
} __attribute__((packed));

/* Only up to the NMI: any other exception is a triple fault, and fails. */
static struct idt_gate idt[EXC_NMI + 1] __attribute__((aligned(8)));
static volatile uint32_t count[SMP_MAX_CPUS], depth[SMP_MAX_CPUS];
static volatile uint32_t nested, resend, seen_in_handler;

void nmi_entry(void);
void nmi_handler(void);
asm(".text\n"
    ".globl nmi_entry\n"
    "nmi_entry:\n"
    "	pushal\n"
    "	cld\n"
    "	call nmi_handler\n"
    "	popal\n"
    "	iret\n");

static void send_nmi(uint32_t icr_low, uint32_t dest)
{
	*(volatile uint32_t *)LAPIC_ICR_HI = dest << 24;
	*(volatile uint32_t *)LAPIC_ICR_LO = ICR_MODE_NMI | icr_low;
}

void nmi_handler(void)
{
	uint32_t id = ap_lapic_id() % SMP_MAX_CPUS;

	if (depth[id]++)
		nested++;
	count[id]++;
	if (resend) {
		resend = 0;
		send_nmi(ICR_TO_SELF, 0);
		send_nmi(ICR_TO_SELF, 0);
		for (int i = 0; i < HANDLER_EXITS; i++)
			(void)*(volatile uint32_t *)LAPIC_VERSION;
		seen_in_handler = count[id];
	}
	depth[id]--;
}

void nmi_setup_cpu(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1,
					   (uint32_t)(uintptr_t)idt };
	uint32_t entry = (uint32_t)(uintptr_t)nmi_entry;

	idt[EXC_NMI] = (struct idt_gate){ (uint16_t)entry, SMP_SEL_CODE, 0,
					  GATE_INTR32, (uint16_t)(entry >> 16) };
	asm volatile("lidt %0" : : "m"(idtr));
}

bool nmi_test(uint32_t self, uint32_t other)
{
	uint32_t at_iret;

	send_nmi(ICR_TO_SELF, 0);
	ap_wait(&count[self], 1);
	send_nmi(0, other);
	ap_wait(&count[other], 1);
	printf("NMI to self: %u taken; to APIC ID %u: %u taken\n",
	       count[self], other, count[other]);
	resend = 1;
	send_nmi(ICR_TO_SELF, 0);
	ap_wait(&count[self], 3);
	for (volatile uint32_t i = 0; i < SETTLE_SPINS; i++)
		;
	at_iret = count[self] - seen_in_handler;
	printf("NMI blocking: 2 sent in the handler, %u taken before its IRET, %u after, %u nested\n",
	       seen_in_handler - 2, at_iret, nested);
	return count[self] == 3 && count[other] == 1 && seen_in_handler == 2 &&
	       at_iret == 1 && !nested;
}
