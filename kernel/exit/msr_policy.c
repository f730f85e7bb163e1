/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/exit/msr_policy.h"
#include "arch/x86/cpu_regs.h"
#include "arch/x86/msr.h"
#include "drivers/emul/vlapic.h"

#define BOTH			(MSR_INTEL | MSR_AMD)
#define ALL_BITS		(~0ULL)

/* APIC_BASE (SDM vol. 3A 11.4.4): BSP, enable, base; x2APIC is hidden. */
#define APIC_BASE_BSP		(1ULL << 8)
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_BASE_ADDR		0x000ffffffffff000ULL
#define FEATURE_CONTROL_LOCKED	1ULL	/* locked, VMX off: VT-x hidden */
#define VM_CR_SVM_DISABLED	((1ULL << 3) | (1ULL << 4))	/* LOCK, SVMDIS */

/* IA32_MISC_ENABLE (SDM vol. 4 table 2-2). */
#define MISC_FAST_STRINGS	(1ULL << 0)	/* R/W */
#define MISC_TCC		(1ULL << 3)	/* R/W, thermal monitor 1 */
#define MISC_PERFMON		(1ULL << 7)	/* R/O: a PMU is there */
#define MISC_BTS_UNAVAIL	(1ULL << 11)	/* R/O */
#define MISC_PEBS_UNAVAIL	(1ULL << 12)	/* R/O */
/* R/W: EIST, MONITOR FSM, limit CPUID maxval, xTPR disable, XD disable. */
#define MISC_WRITABLE		(MISC_FAST_STRINGS | MISC_TCC | (1ULL << 16) | \
				 (1ULL << 18) | (1ULL << 22) | (1ULL << 23) | \
				 (1ULL << 34))

/* PAT entries (SDM vol. 3A 12.12.2): UC, WC, WT, WP, WB, UC-. */
#define PAT_VALID_TYPES		0xf3U
#define TSC_AUX_WRITABLE	0xffffffffULL	/* APM vol. 2 13.2.4 */

/* CPUID bits that make an MSR exist (SDM vol. 2A CPUID, APM vol. 3 E). */
enum gate { ALWAYS, TSC_ADJUST, RDTSCP, DEADLINE, XSAVES, GATE_COUNT };
enum reg { EAX, EBX, ECX, EDX };
static const struct { uint32_t leaf, sub; uint8_t reg, bit; } gates[] = {
	[TSC_ADJUST] = { 7, 0, EBX, 1 },
	[RDTSCP] = { 0x80000001U, 0, EDX, 27 },
	[DEADLINE] = { 1, 0, ECX, 24 },
	[XSAVES] = { 0xd, 1, EAX, 3 },	/* XSAVES/XRSTORS and IA32_XSS */
};

enum kind {
	DIRECT,		/* no exit: switched with guest state, or the core's */
	ADDRESS,	/* reads direct; writes exit for the canonical check */
	GUEST,		/* EFER, PAT: the VMCB/VMCS has the guest's value */
	TSC,		/* TSC, TSC_ADJUST: the vCPU's offset */
	TIMER,		/* TSC_DEADLINE */
	CORE,		/* the core's own, behind an exit: writes masked */
	APIC,		/* APIC_BASE: fixed, BSP on vCPU 0 */
	MISC,		/* MISC_ENABLE: from CPUID, writable bits ignored */
	FIXED,		/* reads .value; writes #GP (read-only) */
	IGNORED,	/* reads .value; writes within writable|value ignored */
};

struct msr_rule {
	uint32_t first, last;
	uint8_t vendors, kind, gate;
	uint64_t value, writable;
};

static const struct msr_rule rules[] = {
	/* Switched with the guest (VMCB save area, VMCS, or left live). */
	{ MSR_SYSENTER_CS, MSR_SYSENTER_CS, BOTH, DIRECT, ALWAYS, 0, 0 },
	{ MSR_STAR, MSR_STAR, BOTH, DIRECT, ALWAYS, 0, 0 },
	{ MSR_SFMASK, MSR_SFMASK, BOTH, DIRECT, ALWAYS, 0, 0 },
	/* AMD keeps only bits 31:0 (no 64-bit SYSENTER): no check there. */
	{ MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_AMD, DIRECT, ALWAYS, 0, 0 },
	{ MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_INTEL, ADDRESS, ALWAYS, 0,
	  0 },
	{ MSR_LSTAR, MSR_CSTAR, BOTH, ADDRESS, ALWAYS, 0, 0 },
	{ MSR_FS_BASE, MSR_KERNEL_GS_BASE, BOTH, ADDRESS, ALWAYS, 0, 0 },
	{ MSR_EFER, MSR_EFER, BOTH, GUEST, ALWAYS, 0, 0 },
	{ MSR_PAT, MSR_PAT, BOTH, GUEST, ALWAYS, 0, 0 },
	{ MSR_TSC, MSR_TSC, BOTH, TSC, ALWAYS, 0, 0 },
	{ MSR_TSC_ADJUST, MSR_TSC_ADJUST, BOTH, TSC, TSC_ADJUST, 0, 0 },
	{ MSR_TSC_DEADLINE, MSR_TSC_DEADLINE, BOTH, TIMER, DEADLINE, 0, 0 },
	/* RDTSCP and RDPID read it: the core's register, which is ours. */
	{ MSR_TSC_AUX, MSR_TSC_AUX, BOTH, CORE, RDTSCP, 0, TSC_AUX_WRITABLE },
	{ MSR_APIC_BASE, MSR_APIC_BASE, BOTH, APIC, ALWAYS, 0, 0 },
	/*
	 * IA32_XSS: no supervisor state component is offered (CPUID 0xD.1
	 * ECX:EDX read 0, cpuid_policy.c), so 0 is its only value, which is
	 * what the core holds: XSAVES still runs natively. Linux writes it
	 * whenever XSAVES is there.
	 */
	{ MSR_XSS, MSR_XSS, BOTH, IGNORED, XSAVES, 0, 0 },
	{ MSR_MISC_ENABLE, MSR_MISC_ENABLE, MSR_INTEL, MISC, ALWAYS, 0, 0 },
	/*
	 * The core's performance counters: the core is the partition's
	 * alone, its CPUID leaves 0xA / 0x80000001 / 0x80000022 are the
	 * hardware's, so the hardware raises #GP past the last counter.
	 */
	{ MSR_PMC0, MSR_PMC0 + 7, MSR_INTEL, DIRECT, ALWAYS, 0, 0 },
	{ MSR_PERFEVTSEL0, MSR_PERFEVTSEL0 + 7, MSR_INTEL, DIRECT, ALWAYS, 0,
	  0 },
	{ MSR_FIXED_CTR0, MSR_FIXED_CTR0 + 3, MSR_INTEL, DIRECT, ALWAYS, 0, 0 },
	{ MSR_FIXED_CTR_CTRL, MSR_PERF_GLOBAL_INUSE, MSR_INTEL, DIRECT, ALWAYS,
	  0, 0 },
	{ MSR_A_PMC0, MSR_A_PMC0 + 7, MSR_INTEL, DIRECT, ALWAYS, 0, 0 },
	{ MSR_AMD_PERF_CTL0, MSR_AMD_PERF_CTR0 + 3, MSR_AMD, DIRECT, ALWAYS, 0,
	  0 },
	{ MSR_AMD_PERF_CTL_EXT0, MSR_AMD_PERF_CTL_EXT0 + 11, MSR_AMD, DIRECT,
	  ALWAYS, 0, 0 },
	{ MSR_AMD_PERF_GLOBAL_STATUS, MSR_AMD_PERF_GLOBAL_SET, MSR_AMD, DIRECT,
	  ALWAYS, 0, 0 },
	/* Identification, MTRRs and machine check that kernels probe. */
	{ MSR_PLATFORM_ID, MSR_PLATFORM_ID, MSR_INTEL, FIXED, ALWAYS, 0, 0 },
	{ MSR_BIOS_SIGN_ID, MSR_BIOS_SIGN_ID, BOTH, IGNORED, ALWAYS, 0,
	  ALL_BITS },
	{ MSR_FEATURE_CONTROL, MSR_FEATURE_CONTROL, MSR_INTEL, FIXED, ALWAYS,
	  FEATURE_CONTROL_LOCKED, 0 },
	{ MSR_MTRR_CAP, MSR_MTRR_CAP, BOTH, FIXED, ALWAYS, 0, 0 },
	{ MSR_MTRR_DEF_TYPE, MSR_MTRR_DEF_TYPE, BOTH, IGNORED, ALWAYS, 0,
	  ALL_BITS },
	{ MSR_MTRR_PHYS_FIRST, MSR_MTRR_PHYS_LAST, BOTH, IGNORED, ALWAYS, 0,
	  ALL_BITS },
	{ MSR_MTRR_FIX_FIRST, MSR_MTRR_FIX_LAST, BOTH, IGNORED, ALWAYS, 0,
	  ALL_BITS },
	{ MSR_MCG_CAP, MSR_MCG_CAP, BOTH, FIXED, ALWAYS, 0, 0 },
	{ MSR_MCG_STATUS, MSR_MCG_STATUS, BOTH, IGNORED, ALWAYS, 0, ALL_BITS },
	{ MSR_AMD_HWCR, MSR_AMD_HWCR, MSR_AMD, FIXED, ALWAYS, 0, 0 },
	{ MSR_AMD_INT_PENDING, MSR_AMD_INT_PENDING, MSR_AMD, FIXED, ALWAYS, 0,
	  0 },
	{ MSR_VM_CR, MSR_VM_CR, MSR_AMD, FIXED, ALWAYS, VM_CR_SVM_DISABLED, 0 },
};

#define RULE_COUNT	(sizeof(rules) / sizeof(rules[0]))

static uint32_t cpuid_reg(const struct msr_view *pv, uint32_t leaf,
			  uint32_t sub, unsigned int reg)
{
	struct cpuid_regs r = pv->cpuid(pv->ctx, leaf & 0x80000000U, 0);

	if (leaf > r.eax)
		return 0;	/* past the last leaf: the bit is absent */
	r = pv->cpuid(pv->ctx, leaf, sub);
	return reg == EAX ? r.eax : reg == EBX ? r.ebx : reg == ECX ? r.ecx :
								     r.edx;
}

static bool cpuid_bit(const struct msr_view *pv, enum gate g)
{
	return g == ALWAYS || (cpuid_reg(pv, gates[g].leaf, gates[g].sub,
					 gates[g].reg) >> gates[g].bit) & 1;
}

static const struct msr_rule *find(const struct msr_view *pv, uint32_t msr)
{
	for (unsigned int i = 0; i < RULE_COUNT; i++) {
		const struct msr_rule *r = &rules[i];

		if (msr >= r->first && msr <= r->last &&
		    (r->vendors & pv->vendor) && cpuid_bit(pv, r->gate))
			return r;
	}
	return 0;
}

enum msr_vendor msr_vendor_of(const struct cpuid_regs *leaf0)
{
	/* "AuthenticAMD" and Hygon's "HygonGenuine" are AMD's MSRs. */
	return leaf0->ebx == 0x68747541U || leaf0->ebx == 0x6f677948U ?
	       MSR_AMD : MSR_INTEL;
}

static uint64_t misc_enable(const struct msr_view *pv)
{
	uint64_t v = MISC_FAST_STRINGS | MISC_BTS_UNAVAIL | MISC_PEBS_UNAVAIL;

	if (cpuid_reg(pv, 1, 0, EDX) & (1U << 29))	/* TM */
		v |= MISC_TCC;
	if (cpuid_reg(pv, 0xa, 0, EAX) & 0xff)		/* PMU version */
		v |= MISC_PERFMON;
	return v;
}

static uint64_t rule_value(const struct msr_view *pv, const struct msr_rule *r)
{
	if (r->kind == APIC)
		return VLAPIC_BASE | APIC_BASE_ENABLE |
		       (pv->vcpu_index == 0 ? APIC_BASE_BSP : 0);
	return r->kind == MISC ? misc_enable(pv) : r->value;
}

static struct msr_decision decide(enum msr_action a, uint64_t value)
{
	return (struct msr_decision){ a, value };
}

struct msr_decision msr_policy_read(const struct msr_view *pv, uint32_t msr)
{
	const struct msr_rule *r = find(pv, msr);
	/* A direct MSR never exits: if one does, the bitmap is wrong. */
	static const enum msr_action action[] = {
		[DIRECT] = MSR_DO_GP, [ADDRESS] = MSR_DO_GUEST,
		[GUEST] = MSR_DO_GUEST, [TSC] = MSR_DO_TSC, [TIMER] = MSR_DO_DEADLINE,
		[CORE] = MSR_DO_CORE, [APIC] = MSR_DO_VALUE, [MISC] = MSR_DO_VALUE,
		[FIXED] = MSR_DO_VALUE, [IGNORED] = MSR_DO_VALUE,
	};

	if (!r)
		return decide(MSR_DO_GP, 0);
	return decide(action[r->kind], rule_value(pv, r));
}

/* 48 bits: 5-level paging (LA57) is hidden from partitions. */
static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* Every byte a memory type (SDM vol. 3A 12.12.2): others #GP. */
static bool pat_valid(uint64_t pat)
{
	for (unsigned int i = 0; i < 64; i += 8)
		if (((pat >> i) & 0xff) > 7 ||
		    !(PAT_VALID_TYPES & (1U << ((pat >> i) & 7))))
			return false;
	return true;
}

static bool write_ok(const struct msr_view *pv, const struct msr_rule *r,
		     uint32_t msr, uint64_t value)
{
	switch (r->kind) {
	case ADDRESS:
		return canonical(value);
	case GUEST:
		return msr != MSR_PAT || pat_valid(value);
	case TSC:
	case TIMER:
		return true;
	case CORE:
		return !(value & ~r->writable);
	case APIC:	/* moving the APIC is not supported */
		return (value & ~(APIC_BASE_BSP | APIC_BASE_ENABLE |
				  APIC_BASE_ADDR)) == 0 &&
		       (value & APIC_BASE_ADDR) == VLAPIC_BASE;
	case MISC:
		return !(value & ~(MISC_WRITABLE | misc_enable(pv)));
	case IGNORED:
		return !(value & ~(r->writable | r->value));
	default:	/* DIRECT never exits; FIXED is read-only */
		return false;
	}
}

struct msr_decision msr_policy_write(const struct msr_view *pv, uint32_t msr,
				     uint64_t value)
{
	const struct msr_rule *r = find(pv, msr);
	static const enum msr_action action[] = {
		[ADDRESS] = MSR_DO_GUEST, [GUEST] = MSR_DO_GUEST, [TSC] = MSR_DO_TSC,
		[TIMER] = MSR_DO_DEADLINE, [CORE] = MSR_DO_CORE, [APIC] = MSR_DO_VALUE,
		[MISC] = MSR_DO_VALUE, [IGNORED] = MSR_DO_VALUE,
	};

	if (!r || !write_ok(pv, r, msr, value))
		return decide(MSR_DO_GP, 0);
	return decide(action[r->kind], value);
}

void msr_policy_direct(enum msr_vendor vendor,
		       void (*allow)(void *arg, uint32_t msr, bool writes),
		       void *arg)
{
	for (unsigned int i = 0; i < RULE_COUNT; i++) {
		const struct msr_rule *r = &rules[i];

		if (!(r->vendors & vendor) ||
		    (r->kind != DIRECT && r->kind != ADDRESS))
			continue;
		for (uint32_t msr = r->first; msr <= r->last; msr++)
			allow(arg, msr, r->kind == DIRECT);
	}
}

static unsigned int put(struct msr_write *out, unsigned int n, uint32_t msr,
			uint64_t value)
{
	out[n] = (struct msr_write){ msr, value };
	return n + 1;
}

static uint64_t low_bits(unsigned int n)
{
	return n >= 64 ? ALL_BITS : (1ULL << n) - 1;
}

/*
 * SDM vol. 3B 20.2: counters stopped, zeroed, overflow status cleared,
 * IA32_PERF_GLOBAL_CTRL back to its power-on value (every counter on).
 */
static unsigned int intel_pmu_reset(const struct msr_view *pv,
				    struct msr_write *out)
{
	uint32_t a = cpuid_reg(pv, 0xa, 0, EAX);
	unsigned int version = a & 0xff, gp = (a >> 8) & 0xff, fixed = 0, n = 0;
	uint64_t all;

	gp = gp > 8 ? 8 : gp;
	if (version >= 2) {
		fixed = cpuid_reg(pv, 0xa, 0, EDX) & 0x1f;
		fixed = fixed > 4 ? 4 : fixed;
		n = put(out, n, MSR_PERF_GLOBAL_CTRL, 0);
	}
	for (unsigned int i = 0; i < gp; i++) {
		n = put(out, n, MSR_PERFEVTSEL0 + i, 0);
		n = put(out, n, MSR_PMC0 + i, 0);
	}
	if (fixed)
		n = put(out, n, MSR_FIXED_CTR_CTRL, 0);
	for (unsigned int i = 0; i < fixed; i++)
		n = put(out, n, MSR_FIXED_CTR0 + i, 0);
	all = low_bits(gp) | low_bits(fixed) << 32;
	if (version >= 2) {
		n = put(out, n, MSR_PERF_GLOBAL_OVF_CTRL, all);
		n = put(out, n, MSR_PERF_GLOBAL_CTRL, all);
	}
	return n;
}

/* APM vol. 2 13.2: the same for the legacy, extended and V2 counters. */
static unsigned int amd_pmu_reset(const struct msr_view *pv,
				  struct msr_write *out)
{
	bool ext = cpuid_reg(pv, 0x80000001U, 0, ECX) & (1U << 23);
	bool v2 = cpuid_reg(pv, 0x80000022U, 0, EAX) & 1;
	unsigned int count = v2 ? cpuid_reg(pv, 0x80000022U, 0, EBX) & 0xf : 0;
	unsigned int n = 0;

	if (v2)
		n = put(out, n, MSR_AMD_PERF_GLOBAL_CTL, 0);
	for (unsigned int i = 0; i < 4; i++) {
		n = put(out, n, MSR_AMD_PERF_CTL0 + i, 0);
		n = put(out, n, MSR_AMD_PERF_CTR0 + i, 0);
	}
	for (unsigned int i = 0; ext && i < 12; i++)
		n = put(out, n, MSR_AMD_PERF_CTL_EXT0 + i, 0);
	if (v2) {
		count = count > 6 ? 6 : count;
		n = put(out, n, MSR_AMD_PERF_GLOBAL_CLR, low_bits(count));
		n = put(out, n, MSR_AMD_PERF_GLOBAL_CTL, low_bits(count));
	}
	return n;
}

unsigned int msr_policy_pmu_reset(const struct msr_view *pv,
				  struct msr_write *out)
{
	return pv->vendor == MSR_AMD ? amd_pmu_reset(pv, out) :
				       intel_pmu_reset(pv, out);
}

uint64_t msr_tsc_read(const struct msr_tsc *t, uint32_t msr, uint64_t host)
{
	return msr == MSR_TSC_ADJUST ? t->adjust : host + t->offset;
}

/* SDM 17.17.3: a write to either moves both by the same delta. */
void msr_tsc_write(struct msr_tsc *t, uint32_t msr, uint64_t host,
		   uint64_t value)
{
	uint64_t delta = value - msr_tsc_read(t, msr, host);

	t->offset += delta;
	t->adjust += delta;
}

uint64_t msr_tsc_to_host(const struct msr_tsc *t, uint64_t host,
			 uint64_t guest)
{
	if ((int64_t)(guest - (host + t->offset)) <= 0)
		return host;
	return guest - t->offset;
}
