/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef LIB_SCALE_H
#define LIB_SCALE_H

#include <stdint.h>

/*
 * A count of a from_hz clock as a count of a to_hz clock (TSC ticks as
 * PIT ticks, microseconds, timer counts), rounded down and exact for any
 * 64-bit inputs: count * to_hz is formed in 128 bits and divided by
 * from_hz. A result that does not fit 64 bits saturates to UINT64_MAX
 * (a count that far away is "never" to every caller). 0 without from_hz
 * (a clock not yet measured: log timestamps print as 0).
 *
 * The 64 x 64 -> 128-bit product is one MUL. The 128 / 64 division is
 * one DIV on x86-64 (SDM vol. 2A, DIV: RDX:RAX by r/m64, #DE when the
 * quotient exceeds 64 bits, which the high < divisor check rules out),
 * so no libgcc helper (__udivti3) is needed in the freestanding build;
 * elsewhere a shift-subtract loop does the same.
 */

/* (high:low) / divisor for high < divisor, one quotient bit at a time. */
static inline uint64_t scale_div128_portable(uint64_t high, uint64_t low,
					     uint64_t divisor)
{
	uint64_t quotient = 0;

	for (int bit = 63; bit >= 0; bit--) {
		/* The remainder (high) stays below divisor < 2^64. */
		uint64_t carry = high >> 63;

		high = high << 1 | low >> 63;
		low <<= 1;
		if (carry || high >= divisor) {
			high -= divisor;
			quotient |= 1ULL << bit;
		}
	}
	return quotient;
}

static inline uint64_t scale_div128(uint64_t high, uint64_t low,
				    uint64_t divisor)
{
#if defined(__x86_64__)
	uint64_t quotient, remainder;

	__asm__("divq %4"
		: "=a"(quotient), "=d"(remainder)
		: "a"(low), "d"(high), "rm"(divisor)
		: "cc");
	(void)remainder;
	return quotient;
#else
	return scale_div128_portable(high, low, divisor);
#endif
}

static inline uint64_t scale_rate(uint64_t count, uint64_t from_hz,
				  uint64_t to_hz)
{
	unsigned __int128 product = (unsigned __int128)count * to_hz;
	uint64_t high = (uint64_t)(product >> 64), low = (uint64_t)product;

	if (!from_hz)
		return 0;
	if (high >= from_hz)	/* the quotient needs more than 64 bits */
		return UINT64_MAX;
	return scale_div128(high, low, from_hz);
}

#endif
