/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smp: bring up the other vCPUs the way firmware does on real hardware,
 * with INIT and two SIPIs from the BSP's xAPIC, and have each report in.
 *
 * Command line: cpus=N (default 2, the BSP included), sipi_page=0xNN
 * (default 0x8, i.e. the trampoline at 0x8000; 0 is allowed), nmi=1 (then
 * the NMI checks of nmi.c, with the first AP).
 * Exit codes: 0 all up, 3 some missing, 4 bad command line, 5 NMI checks
 * failed, 0x7f bad boot.
 */
#include "guests/lib/runtime.h"
#include "guests/smp/ap_start.h"
#include "guests/smp/nmi.h"
#include "guests/smp/smp.h"

#define EXIT_MISSING	3
#define EXIT_BAD_ARGS	4
#define EXIT_NMI	5

static struct spinlock print_lock;
static volatile uint32_t reported;
static volatile bool nmi_mode;
static volatile uint32_t first_ap = ~0u;

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
	uint32_t id = ap_lapic_id();

	if (nmi_mode)
		nmi_setup_cpu();
	spin_lock(&print_lock);
	if (first_ap == ~0u)
		first_ap = id;
	printf("vCPU with APIC ID %u reporting\n", id);
	atomic_inc_return(&reported);
	spin_unlock(&print_lock);
	halt_forever();
}

static void start_ap(uint32_t id, uint32_t page)
{
	const char *stuck = ap_start(id, page);

	if (stuck)
		locked_printf("%s to APIC ID %u stuck pending\n", stuck, id);
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	uint32_t self, id, started, got, tramp_size;
	long cpus, page;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	/* Read all of the info now: the loader may have put it anywhere
	 * below 1 MiB, including the page the trampoline goes to. */
	cmdline = mb_cmdline(mbi);
	cpus = cmdline_int(cmdline, "cpus", 2);
	page = cmdline_int(cmdline, "sipi_page", 0x8);
	nmi_mode = cmdline_int(cmdline, "nmi", 0);
	if (nmi_mode)
		nmi_setup_cpu();

	self = ap_lapic_id();
	printf("BSP has LAPIC ID %u\n", self);
	if (cpus < 1 || cpus > SMP_MAX_CPUS || page < 0 || page > 0xff) {
		printf("bad cpus=%d (1..%d) or sipi_page=0x%x (0..0xff)\n",
		       (int)cpus, SMP_MAX_CPUS, (unsigned int)page);
		return EXIT_BAD_ARGS;
	}

	tramp_size = ap_install_trampoline((uint32_t)page);
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
	ap_wait(&reported, started);

	got = reported + 1;
	if (got == (uint32_t)cpus) {
		locked_printf("all %u vCPUs up\n", got);
		if (nmi_mode && got > 1 && !nmi_test(self, first_ap))
			return EXIT_NMI;
		return 0;
	}
	locked_printf("only %u of %d vCPUs came up\n", got, (int)cpus);
	return EXIT_MISSING;
}
