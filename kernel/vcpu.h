/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_VCPU_H
#define KERNEL_VCPU_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/virt.h"
#include "drivers/emul/vlapic.h"
#include "kernel/exit/msr_policy.h"

struct partition;
struct sched_vcpu;

/* Guest registers in x86 encoding order, as instructions number them. */
enum guest_reg {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	GUEST_GPRS,
};

enum vcpu_state {
	VCPU_STOPPED,		/* partition not running */
	VCPU_WAIT_SIPI,		/* like an AP after INIT */
	VCPU_RUNNABLE,
};

/*
 * Cross-CPU requests. A vCPU's own CPU (its "owner", in vcpu_loop) is the
 * only one that touches its VMCB/VMCS and its core's LAPIC, so other CPUs
 * ask by setting flags that the owner serves at the top of its loop,
 * outside the guest. A flag another CPU may touch at the same time is
 * accessed with sequentially consistent atomics.
 *
 * flag          set by                         cleared by
 * state         owner (INIT, SIPI, stop);      -
 *               restarter (start_vcpus);
 *               stopper for itself
 * in_guest      owner, just before entry       owner, after the exit
 * stop_request  stopper (stop_other_vcpus),    owner, after storing
 *               on every vCPU of the partition VCPU_STOPPED (stopper: self)
 * init_request  INIT sender (lapic_emul.c)     owner (take); restarter
 * sipi_pending  SIPI sender, if the target is  owner (take, in WAIT_SIPI);
 *               in VCPU_WAIT_SIPI, after       restarter
 *               writing sipi_vector
 * reset_pending restarter, vCPU 0, after       owner (take), then it applies
 *               writing reset_entry            reset_entry
 * lapic_reset   restarter                      owner (take)
 * nmi_pending   NMI sender (lapic_emul.c)      owner (take, just before
 *                                              entry; stored again while
 *                                              the guest blocks NMIs);
 *                                              owner at lapic_reset
 * the partition's watchdog_word (kernel/watchdog.c), one per partition:
 *               fired by any checker CPU       disarmed by the restarter;
 *               (then it kicks every vCPU in   a pet moves the deadline
 *               guest code); owners see it at  unless it is fired
 *               the top of the loop and stop
 *               the partition as a fault
 *
 * Why no request is lost or applied twice:
 * - Kick: the owner stores in_guest, then reads stop_request (and the
 *   watchdog word); a requester stores its flag (a checker: the fired
 *   word), then reads in_guest and sends an NMI if it is set.
 *   Seq-cst order means one of them sees the other's store: the owner does
 *   not enter, or it is kicked out (INIT and NMI senders alike: the owner
 *   takes nmi_pending after storing in_guest). The stopper re-sends the
 *   NMI every KICK_INTERVAL_US while the flag stands, as an NMI that lands between
 *   the store and VMRUN/VMLAUNCH only reaches the host.
 * - Data before flag: sipi_vector and reset_entry are written before their
 *   flag and read after taking it (the store releases, the take acquires).
 * - Stop, then restart: the owner stores VCPU_STOPPED before clearing
 *   stop_request, and serves requests only between exits, so once the
 *   stopper sees every stop_request clear, no vCPU of the partition runs
 *   guest code or an exit handler (no INIT/SIPI sender is left). The
 *   restarter then owns the flags of all its vCPUs alone, until it makes
 *   one runnable. It stores a vCPU's state last, after lapic_reset and
 *   reset_pending, so an owner that sees the new state also sees what to
 *   apply before entry (vcpu_loop re-checks reset_pending).
 * - A SIPI sender checks VCPU_WAIT_SIPI, then sets sipi_pending; the owner
 *   may take an earlier SIPI in between and run, leaving a stale one. The
 *   owner drops it when it serves the next INIT, so only a SIPI sent after
 *   that INIT starts the vCPU (tests/unit/test_vcpu_requests.c).
 * - vCPU 0 is made runnable last (start_vcpus): its guest's first SIPI
 *   finds every other vCPU already in VCPU_WAIT_SIPI with no stale INIT or
 *   SIPI left (tests/unit/test_partition_start.c).
 * - A stop is claimed once per partition (begin_stop: a compare-exchange
 *   on the partition's state), so there is one stopper and one restarter.
 * A vCPU that does not stop within STOP_TIMEOUT_US breaks this and is
 * logged; its partition is restarted regardless.
 */
struct vcpu {
	/* First: the vendor entry code saves guest registers here. */
	uint64_t gpr[GUEST_GPRS];
	struct partition *part;
	unsigned int index;	/* in the partition; also its APIC ID */
	unsigned int cpu;	/* physical CPU index it is pinned to */
	uint32_t phys_apic_id;
	volatile int state;
	volatile bool in_guest;	/* between entry and exit: NMI kicks it */
	volatile bool stop_request;
	volatile bool init_request;	/* a guest INIT IPI is waiting */
	volatile bool sipi_pending;
	volatile uint8_t sipi_vector;
	/*
	 * A (re)start asked for by another CPU: the vCPU's own CPU applies it,
	 * since a VMCS can only be written on the CPU it is loaded on.
	 */
	volatile bool reset_pending;
	/* Clean the core's LAPIC of the last run, on the core itself. */
	volatile bool lapic_reset;
	/*
	 * A guest NMI (IPI in NMI mode) waits to be injected: it is virtual,
	 * since physical NMIs are the hypervisor's kicks. One flag, so NMIs
	 * sent meanwhile coalesce into one, as on hardware.
	 */
	volatile bool nmi_pending;
	/*
	 * MMIO emulations refused in a row at mmio_refused_rip because the
	 * instruction read after the exit did not match the fault
	 * (kernel/exit/mmio_emul.c); the guest executes it again.
	 */
	uint64_t mmio_refused_rip;
	unsigned int mmio_refusals;
	uint64_t tsc_deadline;	/* IA32_TSC_DEADLINE, in host TSC ticks */
	struct msr_tsc tsc;	/* the guest's TSC offset and TSC_ADJUST */
	struct vcpu_entry reset_entry;
	void *arch;		/* VMCB or VMCS state */
	struct vlapic lapic;
	uint64_t exits[EXIT_REASON_COUNT];
	/*
	 * On a core shared in time (kernel/sched.c): what is saved while
	 * another partition's window runs. NULL on a core of its own, whose
	 * LAPIC and registers are the guest's.
	 */
	struct sched_vcpu *timeshare;
};

const char *exit_reason_name(enum exit_reason reason);
/* The per-CPU loop of a CPU that hosts a vCPU; never returns. */
void __attribute__((noreturn)) vcpu_loop(struct vcpu *v);
/* One turn of it: serve requests, then run the guest to its next exit. */
void vcpu_step(struct vcpu *v);
/*
 * A stop request served on the vCPU's core outside its window (cores
 * shared in time), so a stopper never waits for the window to come.
 */
void vcpu_serve_stop(struct vcpu *v);

#endif
