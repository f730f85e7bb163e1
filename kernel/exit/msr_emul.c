/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RDMSR and WRMSR exits: kernel/exit/msr_policy.c decides (which MSRs
 * exist for the partition's CPUID, which values #GP), this file carries
 * the decision out on the vCPU's own core: the VMCB/VMCS, the TSC offset,
 * the emulated deadline timer or the core's own register.
 */
#include "kernel/exit/msr_emul.h"
#include "arch/x86/asm.h"
#include "arch/x86/exception.h"
#include "arch/x86/msr.h"
#include "kernel/exit/cpuid_policy.h"
#include "kernel/exit/exit.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/exit/msr_policy.h"
#include "kernel/log.h"
#include "kernel/partition.h"

/* The partition's CPUID, as handle_cpuid answers it. */
static struct cpuid_regs view_cpuid(const void *ctx, uint32_t leaf,
				    uint32_t subleaf)
{
	const struct vcpu *v = ctx;
	struct cpuid_view view = exit_cpuid_view(v);
	struct cpuid_regs r = cpuid(leaf, subleaf);

	cpuid_policy_apply(leaf, subleaf, &view, &r);
	return r;
}

static struct msr_view view_of(const struct vcpu *v)
{
	struct cpuid_regs leaf0 = cpuid(0, 0);

	return (struct msr_view){ msr_vendor_of(&leaf0), v->index,
				  view_cpuid, v };
}

/*
 * Power-on state of what the partition's core keeps between runs: its
 * performance counters, TSC offset and TSC_ADJUST, and TSC_AUX.
 */
void msr_emul_reset(struct vcpu *v)
{
	struct msr_view pv = view_of(v);
	struct msr_write w[MSR_PMU_RESET_MAX];
	unsigned int n = msr_policy_pmu_reset(&pv, w);

	for (unsigned int i = 0; i < n; i++)
		wrmsr(w[i].msr, w[i].value);
	v->tsc = (struct msr_tsc){ 0, 0 };
	virt()->set_tsc_offset(v, 0);
	if (msr_policy_read(&pv, MSR_TSC_AUX).action == MSR_DO_CORE)
		wrmsr(MSR_TSC_AUX, 0);
}

/* Write-only clear registers hold nothing to save. */
static bool holds_state(uint32_t msr)
{
	return msr != MSR_AMD_PERF_GLOBAL_CLR &&
	       msr != MSR_PERF_GLOBAL_OVF_CTRL;
}

static unsigned int add_once(uint32_t *out, unsigned int n, unsigned int max,
			     uint32_t msr)
{
	for (unsigned int i = 0; i < n; i++)
		if (out[i] == msr)
			return n;
	if (n < max && holds_state(msr))
		out[n++] = msr;
	return n;
}

unsigned int msr_emul_core_msrs(struct vcpu *v, uint32_t *out,
				unsigned int max)
{
	struct msr_view pv = view_of(v);
	struct msr_write w[MSR_PMU_RESET_MAX];
	unsigned int count = msr_policy_pmu_reset(&pv, w), n = 0;

	for (unsigned int i = 0; i < count; i++)
		n = add_once(out, n, max, w[i].msr);
	if (msr_policy_read(&pv, MSR_TSC_AUX).action == MSR_DO_CORE)
		n = add_once(out, n, max, MSR_TSC_AUX);
	for (unsigned int i = 0; i < virt()->live_msr_count; i++)
		n = add_once(out, n, max, virt()->live_msrs[i]);
	return n;
}

static void refuse(struct vcpu *v, const char *op, uint32_t msr)
{
	pr_debug("partition %s: %s of MSR %#x: #GP", v->part->cfg->name, op,
		 msr);
	virt()->inject_exception(v, EXC_GP, true, 0);
}

static bool read_value(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	struct msr_view pv = view_of(v);
	struct msr_decision d = msr_policy_read(&pv, msr);

	*value = d.value;
	switch (d.action) {
	case MSR_DO_CORE:
		*value = rdmsr(msr);
		return true;
	case MSR_DO_GUEST:
		return virt()->msr_read(v, msr, value);
	case MSR_DO_TSC:
		*value = msr_tsc_read(&v->tsc, msr, rdtsc());
		return true;
	case MSR_DO_DEADLINE:	/* 0 once it has fired */
		*value = lapic_emul_get_deadline(v);
		*value += *value ? v->tsc.offset : 0;
		return true;
	default:
		return d.action == MSR_DO_VALUE;
	}
}

void emulate_msr_read(struct vcpu *v, struct vm_exit *x)
{
	uint64_t value;

	if (!read_value(v, x->msr.index, &value)) {
		refuse(v, "read", x->msr.index);
		return;
	}
	v->gpr[REG_RAX] = (uint32_t)value;
	v->gpr[REG_RDX] = value >> 32;
	exit_skip_insn(v, x);
}

static bool write_value(struct vcpu *v, uint32_t msr, uint64_t value)
{
	struct msr_view pv = view_of(v);
	struct msr_decision d = msr_policy_write(&pv, msr, value);

	switch (d.action) {
	case MSR_DO_CORE:
		wrmsr(msr, d.value);
		return true;
	case MSR_DO_GUEST:
		return virt()->msr_write(v, msr, d.value);
	case MSR_DO_TSC:
		msr_tsc_write(&v->tsc, msr, rdtsc(), d.value);
		virt()->set_tsc_offset(v, v->tsc.offset);
		return true;
	case MSR_DO_DEADLINE:	/* armed in host TSC ticks */
		lapic_emul_set_deadline(v, d.value ?
			msr_tsc_to_host(&v->tsc, rdtsc(), d.value) : 0);
		return true;
	default:
		return d.action == MSR_DO_VALUE;
	}
}

void emulate_msr_write(struct vcpu *v, struct vm_exit *x)
{
	uint64_t value = (v->gpr[REG_RDX] << 32) | (uint32_t)v->gpr[REG_RAX];

	if (!write_value(v, x->msr.index, value)) {
		refuse(v, "write", x->msr.index);
		return;
	}
	exit_skip_insn(v, x);
}
