/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_LAPIC_EMUL_H
#define KERNEL_EXIT_LAPIC_EMUL_H

#include <stdint.h>
#include "drivers/emul/vioapic.h"
#include "kernel/vcpu.h"

struct partition;

/*
 * Guest accesses to its local APIC, on the vCPU's own core (the physical
 * LAPIC touched is the caller's).
 */
uint32_t lapic_emul_read(struct vcpu *v, uint32_t offset);
void lapic_emul_write(struct vcpu *v, uint32_t offset, uint32_t value);
/* IA32_TSC_DEADLINE, emulated on the core's one-shot timer. */
void lapic_emul_set_deadline(struct vcpu *v, uint64_t deadline);
uint64_t lapic_emul_get_deadline(struct vcpu *v);
/* Delivers to the vCPUs of the sender's partition, and to no other. */
void lapic_emul_deliver_ipi(struct vcpu *from, const struct vlapic_ipi *ipi);
/*
 * An emulated device's interrupt, as the partition's I/O APIC routed it:
 * a vioapic_deliver_fn whose context is the partition.
 */
void lapic_emul_deliver_irq(void *partition, const struct vioapic_irq *irq);
/* Power-on state, and nothing left in service or armed from before. */
void lapic_emul_reset(struct vcpu *v);

#endif
