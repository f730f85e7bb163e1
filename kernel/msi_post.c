/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devices' MSIs for vCPUs on cores shared in time. Such a core's LAPIC
 * is the hypervisor's, so a device may not send the guest's vector to
 * it: the IOMMU sends a posting vector instead (one per interrupt source
 * on that core, kernel/msi_post_table.c), which exits whichever guest
 * runs there. Its handler requests the guest's vector from the owner's
 * software LAPIC, which injects it now if the owner is the one running,
 * or at the start of its next window, with whatever else came meanwhile
 * in priority order.
 *
 * A message that exits another partition (its owner is out) also asks
 * for its source to be masked at the IOMMU, which the core does before
 * it enters a guest again, and undoes before the owner's next entry: a
 * device that sends without pause costs a neighbour at most two exits
 * per gap between its owner's windows (docs/architecture.md).
 */
#include "kernel/msi_post.h"
#include "arch/x86/irq_host.h"
#include "kernel/exit/lapic_soft.h"
#include "kernel/msi_post_table.h"
#include "kernel/partition.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "lib/errno.h"

_Static_assert(CONFIG_MAX_PARTITIONS <= MSI_POST_MASK_OWNERS,
	       "every vCPU of a core can have its sources masked");
_Static_assert(MSI_POST_END_VECTOR <= SCHED_TIMER_VECTOR &&
	       SCHED_TIMER_VECTOR < SCHED_SPURIOUS_VECTOR,
	       "posting vectors below the scheduler's timer and spurious vectors");

/* The vCPU's place on its core: the owner the table names. */
static int owner_of(const struct core_sched *s, const struct vcpu *v)
{
	for (unsigned int i = 0; i < s->vcpu_count; i++)
		if (s->vcpus[i] == v)
			return (int)i;
	return -1;
}

/*
 * On the owner's core, between an exit and the next entry (SVM at STGI,
 * VMX from the exit that acknowledged it): no vCPU of the core is in
 * guest code, so the owner needs no kick, and the request is injected
 * before the next entry of the owner, whenever that is. A message for
 * a vector freed since it was sent (its source moved) reaches the old
 * target, as on hardware; one for a stopped partition's is dropped.
 */
static void post_irq(uint8_t vector)
{
	struct core_sched *s = this_cpu()->sched;
	unsigned int owner;
	uint8_t guest_vector;
	struct vcpu *v;

	if (!s || !msi_post_table_lookup(&s->posts, vector, &owner,
					 &guest_vector) ||
	    owner >= s->vcpu_count)
		return;
	v = s->vcpus[owner];
	__atomic_fetch_add(&s->posted, 1, __ATOMIC_RELAXED);
	lapic_soft_post(v, v, guest_vector, false);
	if (v != s->running) {
		__atomic_fetch_add(&s->posted_away, 1, __ATOMIC_RELAXED);
		s->away_in_exit = true;
		msi_post_table_want_mask(&s->posts, vector);
	}
}

/* The owner `v` is on its core, or ~0U (none, or no vCPU of the core). */
static unsigned int running_owner(const struct core_sched *s,
				  const struct vcpu *v)
{
	int owner = v ? owner_of(s, v) : -1;

	return owner < 0 ? ~0U : (unsigned int)owner;
}

bool msi_post_sync_pending(const struct core_sched *s,
			   const struct vcpu *running)
{
	return msi_post_table_mask_pending(&s->posts, running_owner(s, running));
}

void msi_post_sync(struct core_sched *s, const struct vcpu *running,
		   msi_post_mask_fn mask)
{
	unsigned int owner = running_owner(s, running);
	uint32_t source;

	while (msi_post_table_next_mask(&s->posts, owner, &source))
		mask(source, true);
	while (msi_post_table_next_unmask(&s->posts, owner, &source))
		mask(source, false);
}

void msi_post_init(void)
{
	irq_host_range(MSI_POST_FIRST_VECTOR, MSI_POST_END_VECTOR, post_irq);
}

int msi_post_route(struct vcpu *v, uint32_t source, uint8_t guest_vector)
{
	struct core_sched *s = cpu_data[v->cpu].sched;
	int owner = s ? owner_of(s, v) : -1;

	if (owner < 0)
		return -EINVAL;
	return msi_post_table_set(&s->posts, source, (unsigned int)owner,
				  guest_vector);
}

void msi_post_unroute(uint32_t source, const struct vcpu *keep)
{
	for (unsigned int c = 0; c < cpu_count; c++) {
		struct core_sched *s = cpu_data[c].sched;

		if (s && !(keep && keep->cpu == c))
			msi_post_table_clear(&s->posts, source);
	}
}

void msi_post_release(const struct partition *p)
{
	for (unsigned int c = 0; c < cpu_count; c++) {
		struct core_sched *s = cpu_data[c].sched;

		for (unsigned int i = 0; s && i < s->vcpu_count; i++)
			if (s->vcpus[i]->part == p)
				msi_post_table_clear_owner(&s->posts, i);
	}
}
