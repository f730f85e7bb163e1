/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Partitions: their RAM and stage-2 tables, their vCPUs, and the life
 * cycle start -> stop (exit code or fault) -> restart or done. A fault of
 * one partition never touches another: it only stops that partition's vCPUs.
 */
#include "kernel/partition.h"
#include "arch/x86/asm.h"
#include "arch/x86/lapic.h"
#include "arch/x86/tsc.h"
#include "drivers/machine_exit.h"
#include "kernel/console.h"
#include "kernel/console_out.h"
#include "kernel/exit/io_emul.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/passthrough.h"
#include "kernel/sched.h"
#include "kernel/percpu.h"
#include "kernel/watchdog.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "loader/image.h"

#define KICK_INTERVAL_US	1000
#define STOP_TIMEOUT_US		2000000
/* Exit codes of a whole run (docs/testing.md). */
#define RUN_EXIT_OK		0
#define RUN_EXIT_FAILED		1

struct partition partitions[CONFIG_MAX_PARTITIONS];
unsigned int partition_count;
static struct vcpu vcpu_pool[MAX_CPUS];
static unsigned int vcpu_pool_used;
static bool exit_when_done;
static struct spinlock done_lock;

static uint64_t stage2_pages(void)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < partition_count; i++)
		sum += partitions[i].stage2.table_pages;
	return sum;
}

/*
 * What the hypervisor holds, after boot and after each restart: a restart
 * that took memory would show here (tests/integration: restarts-leak-nothing).
 */
static void log_memory_in_use(const char *when)
{
	char buf[LOG_LINE_MAX];

	hv_mem_format(buf, sizeof(buf));
	pr_info("memory %s: %s; %u vCPU(s), stage-2 %llu table pages",
		when, buf, vcpu_pool_used, (unsigned long long)stage2_pages());
}

/* Guest RAM as its layout puts it, minus the legacy VGA hole, as on a PC. */
static int build_stage2(struct partition *p)
{
	unsigned int rwx = PT_ATTR_WRITE | PT_ATTR_EXEC;
	struct ram_range pieces[RAM_LAYOUT_PIECES];
	unsigned int n = ram_layout_mapped(&p->boot->layout, pieces);
	int err;

	err = pt_init(&p->stage2, virt()->stage2_format, &hv_stage2_pt_memory,
		      virt()->stage2_1g());
	for (unsigned int i = 0; !err && i < n; i++)
		err = pt_map(&p->stage2, pieces[i].gpa,
			     p->boot->ram + pieces[i].offset, pieces[i].size,
			     rwx);
	return err;
}

/* Only a layout split around a PCI hole needs saying. */
static void log_layout(const struct partition *p)
{
	const struct ram_layout *l = &p->boot->layout;

	if (!ram_layout_high(l))
		return;
	pr_info("partition %s: RAM at guest-physical 0-%#llx and %#llx-%#llx, around its PCI hole",
		p->cfg->name, (unsigned long long)l->low - 1,
		RAM_LAYOUT_HIGH_BASE,
		(unsigned long long)(RAM_LAYOUT_HIGH_BASE +
				     ram_layout_high(l) - 1));
}

/* A prompt stays open on the console, so the shell's echo joins it. */
static void uart_line(void *ctx, const char *line, size_t len, bool complete)
{
	struct partition *p = ctx;

	log_segment(p, p->cfg->name, line, len, complete);
}

static int create_vcpus(struct partition *p)
{
	unsigned int asid = p->id + 1;	/* ASID/VPID 0 belongs to the host */

	for (unsigned int cpu = 0; cpu < cpu_count; cpu++) {
		struct vcpu *v;
		int err;

		if (!(p->cfg->cpus & (1ULL << cpu)))
			continue;
		v = &vcpu_pool[vcpu_pool_used++];
		v->part = p;
		v->index = p->vcpu_count;
		v->cpu = cpu;
		v->phys_apic_id = cpu_data[cpu].apic_id;
		err = virt()->vcpu_create(v, p->stage2.root, asid);
		if (err)
			return err;
		p->vcpus[p->vcpu_count++] = v;
		cpu_data[cpu].vcpu = v;
	}
	return 0;
}

int partitions_create(const struct config *cfg,
		      const struct partition_boot *boots)
{
	exit_when_done = cfg->exit_when_done;
	if (!virt()->vcpu_create) {
		pr_err("partitions are not supported on %s yet", virt()->name);
		return -ENOSYS;
	}
	/* Every core's timer runs from the same clock: one measurement. */
	lapic_timer_calibrate();
	pr_info("local APIC timer: %llu kHz",
		(unsigned long long)(lapic_timer_hz / 1000));
	for (unsigned int i = 0; i < cfg->partition_count; i++) {
		struct partition *p = &partitions[i];
		int err;

		p->id = i;
		p->cfg = &cfg->partitions[i];
		p->boot = &boots[i];
		p->state = PARTITION_STOPPED;
		vuart_init(&p->uart, uart_line, p);
		err = build_stage2(p);
		if (!err)
			err = passthrough_create(p);
		if (!err)
			err = create_vcpus(p);
		if (err) {
			pr_err("partition %s: cannot set up (error %d)",
			       p->cfg->name, err);
			return err;
		}
		partition_count++;
		pr_info("partition %s: %u vCPU(s), %llu MiB RAM at host %#llx, stage-2 %u table pages",
			p->cfg->name, p->vcpu_count,
			(unsigned long long)(p->boot->layout.size >> 20),
			(unsigned long long)p->boot->ram,
			(unsigned int)p->stage2.table_pages);
		log_layout(p);
	}
	return sched_create(cfg);
}

static void set_state(struct vcpu *v, int state)
{
	__atomic_store_n(&v->state, state, __ATOMIC_SEQ_CST);
}

/*
 * Resets the vCPUs: 0 at the kernel entry, the others wait for a SIPI.
 * vCPU 0 last: its guest may send INIT and SIPI the moment it runs, and a
 * SIPI to a vCPU not yet waiting for one would be dropped, or its request
 * cleared here (the protocol is beside struct vcpu).
 */
static void start_vcpus(struct partition *p, const struct vcpu_entry *entry)
{
	for (unsigned int i = p->vcpu_count; i-- > 0;) {
		struct vcpu *v = p->vcpus[i];

		memset(v->exits, 0, sizeof(v->exits));
		vlapic_reset(&v->lapic, v->index);
		__atomic_store_n(&v->lapic_reset, true, __ATOMIC_SEQ_CST);
		v->sipi_pending = false;
		v->init_request = false;
		if (i == 0) {
			v->reset_entry = *entry;
			__atomic_store_n(&v->reset_pending, true,
					 __ATOMIC_SEQ_CST);
		}
		set_state(v, i == 0 ? VCPU_RUNNABLE : VCPU_WAIT_SIPI);
	}
}

static int boot_partition(struct partition *p)
{
	struct vcpu_entry entry;
	const char *why = "";
	int err;

	err = image_load_pci(p->cfg, p->boot, &p->vpci, &entry, &why);
	if (err) {
		pr_err("partition %s: cannot load its kernel: %s",
		       p->cfg->name, why);
		return err;
	}
	p->faulted = false;
	p->exit_code = 0;
	p->fault[0] = '\0';
	vuart_init(&p->uart, uart_line, p);
	io_emul_reset(p);
	watchdog_reset(p);
	__atomic_store_n(&p->state, PARTITION_RUNNING, __ATOMIC_SEQ_CST);
	start_vcpus(p, &entry);
	return 0;
}

void partitions_start(void)
{
	char cpus[CONFIG_CPUS_TEXT_MAX];

	log_memory_in_use("before the partitions start");
	watchdog_setup();
	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *p = &partitions[i];

		config_format_cpus(p->cfg->cpus, cpus, sizeof(cpus));
		pr_info("partition %s: starting on CPU %s", p->cfg->name, cpus);
		if (boot_partition(p))
			__atomic_store_n(&p->state, PARTITION_STOPPED,
					 __ATOMIC_SEQ_CST);
	}
	sched_start();
	console_input_start();
}

/* Asks every other vCPU of p to stop, and waits until each has. */
static void stop_other_vcpus(struct partition *p, struct vcpu *self)
{
	for (unsigned int i = 0; i < p->vcpu_count; i++)
		__atomic_store_n(&p->vcpus[i]->stop_request, true,
				 __ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < p->vcpu_count; i++) {
		struct vcpu *v = p->vcpus[i];
		uint64_t deadline = tsc_deadline_us(STOP_TIMEOUT_US);

		if (v == self)
			continue;
		/*
		 * Kick again and again: one NMI may land between checks. A
		 * shared core is kicked even while another partition's
		 * window runs there: it serves the stop at that exit, so a
		 * stopper on a shared core is not held for a whole window.
		 */
		while (__atomic_load_n(&v->stop_request, __ATOMIC_SEQ_CST)) {
			if (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) ||
			    v->timeshare)
				lapic_send_nmi(v->phys_apic_id);
			if (tsc_passed(deadline)) {
				pr_err("partition %s: vCPU %u on CPU %u does not stop",
				       p->cfg->name, v->index, v->cpu);
				break;
			}
			tsc_delay_us(KICK_INTERVAL_US);
		}
	}
	if (self) {
		self->stop_request = false;
		lapic_emul_reset(self);		/* no timer left armed */
		set_state(self, VCPU_STOPPED);
	}
}

static void log_exit_counts(const struct partition *p)
{
	char buf[LOG_LINE_MAX];
	size_t n = 0;

	for (int r = 0; r < EXIT_REASON_COUNT; r++) {
		uint64_t sum = 0;

		for (unsigned int i = 0; i < p->vcpu_count; i++)
			sum += p->vcpus[i]->exits[r];
		if (sum && n < sizeof(buf))
			n += snformat(buf + n, sizeof(buf) - n, " %s %llu",
				      exit_reason_name(r),
				      (unsigned long long)sum);
	}
	buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
	pr_info("partition %s: exits:%s", p->cfg->name, n ? buf : " none");
}

static void report_summary_and_exit(void)
{
	bool ok = true;

	pr_info("summary: all %u partition(s) stopped", partition_count);
	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *p = &partitions[i];

		if (p->faulted)
			pr_info("  %s: fault: %s", p->cfg->name, p->fault);
		else
			pr_info("  %s: exit code %d", p->cfg->name,
				p->exit_code);
		ok = ok && !p->faulted && p->exit_code == 0;
	}
	log_memory_in_use("at the end");
	sched_report();
	pr_info("run finished: %s", ok ? "success" : "failure");
	console_out_flush();
	machine_exit(ok ? RUN_EXIT_OK : RUN_EXIT_FAILED);
}

static void check_all_stopped(void)
{
	if (!exit_when_done)
		return;
	spin_lock(&done_lock);
	for (unsigned int i = 0; i < partition_count; i++) {
		if (partitions[i].state != PARTITION_STOPPED) {
			spin_unlock(&done_lock);
			return;
		}
	}
	report_summary_and_exit();
}

/* Claims the stop: false if another CPU is already stopping p. */
static bool begin_stop(struct partition *p)
{
	int expected = PARTITION_RUNNING;

	return __atomic_compare_exchange_n(&p->state, &expected,
					   PARTITION_STOPPING, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static void finish_stop(struct partition *p, struct vcpu *self)
{
	vuart_flush(&p->uart);
	stop_other_vcpus(p, self);
	passthrough_quiesce(p);
	passthrough_poll_faults();
	log_exit_counts(p);
	if (p->reboot ||
	    (p->faulted && p->cfg->on_fault == FAULT_ACTION_RESTART)) {
		p->reboot = false;
		p->boot_count++;
		pr_info("partition %s: restarting (restart %u) from its original image",
			p->cfg->name, p->boot_count);
		/*
		 * On a shared core the image is reloaded at the start of the
		 * partition's next window (kernel/sched.c), where the whole
		 * window is there for it: begun near a window's end, it would
		 * make the next partition's window start late.
		 */
		if (self && self->timeshare) {
			__atomic_store_n(&self->timeshare->restart_pending, true,
					 __ATOMIC_SEQ_CST);
			return;
		}
		if (!boot_partition(p)) {
			log_memory_in_use("after the restart");
			return;
		}
	}
	__atomic_store_n(&p->state, PARTITION_STOPPED, __ATOMIC_SEQ_CST);
	check_all_stopped();
}

void partition_restart_deferred(struct partition *p)
{
	if (!boot_partition(p)) {
		log_memory_in_use("after the restart");
		return;
	}
	__atomic_store_n(&p->state, PARTITION_STOPPED, __ATOMIC_SEQ_CST);
	check_all_stopped();
}

void partition_exit(struct partition *p, struct vcpu *self, int code)
{
	if (!begin_stop(p))
		return;
	p->exit_code = code;
	pr_info("partition %s exited with code %d", p->cfg->name, code);
	finish_stop(p, self);
}

void partition_reboot(struct partition *p, struct vcpu *self,
		      const char *how)
{
	if (!begin_stop(p))
		return;
	p->reboot = true;
	pr_info("partition %s: the guest asked for a reboot (%s)",
		p->cfg->name, how);
	finish_stop(p, self);
}

void partition_power_off(struct partition *p, struct vcpu *self)
{
	if (!begin_stop(p))
		return;
	p->exit_code = 0;
	pr_info("partition %s powered off", p->cfg->name);
	finish_stop(p, self);
}

void partition_fault(struct partition *p, struct vcpu *self,
		     const char *fmt, ...)
{
	va_list ap;

	if (!begin_stop(p))
		return;
	va_start(ap, fmt);
	vsnformat(p->fault, sizeof(p->fault), fmt, ap);
	va_end(ap);
	p->faulted = true;
	pr_err("partition %s stopped: %s", p->cfg->name, p->fault);
	finish_stop(p, self);
}
