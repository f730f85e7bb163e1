/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/cpu_check.h"

static const struct cpu_facts amd_ok = {
	.vendor = "AuthenticAMD",
	.ext_leaf1_ecx = CPUID_EXT1_ECX_SVM,
	.svm_features_edx = CPUID_SVM_EDX_NP,
};

static const struct cpu_facts intel_ok = {
	.vendor = "GenuineIntel",
	.leaf1_ecx = CPUID_1_ECX_VMX,
	.feature_control = FEATURE_CONTROL_LOCK |
			   FEATURE_CONTROL_VMX_OUTSIDE_SMX,
	.vmx_procbased = VMX_PROC_ACTIVATE_SECONDARY,
	.vmx_procbased2 = VMX_PROC2_ENABLE_EPT | VMX_PROC2_UNRESTRICTED_GUEST,
};

static void expect_rejected(const struct cpu_facts *f, const char *problem)
{
	struct cpu_verdict v;

	cpu_assess(f, &v);
	assert_int_equal(v.virt, VIRT_NONE);
	assert_non_null(v.problem);
	assert_non_null(strstr(v.problem, problem));
	assert_non_null(v.remedy);
}

static void test_amd_with_npt_is_accepted(void **state)
{
	struct cpu_verdict v;

	(void)state;
	cpu_assess(&amd_ok, &v);
	assert_int_equal(v.virt, VIRT_SVM);
	assert_null(v.problem);
	assert_false(v.nested);
}

static void test_amd_disabled_by_firmware(void **state)
{
	struct cpu_facts f = amd_ok;

	(void)state;
	f.vm_cr = VM_CR_SVMDIS;
	expect_rejected(&f, "SVMDIS");
}

static void test_amd_without_npt(void **state)
{
	struct cpu_facts f = amd_ok;

	(void)state;
	f.svm_features_edx = 0;
	expect_rejected(&f, "nested paging");
}

static void test_no_virtualization_at_all(void **state)
{
	struct cpu_facts f = amd_ok;

	(void)state;
	f.ext_leaf1_ecx = 0;
	expect_rejected(&f, "neither Intel VT-x (VMX) nor AMD-V (SVM)");
}

static void test_intel_locked_on_is_accepted(void **state)
{
	struct cpu_verdict v;

	(void)state;
	cpu_assess(&intel_ok, &v);
	assert_int_equal(v.virt, VIRT_VMX);
	assert_false(v.must_lock_feature_control);
}

static void test_intel_unlocked_must_be_locked(void **state)
{
	struct cpu_facts f = intel_ok;
	struct cpu_verdict v;

	(void)state;
	f.feature_control = 0;	/* as OVMF leaves it under Bochs */
	cpu_assess(&f, &v);
	assert_int_equal(v.virt, VIRT_VMX);
	assert_true(v.must_lock_feature_control);
}

static void test_intel_locked_off(void **state)
{
	struct cpu_facts f = intel_ok;

	(void)state;
	f.feature_control = FEATURE_CONTROL_LOCK;
	expect_rejected(&f, "disabled by the firmware");
}

static void test_intel_without_ept(void **state)
{
	struct cpu_facts f = intel_ok;

	(void)state;
	f.vmx_procbased2 = VMX_PROC2_UNRESTRICTED_GUEST;
	expect_rejected(&f, "EPT");
	f = intel_ok;
	f.vmx_procbased = 0;
	expect_rejected(&f, "EPT");
}

static void test_intel_without_unrestricted_guest(void **state)
{
	struct cpu_facts f = intel_ok;

	(void)state;
	f.vmx_procbased2 = VMX_PROC2_ENABLE_EPT;
	expect_rejected(&f, "unrestricted");
}

static void test_nested_is_reported(void **state)
{
	struct cpu_facts f = amd_ok;
	struct cpu_verdict v;

	(void)state;
	f.leaf1_ecx |= CPUID_1_ECX_HYPERVISOR;
	cpu_assess(&f, &v);
	assert_true(v.nested);
	assert_int_equal(v.virt, VIRT_SVM);
	assert_string_equal(virt_kind_name(v.virt), "SVM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amd_with_npt_is_accepted),
		cmocka_unit_test(test_amd_disabled_by_firmware),
		cmocka_unit_test(test_amd_without_npt),
		cmocka_unit_test(test_no_virtualization_at_all),
		cmocka_unit_test(test_intel_locked_on_is_accepted),
		cmocka_unit_test(test_intel_unlocked_must_be_locked),
		cmocka_unit_test(test_intel_locked_off),
		cmocka_unit_test(test_intel_without_ept),
		cmocka_unit_test(test_intel_without_unrestricted_guest),
		cmocka_unit_test(test_nested_is_reported),
	};

	return cmocka_run_group_tests_name("cpu_check", tests, NULL, NULL);
}
