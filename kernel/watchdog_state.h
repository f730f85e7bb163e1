/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_WATCHDOG_STATE_H
#define KERNEL_WATCHDOG_STATE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A partition's watchdog is one 64-bit word, so that a pet, an expiry and
 * a restart each change it with one atomic operation (kernel/watchdog.c):
 * unarmed until the guest's first pet, then the TSC value by which the
 * next pet is due, then fired once a checker saw that value pass. Only a
 * (re)start of the partition disarms a fired watchdog.
 */
#define WATCHDOG_UNARMED	0ULL
#define WATCHDOG_FIRED		UINT64_MAX

/* The word after a pet at TSC now: a fired watchdog stays fired. */
static inline uint64_t watchdog_after_pet(uint64_t word, uint64_t now,
					  uint64_t period_ticks)
{
	uint64_t due = now + period_ticks;

	if (word == WATCHDOG_FIRED)
		return WATCHDOG_FIRED;
	/* Never confuse a due time with the two markers. */
	if (due == WATCHDOG_UNARMED || due == WATCHDOG_FIRED || due < now)
		due = WATCHDOG_FIRED - 1;
	return due;
}

/* Whether a checker at TSC now must fire an armed, unfired watchdog. */
static inline bool watchdog_overdue(uint64_t word, uint64_t now)
{
	return word != WATCHDOG_UNARMED && word != WATCHDOG_FIRED &&
	       now >= word;
}

#endif
