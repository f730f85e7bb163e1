/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_ASM_H
#define ARCH_X86_ASM_H

#include <stdint.h>
#include "arch/x86/cpu_regs.h"

/* Thin wrappers around privileged instructions: the only place they appear. */

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	asm volatile("wrmsr"
		     :
		     : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t value)
{
	asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t value)
{
	asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t value;

	asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

#define DEFINE_CR_ACCESSORS(n)						\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	asm volatile("mov %%cr" #n ", %0" : "=r"(v));			\
	return v;							\
}									\
static inline void write_cr##n(uint64_t v)				\
{									\
	asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");		\
}

DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)

/* DR0-DR3 by number; the register is part of the instruction. */
#define read_dr(n)							\
	({								\
		uint64_t v_;						\
		asm volatile("mov %%db" #n ", %0" : "=r"(v_));		\
		v_;							\
	})
#define write_dr(n, v)							\
	asm volatile("mov %0, %%db" #n : : "r"((uint64_t)(v)))

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

/* Sleeps with interrupts off: only an NMI (or SMI, INIT) wakes the CPU. */
static inline void cpu_wait_for_nmi(void)
{
	asm volatile("cli; hlt" ::: "memory");
}

static inline __attribute__((noreturn)) void cpu_halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

/* VMX capability MSRs (Intel SDM vol. 4, table 2-2; vol. 3D appendix A). */
#define MSR_IA32_VMX_BASIC		0x00000480U
#define MSR_IA32_VMX_PROCBASED_CTLS	0x00000482U
#define MSR_IA32_VMX_CR0_FIXED0		0x00000486U
#define MSR_IA32_VMX_CR0_FIXED1		0x00000487U
#define MSR_IA32_VMX_CR4_FIXED0		0x00000488U
#define MSR_IA32_VMX_CR4_FIXED1		0x00000489U
#define MSR_IA32_VMX_PROCBASED_CTLS2	0x0000048bU
#define MSR_IA32_VMX_EPT_VPID_CAP	0x0000048cU
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048eU

#endif
