/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The order in which a (re)start hands vCPUs to their CPUs
 * (kernel/partition.c, start_vcpus; the protocol beside struct vcpu):
 * vCPU 0 runs guest code the moment it is runnable, and its guest may send
 * INIT and SIPI at once, so every other vCPU must already wait for a SIPI,
 * its old requests cleared, by then. Everything partition.c calls outside
 * itself is a stub here; the CPUs that own the vCPUs are simulated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"
#include "drivers/machine_exit.h"
#include "kernel/console.h"
#include "kernel/exit/io_emul.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/partition.h"
#include "kernel/percpu.h"
#include "kernel/watchdog.h"

#define VCPUS	3

struct per_cpu cpu_data[MAX_CPUS];
unsigned int cpu_count = VCPUS;
uint64_t lapic_timer_hz;
static unsigned int resets_after_vcpu0_ran;

/* Each vCPU's LAPIC model is reset by the (re)start: that is the probe. */
void vlapic_reset(struct vlapic *l, uint32_t apic_id)
{
	const struct vcpu *v0 = partitions[0].vcpus[0];

	(void)l;
	if (apic_id != 0 && v0->state == VCPU_RUNNABLE)
		resets_after_vcpu0_ran++;
}

static int vcpu_create(struct vcpu *v, uint64_t root, uint32_t asid)
{
	(void)v; (void)root; (void)asid;
	return 0;
}

static bool no_1g(void)
{
	return false;
}

static const struct virt_ops ops = {
	.name = "stub", .vcpu_create = vcpu_create, .stage2_1g = no_1g,
};

const struct virt_ops *virt(void)
{
	return &ops;
}

/* The other vCPUs' CPUs, asked to stop: each stops at once. */
void tsc_delay_us(uint64_t us)
{
	(void)us;
	for (unsigned int i = 0; i < partitions[0].vcpu_count; i++) {
		struct vcpu *v = partitions[0].vcpus[i];

		v->state = VCPU_STOPPED;
		v->stop_request = false;
	}
}

uint64_t tsc_deadline_us(uint64_t us) { return us; }
int tsc_passed(uint64_t deadline) { (void)deadline; return 0; }
int image_load_pci(const struct partition_config *cfg,
		   const struct partition_boot *boot, const struct vpci *pci,
		   struct vcpu_entry *entry, const char **why)
{
	(void)cfg; (void)boot; (void)pci; (void)why;
	*entry = (struct vcpu_entry){ .mode = ENTRY_PROTECTED32 };
	return 0;
}
const struct pt_memory hv_stage2_pt_memory;
void hv_mem_format(char *buf, size_t size) { (void)size; buf[0] = '\0'; }
int pt_init(struct page_table *pt, const struct pt_format *fmt,
	    const struct pt_memory *mem, bool use_1g)
{
	(void)pt; (void)fmt; (void)mem; (void)use_1g;
	return 0;
}
int pt_map(struct page_table *pt, uint64_t va, uint64_t pa, uint64_t size,
	   unsigned int attrs)
{
	(void)pt; (void)va; (void)pa; (void)size; (void)attrs;
	return 0;
}
int pt_unmap(struct page_table *pt, uint64_t va, uint64_t size)
{
	(void)pt; (void)va; (void)size;
	return 0;
}
void config_format_cpus(uint64_t cpus, char *buf, size_t size)
{
	(void)cpus;
	snprintf(buf, size, "0-2");
}
void config_format_device(uint32_t device, char *buf, size_t size)
{
	snprintf(buf, size, "%x", device);
}
const char *exit_reason_name(enum exit_reason r) { (void)r; return "x"; }
void console_input_start(void) {}
void io_emul_reset(struct partition *p) { (void)p; }
void lapic_emul_reset(struct vcpu *v) { (void)v; }
int lapic_send_nmi(uint32_t apic_id) { (void)apic_id; return 0; }
void lapic_timer_calibrate(void) {}
void log_printf(enum log_level l, const char *fmt, ...) { (void)l; (void)fmt; }
void log_segment(const void *source, const char *name, const char *text,
		 size_t len, bool ends_line)
{
	(void)source; (void)name; (void)text; (void)len; (void)ends_line;
}
void machine_exit(uint32_t code) { (void)code; abort(); }
void vuart_init(struct vuart *u, vuart_line_fn fn, void *ctx)
{
	(void)u; (void)fn; (void)ctx;
}
void vuart_flush(struct vuart *u) { (void)u; }
int passthrough_create(struct partition *p) { (void)p; return 0; }
void passthrough_quiesce(struct partition *p) { (void)p; }
void passthrough_poll_faults(void) {}
void watchdog_setup(void) {}
void watchdog_reset(struct partition *p) { (void)p; }
int sched_create(const struct config *cfg) { (void)cfg; return 0; }
void sched_start(void) {}
void sched_report(void) {}
void console_out_flush(void) {}

static struct config cfg = {
	.partition_count = 1,
	.partitions = { { .name = "p", .cpus = (1U << VCPUS) - 1,
			  .memory = 32 << 20,
			  .on_fault = FAULT_ACTION_RESTART } },
};
static struct partition_boot boots[1];

static void test_aps_wait_before_vcpu0_runs(void **state)
{
	struct partition *p = &partitions[0];

	(void)state;
	assert_int_equal(partitions_create(&cfg, boots), 0);
	assert_int_equal(p->vcpu_count, VCPUS);
	/* A request left over from the last run must not survive. */
	p->vcpus[1]->sipi_pending = true;
	p->vcpus[2]->init_request = true;
	partitions_start();
	assert_int_equal(resets_after_vcpu0_ran, 0);
	assert_int_equal(p->vcpus[0]->state, VCPU_RUNNABLE);
	assert_true(p->vcpus[0]->reset_pending);
	for (unsigned int i = 1; i < VCPUS; i++) {
		assert_int_equal(p->vcpus[i]->state, VCPU_WAIT_SIPI);
		assert_false(p->vcpus[i]->sipi_pending);
		assert_false(p->vcpus[i]->init_request);
		assert_true(p->vcpus[i]->lapic_reset);
	}

	/* A fault on vCPU 1 restarts the partition: the same order again. */
	partition_fault(p, p->vcpus[1], "test");
	assert_int_equal(p->boot_count, 1);
	assert_int_equal(resets_after_vcpu0_ran, 0);
	assert_int_equal(p->vcpus[0]->state, VCPU_RUNNABLE);
	assert_int_equal(p->vcpus[1]->state, VCPU_WAIT_SIPI);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aps_wait_before_vcpu0_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
