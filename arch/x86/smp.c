/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/smp.h"
#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"
#include "boot/ap_trampoline.h"
#include "lib/errno.h"
#include "kernel/percpu.h"
#include "lib/string.h"

/* Delays of the universal start-up algorithm (SDM vol. 3A 9.4.4.1). */
#define INIT_SETTLE_US		10000
#define SIPI_RETRY_US		200
#define AP_ANSWER_TIMEOUT_US	500000

void smp_install_trampoline(uint64_t page)
{
	memcpy((void *)(uintptr_t)page, ap_trampoline_start,
	       ap_trampoline_end - ap_trampoline_start);
}

static int wait_until_started(struct per_cpu *cpu, uint64_t us)
{
	uint64_t deadline = tsc_deadline_us(us);

	while (__atomic_load_n(&cpu->state, __ATOMIC_ACQUIRE) == CPU_STARTING) {
		if (tsc_passed(deadline))
			return -ETIMEDOUT;
		__builtin_ia32_pause();
	}
	return 0;
}

int smp_start_cpu(uint64_t page, uint64_t cr3, struct per_cpu *cpu,
		  ap_entry_fn entry)
{
	struct ap_trampoline_params *p =
		(void *)(uintptr_t)(page + AP_PARAMS_OFFSET);
	int err;

	p->cr3 = cr3;
	p->stack_top = cpu->stack_top;
	p->entry = (uint64_t)entry;
	p->arg = (uint64_t)cpu;
	__atomic_store_n(&cpu->state, CPU_STARTING, __ATOMIC_RELEASE);

	err = lapic_send_init(cpu->apic_id);
	if (err)
		return err;
	tsc_delay_us(INIT_SETTLE_US);
	err = lapic_send_startup(cpu->apic_id, page);
	if (err)
		return err;
	/* A running CPU ignores SIPIs: the second one only covers a lost first. */
	if (wait_until_started(cpu, SIPI_RETRY_US)) {
		err = lapic_send_startup(cpu->apic_id, page);
		if (err)
			return err;
	}
	err = wait_until_started(cpu, AP_ANSWER_TIMEOUT_US);
	/*
	 * A CPU that wakes up late would run with the next CPU's stack: park
	 * it in wait-for-SIPI again.
	 */
	if (err)
		lapic_send_init(cpu->apic_id);
	return err;
}
