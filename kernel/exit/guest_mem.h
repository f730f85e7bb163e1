/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_GUEST_MEM_H
#define KERNEL_EXIT_GUEST_MEM_H

#include "arch/x86/insn.h"
#include "kernel/vcpu.h"

/*
 * Guest memory as an instruction sees it, for the emulation of MMIO and of
 * string port I/O: linear addresses through the guest's page tables into
 * the partition's own RAM, and the registers of string instructions.
 */

/* Fetches and decodes the instruction at RIP; bytes gets what was read. */
int guest_insn_decode(struct vcpu *v, uint64_t rip, struct insn *in,
		      uint8_t bytes[INSN_MAX_LEN]);

/* The linear address of offset in segment seg (enum insn_seg). */
uint64_t guest_seg_linear(struct vcpu *v, unsigned int seg, uint64_t offset);
/* Through the guest's page tables as they are now; -EFAULT if unmapped. */
int guest_linear_to_phys(struct vcpu *v, uint64_t linear, uint64_t *gpa);

/* Copies len bytes from or to a guest-linear address; -EFAULT outside RAM. */
int guest_linear_copy(struct vcpu *v, uint64_t linear, void *buf, size_t len,
		      bool write);

/*
 * One exit's share of a string instruction (SDM vol. 1, 7.3.9.1 and vol.
 * 2B, REP): count elements of size bytes, stepping down when DF is set.
 */
struct string_op {
	unsigned int size;
	unsigned int addr_size;	/* 2, 4 or 8: rSI, rDI, rCX are this wide */
	unsigned int seg;	/* the source's segment (enum insn_seg) */
	bool rep;
	int64_t step;
	uint64_t count;
};

void string_begin(struct vcpu *v, struct string_op *s, unsigned int size,
		  unsigned int addr_size, unsigned int seg, bool rep);
/* Linear addresses of the current source (seg:rSI) and destination (ES:rDI). */
uint64_t string_src(struct vcpu *v, const struct string_op *s);
uint64_t string_dst(struct vcpu *v, const struct string_op *s);
/* Steps rSI or rDI (REG_RSI, REG_RDI) past one element. */
void string_advance(struct vcpu *v, const struct string_op *s, int reg);
/*
 * Counts done elements off rCX (REP) and moves RIP past the instruction
 * once none remain; otherwise the guest executes it again, so one exit
 * does a bounded share of a long REP.
 */
void string_end(struct vcpu *v, const struct string_op *s, uint64_t done,
		uint64_t next_rip);

#endif
