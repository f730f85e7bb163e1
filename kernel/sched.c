/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time partitions: a core several partitions share runs them in the fixed
 * windows of its cyclic table. The core's LAPIC timer is the hypervisor's:
 * it is armed for the current window's end before every entry, and the
 * back end makes its interrupt exit whatever the guest does (virt_ops
 * vcpu_share). At a boundary the outgoing vCPU's registers that no
 * control structure holds (x87/SSE/AVX, XCR0, DR0-3, the performance
 * counters, TSC_AUX) are saved and the incoming one's loaded. Cores owned
 * by one partition never come here and keep their exitless path.
 */
#include "kernel/sched.h"
#include "arch/x86/asm.h"
#include "arch/x86/exception.h"
#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"
#include "kernel/console.h"
#include "kernel/console_out.h"
#include "kernel/exit/lapic_soft.h"
#include "kernel/exit/msr_emul.h"
#include "kernel/log.h"
#include "kernel/msi_post.h"
#include "kernel/partition.h"
#include "kernel/passthrough.h"
#include "kernel/percpu.h"
#include "lib/errno.h"
#include "lib/scale.h"

/* Frame 0 starts this long after the go signal, on every shared core. */
#define SCHED_START_DELAY_US	10000
#define US_PER_S		1000000ULL
/*
 * Window starts are measured from this frame on: the first ones overlap
 * the partitions' start, and under QEMU's -icount the boot CPU's log
 * output then delays the other vCPUs by milliseconds.
 */
#define SCHED_SETTLE_FRAMES	25

extern const char irq_timer_entry[], irq_spurious_entry[];

static struct core_sched cores[CONFIG_MAX_SCHEDULES];
static unsigned int core_count;
static struct sched_vcpu saved[MAX_CPUS];
static unsigned int saved_used;

static struct vcpu *vcpu_on(const struct partition *p, unsigned int cpu)
{
	for (unsigned int i = 0; i < p->vcpu_count; i++)
		if (p->vcpus[i]->cpu == cpu)
			return p->vcpus[i];
	return NULL;
}

static int share_vcpu(struct core_sched *s, struct vcpu *v)
{
	struct sched_vcpu *sv;
	int err;

	if (saved_used == MAX_CPUS)
		return -ENOSPC;
	sv = &saved[saved_used++];
	err = ext_state_init(&sv->ext);
	if (!err)
		err = virt()->vcpu_share(v);
	if (err)
		return err;
	sv->msr_count = msr_emul_core_msrs(v, sv->msr, SCHED_CORE_MSRS_MAX);
	v->timeshare = sv;
	lapic_soft_reset(v);
	s->vcpus[s->vcpu_count++] = v;
	return 0;
}

static int create_core(const struct schedule_config *cfg)
{
	struct vcpu *vcpu_of[CONFIG_MAX_PARTITIONS] = { 0 };
	struct core_sched *s = &cores[core_count];
	int err = 0;

	for (unsigned int i = 0; i < partition_count; i++)
		vcpu_of[i] = vcpu_on(&partitions[i], cfg->cpu);
	sched_build(s, cfg, tsc_hz, vcpu_of);
	for (unsigned int i = 0; !err && i < partition_count; i++) {
		if (vcpu_of[i])
			err = share_vcpu(s, vcpu_of[i]);
	}
	if (err)
		return err;
	cpu_data[cfg->cpu].sched = s;
	core_count++;
	return 0;
}

int sched_create(const struct config *cfg)
{
	if (!cfg->schedule_count)
		return 0;
	if (!virt()->vcpu_share) {
		pr_err("[schedule cpu%u]: cores shared in time are not supported on %s: give each partition its own CPUs",
		       cfg->schedules[0].cpu, virt()->name);
		return -ENOSYS;
	}
	ext_state_setup();
	idt_set_interrupt(SCHED_TIMER_VECTOR, irq_timer_entry);
	idt_set_interrupt(SCHED_SPURIOUS_VECTOR, irq_spurious_entry);
	msi_post_init();
	for (unsigned int i = 0; i < cfg->schedule_count; i++) {
		int err = create_core(&cfg->schedules[i]);

		if (err)
			return err;
	}
	return 0;
}

void sched_start(void)
{
	uint64_t epoch = tsc_deadline_us(SCHED_START_DELAY_US);

	for (unsigned int i = 0; i < core_count; i++) {
		char frame[24];

		cores[i].epoch = epoch;
		config_format_duration(cores[i].cfg->major_frame_ns, frame,
				       sizeof(frame));
		pr_info("schedule cpu%u: %u windows in a %s frame (%llu TSC ticks) from TSC %#llx",
			cores[i].cfg->cpu, cores[i].count, frame,
			(unsigned long long)cores[i].frame,
			(unsigned long long)epoch);
	}
}

static void save_vcpu(struct vcpu *v)
{
	struct sched_vcpu *sv = v->timeshare;

	ext_state_save(&sv->ext);
	for (unsigned int i = 0; i < sv->msr_count; i++)
		sv->value[i] = rdmsr(sv->msr[i]);
}

static void load_vcpu(struct vcpu *v)
{
	struct sched_vcpu *sv = v->timeshare;

	ext_state_load(&sv->ext);
	for (unsigned int i = 0; i < sv->msr_count; i++)
		wrmsr(sv->msr[i], sv->value[i]);
}

static void note_start(struct core_sched *s, uint64_t late)
{
	uint64_t us = scale_rate(late, tsc_hz, US_PER_S);

	s->starts++;
	if (late > s->late_max_ticks)
		s->late_max_ticks = late;
	s->late_us[us < SCHED_LATE_BUCKETS ? us : SCHED_LATE_BUCKETS - 1]++;
}

/* Stops asked of the core's other vCPUs are served at once, not later. */
static void serve_others(struct core_sched *s, struct vcpu *running)
{
	for (unsigned int i = 0; i < s->vcpu_count; i++)
		if (s->vcpus[i] != running)
			vcpu_serve_stop(s->vcpus[i]);
}

/*
 * Counts the exit that just ended if it posted a device's interrupt for
 * another vCPU of the core: what a storm takes from the one running.
 */
static void note_away_exit(struct core_sched *s)
{
	if (!s->away_in_exit)
		return;
	s->away_in_exit = false;
	s->away_exits++;
	if (++s->away_window > s->away_window_max)
		s->away_window_max = s->away_window;
}

/*
 * Until the window's end: the timer is armed again before every entry,
 * so an early expiry or an interrupt taken for an older one never lets
 * the guest run past the end. It is armed for the vCPU's own timer
 * instead when that expires first, whose interrupt is then injected.
 */
static void run_window(struct core_sched *s, struct vcpu *v, uint64_t end)
{
	while (rdtsc() < end) {
		uint64_t exit_by = end, timer;

		serve_others(s, v);
		console_out_poll();
		if (!v) {
			console_input_service(false);
			cpu_relax();
			continue;
		}
		timer = lapic_soft_tick(v);
		if (timer && timer < exit_by)
			exit_by = timer;
		if (virt()->set_window_end)
			virt()->set_window_end(v, exit_by);
		else
			lapic_timer_fire_at(exit_by);
		/* Masks asked for by the last exit; v's sources unmasked. */
		passthrough_post_sync(s, v);
		vcpu_step(v);
		note_away_exit(s);
	}
}

void sched_loop(struct core_sched *s)
{
	struct vcpu *loaded = NULL;	/* whose state the registers hold */

	lapic_timer_own(SCHED_TIMER_VECTOR, SCHED_SPURIOUS_VECTOR);
	for (;;) {
		struct sched_slot slot;
		uint64_t now = rdtsc();
		struct vcpu *v;

		sched_slot_at(s, now, &slot);
		v = slot.w->v;

		if (v && __atomic_exchange_n(&v->timeshare->restart_pending,
					     false, __ATOMIC_SEQ_CST))
			partition_restart_deferred(v->part);
		if (v) {
			if (slot.start >= s->epoch + SCHED_SETTLE_FRAMES *
						     s->frame)
				note_start(s, now - slot.start);
			if (v != loaded) {
				if (loaded)
					save_vcpu(loaded);
				if (virt()->vcpu_switch)
					virt()->vcpu_switch(v);
				load_vcpu(v);
				loaded = v;
				s->switches++;

			}
		}
		s->running = v;
		s->away_window = 0;
		run_window(s, v, slot.end);
	}
}

void sched_report(void)
{
	for (unsigned int i = 0; i < core_count; i++) {
		const struct core_sched *s = &cores[i];

		pr_info("schedule cpu%u: %llu windows entered from frame %u on, %llu switches, start late by median %llu us, at most %llu us",
			s->cfg->cpu, (unsigned long long)s->starts,
			SCHED_SETTLE_FRAMES,
			(unsigned long long)s->switches,
			(unsigned long long)sched_late_median_us(s),
			(unsigned long long)scale_rate(s->late_max_ticks,
						       tsc_hz, US_PER_S));
		if (s->posted)
			pr_info("schedule cpu%u: %llu device interrupts posted to its vCPUs, %llu while another partition ran, in %llu of its exits (at most %llu in one window), %llu sources masked",
				s->cfg->cpu, (unsigned long long)s->posted,
				(unsigned long long)s->posted_away,
				(unsigned long long)s->away_exits,
				(unsigned long long)s->away_window_max,
				(unsigned long long)s->posts.masks);
	}
	if (core_count && console_out_dropped())
		pr_warn("console: %u bytes from shared cores dropped: the serial line could not keep up with their partitions' output",
			console_out_dropped());
}
