/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The local APIC a vCPU sees: its own core's physical LAPIC, seen through a
 * filter. Priorities, EOI and the request/service state are the hardware's,
 * so interrupts reach the guest with no exit. Identity, logical
 * destination and the LVTs other than the timer are virtual; IPIs go only
 * to the partition's own cores, translated to their physical APIC IDs. The
 * TSC-deadline timer is emulated on the core's one-shot timer, because not
 * every CPU (nor QEMU's TCG) has one. A vCPU on a core shared in time has
 * a software LAPIC instead (kernel/exit/lapic_soft.c).
 */
#include "kernel/exit/lapic_emul.h"
#include "kernel/exit/lapic_soft.h"
#include "arch/x86/asm.h"
#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"
#include "kernel/log.h"
#include "kernel/partition.h"
#include "kernel/passthrough.h"

#define SVR_SPURIOUS_RESET	0xffU

/* Sets a request flag of t, kicking t out of its guest to serve it. */
static void request(struct vcpu *from, struct vcpu *t, volatile bool *flag)
{
	__atomic_store_n(flag, true, __ATOMIC_SEQ_CST);
	if (t != from && t->in_guest)
		lapic_send_nmi(t->phys_apic_id);
}

static void send_to_vcpu(struct partition *p, struct vcpu *from,
			 struct vcpu *t, const struct vlapic_ipi *ipi)
{
	switch (ipi->kind) {
	case VLAPIC_IPI_FIXED:
		/* A shared core's LAPIC is the scheduler's: t's is software. */
		if (t->timeshare)
			lapic_soft_post(from, t, ipi->vector, ipi->level);
		else
			lapic_send_fixed(t->phys_apic_id, ipi->vector);
		break;
	case VLAPIC_IPI_INIT:
		request(from, t, &t->init_request);
		break;
	case VLAPIC_IPI_NMI:
		/* Virtual: a physical NMI would be taken for a kick. */
		request(from, t, &t->nmi_pending);
		break;
	case VLAPIC_IPI_STARTUP:
		if (t->state != VCPU_WAIT_SIPI)
			break;
		t->sipi_vector = ipi->vector;
		__atomic_store_n(&t->sipi_pending, true, __ATOMIC_SEQ_CST);
		break;
	default:
		pr_debug("partition %s: IPI of kind %d dropped", p->cfg->name,
			 ipi->kind);
		break;
	}
}

/* Sends to the vCPUs of p that `ipi` addresses; sender_id for shorthands. */
static void deliver(struct partition *p, struct vcpu *from, uint32_t sender_id,
		    const struct vlapic_ipi *ipi, bool first_only)
{
	bool reached = false;

	for (unsigned int i = 0; i < p->vcpu_count; i++) {
		struct vcpu *t = p->vcpus[i];

		if (!vlapic_ipi_targets(ipi, sender_id, &t->lapic))
			continue;
		reached = true;
		send_to_vcpu(p, from, t, ipi);
		if (first_only)
			break;
	}
	if (!reached)
		pr_debug("partition %s: interrupt to APIC ID %u reaches no vCPU",
			 p->cfg->name, ipi->dest_id);
}

void lapic_emul_deliver_ipi(struct vcpu *from, const struct vlapic_ipi *ipi)
{
	deliver(from->part, from, from->lapic.id, ipi, false);
}

void lapic_emul_deliver_irq(void *partition, const struct vioapic_irq *irq)
{
	struct partition *p = partition;
	struct vlapic_ipi ipi = {
		.kind = VLAPIC_IPI_FIXED,
		.dest = VLAPIC_DEST_FIELD,
		.dest_id = irq->dest,
		.logical = irq->logical,
		.vector = irq->vector,
		.level = irq->level,
	};

	/* Emulated devices raise fixed or lowest-priority interrupts only. */
	if (irq->delivery_mode != VIOAPIC_FIXED &&
	    irq->delivery_mode != VIOAPIC_LOWEST)
		return;
	/* Lowest priority: any one target will do (SDM 10.6.2.4). */
	deliver(p, NULL, ~0U, &ipi, irq->delivery_mode == VIOAPIC_LOWEST);
}

/* A guest's value, through the filter, to its core's LAPIC (vlapic.h). */
static void hw_write(struct vcpu *v, uint32_t offset, uint32_t value)
{
	uint32_t hw;

	if (vlapic_hw_write(&v->lapic, offset, value, &hw))
		lapic_write(offset, hw);
}

static void write_lvt_timer(struct vcpu *v, uint32_t value)
{
	bool was_deadline = vlapic_timer_deadline_mode(&v->lapic);
	struct vlapic_ipi none;

	vlapic_write(&v->lapic, APIC_LVT_TIMER, value, &none);
	hw_write(v, APIC_LVT_TIMER, vlapic_read(&v->lapic, APIC_LVT_TIMER));
	if (was_deadline == vlapic_timer_deadline_mode(&v->lapic))
		return;
	/* A mode switch disarms the timer (SDM 11.5.4.1). */
	lapic_write(APIC_TIMER_INITIAL, 0);
	v->tsc_deadline = 0;
	lapic_write(APIC_TIMER_DIVIDE, vlapic_timer_deadline_mode(&v->lapic) ?
		    TIMER_DIVIDE_BY_1 : v->lapic.timer_divide);
}

uint32_t lapic_emul_read(struct vcpu *v, uint32_t offset)
{
	if (v->timeshare)
		return lapic_soft_read(v, offset);
	if (vlapic_reg_is_hw(offset))
		return lapic_read(offset);
	if (offset == APIC_TIMER_CURRENT)
		return vlapic_timer_deadline_mode(&v->lapic) ? 0 :
		       lapic_read(offset);
	return vlapic_read(&v->lapic, offset);
}

/* The vector an EOI acknowledges: the highest in service (SDM 11.8.5). */
static int highest_in_service(void)
{
	for (unsigned int i = APIC_ISR_REGS; i-- > 0;) {
		uint32_t isr = lapic_read(APIC_ISR0 + i * APIC_REG_STRIDE);

		for (int bit = 31; isr && bit >= 0; bit--)
			if (isr & (1U << bit))
				return (int)(i * 32) + bit;
	}
	return -1;
}

void lapic_emul_write(struct vcpu *v, uint32_t offset, uint32_t value)
{
	struct vlapic_ipi ipi;
	bool deadline = vlapic_timer_deadline_mode(&v->lapic);

	if (v->timeshare) {
		lapic_soft_write(v, offset, value);
		return;
	}
	if (vlapic_reg_is_hw(offset)) {
		int vector = offset == APIC_EOI &&
			     __atomic_load_n(&v->part->intx_routed,
					     __ATOMIC_RELAXED) ?
			     highest_in_service() : -1;

		hw_write(v, offset, value);
		if (vector >= 0)
			passthrough_intx_eoi(v->part, (uint8_t)vector);
		return;
	}
	switch (offset) {
	case APIC_LVT_TIMER:
		write_lvt_timer(v, value);
		return;
	case APIC_SVR:
		/* A software disable masks the timer LVT; the APIC stays on. */
		vlapic_write(&v->lapic, offset, value, &ipi);
		hw_write(v, offset, value);
		hw_write(v, APIC_LVT_TIMER,
			 vlapic_read(&v->lapic, APIC_LVT_TIMER));
		return;
	case APIC_TIMER_INITIAL:
	case APIC_TIMER_DIVIDE:
		vlapic_write(&v->lapic, offset, value, &ipi);
		/* In deadline mode the count is ours (SDM 11.5.4.1). */
		if (!deadline)
			hw_write(v, offset, value);
		return;
	default:
		if (vlapic_write(&v->lapic, offset, value, &ipi))
			lapic_emul_deliver_ipi(v, &ipi);
		return;
	}
}

void lapic_emul_set_deadline(struct vcpu *v, uint64_t deadline)
{
	if (v->timeshare) {
		lapic_soft_set_deadline(v, deadline);
		return;
	}
	v->tsc_deadline = deadline;
	if (!vlapic_timer_deadline_mode(&v->lapic))
		return;		/* ignored outside deadline mode */
	lapic_write(APIC_TIMER_INITIAL, deadline ?
		    vlapic_deadline_count(rdtsc(), deadline, tsc_hz,
					  lapic_timer_hz) : 0);
}

uint64_t lapic_emul_get_deadline(struct vcpu *v)
{
	if (v->timeshare)
		return lapic_soft_get_deadline(v);
	/* The MSR reads 0 once the timer has fired (SDM 11.5.4.1). */
	if (v->tsc_deadline && rdtsc() >= v->tsc_deadline)
		v->tsc_deadline = 0;
	return v->tsc_deadline;
}

static bool in_service(void)
{
	for (unsigned int i = 0; i < APIC_ISR_REGS; i++)
		if (lapic_read(APIC_ISR0 + i * APIC_REG_STRIDE))
			return true;
	return false;
}

void lapic_emul_reset(struct vcpu *v)
{
	v->tsc_deadline = 0;
	/* A shared core's LAPIC is the scheduler's: the guest never had it. */
	if (v->timeshare) {
		lapic_soft_reset(v);
		return;
	}
	vlapic_reset(&v->lapic, v->index);
	/* At most one EOI per vector can be owed. */
	for (unsigned int i = 0; i < APIC_VECTORS && in_service(); i++)
		lapic_write(APIC_EOI, 0);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_TIMER_INITIAL, 0);
	lapic_write(APIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_SVR, SVR_APIC_ENABLED | SVR_SPURIOUS_RESET);
}
