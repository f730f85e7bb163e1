/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_WATCHDOG_H
#define KERNEL_WATCHDOG_H

#include <stdbool.h>

struct partition;
struct vcpu;

/*
 * Partition watchdogs (`watchdog =` in bulkhead.cfg): a guest pets its
 * watchdog through an I/O port (docs/guest-interface.md); one that stops
 * petting is stopped or restarted as its on_fault says. Checks cost nothing
 * unless some partition has a watchdog (docs/architecture.md, Watchdogs).
 */

/*
 * I/O port: OUT (any value, any width) pets; IN reads the period in ms.
 * Past QEMU's isa-debug-exit (0xF4-0xF7 in the test runs), so a guest run
 * bare under QEMU does not end the run by petting.
 */
#define WATCHDOG_PORT		0xf8

extern bool watchdog_in_use;

/* At boot, once the partitions exist: picks the checking CPU, logs it. */
void watchdog_setup(void);
/* At every (re)start of p, before it runs: unarmed until the first pet. */
void watchdog_reset(struct partition *p);
void watchdog_pet(struct partition *p);
bool watchdog_fired(const struct partition *p);
/*
 * Fires every watchdog that is overdue and kicks its partition's vCPUs,
 * which then stop it (watchdog_serve). Any CPU, outside guest code.
 */
void watchdog_check_all(void);
static inline void watchdog_check(void)
{
	if (watchdog_in_use)
		watchdog_check_all();
}
/* On a vCPU's own CPU: stops or restarts its partition if fired. */
void watchdog_serve(struct vcpu *v);
/* The CPU that hosts no vCPU and checks the deadlines: true if this one. */
bool watchdog_checks_here(unsigned int cpu);
/* That CPU's loop; never returns. */
void __attribute__((noreturn)) watchdog_watch_forever(void);

#endif
