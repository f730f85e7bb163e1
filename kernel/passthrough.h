/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PASSTHROUGH_H
#define KERNEL_PASSTHROUGH_H

#include "arch/x86/host_mm.h"
#include "arch/x86/irq_quiesce.h"
#include "boot/boot_info.h"

struct partition;

/*
 * At takeover, before any partition runs: every PCI function no partition
 * owns stops bus mastering (firmware leaves it on), then the IOMMU the
 * firmware describes starts with every requester blocked.
 */
void passthrough_takeover(struct boot_info *info);
/* Assigned BARs above the identity map, for the hypervisor's own map. */
void passthrough_high_bars(const struct pci_inventory *inv,
			   struct host_mm_layout *layout);
/* A partition's devices: config space, BARs in stage 2, IOMMU domain. */
int passthrough_create(struct partition *p);
/* Before its RAM is cleared or reused: no DMA, no interrupts, FLR. */
void passthrough_quiesce(struct partition *p);
/*
 * The guest of p acknowledged `vector` at its LAPIC: the I/O APIC pins of
 * its INTx lines delivering that vector are re-armed.
 */
void passthrough_intx_eoi(struct partition *p, uint8_t vector);
/* How the console's I/O APIC entry must look: NULL without an IOMMU. */
irq_remap_fn passthrough_nmi_remap(void);
/* Logs (with the owning partition) whatever the IOMMU recorded. */
void passthrough_poll_faults(void);
/*
 * A core shared in time, between an exit and the entry of `running`
 * (NULL: none): the devices' MSI sources that exited a neighbour masked
 * at the IOMMU, running's own unmasked (kernel/msi_post.h).
 */
struct core_sched;
void passthrough_post_sync(struct core_sched *s, const struct vcpu *running);

#endif
