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
#include "guests/smp/ap_start.h"
#include "guests/smp/smp.h"

#define MAX_MTICKS	100000
#define EXIT_NO_AP	3

static volatile uint32_t reported;

static void delay(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		cpu_relax();
}

/* The idle vCPU: no timer, no interrupts; only the end of the run. */
void ap_main(void)
{
	atomic_inc_return(&reported);
	halt_forever();
}

static bool start_ap(uint32_t page)
{
	uint32_t id = ap_lapic_id() ? 0 : 1;

	ap_install_trampoline(page);
	ap_start(id, page);
	return ap_wait(&reported, 1);
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
