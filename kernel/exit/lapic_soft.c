/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The local APIC of a vCPU on a core shared in time: wholly software
 * (drivers/emul/vlapic_soft.c), since the core's LAPIC runs the
 * scheduler's timer. Interrupts sent to the vCPU are requested in its IRR
 * from any CPU and injected before an entry; while its partition is
 * outside its window they wait there, and its next window delivers them,
 * highest priority first. Its timer counts on the TSC; kernel/sched.c
 * arms the core's timer for whichever comes first, the timer's expiry or
 * the window's end.
 */
#include "kernel/exit/lapic_soft.h"
#include "arch/x86/asm.h"
#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/partition.h"
#include "kernel/sched.h"
#include "lib/spinlock.h"

static struct vlapic_soft *soft(struct vcpu *v)
{
	return &v->timeshare->lapic;
}

void lapic_soft_reset(struct vcpu *v)
{
	v->timeshare->irq_offered = -1;
	vlapic_reset(&v->lapic, v->index);
	vlapic_soft_reset(soft(v), &v->lapic, tsc_hz, lapic_timer_hz);
}

uint32_t lapic_soft_read(struct vcpu *v, uint32_t offset)
{
	return vlapic_soft_read(soft(v), offset, rdtsc());
}

void lapic_soft_write(struct vcpu *v, uint32_t offset, uint32_t value)
{
	struct partition *p = v->part;
	struct vlapic_ipi ipi;
	bool level = false;
	int eoi = -1;

	if (vlapic_soft_write(soft(v), offset, value, rdtsc(), &ipi, &eoi,
			      &level))
		lapic_emul_deliver_ipi(v, &ipi);
	/* A level-triggered interrupt's EOI reaches its I/O APIC (11.8.5). */
	if (eoi < 0 || !level)
		return;
	spin_lock(&p->lock);
	vioapic_eoi(&p->ioapic, (uint8_t)eoi, lapic_emul_deliver_irq, p);
	spin_unlock(&p->lock);
}

void lapic_soft_set_deadline(struct vcpu *v, uint64_t deadline)
{
	vlapic_soft_set_deadline(soft(v), deadline);
}

uint64_t lapic_soft_get_deadline(struct vcpu *v)
{
	vlapic_soft_tick(soft(v), rdtsc());
	return vlapic_soft_get_deadline(soft(v));
}

/*
 * The request is stored before in_guest is read, and the owner stores
 * in_guest before it injects (vcpu_step), so either the owner's injection
 * sees the request or the poster sees the owner in guest code and kicks
 * it (the same order as the other requests: kernel/vcpu.h). A kick that
 * lands just before the entry only delays the interrupt to the next exit,
 * at the latest the window's end.
 */
void lapic_soft_post(struct vcpu *from, struct vcpu *t, uint8_t vector,
		     bool level)
{
	vlapic_soft_post(soft(t), vector, level);
	if (t != from && __atomic_load_n(&t->in_guest, __ATOMIC_SEQ_CST))
		lapic_send_nmi(t->phys_apic_id);
}

uint64_t lapic_soft_tick(struct vcpu *v)
{
	return vlapic_soft_tick(soft(v), rdtsc());
}

void lapic_soft_inject(struct vcpu *v)
{
	int vector = vlapic_soft_pending(soft(v));

	v->timeshare->irq_offered = vector >= 0 &&
		virt()->inject_irq(v, (uint8_t)vector) ? vector : -1;
}

/*
 * Before the exit is handled (an EOI may be the exit): what the guest
 * took is in service from then on; what it did not take stays requested.
 */
void lapic_soft_after_run(struct vcpu *v)
{
	int vector = v->timeshare->irq_offered;

	v->timeshare->irq_offered = -1;
	if (vector >= 0 && virt()->irq_taken(v))
		vlapic_soft_ack(soft(v), (uint8_t)vector);
}
