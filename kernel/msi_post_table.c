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
	__atomic_store_n(&s->target, target, __ATOMIC_RELEASE);
}

void msi_post_table_init(struct msi_post_table *t)
{
	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++)
		t->slot[i] = (struct msi_post_slot){ 0, 0 };
	t->next = 0;
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
	}
	store_target(&t->slot[i], target_of(owner, guest_vector));
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

		if (target && (target >> TARGET_OWNER_SHIFT &
			       TARGET_OWNER_MASK) == owner) {
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
	*owner = target >> TARGET_OWNER_SHIFT & TARGET_OWNER_MASK;
	*guest_vector = (uint8_t)(target & TARGET_VECTOR_MASK);
	return true;
}

unsigned int msi_post_table_used(const struct msi_post_table *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MSI_POST_VECTORS; i++)
		n += used(&t->slot[i]);
	return n;
}
