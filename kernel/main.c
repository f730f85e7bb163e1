/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor proper, entered on the boot CPU after ExitBootServices:
 * take the machine over, then bring every other CPU up into VMX/SVM root.
 */
#include "boot/boot_info.h"
#include "boot/ap_trampoline.h"
#include "arch/x86/asm.h"
#include "arch/x86/exception.h"
#include "arch/x86/gdt.h"
#include "arch/x86/host_mm.h"
#include "arch/x86/irq_quiesce.h"
#include "arch/x86/lapic.h"
#include "arch/x86/smp.h"
#include "arch/x86/tsc.h"
#include "arch/x86/virt.h"
#include "drivers/machine_exit.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "kernel/frame_alloc.h"
#include "kernel/log.h"
#include "kernel/page_alloc.h"
#include "kernel/console_out.h"
#include "kernel/partition.h"
#include "kernel/sched.h"
#include "kernel/passthrough.h"
#include "kernel/percpu.h"
#include "kernel/vcpu.h"
#include "kernel/watchdog.h"
#include "lib/string.h"

#define STACK_PAGES		4
#define IST_STACK_PAGES		1
#define KIB			1024ULL
#define MIB			(1024ULL * 1024)
#define HALT_WAIT_US		2000000
/* Exit codes of a test run (docs/testing.md). */
#define EXIT_OK			0
#define EXIT_CPU_FAILED		1
#define EXIT_BSP_EXCEPTION	3

static struct boot_info *boot;
static uint64_t percpu_bytes;
static bool bringup_done;
static bool partitions_go;

static uint64_t alloc_zeroed(uint64_t pages)
{
	percpu_bytes += pages * PAGE_SIZE;
	return hv_alloc_pages_for(HV_MEM_PER_CPU, pages, FRAME_NO_LIMIT);
}

static void __attribute__((noreturn)) fatal(const char *what)
{
	pr_err("fatal: %s; the hypervisor stops here", what);
	console_out_flush();
	cpu_halt_forever();
}

/* Exceptions must be caught from the first instruction on our own tables. */
static void bsp_early_cpu_setup(void)
{
	struct per_cpu *bsp = &cpu_data[0];

	idt_init();
	gdt_load_cpu(0, &bsp->tss);
	percpu_activate(bsp);
	idt_load();
	percpu_ready = true;
}

static int alloc_cpu_stacks(struct per_cpu *cpu, bool needs_stack)
{
	static const int ist_slots[IST_COUNT] = {
		IST_DOUBLE_FAULT, IST_NMI, IST_MACHINE_CHECK };
	uint64_t page;

	for (int i = 0; i < IST_COUNT; i++) {
		page = alloc_zeroed(IST_STACK_PAGES);
		if (!page)
			return -ENOMEM;
		cpu->tss.ist[ist_slots[i] - 1] = page +
						 IST_STACK_PAGES * PAGE_SIZE;
	}
	cpu->virt_page = alloc_zeroed(1);
	if (needs_stack) {
		page = alloc_zeroed(STACK_PAGES);
		cpu->stack_top = page + STACK_PAGES * PAGE_SIZE;
	}
	return cpu->virt_page && cpu->stack_top ? 0 : -ENOMEM;
}

/* CPU 0 is the boot CPU; the others follow in MADT order. */
static void enumerate_cpus(void)
{
	uint32_t bsp_id = lapic_id();
	bool bsp_listed = false;

	cpu_count = 1;
	cpu_data[0].apic_id = bsp_id;
	for (unsigned int i = 0; i < boot->madt.cpu_count; i++) {
		uint32_t id = boot->madt.cpus[i].apic_id;

		if (id == bsp_id) {
			bsp_listed = true;
			continue;
		}
		if (cpu_count == MAX_CPUS)
			break;
		cpu_data[cpu_count].index = cpu_count;
		cpu_data[cpu_count].apic_id = id;
		cpu_count++;
	}
	if (!bsp_listed)
		pr_warn("boot CPU (APIC ID %u) is not in the MADT", bsp_id);
}

static uint64_t identity_map_top(void)
{
	struct mem_summary sum;
	uint64_t top;

	memmap_summarize(&boot->memmap, &sum);
	top = sum.top > FOUR_GIB ? sum.top : FOUR_GIB;
	return (top + ONE_GIB - 1) & ~(ONE_GIB - 1);
}

static void hide_partition_ram(struct host_mm_layout *layout)
{
	for (unsigned int i = 0; i < boot->config.partition_count; i++)
		layout->hidden[layout->hidden_count++] = (struct host_mm_range){
			.base = boot->partitions[i].ram,
			.size = boot->partitions[i].layout.size,
		};
}

/* Each CPU's window spans the largest partition's RAM (for loading it). */
static void reserve_ram_windows(struct host_mm_stats *stats)
{
	uint64_t largest = 0;

	for (unsigned int i = 0; i < boot->config.partition_count; i++)
		if (boot->partitions[i].layout.size > largest)
			largest = boot->partitions[i].layout.size;
	if (largest && host_mm_windows_init(cpu_count, largest, stats))
		fatal("cannot reserve the per-CPU partition RAM windows");
}

/*
 * Walks this CPU's page tables for the first byte, the last byte and
 * every 2 MiB of each partition's RAM: none of it may be mapped.
 */
static void check_partition_ram_hidden(void)
{
	unsigned int mapped = 0;

	for (unsigned int i = 0; i < boot->config.partition_count; i++) {
		const struct partition_boot *pb = &boot->partitions[i];
		uint64_t end = pb->ram + pb->layout.size;

		for (uint64_t a = pb->ram; a < end; a += PAGE_2M)
			mapped += host_mm_maps(a);
		mapped += host_mm_maps(end - 1);
	}
	if (mapped)
		pr_err("partition RAM mapped in the hypervisor: yes (%u probe(s) of %u partition(s) translate)",
		       mapped, boot->config.partition_count);
	else
		pr_info("partition RAM mapped in the hypervisor: no (%u partition(s) probed through CR3)",
			boot->config.partition_count);
}

static void take_over_memory(struct host_mm_stats *stats)
{
	struct host_mm_layout layout = {
		.map_top = identity_map_top(),
		.text_start = boot->text_start,
		.text_end = boot->text_end,
		.trampoline = boot->trampoline,
	};

	passthrough_high_bars(&boot->pci, &layout);
	hide_partition_ram(&layout);
	frame_alloc_init(&machine_frames);
	memmap_feed(&boot->memmap, MEM_USABLE, &machine_frames);
	/* Copy while the firmware's tables still map the page writable. */
	smp_install_trampoline(boot->trampoline);
	if (host_mm_init(&layout, &machine_frames, stats))
		fatal("cannot build the hypervisor page tables");
	/* The firmware's tables and stacks are no longer in use. */
	memmap_feed(&boot->memmap, MEM_RECLAIMABLE, &machine_frames);
}

static void report_memory(const struct host_mm_stats *mm)
{
	struct mem_summary sum;
	uint64_t usable, own;

	memmap_summarize(&boot->memmap, &sum);
	usable = sum.bytes[MEM_USABLE] + sum.bytes[MEM_RECLAIMABLE];
	pr_info("memory: %llu MiB usable (%llu MiB reclaimed from the firmware), %llu KiB ACPI, %llu KiB firmware-reserved, %u ranges",
		(unsigned long long)(usable / MIB),
		(unsigned long long)(sum.bytes[MEM_RECLAIMABLE] / MIB),
		(unsigned long long)(sum.bytes[MEM_ACPI] / KIB),
		(unsigned long long)(sum.bytes[MEM_FIRMWARE] / KIB),
		machine_frames.count);
	own = boot->image_size + boot->boot_alloc_bytes +
	      machine_frames.allocated_bytes;
	pr_info("hypervisor footprint: %llu KiB (image %llu KiB, boot allocations %llu KiB, page tables %llu KiB for %llu GiB identity map less %llu MiB of partition RAM and a %llu GiB RAM window per CPU, per-CPU %llu KiB)",
		(unsigned long long)(own / KIB),
		(unsigned long long)(boot->image_size / KIB),
		(unsigned long long)(boot->boot_alloc_bytes / KIB),
		(unsigned long long)(mm->table_pages * PAGE_SIZE / KIB),
		(unsigned long long)(mm->mapped_bytes / ONE_GIB + 1),
		(unsigned long long)(mm->hidden_bytes / MIB),
		(unsigned long long)(mm->window_bytes / ONE_GIB),
		(unsigned long long)(percpu_bytes / KIB));
	pr_info("free for partitions: %llu MiB",
		(unsigned long long)(frame_alloc_free_bytes(&machine_frames) / MIB));
}

static void enable_virt(struct per_cpu *cpu)
{
	int state = CPU_VIRT_ON;

	if (virt()->cpu_enable(cpu)) {
		state = CPU_VIRT_FAILED;
		pr_err("CPU %u (APIC ID %u): cannot enable %s: %s", cpu->index,
		       cpu->apic_id, virt()->name, cpu->virt_error);
	} else {
		cpu->virt_enabled = true;
		pr_info("CPU %u (APIC ID %u): %s enabled", cpu->index,
			cpu->apic_id, virt()->name);
	}
	__atomic_store_n(&cpu->state, state, __ATOMIC_RELEASE);
}

static void deliberate_fault(void)
{
	pr_warn("test hook: faulting on purpose on CPU %u", this_cpu_index());
	/* Page 0 is never mapped: this read takes a page fault. */
	asm volatile("movq (%0), %%rax" : : "r"(0x10UL) : "rax", "memory");
}

/* A CPU with a vCPU runs it from the go signal on; the others rest. */
static void __attribute__((noreturn)) run_partitions_here(struct per_cpu *cpu)
{
	while (!__atomic_load_n(&partitions_go, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (cpu->sched && cpu->virt_enabled)
		sched_loop(cpu->sched);
	if (cpu->vcpu && cpu->virt_enabled)
		vcpu_loop(cpu->vcpu);
	if (watchdog_checks_here(cpu->index))
		watchdog_watch_forever();
	cpu_halt_forever();
}

static void __attribute__((noreturn)) ap_main(struct per_cpu *cpu)
{
	gdt_load_cpu(cpu->index, &cpu->tss);
	percpu_activate(cpu);
	idt_load();
	host_mm_enable_protection();
	irq_quiesce_local();
	__atomic_store_n(&cpu->state, CPU_ONLINE, __ATOMIC_RELEASE);
	enable_virt(cpu);
	if (boot->hooks.fault == FAULT_AP && cpu->index == cpu_count - 1) {
		/* Fault after the bring-up report, so the log order is fixed. */
		while (!__atomic_load_n(&bringup_done, __ATOMIC_ACQUIRE))
			cpu_relax();
		deliberate_fault();
	}
	run_partitions_here(cpu);
}

/* All at once, so that the footprint report is complete. */
static void alloc_all_cpu_stacks(void)
{
	cpu_data[0].stack_top = boot->boot_stack_top;
	for (unsigned int i = 0; i < cpu_count; i++)
		if (alloc_cpu_stacks(&cpu_data[i], i > 0))
			fatal("out of memory for the per-CPU stacks");
}

static unsigned int start_aps(uint64_t cr3)
{
	unsigned int failed = 0;

	for (unsigned int i = 1; i < cpu_count; i++) {
		struct per_cpu *cpu = &cpu_data[i];
		int err = smp_start_cpu(boot->trampoline, cr3, cpu, ap_main);

		if (err) {
			pr_err("CPU %u (APIC ID %u) did not start: no answer to INIT-SIPI-SIPI",
			       i, cpu->apic_id);
			failed++;
			continue;
		}
		/* Bring-up is one CPU at a time: they share the trampoline. */
		while (__atomic_load_n(&cpu->state, __ATOMIC_ACQUIRE) ==
		       CPU_ONLINE)
			cpu_relax();
	}
	return failed;
}

static unsigned int count_virt_enabled(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < cpu_count; i++)
		n += cpu_data[i].virt_enabled;
	return n;
}

/* The code is logged too: Bochs always exits with status 1. */
static void __attribute__((noreturn)) end_test_run(uint32_t code)
{
	pr_info("test hook: ending the run with code %u", code);
	console_out_flush();
	machine_exit(code);
}

/* A partition whose CPU failed to come up cannot start. */
static int check_partition_cpus(void)
{
	int err = 0;

	for (unsigned int i = 0; i < boot->config.partition_count; i++) {
		const struct partition_config *pc = &boot->config.partitions[i];

		for (unsigned int c = 0; c < cpu_count; c++) {
			if ((pc->cpus & (1ULL << c)) && !cpu_data[c].virt_enabled) {
				pr_err("partition %s: CPU %u is not usable", pc->name, c);
				err = -ENODEV;
			}
		}
	}
	return err;
}

/*
 * Raw TSC values at the boot phase boundaries, for docs/performance.md
 * (scripts/bench.py reads this line): under QEMU -icount the TSC counts
 * from reset, so efi_main's value is the firmware's share.
 */
static void log_boot_phases(const struct boot_info *info, uint64_t cpus_up,
			    uint64_t stage2, uint64_t loaded)
{
	pr_info("boot phases (TSC): efi_main %llu, exit boot services %llu-%llu, CPUs up %llu, stage-2 built %llu, partitions loaded %llu",
		(unsigned long long)info->tsc_at_entry,
		(unsigned long long)info->tsc_before_exit,
		(unsigned long long)info->tsc_after_exit,
		(unsigned long long)cpus_up, (unsigned long long)stage2,
		(unsigned long long)loaded);
}

static void halt_hook(unsigned int cpu)
{
	console_out_flush();	/* the dump, from a shared core too */
	if (cpu == 0 && boot->hooks.exit_when_up)
		end_test_run(EXIT_BSP_EXCEPTION);
}

static void wait_for_halt(struct per_cpu *cpu)
{
	uint64_t deadline = tsc_deadline_us(HALT_WAIT_US);

	while (__atomic_load_n(&cpu->state, __ATOMIC_ACQUIRE) != CPU_HALTED &&
	       !tsc_passed(deadline))
		cpu_relax();
	if (cpu->state == CPU_HALTED)
		pr_info("CPU %u stopped after its exception; CPU 0 carries on",
			cpu->index);
}

static void run_test_hooks(unsigned int failed)
{
	if (boot->hooks.fault == FAULT_BSP)
		deliberate_fault();
	if (boot->hooks.fault == FAULT_AP && cpu_count > 1)
		wait_for_halt(&cpu_data[cpu_count - 1]);
	if (boot->hooks.exit_when_up)
		end_test_run(failed ? EXIT_CPU_FAILED : EXIT_OK);
}

void hypervisor_main(struct boot_info *info)
{
	struct host_mm_stats mm;
	unsigned int failed, online, virt_on;
	uint64_t tsc_cpus_up, tsc_stage2;

	boot = info;
	tsc_hz = info->tsc_hz;
	bsp_early_cpu_setup();
	exception_halt_hook = halt_hook;
	pr_info("took over the machine: left UEFI in %llu us (%u attempt(s))",
		(unsigned long long)((info->tsc_after_exit -
				      info->tsc_before_exit) * 1000000 /
				     info->tsc_hz),
		info->exit_attempts);
	take_over_memory(&mm);
	lapic_init();
	irq_quiesce_platform(&info->madt);
	irq_quiesce_local();
	passthrough_takeover(info);
	enumerate_cpus();
	alloc_all_cpu_stacks();
	reserve_ram_windows(&mm);
	report_memory(&mm);

	if (virt_select(info->cpu.virt))
		fatal("no virtualization back end for this CPU");
	__atomic_store_n(&cpu_data[0].state, CPU_ONLINE, __ATOMIC_RELEASE);
	enable_virt(&cpu_data[0]);
	failed = start_aps(mm.cr3);
	tsc_cpus_up = rdtsc();
	online = cpu_count - failed;
	virt_on = count_virt_enabled();
	pr_info("%u/%u CPUs online, %s enabled on %u", online, cpu_count,
		virt()->name, virt_on);
	failed = cpu_count - virt_on;
	__atomic_store_n(&bringup_done, true, __ATOMIC_RELEASE);
	run_test_hooks(failed);
	if (check_partition_cpus() ||
	    partitions_create(&info->config, info->partitions))
		fatal("cannot set up the partitions");
	tsc_stage2 = rdtsc();
	pr_info("hypervisor memory with the partitions set up: %llu KiB besides the image and boot allocations; partition RAM %llu MiB",
		(unsigned long long)(hv_allocated_bytes() / KIB),
		(unsigned long long)(info->partition_ram_bytes / MIB));
	partitions_start();
	check_partition_ram_hidden();
	log_boot_phases(info, tsc_cpus_up, tsc_stage2, rdtsc());
	__atomic_store_n(&partitions_go, true, __ATOMIC_RELEASE);
	run_partitions_here(&cpu_data[0]);
}
