/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_IRQ_QUIESCE_H
#define ARCH_X86_IRQ_QUIESCE_H

#include <stdbool.h>
#include "drivers/acpi/acpi.h"

/*
 * Silences every interrupt source the firmware may have left armed, so
 * that no stray physical interrupt reaches a partition: the legacy PICs
 * and every I/O APIC input (once, boot CPU), and the calling CPU's local
 * APIC timer and LVT entries (every CPU).
 */
void irq_quiesce_platform(const struct madt_info *madt);
void irq_quiesce_local(void);
/*
 * Unmasks one I/O APIC input as an edge NMI to apic_id: how a device the
 * hypervisor serves (the console UART) interrupts a core that runs a
 * guest, since NMIs exit and other interrupts belong to the guest.
 * -ENOENT when no I/O APIC described by the MADT has that GSI.
 */
/*
 * With interrupt remapping on, the IOMMU decides what an I/O APIC entry
 * must hold: the redirection entry for (I/O APIC, pin) delivering an NMI
 * to apic_id, or a negative error.
 */
typedef int (*irq_remap_fn)(uint8_t ioapic_id, unsigned int pin,
			    uint32_t apic_id, uint64_t *rte);
int irq_route_nmi(unsigned int gsi, uint32_t apic_id, irq_remap_fn remap);

/*
 * A PCI INTx line through the physical I/O APIC (an IOMMU makes `rte`,
 * see iommu_ops.ioapic_irq). -ENOENT when no I/O APIC has the GSI.
 */
int irq_ioapic_of(unsigned int gsi, uint8_t *ioapic_id, unsigned int *pin);
/* Programs gsi unmasked, level-triggered, with the given polarity. */
int irq_route_level(unsigned int gsi, uint64_t rte, bool active_low);
void irq_mask_gsi(unsigned int gsi);
/*
 * Re-arms level-triggered gsi after its interrupt was handled: an EOI
 * naming its entry's vector field, which is to be unique on its I/O APIC.
 */
void irq_eoi_gsi(unsigned int gsi);

#endif
