/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_SCALE_H
#define LIB_SCALE_H

#include <stdint.h>

/*
 * A count of a from_hz clock as a count of a to_hz clock (TSC ticks as
 * PIT ticks, microseconds, timer counts). Whole seconds and the rest are
 * scaled apart, so no product exceeds 64 bits while from_hz * to_hz does
 * not: no 128-bit division, which would need libgcc. 0 without from_hz.
 */
static inline uint64_t scale_rate(uint64_t count, uint64_t from_hz,
				  uint64_t to_hz)
{
	if (!from_hz)
		return 0;
	return count / from_hz * to_hz + count % from_hz * to_hz / from_hz;
}

#endif
