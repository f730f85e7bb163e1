/* SPDX-License-Identifier: BSD-2-Clause */
#include "guests/smp/ap_start.h"
#include "guests/lib/runtime.h"
#include "guests/smp/smp.h"

#define LAPIC_BASE	0xfee00000u
#define LAPIC_ID	0x020
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_INIT	0x00004500u	/* INIT, level assert */
#define ICR_STARTUP	0x00004600u	/* SIPI, vector = page */
#define ICR_BUSY	(1u << 12)	/* delivery status: send pending */
#define ICR_SPIN_LIMIT	1000000u
#define CPUID_1_EDX_TSC	(1u << 4)

/* TSC cycles; generous for any clock up to a few GHz. */
#define INIT_DELAY_CYCLES	40000000ull	/* >= 10 ms */
#define SIPI_DELAY_CYCLES	1000000ull	/* >= 200 us */
#define WAIT_ALL_CYCLES		8000000000ull	/* a few seconds */
#define WAIT_ALL_SPINS		(1u << 30)	/* without a TSC */

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}

/* Asked once, in ap_install_trampoline(): a CPUID may cost an exit. */
static bool have_tsc;

uint32_t ap_lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

static void delay_cycles(uint64_t cycles)
{
	if (have_tsc) {
		uint64_t start = rdtsc();

		while (rdtsc() - start < cycles)
			cpu_relax();
	} else {
		/* No TSC: a pause is at least a few cycles anywhere. */
		for (uint32_t i = (uint32_t)(cycles >> 2); i; i--)
			cpu_relax();
	}
}

static bool send_ipi(uint32_t apic_id, uint32_t icr_lo)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	for (uint32_t i = 0; i < ICR_SPIN_LIMIT; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_BUSY))
			return true;
		cpu_relax();
	}
	return false;
}

uint32_t ap_install_trampoline(uint32_t page)
{
	uint32_t size = (uint32_t)(tramp_end - tramp_start);
	/*
	 * Address 0 is a valid target: keep the optimiser from assuming
	 * otherwise. The page holds nothing but the trampoline.
	 */
	uint8_t *tramp = launder_ptr((void *)((uintptr_t)page << 12));

	have_tsc = cpuid(1, 0).edx & CPUID_1_EDX_TSC;
	memcpy(tramp, tramp_start, size);
	*(volatile uint32_t *)(tramp + (tramp_gdtr_base - tramp_start)) =
		(page << 12) + (uint32_t)(tramp_gdt - tramp_start);
	return size;
}

const char *ap_start(uint32_t apic_id, uint32_t page)
{
	const char *stuck = NULL;

	if (!send_ipi(apic_id, ICR_INIT))
		stuck = "INIT";
	delay_cycles(INIT_DELAY_CYCLES);
	for (int i = 0; i < 2; i++) {
		if (!send_ipi(apic_id, ICR_STARTUP | page))
			stuck = "SIPI";
		delay_cycles(SIPI_DELAY_CYCLES);
	}
	return stuck;
}

bool ap_wait(volatile uint32_t *count, uint32_t want)
{
	uint64_t start = have_tsc ? rdtsc() : 0;

	for (uint32_t spins = 0; *count < want; spins++) {
		if (have_tsc ? rdtsc() - start > WAIT_ALL_CYCLES :
		    spins > WAIT_ALL_SPINS)
			return false;
		cpu_relax();
	}
	return true;
}
