# SPDX-License-Identifier: BSD-2-Clause
# Bulkhead: `make` builds build/bulkhead.efi, `make image` the bootable disk
# image, `make run` boots it under QEMU, `make test` runs every test.

BUILD    ?= build
CONFIG   ?= guests/scenarios/default/bulkhead.cfg
CC       ?= gcc
PYTHON   ?= /usr/bin/python3

EFI_INC  := /usr/include/efi
EFI_LIB  := /usr/lib
EFI_CRT0 := $(EFI_LIB)/crt0-efi-x86_64.o

# Freestanding, no red zone (interrupts use the stack), no SSE state to
# save, position independent because the UEFI loader relocates us.
HV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
	-fno-builtin -fno-stack-protector -fno-strict-aliasing -fpic \
	-fshort-wchar -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -DGNU_EFI_USE_MS_ABI \
	-I. -I$(EFI_INC) -I$(EFI_INC)/x86_64 -MMD -MP
HV_ASFLAGS := -I. -MMD -MP
HV_LDFLAGS := -nostdlib -znocombreloc -T linker.ld -shared -Bsymbolic \
	--no-undefined

HV_SRCS := \
	boot/efi_main.c boot/efi_util.c boot/efi_memtype.c boot/efi_mp.c \
	boot/efi_partitions.c boot/efi_pci.c \
	boot/ap_trampoline.S boot/stack_switch.S \
	lib/format.c lib/log_format.c lib/string.c \
	config/config.c \
	loader/multiboot.c loader/linux_boot.c loader/guest_acpi.c \
	loader/ram_layout.c \
	loader/image.c \
	arch/x86/cpu_check.c arch/x86/cpu_facts.c arch/x86/exception.c \
	arch/x86/exception_entry.S arch/x86/irq_entry.S arch/x86/irq_host.c \
	arch/x86/ext_state.c \
	arch/x86/gdt.c arch/x86/host_mm.c \
	arch/x86/lapic.c arch/x86/paging.c arch/x86/ram_window.c \
	arch/x86/smp.c arch/x86/tsc.c \
	arch/x86/virt.c arch/x86/svm/svm.c arch/x86/svm/svm_entry.S \
	arch/x86/vmx/vmx.c arch/x86/vmx/vmx_entry.S arch/x86/vmx/vmx_caps.c \
	arch/x86/vmx/ept.c arch/x86/irq_quiesce.c arch/x86/pit.c arch/x86/insn.c \
	arch/x86/guest_walk.c \
	kernel/main.c kernel/percpu.c kernel/memmap.c kernel/frame_alloc.c \
	kernel/page_alloc.c kernel/log.c kernel/test_hooks.c \
	kernel/partition.c kernel/vcpu.c kernel/watchdog.c kernel/sched.c \
	kernel/sched_table.c kernel/console.c kernel/console_keys.c \
	kernel/console_out.c kernel/msi_post.c kernel/msi_post_table.c \
	kernel/exit/exit.c kernel/exit/cpuid_policy.c kernel/exit/io_emul.c \
	kernel/exit/msr_emul.c kernel/exit/mmio_emul.c kernel/exit/lapic_emul.c kernel/exit/lapic_soft.c \
	kernel/exit/guest_mem.c kernel/exit/msr_policy.c kernel/exit/mmio_check.c \
	kernel/passthrough.c arch/x86/iommu/iommu.c \
	arch/x86/iommu/amd_vi.c arch/x86/iommu/amd_vi_tables.c \
	arch/x86/iommu/vtd.c arch/x86/iommu/vtd_tables.c \
	drivers/acpi/acpi.c drivers/acpi/aml.c drivers/acpi/prt.c \
	drivers/machine_exit.c drivers/uart16550.c \
	drivers/pci/pci.c drivers/pci/pci_assign.c drivers/pci/pci_config.c \
	drivers/emul/vuart.c drivers/emul/vlapic.c drivers/emul/vlapic_soft.c \
	drivers/emul/vioapic.c drivers/emul/vpit.c drivers/emul/vrtc.c \
	drivers/emul/vplatform.c drivers/emul/vpci.c

HV_OBJS := $(patsubst %,$(BUILD)/hv/%.o,$(HV_SRCS))

.PHONY: all image run test unit-tests integration-tests deps clean guests \
	check-layers
all: $(BUILD)/bulkhead.efi $(BUILD)/bulkhead-check guests linux-guest

$(BUILD)/hv/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/bulkhead.so: $(HV_OBJS) linker.ld
	ld $(HV_LDFLAGS) $(EFI_CRT0) $(HV_OBJS) -o $@ \
		-L$(EFI_LIB) -lgnuefi

$(BUILD)/bulkhead.efi: $(BUILD)/bulkhead.so
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@

# --- the config checker (the hypervisor's parser, built for the host) ---
$(BUILD)/bulkhead-check: scripts/bulkhead-check.c config/config.c \
		config/config.h lib/format.c lib/format.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -I. -o $@ \
		scripts/bulkhead-check.c config/config.c lib/format.c

# --- include directions (docs/architecture.md, "Layers") ---------------
check-layers:
	@scripts/check-layers.sh

# --- guests -------------------------------------------------------------
include guests/guests.mk
include guests/linux/linux.mk

# --- disk image ---------------------------------------------------------
# Files a config names are taken relative to its folder, then from build/
# (where the repository's own scenarios find the guests it builds).
image: $(BUILD)/bulkhead.img
$(BUILD)/bulkhead.img: all $(CONFIG) scripts/mkimage.py FORCE
	$(PYTHON) scripts/mkimage.py --efi $(BUILD)/bulkhead.efi \
		--config $(CONFIG) --search $(BUILD) --out $@
FORCE:

run: deps $(BUILD)/bulkhead.img
	scripts/run-qemu.sh $(BUILD)/bulkhead.img

deps:
	@scripts/deps.sh

# --- tests --------------------------------------------------------------
include tests/unit/unit.mk
include tests/fuzz/fuzz.mk
-include tests/vmx/vmx.mk
-include scripts/bench.mk

test: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-tests.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
