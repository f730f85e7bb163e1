/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_EXT_STATE_H
#define ARCH_X86_EXT_STATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * What a guest keeps in a core's registers that neither VMRUN nor VM
 * entry switches: the x87/SSE/AVX state and XCR0 (XSAVE, or FXSAVE on a
 * CPU without it), and DR0-DR3. Cores that several vCPUs share in time
 * save one vCPU's copy and load the next one's at each switch; the
 * hypervisor itself uses none of these registers.
 */
struct ext_state {
	void *area;		/* XSAVE (64-byte aligned) or FXSAVE image */
	uint64_t xcr0;
	uint64_t dr[4];
};

/* Reads the CPU's XSAVE layout (boot CPU, before any ext_state_init). */
void ext_state_setup(void);
/* Allocates the area and sets it to the state after RESET. */
int ext_state_init(struct ext_state *s);
void ext_state_save(struct ext_state *s);
void ext_state_load(const struct ext_state *s);

#endif
