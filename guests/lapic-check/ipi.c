/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpus=2: vCPU 1 sends fixed IPIs to vCPU 0 (APIC ID 0), one at a time:
 * each waits until vCPU 0's handler counted it, so a lost IPI shows as a
 * timeout and a duplicate as a count above what was sent. The vectors
 * cycle over four priority classes. vCPU 0 halts between them, as an idle
 * kernel does, so an IPI must also wake it.
 */
#include "guests/lapic-check/lapic.h"
#include "guests/smp/ap_start.h"
#include "guests/smp/smp.h"

#define SIPI_PAGE	0x8
#define BSP_APIC_ID	0
static const uint32_t ipi_vectors[] = { 0x43, 0x63, 0x83, 0xc3 };
/*
 * Sent once ap_done is set: vCPU 0 may have halted after the last IPI.
 * Above the others' classes, as is the tick that wakes vCPU 0 to give up
 * when IPIs stop coming (lost ones, or a vector left in service).
 */
#define DONE_VECTOR	0xf3
#define TICK_VECTOR	0xe1
#define TICK_US		10000

static volatile uint32_t ap_ready, ap_done, ap_lost;
static volatile uint32_t ipi_count, ipi_interval_us, ipi_received;
static volatile uint32_t sent[ARRAY_SIZE(ipi_vectors)];
static volatile uint64_t round_trip_max, round_trip_sum;

static bool count_ipi(uint32_t vector)
{
	(void)vector;
	ipi_received++;
	return true;
}

static void send_ipi(uint32_t dest, uint32_t vector)
{
	lapic_write(LAPIC_ICR_HI, dest << 24);
	/* Fixed, physical, Level 0 as Linux sends it (see self_ipi). */
	lapic_write(LAPIC_ICR_LO, vector);
}

/* vCPU 1: paced sends, each answered before the next. */
void ap_main(void)
{
	uint64_t start, t0, rt, pace;

	irq_setup_cpu();
	ap_ready = 1;
	while (!ipi_count)
		cpu_relax();
	pace = us_to_ticks(ipi_interval_us);
	start = rdtsc();
	for (uint32_t i = 0; i < ipi_count; i++) {
		uint32_t k = i % ARRAY_SIZE(ipi_vectors);

		while (rdtsc() - start < i * pace)
			cpu_relax();
		t0 = rdtsc();
		send_ipi(BSP_APIC_ID, ipi_vectors[k]);
		sent[k]++;
		if (!wait_count(&ipi_received, i + 1, wait_ticks)) {
			ap_lost = 1;
			break;
		}
		rt = rdtsc() - t0;
		round_trip_sum += rt;
		if (rt > round_trip_max)
			round_trip_max = rt;
	}
	ap_done = 1;
	send_ipi(BSP_APIC_ID, DONE_VECTOR);
	halt_forever();
}

static bool start_ap(void)
{
	const char *stuck;

	ap_install_trampoline(SIPI_PAGE);
	stuck = ap_start(BSP_APIC_ID + 1, SIPI_PAGE);
	if (stuck)
		printf("lapic-check: %s to APIC ID 1 stuck pending\n", stuck);
	return ap_wait(&ap_ready, 1);
}

/*
 * IF=0 between the test and HLT: STI's shadow makes the pair atomic.
 * Gives up after two waits without an IPI; true when vCPU 1 finished.
 */
static bool idle_until_done(void)
{
	uint32_t seen = 0;
	uint64_t progress = rdtsc();

	timer_periodic_start(TICK_VECTOR, TICK_US);
	irq_disable();
	while (!ap_done && rdtsc() - progress < 2 * wait_ticks) {
		asm volatile("sti; hlt; cli" ::: "memory");
		if (ipi_received != seen) {
			seen = ipi_received;
			progress = rdtsc();
		}
	}
	irq_enable();
	spin_ticks(wait_ticks);	/* a late duplicate would show */
	irq_disable();
	timer_stop();
	return ap_done;
}

uint32_t check_ipi(uint32_t ipis, uint32_t interval_us)
{
	uint32_t total_sent = 0, per_vector_ok = 1;

	irq_log_clear();
	for (uint32_t k = 0; k < ARRAY_SIZE(ipi_vectors); k++)
		irq_hooks[ipi_vectors[k]] = count_ipi;
	if (!start_ap())
		return !report(false, "ipi", "vCPU 1 did not start");
	ipi_interval_us = interval_us;
	ipi_count = ipis;
	if (!idle_until_done())
		printf("lapic-check: ipi: none received for %u ms, giving up\n",
		       ticks_to_us(2 * wait_ticks) / 1000);
	for (uint32_t k = 0; k < ARRAY_SIZE(ipi_vectors); k++) {
		total_sent += sent[k];
		if (irq_log.count[ipi_vectors[k]] != sent[k])
			per_vector_ok = 0;
	}
	printf("lapic-check: ipi: %u sent, %u received, round trip max %u us, "
	       "mean %u us\n", total_sent, ipi_received,
	       ticks_to_us(round_trip_max),
	       total_sent ? ticks_to_us(udiv64(round_trip_sum, total_sent)) :
	       0);
	return !report(!ap_lost && total_sent == ipis &&
		       ipi_received == total_sent && per_vector_ok, "ipi",
		       "vCPU 1 to vCPU 0, every %u us: %u sent, %u received "
		       "(%x: %u/%u, %x: %u/%u, %x: %u/%u, %x: %u/%u)%s",
		       interval_us, total_sent, ipi_received,
		       ipi_vectors[0], irq_log.count[ipi_vectors[0]], sent[0],
		       ipi_vectors[1], irq_log.count[ipi_vectors[1]], sent[1],
		       ipi_vectors[2], irq_log.count[ipi_vectors[2]], sent[2],
		       ipi_vectors[3], irq_log.count[ipi_vectors[3]], sent[3],
		       ap_lost ? ", one was lost" : "");
}
