/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_GUEST_WALK_H
#define ARCH_X86_GUEST_WALK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Guest-virtual to guest-physical translation through the guest's own page
 * tables, so the hypervisor can fetch the bytes of an instruction it must
 * emulate. Host-testable: guest memory is reached only through a callback.
 */

/* The guest's control registers that select and locate its paging. */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/* Reads len bytes of guest-physical memory at gpa; negative on failure. */
typedef int (*guest_read_fn)(void *ctx, uint64_t gpa, void *buf, size_t len);

/*
 * Translates gva (a linear address: segment base already added) in every
 * paging mode: off, 32-bit, PAE, 4-level and 5-level. Access rights are
 * not checked: the caller translates where the guest just executed.
 * Returns 0, -EFAULT for a not-present entry, or the error of read.
 */
int guest_virt_to_phys(const struct guest_paging *p, uint64_t gva,
		       guest_read_fn read, void *ctx, uint64_t *gpa);

#endif
