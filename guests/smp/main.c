/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp: bring up the other vCPUs the way firmware does on real hardware,
 * with INIT and two SIPIs from the BSP's xAPIC, and have each report in.
 *
 * Command line: cpus=N (default 2, the BSP included), sipi_page=0xNN
 * (default 0x8, i.e. the trampoline at 0x8000; 0 is allowed).
 * Exit codes: 0 all up, 3 some missing, 4 bad command line, 0x7f bad boot.
 */
#include "guests/lib/runtime.h"
#include "guests/smp/smp.h"

#define LAPIC_BASE	0xfee00000u
#define LAPIC_ID	0x020
#define LAPIC_ICR_LO	0x300
#define LAPIC_ICR_HI	0x310
#define ICR_INIT	0x00004500u	/* INIT, level assert */
#define ICR_STARTUP	0x00004600u	/* SIPI, vector = page */
#define ICR_BUSY	(1u << 12)	/* delivery status: send pending */

/* TSC cycles; generous for any clock up to a few GHz. */
#define INIT_DELAY_CYCLES	40000000ull	/* >= 10 ms */
#define SIPI_DELAY_CYCLES	1000000ull	/* >= 200 us */
#define WAIT_ALL_CYCLES		8000000000ull	/* a few seconds */
#define WAIT_ALL_SPINS		(1u << 30)	/* without a TSC */
#define ICR_SPIN_LIMIT		1000000u

#define EXIT_MISSING	3
#define EXIT_BAD_ARGS	4

static struct spinlock print_lock;
static volatile uint32_t reported;
static bool have_tsc;

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(LAPIC_BASE + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(LAPIC_BASE + reg, v);
}

static uint32_t lapic_id(void)
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

static void locked_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void locked_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spin_lock(&print_lock);
	vprintf(fmt, ap);
	spin_unlock(&print_lock);
	va_end(ap);
}

void ap_main(void)
{
	uint32_t id = lapic_id();

	spin_lock(&print_lock);
	printf("vCPU with APIC ID %u reporting\n", id);
	atomic_inc_return(&reported);
	spin_unlock(&print_lock);
	halt_forever();
}

static void start_ap(uint32_t id, uint32_t page)
{
	if (!send_ipi(id, ICR_INIT))
		locked_printf("INIT to APIC ID %u stuck pending\n", id);
	delay_cycles(INIT_DELAY_CYCLES);
	for (int i = 0; i < 2; i++) {
		if (!send_ipi(id, ICR_STARTUP | page))
			locked_printf("SIPI to APIC ID %u stuck pending\n",
				      id);
		delay_cycles(SIPI_DELAY_CYCLES);
	}
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	uint32_t tramp_size = (uint32_t)(tramp_end - tramp_start);
	uint32_t gdt_off = (uint32_t)(tramp_gdt - tramp_start);
	uint32_t base_off = (uint32_t)(tramp_gdtr_base - tramp_start);
	const char *cmdline;
	uint32_t self, id, started, got;
	long cpus, page;
	uint8_t *tramp;
	uint64_t start;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	/* Read all of the info now: the loader may have put it anywhere
	 * below 1 MiB, including the page the trampoline goes to. */
	cmdline = mb_cmdline(mbi);
	cpus = cmdline_int(cmdline, "cpus", 2);
	page = cmdline_int(cmdline, "sipi_page", 0x8);
	have_tsc = cpuid(1, 0).edx & (1u << 4);

	self = lapic_id();
	printf("BSP has LAPIC ID %u\n", self);
	if (cpus < 1 || cpus > SMP_MAX_CPUS || page < 0 || page > 0xff) {
		printf("bad cpus=%d (1..%d) or sipi_page=0x%x (0..0xff)\n",
		       (int)cpus, SMP_MAX_CPUS, (unsigned int)page);
		return EXIT_BAD_ARGS;
	}

	/* Address 0 is a valid target: keep the optimiser from assuming
	 * otherwise. The page holds nothing but the trampoline. */
	tramp = launder_ptr((void *)((uintptr_t)page << 12));
	memcpy(tramp, tramp_start, tramp_size);
	*(volatile uint32_t *)(tramp + base_off) =
		((uint32_t)page << 12) + gdt_off;
	printf("trampoline (%u bytes) at 0x%05x, starting %d APs\n",
	       tramp_size, (uint32_t)page << 12, (int)cpus - 1);

	/* APIC IDs 0..N-1 minus our own: 1..N-1 when the BSP is 0. */
	started = 0;
	for (id = 0; started < (uint32_t)cpus - 1 && id < 255; id++) {
		if (id == self)
			continue;
		start_ap(id, (uint32_t)page);
		started++;
	}

	start = have_tsc ? rdtsc() : 0;
	for (uint32_t spins = 0; reported < started; spins++) {
		if (have_tsc ? rdtsc() - start > WAIT_ALL_CYCLES :
		    spins > WAIT_ALL_SPINS)
			break;
		cpu_relax();
	}

	got = reported + 1;
	if (got == (uint32_t)cpus) {
		locked_printf("all %u vCPUs up\n", got);
		return 0;
	}
	locked_printf("only %u of %d vCPUs came up\n", got, (int)cpus);
	return EXIT_MISSING;
}
