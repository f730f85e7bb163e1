/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_MSR_H
#define ARCH_X86_MSR_H

#include <stdint.h>

/*
 * MSRs (Intel SDM vol. 4, AMD APM vol. 2 appendix A); EFER is in
 * arch/x86/cpu_regs.h with its bits.
 */
#define MSR_TSC			0x00000010U
#define MSR_PLATFORM_ID		0x00000017U
#define MSR_APIC_BASE		0x0000001bU
#define MSR_FEATURE_CONTROL	0x0000003aU
#define MSR_BIOS_SIGN_ID	0x0000008bU
#define MSR_MTRR_CAP		0x000000feU
#define MSR_SYSENTER_CS		0x00000174U
#define MSR_SYSENTER_ESP	0x00000175U
#define MSR_SYSENTER_EIP	0x00000176U
#define MSR_MCG_CAP		0x00000179U
#define MSR_MCG_STATUS		0x0000017aU
#define MSR_MISC_ENABLE		0x000001a0U
/* AMD: C1E's interrupt-pending message (BKDG fam. 10h); reads 0: no C1E. */
#define MSR_AMD_INT_PENDING	0xc0010055U
#define MSR_TSC_AUX		0xc0000103U	/* APM vol. 2 13.2.4 */
#define MSR_TSC_DEADLINE	0x000006e0U	/* SDM vol. 3A 11.5.4.1 */
#define MSR_MTRR_PHYS_FIRST	0x00000200U
#define MSR_MTRR_PHYS_LAST	0x0000020fU
#define MSR_MTRR_FIX_FIRST	0x00000250U
#define MSR_MTRR_FIX_LAST	0x0000026fU
#define MSR_PAT			0x00000277U
#define MSR_MTRR_DEF_TYPE	0x000002ffU
#define MSR_STAR		0xc0000081U
#define MSR_LSTAR		0xc0000082U
#define MSR_CSTAR		0xc0000083U
#define MSR_SFMASK		0xc0000084U
#define MSR_FS_BASE		0xc0000100U
#define MSR_GS_BASE		0xc0000101U
#define MSR_KERNEL_GS_BASE	0xc0000102U
#define MSR_AMD_HWCR		0xc0010015U
/* AMD APM vol. 2, 15.30 SVM-related MSRs. */
#define MSR_VM_CR		0xc0010114U
#define MSR_VM_HSAVE_PA		0xc0010117U

/*
 * MSRs a guest reads and writes without an exit: their state is switched
 * with the guest's own (VMCB save area and VMLOAD/VMSAVE, or the VMCS guest
 * area), so no other partition or the hypervisor ever sees the values.
 */
extern const uint32_t guest_msr_passthrough[];
extern const unsigned int guest_msr_passthrough_count;

#endif
