/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_MSI_POST_TABLE_H
#define KERNEL_MSI_POST_TABLE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The posting vectors of one core shared in time: a passed-through
 * device's MSI reaches that core as a hypervisor vector, which this table
 * turns into the guest's (its owner: a vCPU of the core, and the vector
 * the guest programmed). Each interrupt source (a function's MSI or MSI-X
 * entry) holds at most one vector per core, which it keeps while it
 * names a vCPU of the core: a changed guest vector or owner only rewrites
 * the entry. A freed vector goes back last: vectors are handed out in
 * turn, so one an interrupt may still be in flight for is the last
 * reused, and until then such an interrupt still reaches its old target.
 * A stopped owner's vectors are forgotten at once.
 *
 * From 0x20 (0-31 are exceptions, SDM vol. 3A 6.2) up to, not including,
 * the scheduler's timer at 0xef (kernel/sched.h); 0xff is its spurious
 * vector.
 */
#define MSI_POST_FIRST_VECTOR	0x20
#define MSI_POST_END_VECTOR	0xef
#define MSI_POST_VECTORS	(MSI_POST_END_VECTOR - MSI_POST_FIRST_VECTOR)

struct msi_post_slot {
	uint32_t source;	/* the caller's key, valid while used */
	uint32_t target;	/* 0: never used; see msi_post_table.c */
	uint32_t mask;		/* MSI_POST_MASK_*, see msi_post_table.c */
};

/*
 * The storm bound: a message that reaches a vector while its owner is
 * not the one running asks for its source to be masked (the owner's IRR
 * already holds the guest's vector, into which further messages would
 * only merge), and the core masks it before it enters a guest again;
 * before the owner next runs, it is unmasked. Owners from 0 to 31 only.
 */
#define MSI_POST_MASK_OWNERS	32

/*
 * Changed by one writer at a time (the caller's lock); read from the
 * core's interrupt handler without one: each slot's target is one word.
 */
struct msi_post_table {
	struct msi_post_slot slot[MSI_POST_VECTORS];
	unsigned int next;	/* where the search for a free slot starts */
	uint32_t mask_wanted;	/* some slot's mask is wanted (handler) */
	uint32_t masked_owners;	/* bit per owner with a masked source */
	uint64_t masks;		/* sources masked so far */
};

void msi_post_table_init(struct msi_post_table *t);
/*
 * Source `source` posts `guest_vector` to owner `owner` (< 256): returns
 * its posting vector, the one it held if any, or -ENOSPC when all are
 * taken.
 */
int msi_post_table_set(struct msi_post_table *t, uint32_t source,
		       unsigned int owner, uint8_t guest_vector);
/*
 * The source's vector is free again (a message already on its way still
 * reaches the old target); false if it held none.
 */
bool msi_post_table_clear(struct msi_post_table *t, uint32_t source);
/* Every vector of `owner` is free and forgotten; returns how many. */
unsigned int msi_post_table_clear_owner(struct msi_post_table *t,
					unsigned int owner);
/*
 * What posting vector `vector` stands for, or stood for until freed;
 * false if nothing.
 */
bool msi_post_table_lookup(const struct msi_post_table *t, uint8_t vector,
			   unsigned int *owner, uint8_t *guest_vector);
/*
 * From the core's interrupt handler: a message reached `vector` while
 * its owner was out; false if it stands for no source (free, retired)
 * or one that cannot be masked (an owner from 32 on).
 */
bool msi_post_table_want_mask(struct msi_post_table *t, uint8_t vector);
/* Cheap, without the lock: anything to mask, or to unmask for `owner`. */
bool msi_post_table_mask_pending(const struct msi_post_table *t,
				 unsigned int owner);
/*
 * Under the caller's lock, on the core between an exit and an entry of
 * `running` (an owner, or ~0U for none): the next source to mask at the
 * IOMMU, now counted as masked, or false when none is left. A wanted
 * slot of the running owner is not masked: its messages are injected.
 */
bool msi_post_table_next_mask(struct msi_post_table *t, unsigned int running,
			      uint32_t *source);
/*
 * Under the caller's lock, before `owner` is entered: the next of its
 * masked sources to unmask, now counted as unmasked, or false.
 */
bool msi_post_table_next_unmask(struct msi_post_table *t, unsigned int owner,
				uint32_t *source);
/* How many vectors are taken. */
unsigned int msi_post_table_used(const struct msi_post_table *t);

#endif
