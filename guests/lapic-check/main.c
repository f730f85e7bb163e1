/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lapic-check: the local APIC as a kernel uses it, checked from inside a
 * partition, in xAPIC MMIO at 0xFEE00000 (Intel SDM vol. 3A chapter 11).
 * One line per check:
 *
 *   lapic-check: PASS|FAIL <name>: <what was seen>
 *
 * then `lapic-check: N passed, M failed` and M as the exit code. Measured
 * figures have lines of their own ("lapic-check: held: ...", "... ipi:
 * ...", "... timer: ..."), for the scenarios to bound.
 *
 * Checks (checks=a,b,... picks some; all but ipi by default, ipi too
 * with cpus=2):
 *   priority  self-IPIs sent with IF=0 sit in IRR, arrive by priority
 *   isr       ISR and PPR in a handler; TPR 0x80 holds class 6, not 9
 *   nested    a higher class nests in a handler that sets IF, the same
 *             class waits for its EOI
 *   eoi       EOI clears the highest ISR bit
 *   timer     one-shot, periodic, masked
 *   deadline  TSC-deadline: once, not early, MSR 0 after; disarm; the
 *             initial count ignored
 *   held      deadlines every held_us= for held_ms=: none lost, none
 *             early (on a shared core, those expiring outside the
 *             partition's window arrive at the next one's start)
 *   ipi       cpus=2: vCPU 1 sends ipis= fixed IPIs to vCPU 0, one every
 *             ipi_us=, each waited for
 * Other keys: tsc_khz= (else measured on the ACPI PM timer), wait_ms=
 * (the longest any one wait may take, default 200), oneshot_us=,
 * period_us=, periods=, periodic_lossy=1 (periods missed while not
 * running may fold into one), deadline_us=.
 */
#include "guests/lapic-check/lapic.h"

#define EXIT_BAD_ARGS		0x7e
#define PM_TMR_PORT		0x608		/* docs/guest-interface.md */
#define PM_TMR_MASK		0xffffffu	/* ACPI 6.4 4.8.3.3: 24 bits */
#define PM_TMR_HZ		3579545u
#define PM_CALIBRATE_TICKS	35795u		/* 10 ms */
#define PM_TMR_ABSENT		0xffffffffu
/* 8259A: mask every line. A partition has none (reads all ones); run
 * bare, QEMU's firmware leaves its timer on vector 8 through LINT0. */
#define PIC1_DATA		0x21
#define PIC2_DATA		0xa1
#define PIC_ALL_MASKED		0xff

uint32_t tsc_khz;
uint64_t wait_ticks;
static uint32_t passed, failed;
static const char *checks;

uint64_t udiv64(uint64_t n, uint64_t d)
{
	uint64_t q = 0, r = 0;

	if (!d)
		return 0;
	for (int bit = 63; bit >= 0; bit--) {
		r = r << 1 | (n >> bit & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << bit;
		}
	}
	return q;
}

uint64_t us_to_ticks(uint64_t us)
{
	return udiv64(us * tsc_khz, 1000);
}

uint32_t ticks_to_us(uint64_t ticks)
{
	return (uint32_t)udiv64(ticks * 1000, tsc_khz);
}

void spin_ticks(uint64_t ticks)
{
	uint64_t start = rdtsc();

	while (rdtsc() - start < ticks)
		cpu_relax();
}

bool report(bool pass, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("lapic-check: %s %s: ", pass ? "PASS" : "FAIL", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (pass)
		passed++;
	else
		failed++;
	return pass;
}

/* The TSC over 10 ms of the ACPI PM timer, which runs on its own clock. */
static uint32_t tsc_khz_measured(void)
{
	uint32_t p0 = inl(PM_TMR_PORT), p;
	uint64_t t0 = rdtsc(), t1;

	if (p0 == PM_TMR_ABSENT)
		return 0;
	do {
		p = inl(PM_TMR_PORT);
		t1 = rdtsc();
	} while (((p - p0) & PM_TMR_MASK) < PM_CALIBRATE_TICKS);
	return (uint32_t)udiv64((t1 - t0) * PM_TMR_HZ,
				(uint64_t)((p - p0) & PM_TMR_MASK) * 1000);
}

/* Is `name` one of the comma separated words of checks= (or default)? */
static bool wanted(const char *name, bool by_default)
{
	size_t len = strlen(name);
	const char *p = checks;

	if (!p)
		return by_default;
	while (*p && *p != ' ' && *p != '\t') {
		if (!strncmp(p, name, len) &&
		    (p[len] == ',' || p[len] == ' ' || p[len] == '\t' ||
		     !p[len]))
			return true;
		while (*p && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		if (*p == ',')
			p++;
	}
	return false;
}

static void run_checks(const char *cmdline, long cpus)
{
	if (wanted("priority", true))
		check_priority();
	if (wanted("isr", true))
		check_isr_ppr_tpr();
	if (wanted("nested", true))
		check_nested();
	if (wanted("eoi", true))
		check_eoi();
	if (wanted("timer", true)) {
		check_timer_oneshot(cmdline_int(cmdline, "oneshot_us", 500));
		check_timer_periodic(cmdline_int(cmdline, "period_us", 500),
				     cmdline_int(cmdline, "periods", 10),
				     cmdline_int(cmdline, "periodic_lossy",
						 0));
		check_timer_masked(cmdline_int(cmdline, "oneshot_us", 500));
	}
	if (wanted("deadline", true))
		check_deadline(cmdline_int(cmdline, "deadline_us", 500));
	if (wanted("held", true))
		check_held(cmdline_int(cmdline, "held_ms", 20) * 1000,
			   cmdline_int(cmdline, "held_us", 300));
	if (wanted("ipi", cpus == 2))
		check_ipi(cmdline_int(cmdline, "ipis", 200),
			  cmdline_int(cmdline, "ipi_us", 250));
}

int main(uint32_t magic, const struct mb_info *mbi)
{
	const char *cmdline;
	long cpus;

	if (!mb_check(magic, mbi))
		return GUEST_EXIT_BAD_MAGIC;
	cmdline = mb_cmdline(mbi);
	checks = cmdline_find(cmdline, "checks");
	cpus = cmdline_int(cmdline, "cpus", 1);
	tsc_khz = cmdline_int(cmdline, "tsc_khz", 0);
	if (!tsc_khz)
		tsc_khz = tsc_khz_measured();
	if (!tsc_khz || cpus < 1 || cpus > 2) {
		printf("lapic-check: bad cpus=%d (1 or 2), or no TSC rate: "
		       "no PM timer at 0x%x, give tsc_khz=\n", (int)cpus,
		       PM_TMR_PORT);
		return EXIT_BAD_ARGS;
	}
	outb(PIC1_DATA, PIC_ALL_MASKED);
	outb(PIC2_DATA, PIC_ALL_MASKED);
	wait_ticks = us_to_ticks(cmdline_int(cmdline, "wait_ms", 200) * 1000);
	irq_setup_cpu();
	printf("lapic-check: timer: TSC %u kHz, LAPIC timer %u Hz at divide 1, "
	       "APIC ID %u\n", tsc_khz, timer_calibrate(),
	       lapic_read(LAPIC_ID) >> 24);
	run_checks(cmdline, cpus);
	printf("lapic-check: %u passed, %u failed\n", passed, failed);
	return (int)failed;
}
