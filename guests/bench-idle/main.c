/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-idle: a partition that has nothing to do. vCPU 0 starts vCPU 1
 * (INIT and two SIPIs, as the smp guest does), which halts with no timer
 * armed and interrupts off; vCPU 0 then spins on the TSC, interrupts off,
 * for mticks= x 2^20 ticks and exits. Neither should cost a single exit
 * while it waits: bench.py runs two lengths and divides the difference in
 * the partition's exit count by the difference in time.
 * Prints `bench: idle ticks=0x... aps=N`.
 *
 * Command line: mticks=M (default 64), sipi_page=0xNN (default 0x8).
 */
#include "guests/bench-lib/bench.h"
#include "guests/smp/smp.h"

#define LAPIC_BASE	0xfee00000u
#define LAPIC_ID	0x020
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_INIT	0x00004500u	/* INIT, level assert */
#define ICR_STARTUP	0x00004600u	/* SIPI, vector = page */
#define ICR_BUSY	(1u << 12)	/* delivery status: send pending */
#define ICR_SPIN_LIMIT	1000000u
#define INIT_DELAY	40000000ull	/* TSC ticks, >= 10 ms */
#define SIPI_DELAY	1000000ull	/* >= 200 us */
#define WAIT_AP		8000000000ull
#define MAX_MTICKS	100000
#define EXIT_NO_AP	3

static volatile uint32_t reported;

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}

static void delay(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		cpu_relax();
}

static void send_ipi(uint32_t apic_id, uint32_t icr_lo)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	for (uint32_t i = 0; i < ICR_SPIN_LIMIT; i++)
		if (!(mmio_read32(LAPIC_BASE + LAPIC_ICR_LO) & ICR_BUSY))
			return;
}

/* The idle vCPU: no timer, no interrupts; only the end of the run. */
void ap_main(void)
{
	atomic_inc_return(&reported);
	halt_forever();
}

static bool start_ap(uint32_t page)
{
	uint32_t self = mmio_read32(LAPIC_BASE + LAPIC_ID) >> 24;
	uint32_t id = self ? 0 : 1;
	uint8_t *tramp = launder_ptr((void *)((uintptr_t)page << 12));
	uint64_t t0;

	memcpy(tramp, tramp_start, (size_t)(tramp_end - tramp_start));
	*(volatile uint32_t *)(tramp + (tramp_gdtr_base - tramp_start)) =
		(page << 12) + (uint32_t)(tramp_gdt - tramp_start);
	send_ipi(id, ICR_INIT);
	delay(INIT_DELAY);
	send_ipi(id, ICR_STARTUP | page);
	delay(SIPI_DELAY);
	send_ipi(id, ICR_STARTUP | page);
	t0 = rdtsc();
	while (!reported && rdtsc() - t0 < WAIT_AP)
		cpu_relax();
	return reported;
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint32_t mticks, page;
	uint64_t t0, ticks;

	bench_entry(magic, mbi, &cmdline);
	mticks = bench_arg(cmdline, "mticks", 64, MAX_MTICKS);
	page = (uint32_t)cmdline_int(cmdline, "sipi_page", 0x8);
	if (page > 0xff)
		return BENCH_EXIT_BAD_ARGS;
	if (!start_ap(page)) {
		printf("bench: idle vCPU 1 did not come up\n");
		return EXIT_NO_AP;
	}

	t0 = rdtsc();
	delay((uint64_t)mticks << 20);
	ticks = rdtsc() - t0;
	printf("bench: idle ticks=0x%016llx aps=%u\n", ticks, reported);
	printf("bench: done\n");
	return BENCH_EXIT_OK;
}
