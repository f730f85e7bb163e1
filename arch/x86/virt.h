/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_VIRT_H
#define ARCH_X86_VIRT_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/cpu_check.h"
#include "arch/x86/guest_walk.h"
#include "arch/x86/paging.h"

struct per_cpu;
struct vcpu;

/*
 * The vendor contract: kernel/ sees only this. One implementation is
 * chosen at boot from the CPU's features, so one binary runs on Intel and
 * AMD alike.
 */

/* Why a vCPU stopped running guest code, vendor-neutral. */
enum exit_reason {
	EXIT_CPUID,
	EXIT_IO,
	EXIT_MSR_READ,
	EXIT_MSR_WRITE,
	EXIT_STAGE2_FAULT,	/* NPF / EPT violation */
	EXIT_HLT,
	EXIT_HYPERCALL,		/* VMMCALL / VMCALL */
	EXIT_SHUTDOWN,		/* triple fault */
	EXIT_INVALID_STATE,	/* the CPU refused the guest state */
	EXIT_KICK,		/* NMI from another CPU: look at requests */
	EXIT_INTERRUPT,		/* the scheduler's timer, on a shared core */
	EXIT_VIRT_INSN,		/* a VMX/SVM instruction: hidden from guests */
	EXIT_INVD,		/* INVD: done as a no-op */
	EXIT_HANDLED,		/* finished in the back end: only counted */
	EXIT_UNKNOWN,
	EXIT_REASON_COUNT,
};

struct vm_exit {
	enum exit_reason reason;
	uint64_t rip;
	/* Length of the exiting instruction, when the hardware said; else 0. */
	unsigned int insn_len;
	union {
		struct {
			uint16_t port;
			uint8_t size;	/* 1, 2 or 4 */
			bool in;
			bool string;
			bool rep;
			/*
			 * String forms, when the CPU reports them (else 0
			 * and -1, and the instruction must be decoded): the
			 * address size, 2, 4 or 8, and OUTS's segment, as
			 * encoded in instructions (ES 0, CS 1 ... GS 5).
			 */
			uint8_t addr_size;
			int8_t seg;
		} io;
		struct {
			uint32_t index;
		} msr;
		struct {
			uint64_t gpa;
			bool write;
			bool fetch;
		} stage2;
	};
	uint64_t vendor_code;		/* raw exit code, for the log */
	const char *vendor_detail;	/* e.g. the VMX field that was invalid */
};

/* Where a vCPU starts. */
enum vcpu_entry_mode {
	ENTRY_PROTECTED32,	/* flat 32-bit protected mode, paging off */
	ENTRY_REAL_SIPI,	/* real mode at vector << 12, as after a SIPI */
};

struct vcpu_entry {
	enum vcpu_entry_mode mode;
	uint32_t rip;
	uint8_t sipi_vector;
	uint32_t eax, ebx;
	uint32_t esi;		/* Linux boot protocol: the boot_params */
};

struct virt_ops {
	const char *name;
	/* Enables VMX/SVM on the calling CPU; on failure sets cpu->virt_error. */
	int (*cpu_enable)(struct per_cpu *cpu);
	const struct pt_format *stage2_format;
	bool (*stage2_1g)(void);	/* 1 GiB stage-2 pages available */
	/* Allocates the vCPU's control structures (at boot). */
	int (*vcpu_create)(struct vcpu *v, uint64_t stage2_root,
			   uint32_t asid);
	void (*vcpu_reset)(struct vcpu *v, const struct vcpu_entry *entry);
	/*
	 * Makes the vCPU's core the hypervisor's whatever the guest does: a
	 * physical interrupt exits even with the guest's IF clear or in HLT,
	 * and is then taken by the host (its timer ends the window). For
	 * vCPUs on cores shared in time only; NULL where not built yet.
	 */
	int (*vcpu_share)(struct vcpu *v);
	/*
	 * On a shared core, before the first use of another vCPU's control
	 * structure (VMX: VMPTRLD); NULL where nothing is needed (SVM).
	 */
	void (*vcpu_switch)(struct vcpu *v);
	/*
	 * MSRs whose guest value stays in the core's register across exits,
	 * not in the control structure: a shared core switches them.
	 */
	const uint32_t *live_msrs;
	unsigned int live_msr_count;
	/*
	 * On a shared core, before each entry: the guest must exit by this
	 * TSC value. NULL: the core's LAPIC timer does it (lapic.h).
	 */
	void (*set_window_end)(struct vcpu *v, uint64_t tsc);
	/* Enters the guest on the calling CPU until the next exit. */
	void (*vcpu_run)(struct vcpu *v, struct vm_exit *exit);
	void (*set_rip)(struct vcpu *v, uint64_t rip);
	void (*get_paging)(struct vcpu *v, struct guest_paging *p);
	/* 16, 32 or 64: the default operand size of the code running. */
	unsigned int (*code_bits)(struct vcpu *v);
	uint64_t (*cs_base)(struct vcpu *v);
	/* Segment base by encoding number (ES 0, CS 1, SS 2, DS 3, FS, GS). */
	uint64_t (*seg_base)(struct vcpu *v, unsigned int seg);
	uint64_t (*get_rflags)(struct vcpu *v);
	void (*set_rflags)(struct vcpu *v, uint64_t rflags);
	void (*inject_exception)(struct vcpu *v, uint8_t vector,
				 bool has_error, uint32_t error);
	/*
	 * Injects an NMI at the next entry and returns true, unless the guest
	 * blocks NMIs (SDM vol. 3A 6.7.1: from one NMI's delivery to the next
	 * IRET) or another event is being injected: then returns false and
	 * arranges an exit for when it can take one, where it can.
	 */
	bool (*inject_nmi)(struct vcpu *v);
	/*
	 * For vCPUs on shared cores, whose LAPIC is software: offers the
	 * external interrupt `vector` to the guest for the next entry and
	 * returns true, or, when the guest cannot take one now (another
	 * event being injected), returns false and arranges an exit
	 * (EXIT_HANDLED) for when it can, where the caller offers again.
	 * After that run, irq_taken says whether the guest took it (it is
	 * then in service; a delivery an exit cut short is completed by
	 * the back end), and withdraws it if not.
	 */
	bool (*inject_irq)(struct vcpu *v, uint8_t vector);
	bool (*irq_taken)(struct vcpu *v);
	/*
	 * MSRs whose value lives in the control structure or is switched with
	 * the guest (EFER, PAT, FS/GS bases, LSTAR, ...): the policy has
	 * checked the value; false means #GP.
	 */
	bool (*msr_read)(struct vcpu *v, uint32_t index, uint64_t *value);
	bool (*msr_write)(struct vcpu *v, uint32_t index, uint64_t value);
	/* Guest TSC = host TSC + offset, for RDTSC(P) too, with no exit. */
	void (*set_tsc_offset)(struct vcpu *v, uint64_t offset);
};

int virt_select(enum virt_kind kind);
const struct virt_ops *virt(void);

extern const struct virt_ops svm_ops;
extern const struct virt_ops vmx_ops;

#endif
