/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The posting vectors of a core shared in time (msi_post_table.h): pure
 * bookkeeping, host-testable; kernel/msi_post.c puts it on the hardware.
 */
#include "kernel/msi_post_table.h"
#include "lib/errno.h"

/*
 * A slot's target: one word, so the handler reads it whole. A freed
 * slot keeps its last target, retired, until it is handed out again: a
 * message sent before its source moved still reaches where it was aimed,
 * as on hardware.
 */
#define TARGET_USED		(1U << 16)
#define TARGET_RETIRED		(1U << 17)
#define TARGET_OWNER_SHIFT	8
#define TARGET_OWNER_MASK	0xffU
#define TARGET_VECTOR_MASK	0xffU

/*
 * A slot's mask word: the target a message found when it asked for its
 * source to be masked (so a slot rewritten since is left alone, unless
 * it still names the same owner and guest vector, whose IRR bit the
 * message set), and whether the source is masked now. Its IOMMU entry
 * is rewritten, unmasked, whenever the slot is: freed, or given another
 * target, the word is zeroed; rewritten with the same target (the guest
 * wrote the same message again), a masked source is to be masked again,
 * so a partition that rewrites its MSI from a core of its own while the
 * owner is out does not unmask it.
 */
#define MASK_TARGET		0x3ffffU
#define MASK_WANTED		(1U << 30)
#define MASK_MASKED		(1U << 31)

static uint32_t target_of(unsigned int owner, uint8_t guest_vector)
{
	return TARGET_USED | (owner & TARGET_OWNER_MASK) << TARGET_OWNER_SHIFT |
	       guest_vector;
}

static uint32_t load_target(const struct msi_post_slot *s)
{
	return __atomic_load_n(&s->target, __ATOMIC_ACQUIRE);
}

static void store_target(struct msi_post_slot *s, uint32_t target)
{
	__atomic_store_n(&s->mask, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&s->target, target, __ATOMIC_RELEASE);
}

/* The same target again: a mask wanted or applied is wanted again. */
static void rewrite_target(struct msi_post_table *t, struct msi_post_slot *s,
			   uint32_t target)
{
	uint32_t mask = __atomic_load_n(&s->mask, __ATOMIC_ACQUIRE);

	if (load_target(s) != target ||
	    !(mask & (MASK_WANTED | MASK_MASKED))) {
		store_target(s, target);
		return;
	}
	__atomic_store_n(&s->mask, MASK_WANTED | target, __ATOMIC_RELEASE);
	__atomic_store_n(&t->mask_wanted, 1, __ATOMIC_RELEASE);
}

static unsigned int owner_in(uint32_t target)
{
	return target >> TARGET_OWNER_SHIFT & TARGET_OWNER_MASK;
}

void msi_post_table_init(struct msi_post_table *t)
{
	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++)
		t->slot[i] = (struct msi_post_slot){ 0, 0, 0 };
	t->next = 0;
	t->mask_wanted = 0;
	t->masked_owners = 0;
	t->masks = 0;
}

static bool used(const struct msi_post_slot *s)
{
	return load_target(s) & TARGET_USED;
}

static int find(const struct msi_post_table *t, uint32_t source)
{
	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++)
		if (used(&t->slot[i]) && t->slot[i].source == source)
			return (int)i;
	return -1;
}

/* The first free slot from t->next on, wrapping around; -1 if none. */
static int find_free(const struct msi_post_table *t)
{
	for (unsigned int n = 0; n < MSI_POST_VECTORS; n++) {
		unsigned int i = (t->next + n) % MSI_POST_VECTORS;

		if (!used(&t->slot[i]))
			return (int)i;
	}
	return -1;
}

int msi_post_table_set(struct msi_post_table *t, uint32_t source,
		       unsigned int owner, uint8_t guest_vector)
{
	int i = find(t, source);

	if (i < 0) {
		i = find_free(t);
		if (i < 0)
			return -ENOSPC;
		t->slot[i].source = source;
		t->next = ((unsigned int)i + 1) % MSI_POST_VECTORS;
		store_target(&t->slot[i], target_of(owner, guest_vector));
	} else {
		rewrite_target(t, &t->slot[i], target_of(owner, guest_vector));
	}
	return MSI_POST_FIRST_VECTOR + i;
}

bool msi_post_table_clear(struct msi_post_table *t, uint32_t source)
{
	int i = find(t, source);

	if (i < 0)
		return false;
	store_target(&t->slot[i], (load_target(&t->slot[i]) & ~TARGET_USED) |
		     TARGET_RETIRED);
	return true;
}

unsigned int msi_post_table_clear_owner(struct msi_post_table *t,
					unsigned int owner)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++) {
		uint32_t target = load_target(&t->slot[i]);

		if (target && owner_in(target) == owner) {
			store_target(&t->slot[i], 0);
			n += (target & TARGET_USED) != 0;
		}
	}
	return n;
}

bool msi_post_table_lookup(const struct msi_post_table *t, uint8_t vector,
			   unsigned int *owner, uint8_t *guest_vector)
{
	uint32_t target;

	if (vector < MSI_POST_FIRST_VECTOR || vector >= MSI_POST_END_VECTOR)
		return false;
	target = load_target(&t->slot[vector - MSI_POST_FIRST_VECTOR]);
	if (!(target & (TARGET_USED | TARGET_RETIRED)))
		return false;
	*owner = owner_in(target);
	*guest_vector = (uint8_t)(target & TARGET_VECTOR_MASK);
	return true;
}

bool msi_post_table_want_mask(struct msi_post_table *t, uint8_t vector)
{
	struct msi_post_slot *s;
	uint32_t target, mask;

	if (vector < MSI_POST_FIRST_VECTOR || vector >= MSI_POST_END_VECTOR)
		return false;
	s = &t->slot[vector - MSI_POST_FIRST_VECTOR];
	target = load_target(s);
	if (!(target & TARGET_USED) || owner_in(target) >= MSI_POST_MASK_OWNERS)
		return false;
	/* A writer on another core may zero the word meanwhile. */
	mask = __atomic_load_n(&s->mask, __ATOMIC_ACQUIRE);
	while (!__atomic_compare_exchange_n(&s->mask, &mask,
					    (mask & MASK_MASKED) | MASK_WANTED |
					    target, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE))
		;
	__atomic_store_n(&t->mask_wanted, 1, __ATOMIC_RELEASE);
	return true;
}

bool msi_post_table_mask_pending(const struct msi_post_table *t,
				 unsigned int owner)
{
	uint32_t owners = __atomic_load_n(&t->masked_owners, __ATOMIC_ACQUIRE);

	return __atomic_load_n(&t->mask_wanted, __ATOMIC_ACQUIRE) ||
	       (owner < MSI_POST_MASK_OWNERS && (owners >> owner & 1));
}

/* Its mask is wanted, and the slot still stands for what asked for it. */
static bool take_wanted(struct msi_post_slot *s, unsigned int running)
{
	uint32_t mask = __atomic_load_n(&s->mask, __ATOMIC_ACQUIRE);
	uint32_t target = load_target(s);

	if (!(mask & MASK_WANTED))
		return false;
	__atomic_store_n(&s->mask, mask & MASK_MASKED, __ATOMIC_RELEASE);
	return !(mask & MASK_MASKED) && (target & TARGET_USED) &&
	       (mask & MASK_TARGET) == target && owner_in(target) != running;
}

bool msi_post_table_next_mask(struct msi_post_table *t, unsigned int running,
			      uint32_t *source)
{
	if (!__atomic_load_n(&t->mask_wanted, __ATOMIC_ACQUIRE))
		return false;
	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++) {
		struct msi_post_slot *s = &t->slot[i];

		if (!take_wanted(s, running))
			continue;
		__atomic_store_n(&s->mask, MASK_MASKED, __ATOMIC_RELEASE);
		__atomic_or_fetch(&t->masked_owners,
				  1U << owner_in(load_target(s)),
				  __ATOMIC_RELEASE);
		t->masks++;
		*source = s->source;
		return true;
	}
	__atomic_store_n(&t->mask_wanted, 0, __ATOMIC_RELEASE);
	return false;
}

bool msi_post_table_next_unmask(struct msi_post_table *t, unsigned int owner,
				uint32_t *source)
{
	if (owner >= MSI_POST_MASK_OWNERS ||
	    !(__atomic_load_n(&t->masked_owners, __ATOMIC_ACQUIRE) >> owner & 1))
		return false;
	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++) {
		struct msi_post_slot *s = &t->slot[i];
		uint32_t target = load_target(s);

		if (!(__atomic_load_n(&s->mask, __ATOMIC_ACQUIRE) &
		      MASK_MASKED) || !(target & TARGET_USED) ||
		    owner_in(target) != owner)
			continue;
		__atomic_and_fetch(&s->mask, ~MASK_MASKED, __ATOMIC_RELEASE);
		*source = s->source;
		return true;
	}
	__atomic_and_fetch(&t->masked_owners, ~(1U << owner), __ATOMIC_RELEASE);
	return false;
}

unsigned int msi_post_table_used(const struct msi_post_table *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++)
		n += used(&t->slot[i]);
	return n;
}
