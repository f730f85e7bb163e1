/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_CPU_REGS_H
#define ARCH_X86_CPU_REGS_H

/*
 * Architectural bits of CR0, CR4, EFER and RFLAGS, defined once for C and
 * for assembly (boot/ap_trampoline.S): Intel SDM vol. 3A 2.5 "Control
 * Registers" and 2.2.1 "Extended Feature Enable Register", vol. 1 3.4.3
 * "EFLAGS"; AMD APM vol. 2 3.1 "System-Control Registers".
 */
#ifdef __ASSEMBLER__
#define X86_BIT(n)	(1 << (n))
#else
#define X86_BIT(n)	(1ULL << (n))
#endif

#define CR0_PE		X86_BIT(0)	/* protected mode */
#define CR0_ET		X86_BIT(4)	/* reads as 1 on every CPU since P6 */
#define CR0_NE		X86_BIT(5)
#define CR0_WP		X86_BIT(16)
#define CR0_NW		X86_BIT(29)
#define CR0_CD		X86_BIT(30)
#define CR0_PG		X86_BIT(31)
/* CR0 after RESET or INIT: 0x60000010 (SDM vol. 3A 9.1.1, table 9-1). */
#define CR0_RESET	(CR0_CD | CR0_NW | CR0_ET)

#define CR4_PSE		X86_BIT(4)
#define CR4_PAE		X86_BIT(5)
#define CR4_OSFXSR	X86_BIT(9)
#define CR4_LA57	X86_BIT(12)
#define CR4_VMXE	X86_BIT(13)
#define CR4_PCIDE	X86_BIT(17)
#define CR4_OSXSAVE	X86_BIT(18)

#define MSR_EFER	0xc0000080
#define EFER_SCE	X86_BIT(0)
#define EFER_LME	X86_BIT(8)
#define EFER_LMA	X86_BIT(10)	/* set by the CPU, not by software */
#define EFER_NXE	X86_BIT(11)
#define EFER_SVME	X86_BIT(12)	/* AMD APM vol. 2 15.4 */

#define RFLAGS_FIXED1	X86_BIT(1)	/* reserved, always 1 */
#define RFLAGS_TF	X86_BIT(8)	/* single-step trap */
#define RFLAGS_IF	X86_BIT(9)
#define RFLAGS_VM	X86_BIT(17)

#endif
