/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_LAPIC_REGS_H
#define ARCH_X86_LAPIC_REGS_H

/*
 * Local APIC registers by their xAPIC offset, and the LVT and SVR bits:
 * the physical LAPIC (arch/x86) and the one partitions see (drivers/emul)
 * are the same architecture.
 */
/* Register offsets (Intel SDM vol. 3A table 11-1). */
#define APIC_ID			0x020
#define APIC_VERSION		0x030
#define APIC_TPR		0x080
#define APIC_APR		0x090
#define APIC_PPR		0x0a0
#define APIC_EOI		0x0b0
#define APIC_LDR		0x0d0
#define APIC_DFR		0x0e0
#define APIC_SVR		0x0f0
#define APIC_REG_STRIDE		0x10
#define APIC_ISR0		0x100	/* ISR, TMR, IRR: 8 registers each */
#define APIC_ISR_REGS		8
#define APIC_IRR7		0x270
#define APIC_ESR		0x280
#define APIC_LVT_CMCI		0x2f0
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_ERROR		0x370
#define APIC_TIMER_INITIAL	0x380
#define APIC_TIMER_CURRENT	0x390
#define APIC_TIMER_DIVIDE	0x3e0

#define LVT_MASKED		(1U << 16)
#define LVT_VECTOR_MASK		0xffU
/* LVT timer mode, bits 18:17 (SDM 11.5.1, 11.5.4.1). */
#define LVT_TIMER_MODE_MASK	(3U << 17)
#define LVT_TIMER_ONE_SHOT	(0U << 17)
#define LVT_TIMER_PERIODIC	(1U << 17)
#define LVT_TIMER_DEADLINE	(2U << 17)
#define LVT_TIMER_RESERVED_MODE	(3U << 17)
#define TIMER_DIVIDE_BY_1	0xbU	/* divide configuration (11.5.4) */
#define TIMER_DIVIDE_MASK	0xbU	/* bits 0, 1 and 3 (figure 11-10) */
#define TPR_MASK		0xffU	/* bits 31:8 reserved (11.8.3.1) */
#define SVR_APIC_ENABLED	(1U << 8)
#define APIC_VECTORS		256

#endif
