/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_VMX_VMX_CAPS_H
#define ARCH_X86_VMX_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/virt.h"
#include "arch/x86/vmx/vmcs.h"

/*
 * The pure half of the VMX back end: which controls to run guests with,
 * derived from the capability MSRs one CPU reports, and what the CPU's
 * exit information means. No VMX instruction here, so every case is
 * unit-tested on the host with made-up MSR values.
 */

/* Capability MSRs not already in arch/x86/asm.h (SDM vol. 3D appendix A). */
#define MSR_IA32_VMX_PINBASED_CTLS	0x00000481U
#define MSR_IA32_VMX_EXIT_CTLS		0x00000483U
#define MSR_IA32_VMX_ENTRY_CTLS		0x00000484U
#define MSR_IA32_VMX_MISC		0x00000485U
/* IA32_VMX_MISC 4:0: the preemption timer counts TSC bit X (SDM A.6). */
#define VMX_MISC_PREEMPTION_RATE_MASK	0x1fU
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	0x0000048dU
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	0x0000048fU
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	0x00000490U

/* IA32_VMX_BASIC (A.1). */
#define VMX_BASIC_REVISION_MASK		0x7fffffffULL
#define VMX_BASIC_INS_OUTS_INFO		(1ULL << 54)
#define VMX_BASIC_TRUE_CTLS		(1ULL << 55)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define EPT_CAP_WALK_4			(1ULL << 6)
#define EPT_CAP_MEMTYPE_UC		(1ULL << 8)
#define EPT_CAP_MEMTYPE_WB		(1ULL << 14)
#define EPT_CAP_1G			(1ULL << 17)
#define EPT_CAP_INVEPT			(1ULL << 20)
#define EPT_CAP_INVEPT_SINGLE		(1ULL << 25)
#define EPT_CAP_INVEPT_ALL		(1ULL << 26)

/* CR0 bits not in arch/x86/asm.h (SDM vol. 3A 2.5). */

/*
 * One CPU's capability MSRs. The control words are the TRUE_* MSRs where
 * IA32_VMX_BASIC bit 55 says they exist: allowed-0 settings in bits 31:0
 * (a 1 there forces the control on), allowed-1 settings in bits 63:32.
 */
struct vmx_caps {
	uint64_t basic;
	uint64_t pin, proc, proc2, exit, entry;
	uint64_t ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
};

/* How every VMCS on that CPU is set up. */
struct vmx_config {
	/* The entry controls are those of a guest outside IA-32e mode. */
	uint32_t pin, proc, proc2, exit, entry;
	bool vpid;
	unsigned int eptp_memtype;	/* for the EPT paging structures */
	unsigned int invept_type;	/* single-context where supported */
	/* Guest CR0/CR4 bits fixed by VMX; PE and PG are the guest's. */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/* Bits the host owns: the guest sees the read shadow there. */
	uint64_t cr0_mask, cr4_mask;
};

/*
 * Reads one CPU's capability MSRs through `read` (rdmsr in the hypervisor,
 * a table in the tests): the TRUE_* control MSRs where IA32_VMX_BASIC bit
 * 55 says they exist, and the secondary-control and EPT/VPID MSRs only
 * where the controls they describe exist, since reading an absent MSR is
 * a #GP (SDM vol. 3D A.3.1, A.3.3, A.10).
 */
void vmx_read_caps(struct vmx_caps *c, uint64_t (*read)(uint32_t msr));

/* Returns 0, or -ENODEV with *problem naming what the CPU lacks. */
int vmx_configure(const struct vmx_caps *caps, struct vmx_config *cfg,
		  const char **problem);
/* The CR0/CR4 a guest runs with when it asked for `visible`. */
uint64_t vmx_cr0_real(const struct vmx_config *cfg, uint64_t visible);
uint64_t vmx_cr4_real(const struct vmx_config *cfg, uint64_t visible);
/* What the guest reads back: its own value in host-owned bits. */
uint64_t vmx_cr_visible(uint64_t real, uint64_t shadow, uint64_t mask);

/*
 * Whether MOV to CR0 of `value` over `old` raises #GP (SDM vol. 2B MOV to
 * control registers, vol. 3A 10.8.5.4): bits 63:32, PG without PE, NW
 * without CD, entering IA-32e mode without CR4.PAE, and clearing PG in
 * 64-bit code (IA-32e mode is left from compatibility mode only).
 */
bool vmx_cr0_write_faults(uint64_t old, uint64_t value, uint64_t cr4,
			  uint64_t efer, bool code64);

/* Every byte of a PAT is a memory type (SDM vol. 3A 12.12.2). */
bool vmx_pat_valid(uint64_t pat);

/*
 * Whether XSETBV may load `value` into XCR0 on a CPU supporting the
 * state components in `supported` (SDM vol. 1 13.3, XSETBV).
 */
bool vmx_xcr0_valid(uint64_t value, uint64_t supported);

/* Exit information in vendor-neutral terms. */
enum exit_reason vmx_exit_kind(uint32_t basic_reason);
void vmx_decode_io(uint64_t qualification, struct vm_exit *x);
/* The address size and segment of INS/OUTS, from the instruction info. */
void vmx_decode_io_string(uint32_t insn_info, struct vm_exit *x);
void vmx_decode_ept_violation(uint64_t qualification, uint64_t gpa,
			      struct vm_exit *x);
/* A control-register access exit (SDM vol. 3C 27.2.1, table 27-3). */
struct vmx_cr_access {
	unsigned int cr;	/* 0, 3, 4 or 8 */
	unsigned int type;	/* CR_QUAL_TYPE_MOV_TO, ... */
	unsigned int gpr;	/* REG_* index of the general register */
};
void vmx_decode_cr_access(uint64_t qualification, struct vmx_cr_access *a);
/* The VM-instruction error number of a VMfailValid (SDM vol. 3C 31.4). */
const char *vmx_insn_error_text(uint32_t error);

/* The guest-state fields VM entry checks (SDM vol. 3C 26.3.1). */
struct vmx_guest_state {
	uint64_t cr0, cr4, efer, pat, dr7, rflags, rip, link_pointer;
	uint32_t entry_controls;
	uint32_t activity, interruptibility;
	uint32_t gdtr_limit, idtr_limit;
	struct {
		uint16_t selector;
		uint32_t limit;
		uint32_t ar;
		uint64_t base;
	} seg[VMX_SEGS];
};

/*
 * Names the first check of SDM 26.3.1 the state fails, for the log when
 * VM entry refused it (the CPU says only "invalid guest state"); NULL
 * when none of the checks made here fails.
 */
const char *vmx_check_guest_state(const struct vmx_config *cfg,
				  const struct vmx_guest_state *g);

#endif
