/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/percpu.h"
#include "arch/x86/asm.h"
#include "arch/x86/msr.h"

struct per_cpu cpu_data[MAX_CPUS];
unsigned int cpu_count;
bool percpu_ready;

void percpu_activate(struct per_cpu *cpu)
{
	cpu->self = cpu;
	wrmsr(MSR_GS_BASE, (uint64_t)cpu);
}
