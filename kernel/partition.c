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
#include "drivers/emul/vioapic.h"
#include "drivers/emul/vplatform.h"
#include "drivers/emul/vrtc.h"
#include "drivers/machine_exit.h"
#include "kernel/console.h"
#include "kernel/emulate.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "kernel/lapic_emul.h"
#include "kernel/linux_boot.h"
#include "kernel/log.h"
#include "kernel/multiboot.h"
#include "kernel/page_alloc.h"
#include "kernel/percpu.h"
#include "lib/string.h"

#define MULTIBOOT_EAX		0x2badb002U
#define LEGACY_HOLE_START	0xa0000ULL	/* VGA memory: nothing there */
#define LEGACY_HOLE_END		0xc0000ULL
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

static uint64_t stage2_table_page(void *ctx)
{
	(void)ctx;
	return hv_alloc_pages(1, FRAME_NO_LIMIT);
}

static void *identity(uint64_t phys, void *ctx)
{
	(void)ctx;
	return (void *)(uintptr_t)phys;
}

/* Guest RAM from GPA 0, minus the legacy VGA hole, as on a PC. */
static int build_stage2(struct partition *p)
{
	const struct pt_memory mem = { stage2_table_page, identity, NULL };
	unsigned int rwx = PT_ATTR_WRITE | PT_ATTR_EXEC;
	int err;

	err = pt_init(&p->stage2, virt()->stage2_format, &mem,
		      virt()->stage2_1g());
	if (!err)
		err = pt_map(&p->stage2, 0, p->boot->ram, p->ram_size, rwx);
	if (!err)
		err = pt_unmap(&p->stage2, LEGACY_HOLE_START,
			       LEGACY_HOLE_END - LEGACY_HOLE_START);
	return err;
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
		p->ram_size = p->cfg->memory;
		p->state = PARTITION_STOPPED;
		vuart_init(&p->uart, uart_line, p);
		err = build_stage2(p);
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
			(unsigned long long)(p->ram_size >> 20),
			(unsigned long long)p->boot->ram,
			(unsigned int)p->stage2.table_pages);
	}
	return 0;
}

/*
 * The platform a Linux guest's ACPI tables describe: the numbers of the
 * device models (drivers/emul/) and of io_emul_reset(), which gives the
 * I/O APIC the ID after the vCPUs' local APIC IDs.
 */
#define LINUX_PIT_GSI		2	/* ISA IRQ 0 on I/O APIC pin 2, as on PCs */

static void linux_platform(unsigned int vcpus, struct guest_acpi_platform *pf)
{
	*pf = (struct guest_acpi_platform){
		.pm1a_evt_port = VPLATFORM_PM1A_EVT,
		.pm1a_cnt_port = VPLATFORM_PM1A_CNT,
		.pm_tmr_port = VPLATFORM_PM_TMR,
		.reset_port = VPLATFORM_PORT_RESET,
		.reset_value = VPLATFORM_RESET_VALUE,
		.s5_slp_typ = VPLATFORM_SLP_TYP_S5,
		.sci_irq = VPLATFORM_SCI_IRQ,
		.pit_gsi = LINUX_PIT_GSI,
		.ioapic_id = (uint8_t)vcpus,
		.ioapic_addr = (uint32_t)VIOAPIC_BASE,
		.rtc_century = VRTC_REG_CENTURY,
		.pic_present = false,
		.power_button = true,
	};
}

/* No libgcc in the hypervisor: __builtin_popcountll would call into it. */
static unsigned int cpu_count_of(uint64_t cpus)
{
	unsigned int n = 0;

	for (; cpus; cpus &= cpus - 1)
		n++;
	return n;
}

/*
 * Linux on AMD measures the TSC against the PIT or the PM timer, reading
 * them through exits; when exits are slow or irregular (under emulation,
 * or an SMI) both give up and the kernel marks its TSC unstable. The rate
 * the hypervisor measured at boot is handed over instead, unless the
 * user's command line already sets it (docs/config.md).
 */
#define TSC_HINT	"tsc_early_khz="

static void linux_cmdline(const char *user, char *buf, size_t size)
{
	if (strstr(user, TSC_HINT))
		snformat(buf, size, "%s", user);
	else
		snformat(buf, size, "%s%s" TSC_HINT "%llu", user,
			 *user ? " " : "", (unsigned long long)(tsc_hz / 1000));
}

static int load_linux(const struct partition_config *cfg,
		      const struct partition_boot *boot, uint8_t *ram,
		      uint64_t ram_size, struct vcpu_entry *entry,
		      const char **why)
{
	struct guest_acpi_platform pf;
	char cmdline[CONFIG_CMDLINE_MAX + sizeof(TSC_HINT) + 20];
	struct linux_boot_request req = {
		.kernel = boot->kernel.data,
		.kernel_size = boot->kernel.size,
		.initrd = boot->initrd.data,
		.initrd_size = boot->initrd.size,
		.cmdline = cmdline,
		.ram_size = ram_size,
		.vcpu_count = cpu_count_of(cfg->cpus),
		.platform = &pf,
	};
	struct linux_boot_result res;
	int err;

	if (cfg->module_count) {
		*why = "the kernel is a Linux bzImage, which takes no modules: give it one initrd = file instead";
		return -EINVAL;
	}
	linux_cmdline(cfg->cmdline, cmdline, sizeof(cmdline));
	linux_platform(req.vcpu_count, &pf);
	err = linux_boot_load(ram, &req, &res, why);
	if (err)
		return err;
	*entry = (struct vcpu_entry){
		.mode = ENTRY_PROTECTED32,
		.rip = res.entry,
		.esi = res.boot_params,
	};
	return 0;
}

static int load_multiboot(const struct partition_config *cfg,
			  const struct partition_boot *boot, uint8_t *ram,
			  uint64_t ram_size, struct vcpu_entry *entry,
			  const char **why)
{
	struct mb_module mods[CONFIG_MAX_MODULES];
	struct mb_boot_request req = {
		.kernel = boot->kernel.data,
		.kernel_size = boot->kernel.size,
		.cmdline = cfg->cmdline,
		.modules = mods,
		.module_count = cfg->module_count,
		.ram_size = ram_size,
	};
	struct mb_boot_result res;
	int err;

	/* Multiboot has modules for that; a silent conversion would hide it. */
	if (cfg->initrd.path[0]) {
		*why = "initrd = is for Linux bzImage kernels and this kernel is not one: pass the file to a Multiboot kernel as a module (modules = ...)";
		return -EINVAL;
	}
	for (unsigned int i = 0; i < cfg->module_count; i++)
		mods[i] = (struct mb_module){
			.data = boot->modules[i].data,
			.size = (uint32_t)boot->modules[i].size,
			.string = cfg->modules[i].path,
		};
	err = multiboot_load(ram, &req, &res, why);
	if (err)
		return err;
	*entry = (struct vcpu_entry){
		.mode = ENTRY_PROTECTED32,
		.rip = res.entry,
		.eax = MULTIBOOT_EAX,
		.ebx = res.mbi_addr,
	};
	return 0;
}

int partition_load_image(const struct partition_config *cfg,
			 const struct partition_boot *boot, uint8_t *ram,
			 uint64_t ram_size, struct vcpu_entry *entry,
			 const char **why)
{
	/* A restart starts from clean RAM, as a cold boot would. */
	memset(ram, 0, ram_size);
	if (linux_is_bzimage(boot->kernel.data, boot->kernel.size))
		return load_linux(cfg, boot, ram, ram_size, entry, why);
	return load_multiboot(cfg, boot, ram, ram_size, entry, why);
}

static void set_state(struct vcpu *v, int state)
{
	__atomic_store_n(&v->state, state, __ATOMIC_SEQ_CST);
}

/* Resets the vCPUs: 0 at the kernel entry, the others wait for a SIPI. */
static void start_vcpus(struct partition *p, const struct vcpu_entry *entry)
{
	for (unsigned int i = 0; i < p->vcpu_count; i++) {
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

	err = partition_load_image(p->cfg, p->boot,
				   (uint8_t *)(uintptr_t)p->boot->ram,
				   p->ram_size, &entry, &why);
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
	__atomic_store_n(&p->state, PARTITION_RUNNING, __ATOMIC_SEQ_CST);
	start_vcpus(p, &entry);
	return 0;
}

void partitions_start(void)
{
	char cpus[CONFIG_CPUS_TEXT_MAX];

	for (unsigned int i = 0; i < partition_count; i++) {
		struct partition *p = &partitions[i];

		config_format_cpus(p->cfg->cpus, cpus, sizeof(cpus));
		pr_info("partition %s: starting on CPU %s", p->cfg->name, cpus);
		if (boot_partition(p))
			__atomic_store_n(&p->state, PARTITION_STOPPED,
					 __ATOMIC_SEQ_CST);
	}
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
		/* Kick again and again: one NMI may land between checks. */
		while (__atomic_load_n(&v->stop_request, __ATOMIC_SEQ_CST)) {
			if (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST))
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
	pr_info("run finished: %s", ok ? "success" : "failure");
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
	log_exit_counts(p);
	if (p->reboot ||
	    (p->faulted && p->cfg->on_fault == FAULT_ACTION_RESTART)) {
		p->reboot = false;
		p->boot_count++;
		pr_info("partition %s: restarting (restart %u) from its original image",
			p->cfg->name, p->boot_count);
		if (!boot_partition(p))
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
