/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_PARTITION_H
#define KERNEL_PARTITION_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/paging.h"
#include "arch/x86/virt.h"
#include "drivers/emul/vioapic.h"
#include "drivers/emul/vpci.h"
#include "drivers/emul/vpit.h"
#include "drivers/emul/vplatform.h"
#include "drivers/emul/vrtc.h"
#include "drivers/emul/vuart.h"
#include "config/config.h"
#include "lib/limits.h"
#include "lib/spinlock.h"
#include "kernel/vcpu.h"
#include "loader/image.h"

enum partition_state {
	PARTITION_RUNNING,
	PARTITION_STOPPING,
	PARTITION_STOPPED,
};

#define FAULT_TEXT_MAX	160

struct partition {
	unsigned int id;
	const struct partition_config *cfg;
	const struct partition_boot *boot;	/* its RAM and layout */
	struct page_table stage2;
	unsigned int vcpu_count;
	struct vcpu *vcpus[MAX_CPUS];
	/* The partition's devices; `lock` serialises its vCPUs on them. */
	struct vuart uart;
	bool uart_irq;		/* the vUART's IRQ line as the IOAPIC saw it */
	struct vioapic ioapic;
	struct vpit pit;
	struct vrtc rtc;
	struct vplatform platform;
	struct vpci vpci;	/* its PCI functions' config space */
	/* INTx lines the physical I/O APIC routes (kernel/passthrough.c). */
	uint32_t intx_routed;			/* guest GSIs routed now */
	uint32_t intx_refused;			/* ... refused, logged once */
	uint8_t intx_vector[VIOAPIC_PINS];	/* the guest's vector of each */
	struct spinlock lock;
	volatile int state;
	unsigned int boot_count;	/* 0 on the first start, +1 per restart */
	int exit_code;
	bool faulted;
	bool reboot;		/* the guest asked for a reset */
	char fault[FAULT_TEXT_MAX];
	/* kernel/watchdog.c: unarmed, next pet due (TSC), or fired. */
	volatile uint64_t watchdog_word;
	uint64_t watchdog_kick_tsc;	/* last NMI kick once fired */
};

extern struct partition partitions[CONFIG_MAX_PARTITIONS];
extern unsigned int partition_count;

/* Builds every partition's stage-2 tables and vCPUs (boot CPU, at boot). */
int partitions_create(const struct config *cfg,
		      const struct partition_boot *boots);
/* Starts vCPU 0 of every partition; the others wait for a SIPI. */
void partitions_start(void);
/* Stops a partition because its guest asked to (debug-exit). */
void partition_exit(struct partition *p, struct vcpu *self, int code);
/* The guest reset its machine: start it again from its image. */
void partition_reboot(struct partition *p, struct vcpu *self,
		      const char *how);
/* The guest turned its machine off (ACPI S5): it stays stopped. */
void partition_power_off(struct partition *p, struct vcpu *self);
/* A restart finish_stop left for the partition's next window (sched.c). */
void partition_restart_deferred(struct partition *p);
/* Stops (or restarts, as configured) a partition whose guest failed. */
void partition_fault(struct partition *p, struct vcpu *self,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
