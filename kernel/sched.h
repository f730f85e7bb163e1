/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdint.h>
#include "arch/x86/ext_state.h"
#include "config/config.h"
#include "drivers/emul/vlapic_soft.h"
#include "kernel/exit/msr_policy.h"
#include "kernel/msi_post_table.h"

struct vcpu;
struct partition;

/* The core's LAPIC timer: far above the vectors guests use on their own cores. */
#define SCHED_TIMER_VECTOR	0xef
#define SCHED_SPURIOUS_VECTOR	0xff

/*
 * Time partitions: the fixed cyclic schedule of a core that several
 * partitions share (config [schedule cpuN], docs/architecture.md "Time
 * partitions"). Every window is fixed on one timeline, shared by all
 * shared cores: window k of frame n runs from epoch + n * frame +
 * start_k to epoch + n * frame + end_k, whatever happened before it.
 */
struct sched_window {
	uint64_t start, end;	/* TSC ticks from the frame's start */
	struct vcpu *v;		/* NULL: idle */
};

/* Lateness of window starts, in microseconds, for the log. */
#define SCHED_LATE_BUCKETS	256

struct core_sched {
	const struct schedule_config *cfg;
	uint64_t frame;		/* TSC ticks */
	uint64_t epoch;		/* TSC at the start of frame 0 */
	unsigned int count;
	struct sched_window windows[CONFIG_MAX_WINDOWS + 1];	/* + tail */
	unsigned int vcpu_count;
	struct vcpu *vcpus[CONFIG_MAX_PARTITIONS];
	/* Devices' MSIs for its vCPUs (kernel/msi_post.c); owner: index. */
	struct msi_post_table posts;
	uint64_t posted;	/* ... requested by them so far */
	uint64_t posted_away;	/* ... of those while another vCPU ran */
	bool away_in_exit;	/* ... one of them in the current exit */
	uint64_t away_exits;	/* exits of a vCPU that posted for another */
	uint64_t away_window;	/* ... in the current window */
	uint64_t away_window_max;	/* ... the most in one window */
	struct vcpu *running;	/* the window's vCPU; NULL when idle */
	/* Measured on the core; read by the summary once all is stopped. */
	uint64_t starts;	/* windows of a partition entered */
	uint64_t switches;	/* ... with another vCPU's state before */
	uint64_t late_max_ticks;
	uint64_t late_us[SCHED_LATE_BUCKETS];	/* the last: that or more */
};

/* The window running at a TSC value, with its absolute bounds. */
struct sched_slot {
	const struct sched_window *w;
	uint64_t start, end;
};

/* Saved while the vCPU is out of its window (struct vcpu.timeshare). */
#define SCHED_CORE_MSRS_MAX	(MSR_PMU_RESET_MAX + 8)
struct sched_vcpu {
	struct ext_state ext;
	struct vlapic_soft lapic;	/* kernel/exit/lapic_soft.c */
	int irq_offered;	/* its vector offered at the last entry, or -1 */
	/* Its partition is to be reloaded when its next window starts. */
	volatile bool restart_pending;
	unsigned int msr_count;
	uint32_t msr[SCHED_CORE_MSRS_MAX];
	uint64_t value[SCHED_CORE_MSRS_MAX];
};

/*
 * The table in TSC ticks: each boundary scaled from its offset in the
 * frame, so rounding never adds up; the frame's rest is an idle window.
 * vcpu_of[i] is partition i's vCPU on this core.
 */
void sched_build(struct core_sched *s, const struct schedule_config *cfg,
		 uint64_t tsc_hz, struct vcpu *const *vcpu_of);
void sched_slot_at(const struct core_sched *s, uint64_t now,
		   struct sched_slot *slot);
/* The median of the lateness histogram, in microseconds. */
uint64_t sched_late_median_us(const struct core_sched *s);

/* Boot CPU: every shared core's table and its vCPUs' saved state. */
int sched_create(const struct config *cfg);
/* Refuses, with the reason logged, a partition a shared core cannot run. */
/* Boot CPU, just before the go signal: frame 0 starts shortly after. */
void sched_start(void);
/* The loop of a shared core; never returns. */
void __attribute__((noreturn)) sched_loop(struct core_sched *s);
/* A line per shared core: windows, switches, lateness. */
void sched_report(void);

#endif
