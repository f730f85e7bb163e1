/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_VMX_VMCS_H
#define ARCH_X86_VMX_VMCS_H

/*
 * VMCS field encodings (Intel SDM vol. 3D appendix B) and the bits of the
 * fields we read or write (vol. 3C chapters 24 and 27). Constants only, so
 * that host unit tests can include this file.
 */

/* 16-bit fields (B.1). */
#define VMCS_VPID			0x0000
#define VMCS_GUEST_SEL(seg)		(0x0800 + 2 * (seg))
#define VMCS_HOST_ES_SEL		0x0c00
#define VMCS_HOST_CS_SEL		0x0c02
#define VMCS_HOST_SS_SEL		0x0c04
#define VMCS_HOST_DS_SEL		0x0c06
#define VMCS_HOST_FS_SEL		0x0c08
#define VMCS_HOST_GS_SEL		0x0c0a
#define VMCS_HOST_TR_SEL		0x0c0c

/* 64-bit fields (B.2). */
#define VMCS_IO_BITMAP_A		0x2000
#define VMCS_IO_BITMAP_B		0x2002
#define VMCS_MSR_BITMAP			0x2004
#define VMCS_TSC_OFFSET			0x2010
#define VMCS_EPT_POINTER		0x201a
#define VMCS_XSS_EXIT_BITMAP		0x202c
#define VMCS_GUEST_PHYS_ADDR		0x2400
#define VMCS_LINK_POINTER		0x2800
#define VMCS_GUEST_DEBUGCTL		0x2802
#define VMCS_GUEST_PAT			0x2804
#define VMCS_GUEST_EFER			0x2806
#define VMCS_GUEST_PDPTE(n)		(0x280a + 2 * (n))
#define VMCS_HOST_PAT			0x2c00
#define VMCS_HOST_EFER			0x2c02

/* 32-bit fields (B.3). */
#define VMCS_PIN_CONTROLS		0x4000
#define VMCS_PROC_CONTROLS		0x4002
#define VMCS_EXCEPTION_BITMAP		0x4004
#define VMCS_PF_ERROR_MASK		0x4006
#define VMCS_PF_ERROR_MATCH		0x4008
#define VMCS_CR3_TARGET_COUNT		0x400a
#define VMCS_EXIT_CONTROLS		0x400c
#define VMCS_EXIT_MSR_STORE_COUNT	0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT	0x4010
#define VMCS_ENTRY_CONTROLS		0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT	0x4014
#define VMCS_ENTRY_INTR_INFO		0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR	0x4018
#define VMCS_ENTRY_INSN_LEN		0x401a
#define VMCS_PROC_CONTROLS2		0x401e
#define VMCS_INSN_ERROR			0x4400
#define VMCS_EXIT_REASON		0x4402
#define VMCS_EXIT_INTR_INFO		0x4404
#define VMCS_IDT_VECTORING_INFO		0x4408
#define VMCS_IDT_VECTORING_ERROR	0x440a
#define VMCS_EXIT_INSN_LEN		0x440c
#define VMCS_EXIT_INSN_INFO		0x440e
#define VMCS_GUEST_LIMIT(seg)		(0x4800 + 2 * (seg))
#define VMCS_GUEST_GDTR_LIMIT		0x4810
#define VMCS_GUEST_IDTR_LIMIT		0x4812
#define VMCS_GUEST_AR(seg)		(0x4814 + 2 * (seg))
#define VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define VMCS_GUEST_ACTIVITY		0x4826
#define VMCS_GUEST_SYSENTER_CS		0x482a
#define VMCS_PREEMPTION_TIMER_VALUE	0x482e
#define VMCS_HOST_SYSENTER_CS		0x4c00

/* Natural-width fields (B.4). */
#define VMCS_CR0_MASK			0x6000
#define VMCS_CR4_MASK			0x6002
#define VMCS_CR0_SHADOW			0x6004
#define VMCS_CR4_SHADOW			0x6006
#define VMCS_EXIT_QUALIFICATION		0x6400
#define VMCS_GUEST_CR0			0x6800
#define VMCS_GUEST_CR3			0x6802
#define VMCS_GUEST_CR4			0x6804
#define VMCS_GUEST_BASE(seg)		(0x6806 + 2 * (seg))
#define VMCS_GUEST_GDTR_BASE		0x6816
#define VMCS_GUEST_IDTR_BASE		0x6818
#define VMCS_GUEST_DR7			0x681a
#define VMCS_GUEST_RSP			0x681c
#define VMCS_GUEST_RIP			0x681e
#define VMCS_GUEST_RFLAGS		0x6820
#define VMCS_GUEST_PENDING_DBG		0x6822
#define VMCS_GUEST_SYSENTER_ESP		0x6824
#define VMCS_GUEST_SYSENTER_EIP		0x6826
#define VMCS_HOST_CR0			0x6c00
#define VMCS_HOST_CR3			0x6c02
#define VMCS_HOST_CR4			0x6c04
#define VMCS_HOST_FS_BASE		0x6c06
#define VMCS_HOST_GS_BASE		0x6c08
#define VMCS_HOST_TR_BASE		0x6c0a
#define VMCS_HOST_GDTR_BASE		0x6c0c
#define VMCS_HOST_IDTR_BASE		0x6c0e
#define VMCS_HOST_SYSENTER_ESP		0x6c10
#define VMCS_HOST_SYSENTER_EIP		0x6c12
#define VMCS_HOST_RSP			0x6c14	/* also vmx_entry.S */
#define VMCS_HOST_RIP			0x6c16

/* Segment numbers in the guest-state area order (24.4.1). */
enum vmx_seg {
	SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR,
	VMX_SEGS,
};

/* Segment access rights (24.4.1, table 24-2). */
#define AR_TYPE_MASK			0xfU
#define AR_TYPE_ACCESSED		0x1U
#define AR_TYPE_CODE			0x8U
#define AR_S				(1U << 4)
#define AR_DPL_SHIFT			5
#define AR_P				(1U << 7)
#define AR_RESERVED_8_11		(0xfU << 8)
#define AR_L				(1U << 13)
#define AR_DB				(1U << 14)
#define AR_G				(1U << 15)
#define AR_UNUSABLE			(1U << 16)
#define AR_RESERVED_17_31		0xfffe0000U

/* Pin-based VM-execution controls (24.6.1, table 24-5). */
#define PIN_EXT_INT_EXITING		(1U << 0)
#define PIN_NMI_EXITING			(1U << 3)
#define PIN_VIRTUAL_NMIS		(1U << 5)
#define PIN_PREEMPTION_TIMER		(1U << 6)
#define PIN_POSTED_INTERRUPTS		(1U << 7)

/* Primary processor-based VM-execution controls (24.6.2, table 24-6). */
#define PROC_INTR_WINDOW_EXITING	(1U << 2)
#define PROC_USE_TSC_OFFSETTING		(1U << 3)
#define PROC_HLT_EXITING		(1U << 7)
#define PROC_INVLPG_EXITING		(1U << 9)
#define PROC_MWAIT_EXITING		(1U << 10)
#define PROC_RDPMC_EXITING		(1U << 11)
#define PROC_RDTSC_EXITING		(1U << 12)
#define PROC_CR3_LOAD_EXITING		(1U << 15)
#define PROC_CR3_STORE_EXITING		(1U << 16)
#define PROC_TERTIARY_CONTROLS		(1U << 17)
#define PROC_CR8_LOAD_EXITING		(1U << 19)
#define PROC_CR8_STORE_EXITING		(1U << 20)
#define PROC_TPR_SHADOW			(1U << 21)
#define PROC_NMI_WINDOW_EXITING		(1U << 22)
#define PROC_MOV_DR_EXITING		(1U << 23)
#define PROC_USE_IO_BITMAPS		(1U << 25)
#define PROC_MONITOR_TRAP_FLAG		(1U << 27)
#define PROC_USE_MSR_BITMAPS		(1U << 28)
#define PROC_MONITOR_EXITING		(1U << 29)
#define PROC_PAUSE_EXITING		(1U << 30)
#define PROC_SECONDARY_CONTROLS		(1U << 31)

/* Secondary processor-based VM-execution controls (24.6.2, table 24-7). */
#define PROC2_VIRT_APIC_ACCESS		(1U << 0)
#define PROC2_ENABLE_EPT		(1U << 1)
#define PROC2_DESC_TABLE_EXITING	(1U << 2)
#define PROC2_ENABLE_RDTSCP		(1U << 3)
#define PROC2_ENABLE_VPID		(1U << 5)
#define PROC2_WBINVD_EXITING		(1U << 6)
#define PROC2_UNRESTRICTED_GUEST	(1U << 7)
#define PROC2_PAUSE_LOOP_EXITING	(1U << 10)
#define PROC2_RDRAND_EXITING		(1U << 11)
#define PROC2_ENABLE_INVPCID		(1U << 12)
#define PROC2_ENABLE_XSAVES		(1U << 20)

/* VM-exit controls (24.7.1, table 24-13). */
#define EXIT_SAVE_DEBUG_CONTROLS	(1U << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE	(1U << 9)
#define EXIT_ACK_INTR_ON_EXIT		(1U << 15)
#define EXIT_SAVE_PAT			(1U << 18)
#define EXIT_LOAD_PAT			(1U << 19)
#define EXIT_SAVE_EFER			(1U << 20)
#define EXIT_LOAD_EFER			(1U << 21)
#define EXIT_SAVE_PREEMPTION_TIMER	(1U << 22)

/* VM-entry controls (24.8.1, table 24-15). */
#define ENTRY_LOAD_DEBUG_CONTROLS	(1U << 2)
#define ENTRY_IA32E_MODE_GUEST		(1U << 9)
#define ENTRY_TO_SMM			(1U << 10)
#define ENTRY_DEACTIVATE_DUAL_MONITOR	(1U << 11)
#define ENTRY_LOAD_PAT			(1U << 14)
#define ENTRY_LOAD_EFER			(1U << 15)

/* Event injection and exit interruption information (24.8.3, 24.9.2). */
#define INTR_INFO_VECTOR_MASK		0xffU
#define INTR_INFO_TYPE_MASK		(7U << 8)
#define INTR_TYPE_EXT_INT		(0U << 8)
#define INTR_TYPE_NMI			(2U << 8)
#define INTR_TYPE_HW_EXCEPTION		(3U << 8)
#define INTR_INFO_ERROR_VALID		(1U << 11)
#define INTR_INFO_VALID			(1U << 31)

/* Guest interruptibility state (24.4.2, table 24-3). */
#define INTERRUPTIBILITY_STI		(1U << 0)
#define INTERRUPTIBILITY_MOV_SS		(1U << 1)
#define INTERRUPTIBILITY_NMI		(1U << 3)	/* virtual-NMI blocking */
#define ACTIVITY_ACTIVE			0

/* The exit reason field (24.9.1): basic reason and the entry-failure bit. */
#define EXIT_REASON_BASIC_MASK		0xffffU
#define EXIT_REASON_ENTRY_FAILED	(1U << 31)

/* Basic exit reasons (SDM vol. 3D appendix C). */
#define VMX_EXIT_EXCEPTION_NMI		0
#define VMX_EXIT_EXTERNAL_INTERRUPT	1
#define VMX_EXIT_TRIPLE_FAULT		2
#define VMX_EXIT_INIT			3
#define VMX_EXIT_SIPI			4
#define VMX_EXIT_INTR_WINDOW		7
#define VMX_EXIT_NMI_WINDOW		8
#define VMX_EXIT_TASK_SWITCH		9
#define VMX_EXIT_CPUID			10
#define VMX_EXIT_HLT			12
#define VMX_EXIT_INVD			13
#define VMX_EXIT_VMCALL			18
#define VMX_EXIT_VMCLEAR		19
#define VMX_EXIT_VMXON			27
#define VMX_EXIT_CR_ACCESS		28
#define VMX_EXIT_IO			30
#define VMX_EXIT_RDMSR			31
#define VMX_EXIT_WRMSR			32
#define VMX_EXIT_INVALID_GUEST_STATE	33
#define VMX_EXIT_MSR_LOADING		34
#define VMX_EXIT_MACHINE_CHECK		41
#define VMX_EXIT_EPT_VIOLATION		48
#define VMX_EXIT_EPT_MISCONFIG		49
#define VMX_EXIT_INVEPT			50
#define VMX_EXIT_PREEMPTION_TIMER	52
#define VMX_EXIT_INVVPID		53
#define VMX_EXIT_XSETBV			55

/* Exit qualification of I/O instructions (27.2.1, table 27-5). */
#define IO_QUAL_SIZE_MASK		0x7ULL	/* size - 1 */
#define IO_QUAL_IN			(1ULL << 3)
#define IO_QUAL_STRING			(1ULL << 4)
#define IO_QUAL_REP			(1ULL << 5)
#define IO_QUAL_PORT_SHIFT		16
/* VM-exit instruction information of INS/OUTS (27.2.5, table 27-8). */
#define IO_INFO_ADDR_SHIFT		7	/* bits 9:7: 0 16, 1 32, 2 64 */
#define IO_INFO_ADDR_MASK		0x7U
#define IO_INFO_SEG_SHIFT		15	/* bits 17:15, OUTS only */
#define IO_INFO_SEG_MASK		0x7U

/* Exit qualification of control-register accesses (27.2.1, table 27-3). */
#define CR_QUAL_CR_MASK			0xfULL
#define CR_QUAL_TYPE_SHIFT		4
#define CR_QUAL_TYPE_MASK		0x3ULL
#define CR_QUAL_TYPE_MOV_TO		0
#define CR_QUAL_TYPE_MOV_FROM		1
#define CR_QUAL_REG_SHIFT		8
#define CR_QUAL_REG_MASK		0xfULL

/* Exit qualification of EPT violations (27.2.1, table 27-7). */
#define EPT_QUAL_READ			(1ULL << 0)
#define EPT_QUAL_WRITE			(1ULL << 1)
#define EPT_QUAL_FETCH			(1ULL << 2)

/* Exit qualification of VM-entry failures for invalid guest state (26.8). */
#define ENTRY_QUAL_PDPTE_LOAD		2

/* INVEPT types (vol. 3C 30.3, INVEPT). */
#define INVEPT_SINGLE_CONTEXT		1
#define INVEPT_ALL_CONTEXT		2

#endif
