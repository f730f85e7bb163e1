/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_MSI_POST_H
#define KERNEL_MSI_POST_H

#include <stdbool.h>
#include <stdint.h>

struct core_sched;
struct vcpu;
struct partition;

/*
 * Devices' MSIs for vCPUs on cores shared in time (docs/architecture.md,
 * "Time partitions"): the IOMMU sends each to the core as a posting
 * vector of the hypervisor's, whose handler requests the guest's vector
 * in the vCPU's software LAPIC (kernel/exit/lapic_soft.c), held there
 * until its window. A source is the caller's name for one interrupt of
 * one function (its requester ID and MSI/MSI-X index). The tables are
 * changed under the caller's lock (kernel/passthrough.c's IOMMU lock).
 */

/* Boot CPU, once the shared cores exist: their IDT entries. */
void msi_post_init(void);
/*
 * `source` reaches v (v->timeshare set) as `guest_vector`: returns the
 * posting vector to program at v's core, or -ENOSPC when every one of
 * the core's vectors is taken.
 */
int msi_post_route(struct vcpu *v, uint32_t source, uint8_t guest_vector);
/*
 * `source` posts nowhere but on keep's core (keep NULL: nowhere). Call it
 * once the IOMMU sends the source elsewhere, so no interrupt is lost.
 */
void msi_post_unroute(uint32_t source, const struct vcpu *keep);
/* p stops: every vector its vCPUs held is free again. */
void msi_post_release(const struct partition *p);

/*
 * The storm bound, on a shared core between an exit and the entry of
 * `running` (NULL: none): sources whose message exited a neighbour are
 * to be masked, and running's masked sources unmasked before it runs.
 * Cheap, without a lock: whether there is anything to do.
 */
bool msi_post_sync_pending(const struct core_sched *s,
			   const struct vcpu *running);
/* Masks or unmasks a source at the IOMMU, under the caller's lock. */
typedef void (*msi_post_mask_fn)(uint32_t source, bool masked);
/* Does it, under the caller's lock (the tables' writers' lock). */
void msi_post_sync(struct core_sched *s, const struct vcpu *running,
		   msi_post_mask_fn mask);

#endif
