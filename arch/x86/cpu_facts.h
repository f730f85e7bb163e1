/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_CPU_FACTS_H
#define ARCH_X86_CPU_FACTS_H

#include "arch/x86/cpu_check.h"

/* Reads CPUID and the virtualization MSRs of the calling CPU. */
void cpu_facts_read(struct cpu_facts *facts);

#endif
