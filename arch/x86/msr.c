/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/msr.h"

const uint32_t guest_msr_passthrough[] = {
	MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
};
const unsigned int guest_msr_passthrough_count =
	sizeof(guest_msr_passthrough) / sizeof(guest_msr_passthrough[0]);
