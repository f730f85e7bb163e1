/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_VMX_EPT_H
#define ARCH_X86_VMX_EPT_H

#include <stdint.h>
#include "arch/x86/paging.h"

/*
 * Intel EPT entries (SDM vol. 3C 29.3.2) for the shared 4-level builder:
 * RAM is write-back, PT_ATTR_UNCACHED mappings uncached.
 */
extern const struct pt_format pt_format_ept;

/*
 * The EPT pointer of a 4-level table at root (SDM vol. 3C 24.6.11), with
 * `memtype` for the paging structures themselves; no accessed/dirty flags.
 */
uint64_t ept_pointer(uint64_t root, unsigned int memtype);

#endif
