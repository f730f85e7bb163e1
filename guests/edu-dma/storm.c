/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An MSI storm from a core of our own (storm=N; docs/architecture.md,
 * "Time partitions"). vCPU 0, on a core shared in time, takes edu's MSI;
 * vCPU 1, on a core of its own, raises edu's interrupt every pace=
 * ticks for N << 20 TSC ticks, so edu sends messages in every window of
 * the shared core, the neighbours' included. Those cost the neighbours
 * what the hypervisor bounds (checked from its log); here, every raise
 * must be followed by a delivery: the last one's must arrive after the
 * last raise, and vCPU 0 acknowledges what each delivery finds in edu's
 * status, as a driver would. Then vCPU 0 raises it AFTER_RAISES more
 * times itself, each waited for: the source the storm left masked must
 * be unmasked for our window, or these are lost.
 * Line: "edu: msi storm: R raised by vCPU 1 in 0xT TSC ticks, D
 * delivered to vCPU 0, the last raise delivered" (or "never delivered"),
 * "A/4 raised after it delivered, O on other vectors".
 */
#include "guests/edu-dma/edu.h"
#include "guests/smp/ap_start.h"
#include "guests/smp/smp.h"

#define SIPI_PAGE		0x8
#define STORM_VCPU_APIC_ID	1
#define STORM_UNIT_SHIFT	20
/* After the last raise: several frames of the shared core. */
#define LAST_WAIT_TICKS		(1ull << 30)
#define EXIT_STORM		12
#define AFTER_RAISES		4

static volatile uint32_t ap_ready, ap_done, storm_raised;
static volatile uint64_t storm_ticks, storm_pace, storm_last_raise,
	storm_took;

/* vCPU 1: raises at a steady pace until the time is up. */
void ap_main(void)
{
	uint64_t start, next;

	ap_ready = 1;
	while (!storm_ticks)
		cpu_relax();
	start = rdtsc();
	next = start;
	while (rdtsc() - start < storm_ticks) {
		while (rdtsc() < next)
			cpu_relax();
		storm_last_raise = rdtsc();
		edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
		storm_raised++;
		next += storm_pace;
	}
	storm_took = rdtsc() - start;
	ap_done = 1;
	halt_forever();
}

static bool start_ap(void)
{
	const char *stuck;

	ap_install_trampoline(SIPI_PAGE);
	stuck = ap_start(STORM_VCPU_APIC_ID, SIPI_PAGE);
	if (stuck)
		printf("edu: %s to APIC ID %u stuck pending\n", stuck,
		       STORM_VCPU_APIC_ID);
	return ap_wait(&ap_ready, 1);
}

/* Acknowledges at edu what each delivery finds raised. */
static uint32_t take_deliveries(uint32_t *seen)
{
	uint32_t n = msi_count - *seen;

	if (n) {
		*seen += n;
		edu_write(EDU_IRQ_ACK, edu_read(EDU_IRQ_STATUS));
	}
	return n;
}

/* Raised by vCPU 0 after the storm: how many were delivered. */
static uint32_t raised_after(void)
{
	uint32_t got = 0;

	for (uint32_t i = 0; i < AFTER_RAISES; i++) {
		uint32_t before = msi_count;
		uint64_t start = rdtsc();

		edu_write(EDU_IRQ_RAISE, EDU_TEST_IRQ);
		while (msi_count == before && rdtsc() - start < LAST_WAIT_TICKS)
			cpu_relax();
		got += msi_count != before;
		edu_write(EDU_IRQ_ACK, edu_read(EDU_IRQ_STATUS));
	}
	return got;
}

int msi_storm_test(uint32_t bdf, uint32_t vec, uint32_t units, uint32_t pace)
{
	uint32_t seen = 0, delivered = 0, after;
	uint64_t wait_start;
	bool last;

	irq_setup();
	idt_set(vec, msi_tsc_isr);
	if (!msi_enable(bdf, mmio_read32(LAPIC_ID) >> 24, vec))
		return EXIT_STORM;
	if (!start_ap()) {
		printf("edu: vCPU 1 did not start\n");
		return EXIT_STORM;
	}
	msi_count = 0;
	other_count = 0;
	asm volatile("sti" ::: "memory");
	storm_pace = pace;
	storm_ticks = (uint64_t)units << STORM_UNIT_SHIFT;
	while (!ap_done)
		delivered += take_deliveries(&seen);
	wait_start = rdtsc();
	while (msi_tsc <= storm_last_raise &&
	       rdtsc() - wait_start < LAST_WAIT_TICKS)
		delivered += take_deliveries(&seen);
	delivered += take_deliveries(&seen);
	last = msi_tsc > storm_last_raise;
	after = raised_after();
	asm volatile("cli" ::: "memory");
	printf("edu: msi storm: %u raised by vCPU 1 in 0x%llx TSC ticks, %u "
	       "delivered to vCPU 0, the last raise %s, %u/%u raised after it "
	       "delivered, %u on other vectors\n", storm_raised,
	       (unsigned long long)storm_took, delivered,
	       last ? "delivered" : "never delivered", after, AFTER_RAISES,
	       other_count);
	return last && delivered && after == AFTER_RAISES && !other_count ?
	       0 : EXIT_STORM;
}
