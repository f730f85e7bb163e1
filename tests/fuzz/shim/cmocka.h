/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef TESTS_FUZZ_SHIM_CMOCKA_H
#define TESTS_FUZZ_SHIM_CMOCKA_H

/*
 * The two cmocka checks tests/unit/fake_pci.h makes, for the fuzz targets
 * that reuse that fake machine without linking cmocka: a failure aborts,
 * which libFuzzer reports.
 */
#include "tests/fuzz/fuzz.h"

#define assert_int_equal(a, b) \
	FUZZ_CHECK((a) == (b), "fake PCI: %lld != %lld", \
		   (long long)(a), (long long)(b))
#define assert_non_null(p) \
	FUZZ_CHECK((p) != NULL, "fake PCI: access to a function it lacks")

#endif
