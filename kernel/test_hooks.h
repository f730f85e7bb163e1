/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_TEST_HOOKS_H
#define KERNEL_TEST_HOOKS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Test-only behaviour, switched on by an optional file `bulkhead.test` on
 * the boot volume that only the test harness writes (docs/testing.md).
 * A stick made for real use has no such file, so none of this runs there.
 */

enum fault_target {
	FAULT_NONE,
	FAULT_BSP,		/* page fault on the boot CPU after bring-up */
	FAULT_AP,		/* page fault on the last CPU started */
};

struct test_hooks {
	bool present;
	bool exit_when_up;	/* end the run (QEMU isa-debug-exit) once all CPUs report */
	enum fault_target fault;
};

#define TEST_HOOKS_FILE	"bulkhead.test"

/* Parses whitespace-separated words; returns 0 or -EINVAL naming `bad`. */
int test_hooks_parse(const char *text, size_t len, struct test_hooks *hooks,
		     const char **bad, size_t *bad_len);

#endif
