/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PERCPU_H
#define KERNEL_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/gdt.h"
#include "lib/limits.h"

enum cpu_state {
	CPU_OFFLINE,
	CPU_STARTING,		/* SIPI sent, not reported yet */
	CPU_ONLINE,		/* running hypervisor code on its own stack */
	CPU_VIRT_ON,		/* VMX/SVM enabled */
	CPU_VIRT_FAILED,
	CPU_HALTED,		/* stopped after an exception */
};

struct vcpu;
struct core_sched;

struct per_cpu {
	struct per_cpu *self;	/* first: %gs:0 finds the structure */
	unsigned int index;	/* MADT order; 0 is the boot CPU */
	uint32_t apic_id;
	volatile int state;
	uint64_t stack_top;
	uint64_t virt_page;	/* VMXON region or SVM host save area */
	bool virt_enabled;
	const char *virt_error;
	struct vcpu *vcpu;	/* the vCPU pinned here, or none */
	struct core_sched *sched;	/* a core shared in time, or NULL */
	volatile bool nmi_seen;	/* an NMI reached hypervisor code */
	struct tss64 tss;
};

extern struct per_cpu cpu_data[MAX_CPUS];
extern unsigned int cpu_count;
extern bool percpu_ready;

/* Points %gs at this CPU's structure; call after gdt_load_cpu(). */
void percpu_activate(struct per_cpu *cpu);

static inline struct per_cpu *this_cpu(void)
{
	struct per_cpu *cpu;

	asm volatile("movq %%gs:0, %0" : "=r"(cpu));
	return cpu;
}

static inline unsigned int this_cpu_index(void)
{
	return percpu_ready ? this_cpu()->index : 0;
}

#endif
