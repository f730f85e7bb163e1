/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * UEFI stage: everything that needs firmware services happens here, and a
 * machine that cannot run partitions is rejected before ExitBootServices so
 * the firmware can go on to its next boot option.
 */
#include <efi.h>
#include "boot/boot_info.h"
#include "boot/efi_memtype.h"
#include "boot/efi_mp.h"
#include "boot/efi_partitions.h"
#include "boot/efi_util.h"
#include "arch/x86/asm.h"
#include "arch/x86/cpu_facts.h"
#include "arch/x86/pit.h"
#include "arch/x86/tsc.h"
#include "drivers/uart16550.h"
#include "lib/errno.h"
#include "kernel/console_out.h"
#include "kernel/log.h"
#include "lib/string.h"
#include "lib/version.h"

#define CONFIG_FILE		"bulkhead.cfg"
#define CALIBRATION_US		20000
/* 50 ms of the 8254's 1.193182 MHz input; give up after 250 ms. */
#define PIT_CALIBRATION_COUNT	59659
#define PIT_TIMEOUT_DIVISOR	4
#define PIT_AGREE_PERCENT	10
#define US_PER_SEC		1000000ULL
#define BOOT_STACK_PAGES	16
#define TRAMPOLINE_PAGES	2
#define BELOW_1M		0xfffffULL
#define BELOW_4G		0xffffffffULL
#define EXIT_ATTEMPTS		8
/* Room for the descriptors our own allocation and retries may add. */
#define MEMMAP_SLACK_DESCS	32

static struct boot_info info;

/* Provided by linker.ld. */
extern char __text_start[], __text_end[];

static EFI_STATUS fail(EFI_STATUS status, const char *what, const char *fix)
{
	pr_err("%s", what);
	if (fix)
		pr_err("fix: %s", fix);
	pr_err("Bulkhead did not start; returning to the firmware");
	return status;
}

/*
 * The firmware's Stall() gives a first estimate; the 8254's counter 2,
 * clocked by its own crystal, measures it better over 50 ms (Stall()
 * ran 0.3-0.6 % long under QEMU's TCG, and partitions inherit the rate:
 * Linux through tsc_early_khz=). The estimate stands where the 8254 does
 * not count, or disagrees with it by more than PIT_AGREE_PERCENT.
 */
static void calibrate_tsc(void)
{
	uint64_t start = rdtsc(), stall_hz, pit_hz, diff;

	efi_st->BootServices->Stall(CALIBRATION_US);
	stall_hz = (rdtsc() - start) * (US_PER_SEC / CALIBRATION_US);
	pit_hz = pit_measure_tsc_hz(PIT_CALIBRATION_COUNT,
				    stall_hz / PIT_TIMEOUT_DIVISOR);
	diff = pit_hz > stall_hz ? pit_hz - stall_hz : stall_hz - pit_hz;
	info.tsc_hz = stall_hz;
	if (pit_hz && diff * 100 < pit_hz * PIT_AGREE_PERCENT)
		info.tsc_hz = pit_hz;
	else
		pr_warn("TSC: the 8254 gave %llu Hz, firmware Stall() %llu Hz: keeping the latter",
			(unsigned long long)pit_hz,
			(unsigned long long)stall_hz);
	tsc_hz = info.tsc_hz;	/* the partitions' first load uses it */
	log_set_clock(info.tsc_at_entry, info.tsc_hz);
}

static EFI_STATUS check_cpu(void)
{
	struct cpu_facts facts;

	cpu_facts_read(&facts);
	cpu_assess(&facts, &info.cpu);
	pr_info("CPU: %s, %s%s", facts.vendor,
		info.cpu.virt == VIRT_NONE ? "no usable virtualization" :
		virt_kind_name(info.cpu.virt),
		info.cpu.nested ? " (running under a hypervisor)" : "");
	if (info.cpu.problem) {
		pr_err("this machine cannot run partitions: %s",
		       info.cpu.problem);
		return fail(EFI_UNSUPPORTED, "unsupported CPU",
			    info.cpu.remedy);
	}
	return EFI_SUCCESS;
}

static uint64_t find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t found = 0;

	for (UINTN i = 0; i < efi_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &efi_st->ConfigurationTable[i];

		if (!memcmp(&t->VendorGuid, &acpi20, sizeof(acpi20)))
			return (uint64_t)t->VendorTable;
		if (!memcmp(&t->VendorGuid, &acpi10, sizeof(acpi10)))
			found = (uint64_t)t->VendorTable;
	}
	return found;
}

/* ACPI tables the firmware got wrong are reported as warnings. */
static void acpi_log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(LOG_WARN, fmt, ap);
	va_end(ap);
}

static int read_madt(void)
{
	struct acpi_tables tables;
	const uint8_t *madt;
	uint32_t len;
	int err;

	info.rsdp = find_rsdp();
	if (!info.rsdp)
		return -ENOENT;
	err = acpi_init(&tables, info.rsdp, acpi_identity_map, NULL);
	if (!err)
		err = acpi_find_table(&tables, "APIC", &madt, &len);
	if (!err)
		err = madt_parse(madt, len, &info.madt);
	return err;
}

/* The MADT is the source of truth; MP Services covers firmware without. */
static EFI_STATUS find_cpus(void)
{
	const char *source = "ACPI MADT";

	if (read_madt() || !info.madt.cpu_count) {
		pr_warn("no usable ACPI MADT (RSDP %s): asking the firmware's MP services for the CPUs",
			info.rsdp ? "found" : "missing");
		info.madt = (struct madt_info){ 0 };
		if (EFI_ERROR(efi_mp_list_cpus(&info.madt)))
			return fail(EFI_UNSUPPORTED,
				    "cannot find the processors: no ACPI MADT and no MP services",
				    "enable ACPI in the firmware setup or update the firmware");
		source = "UEFI MP services";
	}
	pr_info("CPUs: %u usable, from the %s; %u I/O APIC(s)",
		info.madt.cpu_count, source, info.madt.ioapic_count);
	if (info.madt.skipped_cpus)
		pr_warn("%u CPU(s) beyond the limit of %u are left off",
			info.madt.skipped_cpus, MAX_CPUS);
	return EFI_SUCCESS;
}

static EFI_STATUS load_files(EFI_HANDLE image)
{
	char *text;
	UINTN size;
	EFI_STATUS s;
	const char *bad;
	size_t bad_len;

	s = efi_read_file(image, CONFIG_FILE, &text, &size);
	if (EFI_ERROR(s)) {
		pr_err("cannot read %s from the boot volume: %s", CONFIG_FILE,
		       efi_status_text(s));
		return fail(s, "no configuration",
			    "put bulkhead.cfg at the root of the boot volume (make image does; see docs/config.md)");
	}
	info.config_text = text;
	info.config_size = size;
	info.boot_alloc_bytes += size + 1;
	pr_info("config: %s, %llu bytes", CONFIG_FILE,
		(unsigned long long)size);

	if (EFI_ERROR(efi_read_file(image, TEST_HOOKS_FILE, &text, &size)))
		return EFI_SUCCESS;
	if (test_hooks_parse(text, size, &info.hooks, &bad, &bad_len)) {
		pr_err("%s: unknown word \"%.*s\"", TEST_HOOKS_FILE,
		       (int)bad_len, bad);
		return fail(EFI_INVALID_PARAMETER, "bad test hooks file",
			    "remove " TEST_HOOKS_FILE " (it is for the test harness only) or see docs/testing.md");
	}
	pr_warn("%s found: test hooks are active", TEST_HOOKS_FILE);
	return EFI_SUCCESS;
}

static EFI_STATUS prepare_partitions(EFI_HANDLE image)
{
	EFI_STATUS s = efi_prepare_partitions(image, &info);

	if (EFI_ERROR(s))
		return fail(s, "bad configuration: no partition was started",
			    "correct bulkhead.cfg (docs/config.md); build/bulkhead-check checks a config before boot");
	return s;
}

static EFI_STATUS reserve_memory(void)
{
	EFI_PHYSICAL_ADDRESS addr;
	EFI_STATUS s;

	/* The SIPI vector can only name a page below 1 MiB. */
	s = efi_alloc_pages(TRAMPOLINE_PAGES, BELOW_1M, &addr);
	if (EFI_ERROR(s))
		return fail(s, "no free memory below 1 MiB for the CPU start-up code",
			    "disable CSM/legacy option ROMs in the firmware setup");
	info.trampoline = addr;
	s = efi_alloc_pages(BOOT_STACK_PAGES, BELOW_4G, &addr);
	if (EFI_ERROR(s))
		return fail(s, "out of memory for the boot stack", NULL);
	info.boot_stack_top = addr + BOOT_STACK_PAGES * PAGE_SIZE;
	info.boot_alloc_bytes += (TRAMPOLINE_PAGES + BOOT_STACK_PAGES) *
				 PAGE_SIZE;
	return EFI_SUCCESS;
}

static void image_layout(EFI_HANDLE image)
{
	EFI_GUID loaded_guid = LOADED_IMAGE_PROTOCOL;
	EFI_LOADED_IMAGE *loaded;

	if (!EFI_ERROR(efi_st->BootServices->HandleProtocol(image,
			&loaded_guid, (void **)&loaded))) {
		info.image_base = (uint64_t)loaded->ImageBase;
		info.image_size = loaded->ImageSize;
	}
	info.text_start = (uint64_t)__text_start;
	info.text_end = (uint64_t)__text_end;
}

struct efi_memory_map {
	UINT8 *buf;
	UINTN size;
	UINTN capacity;
	UINTN key;
	UINTN desc_size;
};

static EFI_STATUS alloc_memory_map(struct efi_memory_map *m)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	UINT32 version;
	EFI_STATUS s;

	m->size = 0;
	s = bs->GetMemoryMap(&m->size, NULL, &m->key, &m->desc_size, &version);
	if (s != EFI_BUFFER_TOO_SMALL)
		return s;
	m->capacity = m->size + MEMMAP_SLACK_DESCS * m->desc_size;
	info.boot_alloc_bytes += m->capacity;
	return bs->AllocatePool(EfiLoaderData, m->capacity, (void **)&m->buf);
}

/*
 * The map key changes whenever the firmware allocates (timer callbacks
 * may), so the spec has us fetch the map again and retry. Between a failed
 * ExitBootServices and the next attempt only GetMemoryMap is allowed.
 */
static EFI_STATUS leave_boot_services(EFI_HANDLE image,
				      struct efi_memory_map *m)
{
	EFI_BOOT_SERVICES *bs = efi_st->BootServices;
	UINT32 version;
	EFI_STATUS s = EFI_SUCCESS;

	info.tsc_before_exit = rdtsc();
	for (info.exit_attempts = 1; info.exit_attempts <= EXIT_ATTEMPTS;
	     info.exit_attempts++) {
		m->size = m->capacity;
		s = bs->GetMemoryMap(&m->size, (EFI_MEMORY_DESCRIPTOR *)m->buf,
				     &m->key, &m->desc_size, &version);
		if (EFI_ERROR(s))
			return s;
		s = bs->ExitBootServices(image, m->key);
		if (!EFI_ERROR(s))
			break;
	}
	info.tsc_after_exit = rdtsc();
	return s;
}

static void convert_memory_map(const struct efi_memory_map *m)
{
	for (UINTN off = 0; off + m->desc_size <= m->size;
	     off += m->desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d =
			(const EFI_MEMORY_DESCRIPTOR *)(m->buf + off);

		if (memmap_append(&info.memmap, d->PhysicalStart,
				  d->NumberOfPages * PAGE_SIZE,
				  efi_mem_kind(d->Type)))
			pr_warn("memory map: region at %#llx left out",
				(unsigned long long)d->PhysicalStart);
	}
}

/* Switches to `stack_top` and calls fn(arg); never returns. */
void __attribute__((noreturn)) call_on_stack(uint64_t stack_top,
		void (*fn)(struct boot_info *), struct boot_info *arg);

/* gnu-efi's crt0 calls us with the System V convention, not EFIAPI. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct efi_memory_map m;
	EFI_STATUS s;

	info.tsc_at_entry = rdtsc();
	efi_st = st;
	efi_console_init();
	log_set_sink(efi_console_sink);
	acpi_set_warn(acpi_log_warn);
	pr_info("Bulkhead %s: static partitioning hypervisor, UEFI stage",
		BULKHEAD_VERSION);
	calibrate_tsc();
	pr_info("TSC: %llu MHz", (unsigned long long)(info.tsc_hz / 1000000));
	efi_read_wall_clock();
	image_layout(image);

	s = check_cpu();
	if (!EFI_ERROR(s))
		s = find_cpus();
	if (!EFI_ERROR(s))
		s = load_files(image);
	if (!EFI_ERROR(s))
		s = prepare_partitions(image);
	if (!EFI_ERROR(s))
		s = reserve_memory();
	if (!EFI_ERROR(s)) {
		s = alloc_memory_map(&m);
		if (EFI_ERROR(s))
			return fail(s, "cannot read the firmware memory map",
				    NULL);
	}
	if (EFI_ERROR(s))
		return s;

	pr_info("leaving UEFI boot services");
	s = leave_boot_services(image, &m);
	if (EFI_ERROR(s))
		return fail(s, "ExitBootServices failed", "report this firmware");

	/* From here on: no firmware calls, our own serial driver. */
	uart_init(COM1_PORT);
	console_out_init(COM1_PORT);
	log_set_sink(console_out_sink);
	log_set_after(console_out_after_log);
	convert_memory_map(&m);
	call_on_stack(info.boot_stack_top, hypervisor_main, &info);
}
