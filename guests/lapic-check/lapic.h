/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_LAPIC_CHECK_LAPIC_H
#define GUESTS_LAPIC_CHECK_LAPIC_H

#include "guests/lib/runtime.h"

/* xAPIC registers at the default base (Intel SDM vol. 3A 11.4.1, 11.4.4). */
#define LAPIC_BASE		0xfee00000u
#define LAPIC_ID		0x020
#define LAPIC_TPR		0x080
#define LAPIC_PPR		0x0a0
#define LAPIC_EOI		0x0b0
#define LAPIC_SVR		0x0f0
#define LAPIC_ISR0		0x100
#define LAPIC_IRR0		0x200
#define LAPIC_ICR_LO		0x300
#define LAPIC_ICR_HI		0x310
#define LAPIC_LVT_TIMER		0x320
#define LAPIC_TIMER_INITIAL	0x380
#define LAPIC_TIMER_CURRENT	0x390
#define LAPIC_TIMER_DIVIDE	0x3e0
#define LAPIC_REG_STRIDE	0x10

#define SVR_ENABLE		(1u << 8)	/* 11.4.7.2 */
#define SPURIOUS_VECTOR		0xff
#define ICR_SELF		(1u << 18)	/* shorthand 01 (11.6.1) */
#define ICR_LEVEL_ASSERT	(1u << 14)	/* "must be 1" but for INIT */
#define LVT_MASKED		(1u << 16)	/* 11.5.1 */
#define LVT_TIMER_ONESHOT	(0u << 17)
#define LVT_TIMER_PERIODIC	(1u << 17)
#define LVT_TIMER_DEADLINE	(2u << 17)
#define TIMER_DIVIDE_1		0xb		/* 11.5.4, figure 11-10 */
#define PRIORITY_CLASS(v)	((v) & 0xf0u)

/* IA32_TSC_DEADLINE (SDM vol. 4 table 2-2), advertised in CPUID.1:ECX. */
#define MSR_TSC_DEADLINE	0x6e0
#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)

#define VECTORS			256
#define FIRST_EXTERNAL_VECTOR	32
#define ORDER_MAX		64

static inline uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}

static inline void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}

/* One of the 256-bit registers (ISR, TMR, IRR): is this vector's bit set? */
static inline bool lapic_vector_bit(uint32_t first_reg, uint32_t vector)
{
	return lapic_read(first_reg + (vector / 32) * LAPIC_REG_STRIDE) >>
	       (vector % 32) & 1;
}

/* As the SDM writes it (Level 1); ipi.c sends Linux's form (Level 0). */
static inline void self_ipi(uint32_t vector)
{
	lapic_write(LAPIC_ICR_LO, ICR_SELF | ICR_LEVEL_ASSERT | vector);
}

static inline void irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
		     "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/*
 * irq.c: every vector goes to one dispatcher, which logs the vector (count,
 * order, arrival TSC), runs the vector's hook if any and EOIs unless the
 * hook says not to (returns false). The spurious vector is never EOId.
 */
typedef bool (*irq_hook_fn)(uint32_t vector);

struct irq_log {
	volatile uint32_t count[VECTORS];
	volatile uint64_t arrival[VECTORS];	/* TSC at the latest entry */
	volatile uint32_t order[ORDER_MAX];
	volatile uint32_t logged;		/* entries in order[] */
	volatile uint32_t total;		/* every external interrupt */
	volatile uint32_t depth;		/* handlers running now */
};

extern struct irq_log irq_log;
extern irq_hook_fn irq_hooks[VECTORS];

void irq_setup_cpu(void);	/* IDT loaded, APIC software-enabled */
void irq_log_clear(void);
/* Waits (interrupts as they are) until *p >= want or `ticks` passed. */
bool wait_count(volatile uint32_t *p, uint32_t want, uint64_t ticks);

/* main.c: the TSC rate and conversions (no 64-bit division in libgcc). */
extern uint32_t tsc_khz;
uint64_t udiv64(uint64_t n, uint64_t d);
uint64_t us_to_ticks(uint64_t us);
uint32_t ticks_to_us(uint64_t ticks);
void spin_ticks(uint64_t ticks);
/* The ticks any single wait may take: past the longest absence. */
extern uint64_t wait_ticks;

/* One line per check; returns pass. */
bool report(bool pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The checks: each prints its lines and returns how many failed. */
uint32_t check_priority(void);
uint32_t check_isr_ppr_tpr(void);
uint32_t check_nested(void);
uint32_t check_eoi(void);
uint32_t check_timer_oneshot(uint32_t us);
uint32_t check_timer_periodic(uint32_t us, uint32_t periods, bool lossy);
uint32_t check_timer_masked(uint32_t us);
uint32_t check_deadline(uint32_t us);
uint32_t check_held(uint32_t total_us, uint32_t interval_us);
uint32_t check_ipi(uint32_t ipis, uint32_t interval_us);
uint32_t timer_calibrate(void);	/* LAPIC timer Hz at divide 1 */
void timer_periodic_start(uint32_t vector, uint32_t us);
void timer_stop(void);		/* every mode, the deadline MSR included */

#endif
