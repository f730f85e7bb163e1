/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/exit/cpuid_policy.h"

static const struct cpuid_view view = {
	.vcpu_index = 1, .vcpu_count = 2, .boot_count = 3,
	.watchdog_ms = 2000 };

static void test_leaf1_hides_vmx_and_sets_hypervisor(void **state)
{
	struct cpuid_regs r = { 0x00a20f12, 0x05100800, 0xfffab223,
				0x178bfbff };

	(void)state;
	cpuid_policy_apply(1, 0, &view, &r);
	assert_int_equal(r.eax, 0x00a20f12);
	assert_int_equal(r.ecx & (1U << 5), 0);		/* VMX */
	assert_int_equal(r.ecx & (1U << 21), 0);	/* x2APIC */
	assert_true(r.ecx & (1U << 24));		/* TSC deadline emulated */
	assert_int_equal(r.ecx & (1U << 3), 0);		/* MONITOR */
	assert_true(r.ecx & (1U << 31));		/* hypervisor */
	assert_true(r.ecx & (1U << 0));			/* SSE3 kept */
	assert_int_equal(r.ebx >> 24, 1);		/* APIC ID */
	assert_int_equal((r.ebx >> 16) & 0xff, 2);	/* logical CPUs */
	assert_int_equal(r.ebx & 0xffff, 0x0800);	/* CLFLUSH size kept */
	assert_int_equal(r.edx, 0x178bfbff);
}

static void test_timer_and_tsc_reported_reliable(void **state)
{
	struct cpuid_regs six = { 0x4, 0, 0, 0 };
	struct cpuid_regs power = { 0, 0, 0, 0x100 };
	struct cpuid_regs bare6 = { 0, 0, 0, 0 };
	struct cpuid_regs bare_power = { 0, 0, 0, 0 };

	(void)state;
	cpuid_policy_apply(6, 0, &view, &bare6);
	assert_true(bare6.eax & (1U << 2));		/* ARAT */
	cpuid_policy_apply(0x80000007U, 0, &view, &bare_power);
	assert_true(bare_power.edx & (1U << 8));	/* invariant TSC */
	cpuid_policy_apply(6, 0, &view, &six);
	assert_int_equal(six.eax, 0x4);
	cpuid_policy_apply(0x80000007U, 0, &view, &power);
	assert_int_equal(power.edx, 0x100);
}

static void test_svm_hidden(void **state)
{
	struct cpuid_regs r = { 0, 0, 0x75c237ff, 0x2fd3fbff };

	(void)state;
	cpuid_policy_apply(0x80000001U, 0, &view, &r);
	assert_int_equal(r.ecx & (1U << 2), 0);
	assert_true(r.ecx & 1);
	r = (struct cpuid_regs){ 1, 0x8000, 0, 0x1ebfbff };
	cpuid_policy_apply(0x8000000aU, 0, &view, &r);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

/* No MSR a partition lacks is advertised: thermal, DS, PDCM, shared PMCs. */
static void test_msr_backed_features_hidden(void **state)
{
	struct cpuid_regs r = { 0x506e3, 0, 0x7ffafbbf, 0xbfebfbff };

	(void)state;
	cpuid_policy_apply(1, 0, &view, &r);
	assert_int_equal(r.edx & ((1U << 21) | (1U << 22) | (1U << 29)), 0);
	assert_int_equal(r.ecx & ((1U << 2) | (1U << 4) | (1U << 7) |
				  (1U << 8) | (1U << 15)), 0);
	assert_true(r.edx & (1U << 4));			/* TSC kept */
	r = (struct cpuid_regs){ 0x27f7, 2, 9, 0 };
	cpuid_policy_apply(6, 0, &view, &r);
	assert_int_equal(r.eax, 1U << 2);		/* ARAT only */
	assert_int_equal(r.ebx | r.ecx | r.edx, 0);
	r = (struct cpuid_regs){ 0, 0, 0x11800000, 0 };
	cpuid_policy_apply(0x80000001U, 0, &view, &r);
	assert_int_equal(r.ecx, 1U << 23);		/* core PMCs kept */
	r = (struct cpuid_regs){ 7, 0x1c36, 0, 0 };
	cpuid_policy_apply(0x80000022U, 0, &view, &r);
	assert_int_equal(r.eax, 1);			/* PerfMonV2 */
	assert_int_equal(r.ebx, 6);			/* core counters */
	/* XSAVES stays; no supervisor component (PT, CET) is offered. */
	r = (struct cpuid_regs){ 0xf, 0x3c0, 0x1900, 0 };
	cpuid_policy_apply(0xd, 1, &view, &r);
	assert_int_equal(r.eax, 0xf);
	assert_int_equal(r.ebx, 0x3c0);
	assert_int_equal(r.ecx | r.edx, 0);
	r = (struct cpuid_regs){ 0xe7, 0xa80, 0xa80, 0 };
	cpuid_policy_apply(0xd, 0, &view, &r);		/* XCR0's: untouched */
	assert_int_equal(r.ecx, 0xa80);
}

static void test_bulkhead_leaves(void **state)
{
	struct cpuid_regs r = { 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d };
	char sig[13] = { 0 };

	(void)state;
	cpuid_policy_apply(0x40000000U, 0, &view, &r);
	assert_int_equal(r.eax, CPUID_BULKHEAD_INFO);
	__builtin_memcpy(sig, &r.ebx, 4);
	__builtin_memcpy(sig + 4, &r.ecx, 4);
	__builtin_memcpy(sig + 8, &r.edx, 4);
	assert_string_equal(sig, "BulkheadHV  ");
	cpuid_policy_apply(0x40000001U, 0, &view, &r);
	assert_int_equal(r.eax, 3);
	assert_int_equal(r.ebx, 1);
	assert_int_equal(r.ecx, 2);
	assert_int_equal(r.edx, 2000);
	r = (struct cpuid_regs){ 1, 2, 3, 4 };
	cpuid_policy_apply(0x40000010U, 0, &view, &r);	/* KVM's timing leaf */
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void test_topology_reports_own_id(void **state)
{
	struct cpuid_regs r = { 1, 1, 0x100, 7 };

	(void)state;
	cpuid_policy_apply(0xb, 0, &view, &r);
	assert_int_equal(r.edx, 1);
	r = (struct cpuid_regs){ 0x80000008, 0x68747541, 0x444d4163, 0x69746e65 };
	cpuid_policy_apply(0, 0, &view, &r);
	assert_int_equal(r.ebx, 0x68747541);	/* other leaves untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1_hides_vmx_and_sets_hypervisor),
		cmocka_unit_test(test_timer_and_tsc_reported_reliable),
		cmocka_unit_test(test_svm_hidden),
		cmocka_unit_test(test_msr_backed_features_hidden),
		cmocka_unit_test(test_bulkhead_leaves),
		cmocka_unit_test(test_topology_reports_own_id),
	};

	return cmocka_run_group_tests_name("cpuid_policy", tests, NULL, NULL);
}
