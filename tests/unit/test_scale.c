/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/scale.h"

/* The reference: the compiler's own 128-bit division (libgcc on the host). */
static uint64_t reference(uint64_t count, uint64_t from_hz, uint64_t to_hz)
{
	unsigned __int128 q;

	if (!from_hz)
		return 0;
	q = (unsigned __int128)count * to_hz / from_hz;
	return q > UINT64_MAX ? UINT64_MAX : (uint64_t)q;
}

static void test_everyday_rates(void **state)
{
	(void)state;
	/* 1.5 s of a 3 GHz TSC in microseconds and PIT ticks. */
	assert_int_equal(scale_rate(4500000000ULL, 3000000000ULL, 1000000),
			 1500000);
	assert_int_equal(scale_rate(3000000000ULL, 3000000000ULL, 1193182),
			 1193182);
	/* Rounded down. */
	assert_int_equal(scale_rate(2, 3, 1), 0);
	assert_int_equal(scale_rate(0, 3000000000ULL, 1000000000ULL), 0);
	/* No frequency measured yet. */
	assert_int_equal(scale_rate(12345, 0, 1000000), 0);
}

/*
 * from_hz * to_hz at and beyond 2^64: the remainder times to_hz used to
 * wrap. 2^40 - 1 ticks of a 2^40 Hz clock are 2^40 - 1 ticks at 2^40 Hz.
 */
static void test_products_beyond_64_bits(void **state)
{
	const uint64_t big = 1ULL << 40;

	(void)state;
	assert_int_equal(scale_rate(big - 1, big, big), big - 1);
	assert_int_equal(scale_rate(UINT64_MAX, UINT64_MAX, UINT64_MAX),
			 UINT64_MAX);
	assert_int_equal(scale_rate(UINT64_MAX - 1, UINT64_MAX, UINT64_MAX - 2),
			 UINT64_MAX - 3);
	/* 5 GHz TSC, 4 GHz timer (product 2e19 > 2^64), 0.75 s. */
	assert_int_equal(scale_rate(3750000000ULL, 5000000000ULL,
				    4000000000ULL), 3000000000ULL);
}

/* A result beyond 64 bits saturates rather than wrapping. */
static void test_saturates(void **state)
{
	(void)state;
	assert_int_equal(scale_rate(UINT64_MAX, 1, 2), UINT64_MAX);
	assert_int_equal(scale_rate(1ULL << 63, 3, 7), UINT64_MAX);
	assert_int_equal(scale_rate(UINT64_MAX, 2, 2), UINT64_MAX);
	assert_int_equal(scale_rate(UINT64_MAX - 1, 2, 1), (UINT64_MAX - 1) / 2);
}

/* Both division paths against the reference over spread-out inputs. */
static void test_against_reference(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		uint64_t count, from, to;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		count = x >> (x & 63);
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		from = (x >> (x & 63)) | 1;
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		to = x >> (x & 63);
		assert_int_equal(scale_rate(count, from, to),
				 reference(count, from, to));
		if ((uint64_t)(((unsigned __int128)count * to) >> 64) < from)
			assert_int_equal(
				scale_div128_portable(
					(uint64_t)(((unsigned __int128)count *
						    to) >> 64),
					(uint64_t)((unsigned __int128)count *
						   to), from),
				reference(count, from, to));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_everyday_rates),
		cmocka_unit_test(test_products_beyond_64_bits),
		cmocka_unit_test(test_saturates),
		cmocka_unit_test(test_against_reference),
	};

	return cmocka_run_group_tests_name("scale", tests, NULL, NULL);
}
