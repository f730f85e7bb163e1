/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_EXIT_MMIO_CHECK_H
#define KERNEL_EXIT_MMIO_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/insn.h"

/*
 * Whether the instruction the hypervisor decoded is the access that
 * faulted. The bytes are fetched from guest RAM after the exit, so
 * another vCPU of the partition may have rewritten them (or the page
 * tables) in between; emulating what is there now would carry out an
 * access the CPU never checked. Pure logic, host-tested.
 */

/*
 * What the hardware reported: the EPT violation's guest-physical address
 * and qualification bits 1 and 2 (SDM vol. 3C, 27.2.1, table 27-7); the
 * NPF's EXITINFO2 and the W and I/D bits of its error code in EXITINFO1
 * (AMD APM vol. 2, 15.25.6). Both give the exact byte address.
 */
struct mmio_fault {
	uint64_t gpa;
	bool write;
	bool fetch;
};

enum mmio_verdict {
	MMIO_MATCH,
	MMIO_FETCH,		/* the CPU fetched code there: not an access */
	MMIO_OTHER_ADDRESS,	/* the decoded operand is elsewhere */
	MMIO_OTHER_DIRECTION,	/* it reads where the CPU wrote, or the reverse */
	MMIO_CROSSES_PAGE,	/* it runs past the end of the faulting page */
};

/*
 * access_gpa: the guest-physical address of the decoded operand's first
 * byte (for MOVS, the side the fault's direction names), as the guest's
 * page tables give it now. A read-modify-write form matches a fault in
 * either direction: which of its accesses faults first is the CPU's.
 */
enum mmio_verdict mmio_check_access(const struct mmio_fault *f,
				    const struct insn *in,
				    uint64_t access_gpa);
/* For the log: "is at another address", ... */
const char *mmio_verdict_text(enum mmio_verdict verdict);

#endif
