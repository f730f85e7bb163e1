/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_VCPU_H
#define KERNEL_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/virt.h"
#include "drivers/emul/vlapic.h"

struct partition;

/* Guest registers in x86 encoding order, as instructions number them. */
enum guest_reg {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	GUEST_GPRS,
};

enum vcpu_state {
	VCPU_STOPPED,		/* partition not running */
	VCPU_WAIT_SIPI,		/* like an AP after INIT */
	VCPU_RUNNABLE,
};

struct vcpu {
	/* First: the vendor entry code saves guest registers here. */
	uint64_t gpr[GUEST_GPRS];
	struct partition *part;
	unsigned int index;	/* in the partition; also its APIC ID */
	unsigned int cpu;	/* physical CPU index it is pinned to */
	uint32_t phys_apic_id;
	volatile int state;
	volatile bool in_guest;	/* between entry and exit: NMI kicks it */
	volatile bool stop_request;
	volatile bool init_request;	/* a guest INIT IPI is waiting */
	volatile bool sipi_pending;
	volatile uint8_t sipi_vector;
	/*
	 * A (re)start asked for by another CPU: the vCPU's own CPU applies it,
	 * since a VMCS can only be written on the CPU it is loaded on.
	 */
	volatile bool reset_pending;
	/* Clean the core's LAPIC of the last run, on the core itself. */
	volatile bool lapic_reset;
	uint64_t tsc_deadline;	/* IA32_TSC_DEADLINE as the guest set it */
	struct vcpu_entry reset_entry;
	void *arch;		/* VMCB or VMCS state */
	struct vlapic lapic;
	uint64_t exits[EXIT_REASON_COUNT];
};

const char *exit_reason_name(enum exit_reason reason);
/* The per-CPU loop of a CPU that hosts a vCPU; never returns. */
void __attribute__((noreturn)) vcpu_loop(struct vcpu *v);

#endif
