/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Partition watchdogs. A guest that spins with interrupts off never exits,
 * so the partition's own cores cannot be relied on to notice: any CPU that
 * is outside guest code checks every deadline against the TSC (a CPU that
 * hosts no vCPU does nothing else, the others after each exit and while
 * their vCPU waits), and an overdue partition is kicked with NMIs, the
 * cross-CPU request protocol beside struct vcpu. Its own CPU then stops it
 * as a fault, so the restart (on_fault = restart) runs there too.
 * The physical PIT ticks as an NMI to the checking CPU, which sleeps in
 * between; when every CPU hosts a vCPU, to the first CPU of a watchdog
 * partition instead, so that a check comes even if no guest ever exits
 * (docs/architecture.md, Watchdogs).
 */
#include "kernel/watchdog.h"
#include "arch/x86/asm.h"
#include "arch/x86/irq_quiesce.h"
#include "arch/x86/lapic.h"
#include "arch/x86/pit.h"
#include "arch/x86/pit_regs.h"
#include "arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/partition.h"
#include "kernel/passthrough.h"
#include "kernel/percpu.h"
#include "kernel/watchdog_state.h"
#include "lib/scale.h"

#define MS_PER_S		1000
#define US_PER_S		1000000
/* How often the checking CPU looks without the PIT's NMIs. */
#define WATCHDOG_POLL_US	1000
/* How often an overdue partition is kicked again at most. */
#define WATCHDOG_KICK_US	1000
#define NO_CPU			(~0U)
/* The PIT's NMIs: a check at most one smallest watchdog period late. */
#define WATCHDOG_TICK_HZ	(1000 / CONFIG_WATCHDOG_MIN_MS)
/* How long the checking CPU waits for its first tick: ten ticks. */
#define TICK_WAIT_US		(10 * US_PER_S / WATCHDOG_TICK_HZ)

bool watchdog_in_use;
static unsigned int checker_cpu = NO_CPU;
static bool ticking;		/* the PIT's NMIs reach the checking CPU */

static unsigned int first_cpu_without_vcpu(void)
{
	for (unsigned int cpu = 0; cpu < cpu_count; cpu++)
		if (!cpu_data[cpu].vcpu)
			return cpu;
	return NO_CPU;
}

static const struct vcpu *first_watchdog_vcpu(void)
{
	for (unsigned int i = 0; i < partition_count; i++)
		if (partitions[i].cfg->watchdog_ms)
			return partitions[i].vcpus[0];
	return NULL;
}

/*
 * The PIT's ticks as NMIs to apic_id; false where no I/O APIC has them or
 * the PIT does not count.
 */
static bool start_ticks(uint32_t apic_id)
{
	pit_start_periodic(WATCHDOG_TICK_HZ);
	return pit_counting() &&
	       !irq_route_nmi(PIT_GSI, apic_id, passthrough_nmi_remap());
}

/* Every CPU hosts a vCPU: the PIT's NMIs make one of them exit. */
static void tick_a_vcpu(void)
{
	const struct vcpu *v = first_watchdog_vcpu();

	if (!start_ticks(v->phys_apic_id)) {
		pr_warn("watchdog: every CPU hosts a vCPU and the PIT does not count or no I/O APIC carries its interrupt, so deadlines are checked only after exits: leave one CPU out of the partitions to catch a partition that never exits");
		return;
	}
	pr_info("watchdog: every CPU hosts a vCPU: the PIT interrupts CPU %u with an NMI %u times a second to check the deadlines",
		v->cpu, WATCHDOG_TICK_HZ);
}

void watchdog_setup(void)
{
	for (unsigned int i = 0; i < partition_count; i++)
		if (partitions[i].cfg->watchdog_ms)
			watchdog_in_use = true;
	if (!watchdog_in_use)
		return;
	checker_cpu = first_cpu_without_vcpu();
	if (checker_cpu == NO_CPU) {
		tick_a_vcpu();
		return;
	}
	ticking = start_ticks(cpu_data[checker_cpu].apic_id);
	if (ticking)
		pr_info("watchdog: CPU %u checks the deadlines at each PIT tick (an NMI %u times a second), and every CPU after its exits",
			checker_cpu, WATCHDOG_TICK_HZ);
	else
		pr_info("watchdog: CPU %u checks the deadlines every millisecond, and every CPU after its exits",
			checker_cpu);
}

void watchdog_reset(struct partition *p)
{
	__atomic_store_n(&p->watchdog_word, WATCHDOG_UNARMED, __ATOMIC_SEQ_CST);
}

void watchdog_pet(struct partition *p)
{
	uint64_t period = scale_rate(p->cfg->watchdog_ms, MS_PER_S, tsc_hz);
	uint64_t word = __atomic_load_n(&p->watchdog_word, __ATOMIC_SEQ_CST);

	if (!p->cfg->watchdog_ms)
		return;
	/* A checker firing it meanwhile wins: the pet came too late. */
	while (word != WATCHDOG_FIRED &&
	       !__atomic_compare_exchange_n(&p->watchdog_word, &word,
					    watchdog_after_pet(word, rdtsc(),
							       period),
					    false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST))
		;
}

bool watchdog_fired(const struct partition *p)
{
	return __atomic_load_n(&p->watchdog_word, __ATOMIC_SEQ_CST) ==
	       WATCHDOG_FIRED;
}

/* NMIs to its vCPUs in guest code, at most every WATCHDOG_KICK_US. */
static void kick(struct partition *p)
{
	uint64_t now = rdtsc();
	uint64_t last = __atomic_load_n(&p->watchdog_kick_tsc,
					__ATOMIC_RELAXED);

	if (now - last < scale_rate(WATCHDOG_KICK_US, US_PER_S, tsc_hz) ||
	    !__atomic_compare_exchange_n(&p->watchdog_kick_tsc, &last, now,
					 false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return;
	for (unsigned int i = 0; i < p->vcpu_count; i++)
		if (__atomic_load_n(&p->vcpus[i]->in_guest, __ATOMIC_SEQ_CST))
			lapic_send_nmi(p->vcpus[i]->phys_apic_id);
}

/*
 * The word is read after the state: a restart disarms it before the
 * partition runs again, and the compare-exchange fails if a pet or a
 * restart changed it since, so a fresh boot is never fired by a stale look.
 */
static void check_one(struct partition *p)
{
	uint64_t word;

	if (!p->cfg->watchdog_ms ||
	    __atomic_load_n(&p->state, __ATOMIC_SEQ_CST) != PARTITION_RUNNING)
		return;
	word = __atomic_load_n(&p->watchdog_word, __ATOMIC_SEQ_CST);
	if (watchdog_overdue(word, rdtsc())) {
		if (!__atomic_compare_exchange_n(&p->watchdog_word, &word,
						 WATCHDOG_FIRED, false,
						 __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			return;
		word = WATCHDOG_FIRED;
	}
	if (word == WATCHDOG_FIRED)
		kick(p);
}

void watchdog_check_all(void)
{
	for (unsigned int i = 0; i < partition_count; i++)
		check_one(&partitions[i]);
}

void watchdog_serve(struct vcpu *v)
{
	struct partition *p = v->part;

	if (!watchdog_in_use || !watchdog_fired(p) ||
	    __atomic_load_n(&p->state, __ATOMIC_SEQ_CST) != PARTITION_RUNNING)
		return;
	partition_fault(p, v, "watchdog expired: not petted for %u ms",
			p->cfg->watchdog_ms);
}

bool watchdog_checks_here(unsigned int cpu)
{
	return watchdog_in_use && cpu == checker_cpu;
}

/*
 * Before sleeping between ticks, see one arrive: a tick that never comes
 * (a misrouted interrupt) must not leave the deadlines unchecked.
 */
static bool tick_seen(void)
{
	uint64_t deadline = tsc_deadline_us(TICK_WAIT_US);

	__atomic_store_n(&this_cpu()->nmi_seen, false, __ATOMIC_SEQ_CST);
	while (!tsc_passed(deadline))
		if (__atomic_load_n(&this_cpu()->nmi_seen, __ATOMIC_SEQ_CST))
			return true;
	pr_warn("watchdog: no PIT tick reached CPU %u in %u ms: it checks the deadlines every millisecond instead",
		this_cpu_index(), TICK_WAIT_US / 1000);
	return false;
}

void watchdog_watch_forever(void)
{
	if (ticking)
		ticking = tick_seen();
	for (;;) {
		watchdog_check_all();
		if (ticking)
			cpu_wait_for_nmi();
		else
			tsc_delay_us(WATCHDOG_POLL_US);
	}
}
