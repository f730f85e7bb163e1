/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/lapic.h"
#include "arch/x86/lapic_regs.h"
#include "arch/x86/asm.h"
#include "arch/x86/msr.h"
#include "arch/x86/tsc.h"
#include "lib/errno.h"
#include "lib/scale.h"

/* Intel SDM vol. 3A 11.4.4 (APIC base), 11.6.1 (ICR), 11.12 (x2APIC). */
#define APIC_BASE_X2APIC	(1ULL << 10)
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000ULL
#define X2APIC_MSR_ID		0x802
#define X2APIC_MSR_ICR		0x830
#define ICR_DELIVERY_FIXED	(0U << 8)
#define ICR_DELIVERY_NMI	(4U << 8)
#define ICR_DELIVERY_INIT	(5U << 8)
#define ICR_DELIVERY_STARTUP	(6U << 8)
#define ICR_SEND_PENDING	(1U << 12)
#define ICR_LEVEL_ASSERT	(1U << 14)
#define ICR_XAPIC_DEST_SHIFT	24
#define ICR_IDLE_TIMEOUT_US	10000

static volatile uint32_t *xapic;
static bool x2apic;

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	x2apic = base & APIC_BASE_X2APIC;
	xapic = (volatile uint32_t *)(uintptr_t)(base & APIC_BASE_ADDR_MASK);
}

static uint32_t xapic_read(uint32_t reg)
{
	return xapic[reg / 4];
}

static void xapic_write(uint32_t reg, uint32_t value)
{
	xapic[reg / 4] = value;
}

/* x2APIC MSR = 0x800 + offset / 16 (SDM vol. 3A 11.12.1.2). */
#define X2APIC_MSR_BASE		0x800

uint32_t lapic_read(uint32_t offset)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + offset / 16);
	return xapic_read(offset);
}

void lapic_write(uint32_t offset, uint32_t value)
{
	if (x2apic)
		wrmsr(X2APIC_MSR_BASE + offset / 16, value);
	else
		xapic_write(offset, value);
}

uint32_t lapic_id(void)
{
	if (x2apic)
		return (uint32_t)rdmsr(X2APIC_MSR_ID);
	return xapic_read(APIC_ID) >> 24;
}

static int send_ipi(uint32_t apic_id, uint32_t low)
{
	uint64_t deadline;

	if (x2apic) {
		/* x2APIC ICR writes have no pending state to wait for. */
		wrmsr(X2APIC_MSR_ICR, ((uint64_t)apic_id << 32) | low);
		return 0;
	}
	xapic_write(APIC_ICR_HIGH, apic_id << ICR_XAPIC_DEST_SHIFT);
	xapic_write(APIC_ICR_LOW, low);
	deadline = tsc_deadline_us(ICR_IDLE_TIMEOUT_US);
	while (xapic_read(APIC_ICR_LOW) & ICR_SEND_PENDING) {
		if (tsc_passed(deadline))
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

int lapic_send_init(uint32_t apic_id)
{
	return send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

int lapic_send_startup(uint32_t apic_id, uint64_t page)
{
	return send_ipi(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT |
				 (uint32_t)(page >> 12));
}

int lapic_send_nmi(uint32_t apic_id)
{
	return send_ipi(apic_id, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

int lapic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	return send_ipi(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

#define CALIBRATION_US		10000

uint64_t lapic_timer_hz;

void lapic_timer_calibrate(void)
{
	uint64_t start, end;
	uint32_t left;

	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(APIC_TIMER_INITIAL, 0xffffffffU);
	start = rdtsc();
	end = tsc_deadline_us(CALIBRATION_US);
	while (!tsc_passed(end))
		cpu_relax();
	left = lapic_read(APIC_TIMER_CURRENT);
	end = rdtsc();
	lapic_write(APIC_TIMER_INITIAL, 0);
	/* Ticks counted over the TSC ticks that passed, scaled to a second. */
	lapic_timer_hz = (0xffffffffULL - left) * tsc_hz / (end - start);
}

void lapic_timer_own(uint8_t vector, uint8_t spurious)
{
	lapic_write(APIC_SVR, SVR_APIC_ENABLED | spurious);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_TIMER_INITIAL, 0);
	lapic_write(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(APIC_LVT_TIMER, LVT_TIMER_ONE_SHOT | vector);
}

/* The count is 32 bits: callers keep expiries within a second or so. */
void lapic_timer_fire_at(uint64_t tsc)
{
	uint64_t now = rdtsc(), count = 1;

	if (tsc > now)
		count = scale_rate(tsc - now, tsc_hz, lapic_timer_hz);
	if (count > 0xffffffffULL)
		count = 0xffffffffULL;
	lapic_write(APIC_TIMER_INITIAL, count ? (uint32_t)count : 1);
}

void lapic_timer_irq_ack(void)
{
	lapic_write(APIC_EOI, 0);
}
