/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/exit/exit.h"
#include "arch/x86/exception.h"
#include "kernel/exit/cpuid_policy.h"
#include "kernel/exit/io_emul.h"
#include "kernel/exit/mmio_emul.h"
#include "kernel/exit/msr_emul.h"
#include "lib/errno.h"
#include "kernel/partition.h"


typedef void (*exit_handler_fn)(struct vcpu *v, struct vm_exit *x);

void exit_skip_insn(struct vcpu *v, const struct vm_exit *x)
{
	virt()->set_rip(v, x->rip + x->insn_len);
}

struct cpuid_view exit_cpuid_view(const struct vcpu *v)
{
	return (struct cpuid_view){
		.vcpu_index = v->index,
		.vcpu_count = v->part->vcpu_count,
		.boot_count = v->part->boot_count,
		.watchdog_ms = v->part->cfg->watchdog_ms,
	};
}

static void handle_cpuid(struct vcpu *v, struct vm_exit *x)
{
	struct cpuid_view view = exit_cpuid_view(v);
	struct cpuid_regs r;
	uint32_t leaf = (uint32_t)v->gpr[REG_RAX];
	uint32_t sub = (uint32_t)v->gpr[REG_RCX];

	r = cpuid(leaf, sub);
	cpuid_policy_apply(leaf, sub, &view, &r);
	v->gpr[REG_RAX] = r.eax;
	v->gpr[REG_RBX] = r.ebx;
	v->gpr[REG_RCX] = r.ecx;
	v->gpr[REG_RDX] = r.edx;
	exit_skip_insn(v, x);
}

static void handle_hlt(struct vcpu *v, struct vm_exit *x)
{
	exit_skip_insn(v, x);
}

/* No hypercalls are defined yet: the guest gets -ENOSYS in RAX. */
static void handle_hypercall(struct vcpu *v, struct vm_exit *x)
{
	v->gpr[REG_RAX] = (uint64_t)-ENOSYS;
	exit_skip_insn(v, x);
}

static void handle_shutdown(struct vcpu *v, struct vm_exit *x)
{
	partition_fault(v->part, v, "triple fault (shutdown) on vCPU %u at RIP %#llx",
			v->index, (unsigned long long)x->rip);
}

static void handle_invalid_state(struct vcpu *v, struct vm_exit *x)
{
	partition_fault(v->part, v, "invalid guest state on vCPU %u at RIP %#llx: %s",
			v->index, (unsigned long long)x->rip,
			x->vendor_detail ? x->vendor_detail : "");
}

static void handle_kick(struct vcpu *v, struct vm_exit *x)
{
	(void)v;
	(void)x;	/* the loop serves whatever the kick was for */
}

/* VMX/SVM are hidden from guests: their instructions do not exist. */
static void handle_virt_insn(struct vcpu *v, struct vm_exit *x)
{
	(void)x;
	virt()->inject_exception(v, EXC_UD, false, 0);
}

/*
 * INVD drops the dirty lines of the caches the core shares with the
 * hypervisor and other partitions (SDM vol. 2A INVD): it always exits and
 * is done as a no-op, which loses no one's data.
 */
static void handle_invd(struct vcpu *v, struct vm_exit *x)
{
	exit_skip_insn(v, x);
}

static void handle_unknown(struct vcpu *v, struct vm_exit *x)
{
	partition_fault(v->part, v, "unhandled exit %#llx on vCPU %u at RIP %#llx",
			(unsigned long long)x->vendor_code, v->index,
			(unsigned long long)x->rip);
}

static const exit_handler_fn handlers[EXIT_REASON_COUNT] = {
	[EXIT_CPUID] = handle_cpuid,
	[EXIT_IO] = emulate_io,
	[EXIT_MSR_READ] = emulate_msr_read,
	[EXIT_MSR_WRITE] = emulate_msr_write,
	[EXIT_STAGE2_FAULT] = emulate_stage2_fault,
	[EXIT_HLT] = handle_hlt,
	[EXIT_HYPERCALL] = handle_hypercall,
	[EXIT_SHUTDOWN] = handle_shutdown,
	[EXIT_INVALID_STATE] = handle_invalid_state,
	[EXIT_KICK] = handle_kick,
	[EXIT_INTERRUPT] = handle_kick,	/* the scheduler reads the time */
	[EXIT_VIRT_INSN] = handle_virt_insn,
	[EXIT_INVD] = handle_invd,
	[EXIT_HANDLED] = handle_kick,	/* nothing left to do */
	[EXIT_UNKNOWN] = handle_unknown,
};

void exit_dispatch(struct vcpu *v, struct vm_exit *x)
{
	exit_handler_fn fn = x->reason < EXIT_REASON_COUNT ?
			     handlers[x->reason] : handle_unknown;

	fn(v, x);
}
