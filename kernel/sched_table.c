/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The arithmetic of a shared core's cyclic table, apart from the hardware
 * so that it is unit-tested on the host (tests/unit/test_sched_table.c).
 */
#include "kernel/sched.h"
#include "lib/scale.h"
#include "lib/string.h"

#define NS_PER_S	1000000000ULL
#define US_PER_S	1000000ULL

void sched_build(struct core_sched *s, const struct schedule_config *cfg,
		 uint64_t tsc_hz, struct vcpu *const *vcpu_of)
{
	uint64_t ns = 0;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->frame = scale_rate(cfg->major_frame_ns, NS_PER_S, tsc_hz);
	for (unsigned int i = 0; i < cfg->window_count; i++) {
		const struct window_config *w = &cfg->windows[i];
		struct sched_window *out = &s->windows[s->count++];

		out->start = scale_rate(ns, NS_PER_S, tsc_hz);
		ns += w->ns;
		out->end = scale_rate(ns, NS_PER_S, tsc_hz);
		out->v = w->partition == CONFIG_WINDOW_IDLE ? NULL :
			 vcpu_of[w->partition];
	}
	if (ns < cfg->major_frame_ns) {
		struct sched_window *tail = &s->windows[s->count++];

		tail->start = scale_rate(ns, NS_PER_S, tsc_hz);
		tail->end = s->frame;
		tail->v = NULL;
	}
}

void sched_slot_at(const struct core_sched *s, uint64_t now,
		   struct sched_slot *slot)
{
	uint64_t since = now > s->epoch ? now - s->epoch : 0;
	uint64_t base = s->epoch + since / s->frame * s->frame;
	uint64_t offset = since % s->frame;
	unsigned int i = 0;

	/* Before the epoch: idle until frame 0 starts. */
	if (now < s->epoch) {
		static const struct sched_window before = { 0, 0, NULL };

		*slot = (struct sched_slot){ &before, now, s->epoch };
		return;
	}
	while (i + 1 < s->count && offset >= s->windows[i].end)
		i++;
	slot->w = &s->windows[i];
	slot->start = base + s->windows[i].start;
	slot->end = base + s->windows[i].end;
}

uint64_t sched_late_median_us(const struct core_sched *s)
{
	uint64_t total = 0, seen = 0;

	for (unsigned int i = 0; i < SCHED_LATE_BUCKETS; i++)
		total += s->late_us[i];
	for (unsigned int i = 0; i < SCHED_LATE_BUCKETS; i++) {
		seen += s->late_us[i];
		if (total && seen * 2 >= total)
			return i;
	}
	return 0;
}
