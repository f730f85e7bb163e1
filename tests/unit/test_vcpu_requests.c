/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The owner's side of the cross-CPU request protocol (beside struct vcpu):
 * serve_requests() in kernel/vcpu.c, included here to reach it. The back
 * end and the LAPIC are stubs that count what they were asked to do.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/vcpu.c"

static unsigned int resets, lapic_resets;
static struct vcpu_entry last_entry;

static void vcpu_reset(struct vcpu *v, const struct vcpu_entry *e)
{
	(void)v;
	last_entry = *e;
	resets++;
}

static const struct virt_ops ops = { .name = "stub", .vcpu_reset = vcpu_reset };

const struct virt_ops *virt(void)
{
	return &ops;
}

void lapic_emul_reset(struct vcpu *v)
{
	(void)v;
	lapic_resets++;
}

void msr_emul_reset(struct vcpu *v)
{
	(void)v;
}

/* The vCPUs here have cores of their own: no software LAPIC. */
void lapic_soft_inject(struct vcpu *v)
{
	(void)v;
	fail_msg("lapic_soft_inject on a vCPU with a core of its own");
}

void lapic_soft_after_run(struct vcpu *v)
{
	(void)v;
	fail_msg("lapic_soft_after_run on a vCPU with a core of its own");
}

void console_input_service(bool kicked)
{
	(void)kicked;
}

void exit_dispatch(struct vcpu *v, struct vm_exit *x)
{
	(void)v;
	(void)x;
}

bool watchdog_in_use;
void watchdog_check_all(void) {}
void watchdog_serve(struct vcpu *v) { (void)v; }
bool watchdog_fired(const struct partition *p) { (void)p; return false; }

static int setup(void **state)
{
	(void)state;
	resets = lapic_resets = 0;
	return 0;
}

/* INIT then SIPI, as a guest starts an AP: it starts at the vector. */
static void test_init_then_sipi_starts(void **state)
{
	struct vcpu v = { .state = VCPU_RUNNABLE };

	(void)state;
	v.init_request = true;
	serve_requests(&v);
	assert_int_equal(v.state, VCPU_WAIT_SIPI);
	v.sipi_vector = 0x9a;
	v.sipi_pending = true;
	serve_requests(&v);
	assert_int_equal(v.state, VCPU_RUNNABLE);
	assert_int_equal(resets, 1);
	assert_int_equal(last_entry.mode, ENTRY_REAL_SIPI);
	assert_int_equal(last_entry.sipi_vector, 0x9a);
}

/*
 * A SIPI whose sender saw VCPU_WAIT_SIPI just before the owner took an
 * earlier SIPI stays pending on a running vCPU. A later INIT must not let
 * it start the vCPU: real CPUs wait for a SIPI after the INIT.
 */
static void test_sipi_before_init_is_dropped(void **state)
{
	struct vcpu v = { .state = VCPU_RUNNABLE };

	(void)state;
	v.sipi_pending = true;
	v.init_request = true;
	serve_requests(&v);
	assert_int_equal(v.state, VCPU_WAIT_SIPI);
	assert_int_equal(resets, 0);
	assert_false(v.sipi_pending);
}

/* A stop wins over everything else and is acknowledged after the state. */
static void test_stop_first(void **state)
{
	struct vcpu v = { .state = VCPU_RUNNABLE };

	(void)state;
	v.stop_request = true;
	v.reset_pending = true;
	serve_requests(&v);
	assert_int_equal(v.state, VCPU_STOPPED);
	assert_false(v.stop_request);
	assert_int_equal(lapic_resets, 1);
	assert_int_equal(resets, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_then_sipi_starts, setup),
		cmocka_unit_test_setup(test_sipi_before_init_is_dropped, setup),
		cmocka_unit_test_setup(test_stop_first, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
