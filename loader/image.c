/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A partition's image: its kernel (Linux bzImage or Multiboot), modules or
 * initrd, and what the boot protocol hands over, written into its RAM.
 * Run at boot (to reject a bad kernel early) and at every restart.
 */
#include "loader/image.h"
#include "arch/x86/host_mm.h"
#include "arch/x86/tsc.h"
#include "drivers/emul/vioapic.h"
#include "drivers/emul/vplatform.h"
#include "drivers/emul/vrtc.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include "loader/linux_boot.h"
#include "loader/multiboot.h"

/*
 * The platform every partition's ACPI tables describe, whichever boot
 * protocol its kernel takes: the numbers of the device models
 * (drivers/emul/) and of io_emul_reset(), which gives the I/O APIC the ID
 * after the vCPUs' local APIC IDs.
 */
#define PIT_GSI			2	/* ISA IRQ 0 on I/O APIC pin 2, as on PCs */

static void partition_platform(unsigned int vcpus,
			       const struct guest_acpi_pci *pci,
			       struct guest_acpi_platform *pf)
{
	*pf = (struct guest_acpi_platform){
		.pm1a_evt_port = VPLATFORM_PM1A_EVT,
		.pm1a_cnt_port = VPLATFORM_PM1A_CNT,
		.pm_tmr_port = VPLATFORM_PM_TMR,
		.reset_port = VPLATFORM_PORT_RESET,
		.reset_value = VPLATFORM_RESET_VALUE,
		.s5_slp_typ = VPLATFORM_SLP_TYP_S5,
		.sci_irq = VPLATFORM_SCI_IRQ,
		.pit_gsi = PIT_GSI,
		.ioapic_id = (uint8_t)vcpus,
		.ioapic_addr = (uint32_t)VIOAPIC_BASE,
		.rtc_century = VRTC_REG_CENTURY,
		.pic_present = false,
		.power_button = true,
		.pci = pci,
	};
}

_Static_assert(GUEST_ACPI_PCI_WINDOWS >= VPCI_MAX_DEVICES * PCI_BARS,
	       "a window for every BAR of a partition's functions");
_Static_assert(GUEST_ACPI_PCI_ROUTES >= VPCI_MAX_DEVICES,
	       "a _PRT entry for every function of a partition");

/*
 * The root bridge's windows: its functions' BARs where the host has them.
 * Adding cannot run out (the assertion above), and pci_scan() sized
 * every BAR.
 */
static const struct guest_acpi_pci *partition_pci(const struct vpci *v,
						  struct guest_acpi_pci *pci)
{
	if (!v || !v->count)
		return NULL;
	guest_acpi_pci_init(pci, v->ecam_base, v->bus_start, v->bus_end);
	for (unsigned int i = 0; i < v->count; i++)
		for (unsigned int b = 0; b < PCI_BARS; b++) {
			const struct pci_bar *bar = &v->dev[i].fn->bars[b];
			uint8_t kind = bar->kind == PCI_BAR_IO ?
				       GUEST_ACPI_IO : GUEST_ACPI_MEM;

			if (bar->kind != PCI_BAR_NONE)
				guest_acpi_pci_add(pci, kind, bar->base,
						   bar->size);
		}
	for (unsigned int i = 0; i < v->count; i++) {
		const struct vpci_dev *d = &v->dev[i];

		/* Functions of one slot and pin share the host line too. */
		if (d->intx_gsi)
			guest_acpi_pci_route(pci, pci_slot(d->fn->rid),
					     d->fn->irq_pin - 1, d->intx_gsi);
	}
	return pci;
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
 * the hypervisor measured at boot is handed over instead. And the TSC of
 * a partition is the invariant TSC of cores it owns, while the jiffies its
 * early clocksource watchdog compares it with can lose ticks when the
 * partition's cores are themselves emulated: tsc=reliable turns that
 * watchdog off. A user's own tsc_early_khz= or tsc= wins (docs/config.md).
 */
#define TSC_RATE_HINT	"tsc_early_khz="
#define TSC_TRUST_HINT	"tsc="
#define TSC_TRUST	"tsc=reliable"
/* " tsc_early_khz=" and 20 digits, " tsc=reliable", the zero. */
#define TSC_HINTS_MAX	(sizeof(TSC_RATE_HINT) + 20 + sizeof(TSC_TRUST) + 1)

/*
 * The config's command line and the hints into buf, which has room for
 * both (config.c keeps cmdline under CONFIG_CMDLINE_MAX); returns the
 * characters added. The kernel's own limit is checked by the loader.
 */
static size_t linux_cmdline(const char *user, char *buf, size_t size)
{
	size_t n = (size_t)snformat(buf, size, "%s", user), given = n;

	if (!strstr(user, TSC_RATE_HINT) && n < size)
		n += (size_t)snformat(buf + n, size - n, "%s" TSC_RATE_HINT "%llu",
				      n ? " " : "",
				      (unsigned long long)(tsc_hz / 1000));
	if (!strstr(user, TSC_TRUST_HINT) && n < size)
		n += (size_t)snformat(buf + n, size - n, "%s" TSC_TRUST,
				      n ? " " : "");
	return n - given;
}

static int load_linux(const struct partition_config *cfg,
		      const struct partition_boot *boot, const struct vpci *pci,
		      uint8_t *ram, struct vcpu_entry *entry, const char **why)
{
	struct guest_acpi_platform pf;
	struct guest_acpi_pci windows;
	char cmdline[CONFIG_CMDLINE_MAX + TSC_HINTS_MAX];
	struct linux_boot_request req = {
		.kernel = boot->kernel.data,
		.kernel_size = boot->kernel.size,
		.initrd = boot->initrd.data,
		.initrd_size = boot->initrd.size,
		.cmdline = cmdline,
		.ram_size = boot->layout.low,
		.high_ram_size = ram_layout_high(&boot->layout),
		.vcpu_count = cpu_count_of(cfg->cpus),
		.platform = &pf,
	};
	struct linux_boot_result res;
	int err;

	if (cfg->module_count) {
		*why = "the kernel is a Linux bzImage, which takes no modules: give it one initrd = file instead";
		return -EINVAL;
	}
	req.cmdline_added = linux_cmdline(cfg->cmdline, cmdline,
					  sizeof(cmdline));
	partition_platform(req.vcpu_count, partition_pci(pci, &windows), &pf);
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
			  const struct partition_boot *boot,
			  const struct vpci *pci, uint8_t *ram,
			  struct vcpu_entry *entry, const char **why)
{
	struct guest_acpi_platform pf;
	struct guest_acpi_pci windows;
	struct mb_module mods[CONFIG_MAX_MODULES];
	struct mb_boot_request req = {
		.kernel = boot->kernel.data,
		.kernel_size = boot->kernel.size,
		.cmdline = cfg->cmdline,
		.modules = mods,
		.module_count = cfg->module_count,
		.ram_size = boot->layout.low,
		.high_ram_size = ram_layout_high(&boot->layout),
		.platform = &pf,
		.vcpu_count = cpu_count_of(cfg->cpus),
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
	partition_platform(req.vcpu_count, partition_pci(pci, &windows), &pf);
	err = multiboot_load(ram, &req, &res, why);
	if (err)
		return err;
	*entry = (struct vcpu_entry){
		.mode = ENTRY_PROTECTED32,
		.rip = res.entry,
		.eax = MB_BOOT_MAGIC,
		.ebx = res.mbi_addr,
	};
	return 0;
}

/*
 * The loaders write below 4 GiB only, where guest-physical g is host
 * ram + g; the RAM above 4 GiB is the rest of the block, cleared here.
 * The hypervisor does not map partition RAM: the whole block is seen
 * through this CPU's window while it loads (the firmware's identity map
 * before the takeover).
 */
int image_load_pci(const struct partition_config *cfg,
		   const struct partition_boot *boot, const struct vpci *pci,
		   struct vcpu_entry *entry, const char **why)
{
	uint8_t *ram = host_mm_window_open(boot->ram, boot->layout.size);
	int err;

	if (!ram) {
		*why = "its RAM does not fit the hypervisor's RAM window";
		return -ENOMEM;
	}
	/* A restart starts from clean RAM, as a cold boot would. */
	memset(ram, 0, boot->layout.size);
	if (linux_is_bzimage(boot->kernel.data, boot->kernel.size))
		err = load_linux(cfg, boot, pci, ram, entry, why);
	else
		err = load_multiboot(cfg, boot, pci, ram, entry, why);
	host_mm_window_close();
	return err;
}

int image_load(const struct partition_config *cfg,
	       const struct partition_boot *boot, struct vcpu_entry *entry,
	       const char **why)
{
	return image_load_pci(cfg, boot, NULL, entry, why);
}
