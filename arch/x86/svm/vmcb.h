/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_SVM_VMCB_H
#define ARCH_X86_SVM_VMCB_H

#include <stdint.h>

/* VMCB layout (AMD APM vol. 2, appendix B, tables B-1 and B-2). */

/* Control area. */
#define VMCB_INTERCEPT_CR	0x000	/* reads 15:0, writes 31:16 */
#define VMCB_INTERCEPT_EXC	0x008
#define VMCB_INTERCEPT_MISC1	0x00c
#define VMCB_INTERCEPT_MISC2	0x010
#define VMCB_IOPM_BASE		0x040
#define VMCB_MSRPM_BASE		0x048
#define VMCB_TSC_OFFSET		0x050
#define VMCB_ASID		0x058
#define VMCB_TLB_CONTROL	0x05c
#define VMCB_VINTR		0x060
#define VMCB_INT_SHADOW		0x068
#define VMCB_EXIT_CODE		0x070
#define VMCB_EXIT_INFO1		0x078
#define VMCB_EXIT_INFO2		0x080
#define VMCB_EXIT_INT_INFO	0x088
#define VMCB_NP_ENABLE		0x090
#define VMCB_EVENT_INJ		0x0a8
#define VMCB_N_CR3		0x0b0
#define VMCB_CLEAN		0x0c0
#define VMCB_NEXT_RIP		0x0c8

/*
 * State save area: segments are {u16 selector, u16 attrib, u32 limit, u64
 * base}, ES to GS in their encoding order.
 */
#define VMCB_SEG_STRIDE		0x10
#define VMCB_ES			0x400
#define VMCB_CS			0x410
#define VMCB_SS			0x420
#define VMCB_DS			0x430
#define VMCB_FS			0x440
#define VMCB_GS			0x450
#define VMCB_GDTR		0x460
#define VMCB_LDTR		0x470
#define VMCB_IDTR		0x480
#define VMCB_TR			0x490
#define VMCB_CPL		0x4cb
#define VMCB_EFER		0x4d0
#define VMCB_CR4		0x548
#define VMCB_CR3		0x550
#define VMCB_CR0		0x558
#define VMCB_DR7		0x560
#define VMCB_DR6		0x568
#define VMCB_RFLAGS		0x570
#define VMCB_RIP		0x578
#define VMCB_RSP		0x5d8
#define VMCB_RAX		0x5f8
#define VMCB_LSTAR		0x608
#define VMCB_CSTAR		0x610
#define VMCB_KERNEL_GS_BASE	0x620
#define VMCB_CR2		0x640
#define VMCB_G_PAT		0x668

#define SEG_SELECTOR		0
#define SEG_ATTRIB		2
#define SEG_LIMIT		4
#define SEG_BASE		8

/* Intercept bits (APM vol. 2 B-1). */
#define INTERCEPT_EXC_DB	(1U << 1)	/* of VMCB_INTERCEPT_EXC */
#define MISC1_INTR		(1U << 0)
#define MISC1_NMI		(1U << 1)
#define MISC1_INIT		(1U << 3)
#define MISC1_VINTR		(1U << 4)
#define MISC1_CPUID		(1U << 18)
#define MISC1_IRET		(1U << 20)
#define MISC1_INVD		(1U << 22)
#define MISC1_HLT		(1U << 24)
#define MISC1_INVLPGA		(1U << 26)
#define MISC1_IOIO_PROT		(1U << 27)
#define MISC1_MSR_PROT		(1U << 28)
#define MISC1_SHUTDOWN		(1U << 31)
#define MISC2_VMRUN		(1U << 0)
#define MISC2_VMMCALL		(1U << 1)
#define MISC2_VMLOAD		(1U << 2)
#define MISC2_VMSAVE		(1U << 3)
#define MISC2_STGI		(1U << 4)
#define MISC2_CLGI		(1U << 5)
#define MISC2_SKINIT		(1U << 6)

/* V_INTR_MASKING: guest IF masks only virtual interrupts (15.21.1). */
#define VINTR_MASKING		(1ULL << 24)
/*
 * A virtual interrupt request of the highest priority, TPR ignored: with
 * the VINTR intercept, an exit as soon as the guest could take it
 * (15.21.4), where the real one is injected through EVENTINJ.
 */
#define VINTR_TPR_MASK		0xfULL	/* V_TPR: the guest's CR8 */
#define VINTR_IRQ		(1ULL << 8)
#define VINTR_PRIO_HIGHEST	(0xfULL << 16)
#define VINTR_IGN_TPR		(1ULL << 20)
#define VINTR_WINDOW		(VINTR_IRQ | VINTR_PRIO_HIGHEST | VINTR_IGN_TPR)
/* V_INTR_PRIO (bits 19:16) and V_INTR_VECTOR (bits 39:32), 15.21.4. */
#define VINTR_PRIO_SHIFT	16
#define VINTR_VECTOR_SHIFT	32
#define VINTR_REQUEST_MASK	(VINTR_WINDOW | 0xffULL << VINTR_VECTOR_SHIFT)
#define INT_SHADOW_ACTIVE	1ULL	/* VMCB offset 0x68, bit 0 (15.21.5) */
#define TLB_FLUSH_ALL		1
#define NP_ENABLE		1ULL

/* Exit codes (APM vol. 2 appendix C). */
#define SVM_EXIT_EXC_DB		0x041
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_NPF		0x400
#define SVM_EXIT_INVALID	(~0ULL)

/* EXITINFO1 of IOIO exits (15.10.2). */
#define IOIO_IN			(1ULL << 0)
#define IOIO_STRING		(1ULL << 2)
#define IOIO_REP		(1ULL << 3)
#define IOIO_SIZE_SHIFT		4	/* bits 6:4: SZ8, SZ16, SZ32 */
#define IOIO_A16		(1ULL << 7)	/* bits 9:7: address size */
#define IOIO_A32		(1ULL << 8)
#define IOIO_A64		(1ULL << 9)
#define IOIO_SEG_SHIFT		10	/* bits 12:10, with decode assists */
#define IOIO_SEG_MASK		0x7ULL
#define IOIO_PORT_SHIFT		16
/* EXITINFO1 of NPF exits: a #PF-style error code (15.25.6). */
#define NPF_WRITE		(1ULL << 1)
#define NPF_FETCH		(1ULL << 4)

/* EVENTINJ (15.20). */
#define EVENTINJ_VALID		(1ULL << 31)
#define EVENTINJ_ERROR_VALID	(1ULL << 11)
#define EVENTINJ_TYPE_INTR	(0ULL << 8)
#define EVENTINJ_TYPE_NMI	(2ULL << 8)
#define EVENTINJ_TYPE_EXCEPTION	(3ULL << 8)
#define EVENTINJ_TYPE_MASK	(7ULL << 8)
#define EVENTINJ_EVENT_MASK	0xffffffffULL	/* EXITINTINFO: the same */
#define EVENTINJ_VECTOR_MASK	0xffULL
/* Vectors 0-31 are exceptions; an exception above them cannot be. */
#define FIRST_INTERRUPT_VECTOR	32

static inline void vmcb_w64(void *vmcb, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)((uint8_t *)vmcb + off) = v;
}

static inline uint64_t vmcb_r64(const void *vmcb, unsigned int off)
{
	return *(const volatile uint64_t *)((const uint8_t *)vmcb + off);
}

static inline void vmcb_w32(void *vmcb, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)((uint8_t *)vmcb + off) = v;
}

static inline uint32_t vmcb_r32(const void *vmcb, unsigned int off)
{
	return *(const volatile uint32_t *)((const uint8_t *)vmcb + off);
}

static inline void vmcb_w16(void *vmcb, unsigned int off, uint16_t v)
{
	*(volatile uint16_t *)((uint8_t *)vmcb + off) = v;
}

static inline uint16_t vmcb_r16(const void *vmcb, unsigned int off)
{
	return *(const volatile uint16_t *)((const uint8_t *)vmcb + off);
}

#endif
