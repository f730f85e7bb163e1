/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MSR policy against the manuals: Intel SDM vol. 4 (MSR tables), vol.
 * 3B 17.17 (TSC, TSC_ADJUST) and 20.2 (PMU); AMD APM vol. 2 appendix A and
 * 13.2. The partition's CPUID is a fake CPU the test describes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/x86/cpu_regs.h"
#include "arch/x86/msr.h"
#include "kernel/exit/msr_policy.h"

#define GP		MSR_DO_GP
#define NONCANON	0x0000800000000000ULL
#define CANON_HIGH	0xffff800000000000ULL
#define CANON_LOW	0x00007ffffffff000ULL

/* A fake CPU: leaf -> registers; absent leaves read as zero. */
struct fake_cpu {
	uint32_t max_basic, max_ext;
	struct cpuid_regs leaf1, leaf7, leaf_a, leaf_d1, ext1, ext22;
};

static struct cpuid_regs fake_cpuid(const void *ctx, uint32_t leaf,
				    uint32_t sub)
{
	const struct fake_cpu *c = ctx;

	switch (leaf) {
	case 0:
		return (struct cpuid_regs){ c->max_basic, 0, 0, 0 };
	case 1:
		return c->leaf1;
	case 7:
		return c->leaf7;
	case 0xa:
		return c->leaf_a;
	case 0xd:
		return sub == 1 ? c->leaf_d1 : (struct cpuid_regs){ 0, 0, 0, 0 };
	case 0x80000000U:
		return (struct cpuid_regs){ c->max_ext, 0, 0, 0 };
	case 0x80000001U:
		return c->ext1;
	case 0x80000022U:
		return c->ext22;
	default:
		return (struct cpuid_regs){ 0, 0, 0, 0 };
	}
}

/*
 * Intel: arch. PMU v4, 4 GP + 3 fixed counters; TSC_ADJUST; RDTSCP;
 * XSAVES (CPUID 0xD.1 EAX bit 3) with no supervisor component offered.
 */
static const struct fake_cpu skylake = {
	.max_basic = 0x16, .max_ext = 0x80000008U,
	.leaf1 = { 0x506e3, 0, 1U << 24, 0 },
	.leaf7 = { 0, 1U << 1, 0, 0 },
	.leaf_a = { 0x07300404, 0, 0, 0x603 },
	.leaf_d1 = { 0xf, 0x3c0, 0, 0 },
	.ext1 = { 0, 0, 0, 1U << 27 },
};
/* AMD Zen 4: core extension (6 counters) and PerfMonV2; no TSC_ADJUST. */
static const struct fake_cpu zen4 = {
	.max_basic = 0x10, .max_ext = 0x80000022U,
	.leaf1 = { 0xa10f11, 0, 1U << 24, 0 },
	.ext1 = { 0, 0, 1U << 23, 1U << 27 },
	.ext22 = { 1, 6, 0, 0 },
};

static struct msr_view view(const struct fake_cpu *c, unsigned int index)
{
	enum msr_vendor vendor = c == &zen4 ? MSR_AMD : MSR_INTEL;

	return (struct msr_view){ vendor, index, fake_cpuid, c };
}

static enum msr_action rd(const struct fake_cpu *c, uint32_t msr)
{
	struct msr_view pv = view(c, 0);

	return msr_policy_read(&pv, msr).action;
}

static uint64_t rd_value(const struct fake_cpu *c, unsigned int index,
			 uint32_t msr)
{
	struct msr_view pv = view(c, index);
	struct msr_decision d = msr_policy_read(&pv, msr);

	assert_int_equal(d.action, MSR_DO_VALUE);
	return d.value;
}

static enum msr_action wr(const struct fake_cpu *c, uint32_t msr,
			  uint64_t value)
{
	struct msr_view pv = view(c, 0);

	return msr_policy_write(&pv, msr, value).action;
}

static void test_vendor_from_cpuid(void **state)
{
	struct cpuid_regs amd = { 0x10, 0x68747541, 0x444d4163, 0x69746e65 };
	struct cpuid_regs intel = { 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };

	(void)state;
	assert_int_equal(msr_vendor_of(&amd), MSR_AMD);
	assert_int_equal(msr_vendor_of(&intel), MSR_INTEL);
}

/* Each kind of row, both ways. */
static void test_rows(void **state)
{
	(void)state;
	assert_int_equal(rd(&skylake, MSR_EFER), MSR_DO_GUEST);
	assert_int_equal(rd(&zen4, MSR_PAT), MSR_DO_GUEST);
	assert_int_equal(rd(&skylake, MSR_TSC), MSR_DO_TSC);
	assert_int_equal(wr(&zen4, MSR_TSC, 12345), MSR_DO_TSC);
	assert_int_equal(rd(&skylake, MSR_TSC_DEADLINE), MSR_DO_DEADLINE);
	assert_int_equal(rd(&zen4, MSR_TSC_AUX), MSR_DO_CORE);
	assert_int_equal(wr(&zen4, MSR_TSC_AUX, 0xffffffff), MSR_DO_CORE);
	assert_int_equal(rd(&skylake, MSR_FS_BASE), MSR_DO_GUEST);
	/* Identification and MTRRs: zero; MTRR writes ignored, caps fixed. */
	assert_int_equal(rd_value(&zen4, 0, MSR_MTRR_CAP), 0);
	assert_int_equal(wr(&zen4, MSR_MTRR_CAP, 0), GP);
	assert_int_equal(wr(&skylake, MSR_MTRR_PHYS_FIRST, 0x6), MSR_DO_VALUE);
	assert_int_equal(wr(&skylake, MSR_MTRR_DEF_TYPE, 0xc06), MSR_DO_VALUE);
	assert_int_equal(wr(&skylake, MSR_BIOS_SIGN_ID, 0), MSR_DO_VALUE);
	assert_int_equal(rd_value(&skylake, 0, MSR_MCG_CAP), 0);
	assert_int_equal(wr(&skylake, MSR_MCG_CAP, 0), GP);
	/* Nothing else exists. */
	assert_int_equal(rd(&skylake, 0x19b), GP);	/* THERM_INTERRUPT */
	assert_int_equal(rd(&zen4, 0x1b1), GP);		/* PACKAGE_THERM */
	assert_int_equal(wr(&zen4, 0x12345678, 0), GP);
}

/* SDM vol. 3A 11.4.4: BSP flag on vCPU 0 only; no x2APIC, no moving. */
static void test_apic_base(void **state)
{
	(void)state;
	assert_int_equal(rd_value(&skylake, 0, MSR_APIC_BASE), 0xfee00900);
	assert_int_equal(rd_value(&zen4, 1, MSR_APIC_BASE), 0xfee00800);
	assert_int_equal(wr(&skylake, MSR_APIC_BASE, 0xfee00900),
			 MSR_DO_VALUE);
	assert_int_equal(wr(&skylake, MSR_APIC_BASE, 0xfee00d00), GP);
	assert_int_equal(wr(&skylake, MSR_APIC_BASE, 0xfed00900), GP);
	assert_int_equal(wr(&skylake, MSR_APIC_BASE, 0xfee00901), GP);
}

/* SDM vol. 4 table 2-2, IA32_MISC_ENABLE; AMD has no such MSR. */
static void test_misc_enable(void **state)
{
	struct fake_cpu tm = skylake;
	uint64_t v = rd_value(&skylake, 0, MSR_MISC_ENABLE);

	(void)state;
	assert_int_equal(v, 0x1881);	/* fast strings, PMU, no BTS/PEBS */
	tm.leaf1.edx |= 1U << 29;	/* thermal monitor shown: TCC on */
	tm.leaf_a.eax = 0;		/* no PMU: bit 7 clear */
	assert_int_equal(rd_value(&tm, 0, MSR_MISC_ENABLE), 0x1809);
	assert_int_equal(wr(&skylake, MSR_MISC_ENABLE, v), MSR_DO_VALUE);
	assert_int_equal(wr(&skylake, MSR_MISC_ENABLE, v | 1ULL << 22),
			 MSR_DO_VALUE);		/* limit CPUID: R/W */
	assert_int_equal(wr(&skylake, MSR_MISC_ENABLE, v & ~0x1800ULL),
			 MSR_DO_VALUE);		/* R/O bits: ignored */
	assert_int_equal(wr(&skylake, MSR_MISC_ENABLE, v | 2), GP);
	assert_int_equal(wr(&skylake, MSR_MISC_ENABLE, v | 1ULL << 40), GP);
	assert_int_equal(rd(&zen4, MSR_MISC_ENABLE), GP);
	assert_int_equal(wr(&zen4, MSR_MISC_ENABLE, 1), GP);
}

static void test_reserved_bits(void **state)
{
	(void)state;
	/* TSC_AUX: bits 63:32 reserved (APM vol. 2 13.2.4). */
	assert_int_equal(wr(&skylake, MSR_TSC_AUX, 1ULL << 32), GP);
	/* PAT: types 2, 3 and above 7 reserved (SDM vol. 3A 12.12.2). */
	assert_int_equal(wr(&zen4, MSR_PAT, 0x0007040600070406ULL),
			 MSR_DO_GUEST);
	assert_int_equal(wr(&zen4, MSR_PAT, 0x0007040600070402ULL), GP);
	assert_int_equal(wr(&skylake, MSR_PAT, 0x0807040600070406ULL), GP);
	/* Read-only identification. */
	assert_int_equal(rd_value(&skylake, 0, MSR_FEATURE_CONTROL), 1);
	assert_int_equal(wr(&skylake, MSR_FEATURE_CONTROL, 5), GP);
	assert_int_equal(rd_value(&zen4, 0, MSR_VM_CR), 0x18);
	assert_int_equal(wr(&zen4, MSR_VM_CR, 0), GP);
}

/* Address-valued MSRs take 48-bit canonical addresses (LA57 hidden). */
static void test_canonical(void **state)
{
	static const uint32_t both[] = { MSR_FS_BASE, MSR_GS_BASE,
		MSR_KERNEL_GS_BASE, MSR_LSTAR, MSR_CSTAR };

	(void)state;
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(wr(&skylake, both[i], NONCANON), GP);
		assert_int_equal(wr(&zen4, both[i], NONCANON), GP);
		assert_int_equal(wr(&zen4, both[i], 0x00ff000000000000ULL),
				 GP);	/* canonical with 57 bits only */
		assert_int_equal(wr(&skylake, both[i], CANON_HIGH),
				 MSR_DO_GUEST);
		assert_int_equal(wr(&zen4, both[i], CANON_LOW), MSR_DO_GUEST);
	}
	/* Intel checks SYSENTER_ESP/EIP; AMD keeps 32 bits, unchecked. */
	assert_int_equal(wr(&skylake, MSR_SYSENTER_EIP, NONCANON), GP);
	assert_int_equal(wr(&skylake, MSR_SYSENTER_ESP, CANON_HIGH),
			 MSR_DO_GUEST);
}

struct direct {
	uint32_t msr[128];
	bool writes[128];
	unsigned int n;
};

static void note(void *arg, uint32_t msr, bool writes)
{
	struct direct *d = arg;

	assert_true(d->n < 128);
	d->msr[d->n] = msr;
	d->writes[d->n++] = writes;
}

/* -1: exits; 0: reads direct, writes exit; 1: both direct. */
static int direct(enum msr_vendor vendor, uint32_t msr)
{
	struct direct d = { .n = 0 };

	msr_policy_direct(vendor, note, &d);
	for (unsigned int i = 0; i < d.n; i++)
		if (d.msr[i] == msr)
			return d.writes[i];
	return -1;
}

/* Bitmaps: the PMU and syscall MSRs run without exits, per vendor. */
static void test_direct_per_vendor(void **state)
{
	(void)state;
	for (uint32_t m = MSR_AMD_PERF_CTL0; m <= MSR_AMD_PERF_CTR0 + 3; m++)
		assert_int_equal(direct(MSR_AMD, m), 1);
	assert_int_equal(direct(MSR_AMD, MSR_AMD_PERF_CTL_EXT0 + 11), 1);
	assert_int_equal(direct(MSR_AMD, MSR_AMD_PERF_GLOBAL_CTL), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_AMD_PERF_CTL0), -1);
	assert_int_equal(direct(MSR_INTEL, MSR_PMC0 + 3), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_PERFEVTSEL0), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_FIXED_CTR0 + 2), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_PERF_GLOBAL_CTRL), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_A_PMC0), 1);
	assert_int_equal(direct(MSR_AMD, MSR_PMC0), -1);
	assert_int_equal(direct(MSR_AMD, MSR_SYSENTER_EIP), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_SYSENTER_EIP), 0);
	assert_int_equal(direct(MSR_AMD, MSR_STAR), 1);
	assert_int_equal(direct(MSR_INTEL, MSR_FS_BASE), 0);
	assert_int_equal(direct(MSR_AMD, MSR_LSTAR), 0);
	assert_int_equal(direct(MSR_AMD, MSR_TSC), -1);
	assert_int_equal(direct(MSR_INTEL, MSR_EFER), -1);
	/* A direct MSR that exits anyway is a bitmap bug: #GP, not the core. */
	assert_int_equal(rd(&zen4, MSR_AMD_PERF_CTL0), GP);
}

/* An MSR exists only when the partition's CPUID says so. */
static void test_cpuid_gates(void **state)
{
	struct fake_cpu c = skylake;

	(void)state;
	assert_int_equal(rd(&skylake, MSR_TSC_ADJUST), MSR_DO_TSC);
	assert_int_equal(rd(&zen4, MSR_TSC_ADJUST), GP);
	c.max_basic = 6;		/* leaf 7 beyond the last leaf */
	assert_int_equal(rd(&c, MSR_TSC_ADJUST), GP);
	c = skylake;
	c.ext1.edx = 0;			/* no RDTSCP: no TSC_AUX */
	assert_int_equal(rd(&c, MSR_TSC_AUX), GP);
	assert_int_equal(wr(&c, MSR_TSC_AUX, 0), GP);
	c.leaf1.ecx = 0;		/* no TSC-deadline timer */
	assert_int_equal(wr(&c, MSR_TSC_DEADLINE, 1), GP);
	/* IA32_XSS with XSAVES: 0, its only value; without: absent. */
	assert_int_equal(rd(&skylake, MSR_XSS), MSR_DO_VALUE);
	assert_int_equal(rd_value(&skylake, 0, MSR_XSS), 0);
	assert_int_equal(wr(&skylake, MSR_XSS, 0), MSR_DO_VALUE);
	assert_int_equal(wr(&skylake, MSR_XSS, 1U << 8), GP);	/* PT */
	assert_int_equal(rd(&zen4, MSR_XSS), GP);
	c = skylake;
	c.max_basic = 0xc;		/* leaf 0xD beyond the last leaf */
	assert_int_equal(wr(&c, MSR_XSS, 0), GP);
}

/* SDM vol. 3B 17.17.3: TSC and TSC_ADJUST move together. */
static void test_tsc_and_adjust(void **state)
{
	struct msr_tsc t = { 0, 0 };

	(void)state;
	assert_int_equal(msr_tsc_read(&t, MSR_TSC, 1000), 1000);
	msr_tsc_write(&t, MSR_TSC, 1000, 5000);		/* jump forward */
	assert_int_equal(msr_tsc_read(&t, MSR_TSC, 1000), 5000);
	assert_int_equal(msr_tsc_read(&t, MSR_TSC, 1100), 5100);
	assert_int_equal(msr_tsc_read(&t, MSR_TSC_ADJUST, 0), 4000);
	msr_tsc_write(&t, MSR_TSC, 2000, 100);		/* and back */
	assert_int_equal(msr_tsc_read(&t, MSR_TSC, 2000), 100);
	assert_int_equal((int64_t)msr_tsc_read(&t, MSR_TSC_ADJUST, 0), -1900);
	msr_tsc_write(&t, MSR_TSC_ADJUST, 3000, 0);	/* undo it all */
	assert_int_equal(msr_tsc_read(&t, MSR_TSC, 3000), 3000);
	assert_int_equal(t.offset, 0);
	/* Deadlines: guest ticks to host ticks; a past one fires now. */
	msr_tsc_write(&t, MSR_TSC, 1000, 11000);
	assert_int_equal(msr_tsc_to_host(&t, 1000, 12000), 2000);
	assert_int_equal(msr_tsc_to_host(&t, 1000, 500), 1000);
	assert_int_equal(msr_tsc_to_host(&t, 1000, 11000), 1000);
}

/* SDM vol. 3B 20.2: stop, zero, clear overflows, GLOBAL_CTRL power-on. */
static void test_pmu_reset_intel(void **state)
{
	struct msr_view pv = view(&skylake, 0);
	struct msr_write w[MSR_PMU_RESET_MAX];
	unsigned int n = msr_policy_pmu_reset(&pv, w);
	struct fake_cpu none = skylake;

	(void)state;
	assert_int_equal(n, 1 + 8 + 1 + 3 + 2);
	assert_int_equal(w[0].msr, MSR_PERF_GLOBAL_CTRL);
	assert_int_equal(w[0].value, 0);
	assert_int_equal(w[1].msr, MSR_PERFEVTSEL0);
	assert_int_equal(w[8].msr, MSR_PMC0 + 3);
	assert_int_equal(w[9].msr, MSR_FIXED_CTR_CTRL);
	assert_int_equal(w[12].msr, MSR_FIXED_CTR0 + 2);
	assert_int_equal(w[13].msr, MSR_PERF_GLOBAL_OVF_CTRL);
	assert_int_equal(w[14].msr, MSR_PERF_GLOBAL_CTRL);
	assert_int_equal(w[14].value, 0x70000000fULL);
	none.leaf_a.eax = 0;
	pv = view(&none, 0);
	assert_int_equal(msr_policy_pmu_reset(&pv, w), 0);
}

/* APM vol. 2 13.2: legacy four, extended six, PerfMonV2 global. */
static void test_pmu_reset_amd(void **state)
{
	struct msr_view pv = view(&zen4, 0);
	struct msr_write w[MSR_PMU_RESET_MAX];
	unsigned int n = msr_policy_pmu_reset(&pv, w);

	(void)state;
	assert_int_equal(n, 1 + 8 + 12 + 2);
	assert_int_equal(w[0].msr, MSR_AMD_PERF_GLOBAL_CTL);
	assert_int_equal(w[1].msr, MSR_AMD_PERF_CTL0);
	assert_int_equal(w[2].msr, MSR_AMD_PERF_CTR0);
	assert_int_equal(w[8].msr, MSR_AMD_PERF_CTR0 + 3);
	assert_int_equal(w[20].msr, MSR_AMD_PERF_CTL_EXT0 + 11);
	assert_int_equal(w[21].msr, MSR_AMD_PERF_GLOBAL_CLR);
	assert_int_equal(w[22].value, 0x3f);
	for (unsigned int i = 1; i < 21; i++)
		assert_int_equal(w[i].value, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vendor_from_cpuid),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_apic_base),
		cmocka_unit_test(test_misc_enable),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_direct_per_vendor),
		cmocka_unit_test(test_cpuid_gates),
		cmocka_unit_test(test_tsc_and_adjust),
		cmocka_unit_test(test_pmu_reset_intel),
		cmocka_unit_test(test_pmu_reset_amd),
	};

	return cmocka_run_group_tests_name("msr_policy", tests, NULL, NULL);
}
