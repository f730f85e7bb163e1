# SPDX-License-Identifier: BSD-2-Clause
# Host unit tests (cmocka): each test_NAME.c links with the sources listed
# in test_NAME_SRCS, built for the host with the sanitizers on. A test of
# static functions includes its source instead (test_vcpu_requests.c).

UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=address,undefined -fno-omit-frame-pointer -MMD -MP
UNIT_LDLIBS := -lcmocka

test_format_SRCS      := lib/format.c
test_acpi_SRCS        := drivers/acpi/acpi.c
test_prt_SRCS         := drivers/acpi/prt.c drivers/acpi/aml.c
test_frame_alloc_SRCS := kernel/frame_alloc.c
test_memmap_SRCS      := kernel/memmap.c kernel/frame_alloc.c boot/efi_memtype.c
test_paging_SRCS      := arch/x86/paging.c
test_cpu_check_SRCS   := arch/x86/cpu_check.c
test_log_format_SRCS  := lib/log_format.c lib/format.c
test_test_hooks_SRCS  := kernel/test_hooks.c
test_vlapic_SRCS      := drivers/emul/vlapic.c
test_vlapic_soft_SRCS := drivers/emul/vlapic_soft.c drivers/emul/vlapic.c
test_cpuid_policy_SRCS := kernel/exit/cpuid_policy.c
test_msr_policy_SRCS  := kernel/exit/msr_policy.c
test_config_SRCS      := config/config.c lib/format.c
test_multiboot_SRCS   := loader/multiboot.c loader/guest_acpi.c lib/format.c
test_guest_acpi_SRCS  := loader/guest_acpi.c drivers/acpi/prt.c drivers/acpi/aml.c
test_linux_boot_SRCS  := loader/linux_boot.c loader/guest_acpi.c lib/format.c
test_ram_layout_SRCS  := loader/ram_layout.c config/config.c lib/format.c
test_vuart_SRCS       := drivers/emul/vuart.c
test_vpit_SRCS        := drivers/emul/vpit.c
test_vrtc_SRCS        := drivers/emul/vrtc.c
test_vioapic_SRCS     := drivers/emul/vioapic.c
test_vplatform_SRCS   := drivers/emul/vplatform.c
test_insn_SRCS        := arch/x86/insn.c
test_mmio_check_SRCS  := kernel/exit/mmio_check.c arch/x86/insn.c
test_guest_walk_SRCS  := arch/x86/guest_walk.c
test_vmx_caps_SRCS    := arch/x86/vmx/vmx_caps.c
test_ept_SRCS         := arch/x86/paging.c arch/x86/vmx/ept.c
test_console_keys_SRCS := kernel/console_keys.c
test_console_out_SRCS := kernel/console_out.c
test_vpci_SRCS        := drivers/emul/vpci.c drivers/pci/pci.c lib/format.c
test_pci_SRCS         := drivers/pci/pci.c drivers/pci/pci_assign.c \
	config/config.c lib/format.c
test_partition_start_SRCS := kernel/partition.c loader/ram_layout.c lib/format.c
test_amd_vi_SRCS      := arch/x86/iommu/amd_vi_tables.c arch/x86/paging.c
test_vtd_SRCS         := arch/x86/iommu/vtd_tables.c arch/x86/paging.c
test_sched_table_SRCS := kernel/sched_table.c
test_msi_post_table_SRCS := kernel/msi_post_table.c
test_ram_window_SRCS  := arch/x86/ram_window.c arch/x86/paging.c

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(patsubst %,$(BUILD)/unit/%,$(UNIT_TESTS))

define unit_rule
$(BUILD)/unit/$(1): tests/unit/$(1).c $($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(UNIT_CFLAGS) tests/unit/$(1).c $$($(1)_SRCS) -o $$@ \
		$$(UNIT_LDLIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit-tests: $(UNIT_BINS)
