/* SPDX-License-Identifier: BSD-2-Clause */
/* The loop each CPU that hosts a vCPU runs: enter, exit, handle, repeat. */
#include "kernel/vcpu.h"
#include "arch/x86/asm.h"
#include "arch/x86/guest_gprs.h"
#include "kernel/console.h"
#include "kernel/exit/exit.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/exit/lapic_soft.h"
#include "kernel/exit/msr_emul.h"
#include "kernel/partition.h"
#include "kernel/watchdog.h"

/* The vendor entry code addresses gprs[] with these offsets. */
_Static_assert(G_RAX == REG_RAX * 8 && G_RDI == REG_RDI * 8 &&
	       G_R15 == REG_R15 * 8, "guest_gprs.h and enum guest_reg differ");

static const char *const reason_names[EXIT_REASON_COUNT] = {
	[EXIT_CPUID] = "cpuid",
	[EXIT_IO] = "io",
	[EXIT_MSR_READ] = "rdmsr",
	[EXIT_MSR_WRITE] = "wrmsr",
	[EXIT_STAGE2_FAULT] = "stage2",
	[EXIT_HLT] = "hlt",
	[EXIT_HYPERCALL] = "hypercall",
	[EXIT_SHUTDOWN] = "shutdown",
	[EXIT_INVALID_STATE] = "invalid-state",
	[EXIT_KICK] = "kick",
	[EXIT_INTERRUPT] = "interrupt",
	[EXIT_VIRT_INSN] = "virt-insn",
	[EXIT_INVD] = "invd",
	[EXIT_HANDLED] = "arch",
	[EXIT_UNKNOWN] = "unknown",
};

const char *exit_reason_name(enum exit_reason reason)
{
	return reason < EXIT_REASON_COUNT ? reason_names[reason] : "?";
}

static bool take(volatile bool *flag)
{
	return __atomic_exchange_n(flag, false, __ATOMIC_SEQ_CST);
}

/* Requests from other CPUs, served whenever the vCPU is outside the guest. */
static void serve_requests(struct vcpu *v)
{
	if (__atomic_load_n(&v->stop_request, __ATOMIC_SEQ_CST)) {
		vcpu_serve_stop(v);	/* no timer left armed */
		return;
	}
	if (take(&v->lapic_reset)) {
		lapic_emul_reset(v);
		msr_emul_reset(v);
		take(&v->nmi_pending);
	}
	if (take(&v->reset_pending))
		virt()->vcpu_reset(v, &v->reset_entry);
	/* A SIPI that arrived while the vCPU ran is void: wait for a new one. */
	if (take(&v->init_request) && v->state == VCPU_RUNNABLE) {
		take(&v->sipi_pending);
		__atomic_store_n(&v->state, VCPU_WAIT_SIPI, __ATOMIC_SEQ_CST);
	}
	if (v->state == VCPU_WAIT_SIPI && take(&v->sipi_pending)) {
		struct vcpu_entry entry = {
			.mode = ENTRY_REAL_SIPI,
			.sipi_vector = v->sipi_vector,
		};

		virt()->vcpu_reset(v, &entry);
		__atomic_store_n(&v->state, VCPU_RUNNABLE, __ATOMIC_SEQ_CST);
	}
}

/*
 * The back end injects a pending guest NMI unless the guest blocks NMIs
 * (it handles one until its IRET); then the NMI stays pending and the back
 * end arranges an exit for when the guest can take it.
 */
static void deliver_nmi(struct vcpu *v)
{
	if (take(&v->nmi_pending) && !virt()->inject_nmi(v))
		__atomic_store_n(&v->nmi_pending, true, __ATOMIC_SEQ_CST);
}

void vcpu_serve_stop(struct vcpu *v)
{
	if (!__atomic_load_n(&v->stop_request, __ATOMIC_SEQ_CST))
		return;
	lapic_emul_reset(v);
	__atomic_store_n(&v->state, VCPU_STOPPED, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->stop_request, false, __ATOMIC_SEQ_CST);
}

void vcpu_step(struct vcpu *v)
{
	struct vm_exit exit;

	watchdog_serve(v);
	serve_requests(v);
	if (__atomic_load_n(&v->state, __ATOMIC_SEQ_CST) != VCPU_RUNNABLE) {
		console_input_service(false);
		watchdog_check();
		cpu_relax();
		return;
	}
	/* Made runnable with a new entry state: apply it first. */
	if (__atomic_load_n(&v->reset_pending, __ATOMIC_SEQ_CST))
		return;
	__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
	/* A stop asked for after the check above must not be missed. */
	if (__atomic_load_n(&v->stop_request, __ATOMIC_SEQ_CST) ||
	    watchdog_fired(v->part)) {
		__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
		return;
	}
	deliver_nmi(v);
	if (v->timeshare)
		lapic_soft_inject(v);
	virt()->vcpu_run(v, &exit);
	__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
	if (v->timeshare)
		lapic_soft_after_run(v);
	v->exits[exit.reason]++;
	exit_dispatch(v, &exit);
	watchdog_check();
	console_input_service(exit.reason == EXIT_KICK);
}

void vcpu_loop(struct vcpu *v)
{
	for (;;)
		vcpu_step(v);
}
