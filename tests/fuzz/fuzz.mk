# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer targets (docs/testing.md, "Fuzzing"): each tests/fuzz/fuzz_NAME.c
# is linked with the pure sources in fuzz_NAME_SRCS, built for the host by
# clang with AddressSanitizer and UBSan (any UB aborts). `make fuzz` runs
# each for FUZZ_SECONDS (default 60) from its seeds (tests/fuzz/seeds/NAME)
# and its corpus (build/fuzz/corpus/NAME, kept between runs), with the
# dictionary tests/fuzz/NAME.dict when there is one; crashes and broken
# invariants land in build/fuzz/crashes/NAME/. `make fuzz-smoke` is the
# short pass `make test` counts. FUZZ=NAME... picks targets.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -MMD -MP

fuzz_config_SRCS     := config/config.c lib/format.c
fuzz_insn_SRCS       := arch/x86/insn.c
# The CPU's own flags come through push/popf: no red zone to clobber.
fuzz_insn_CFLAGS     := -mno-red-zone
fuzz_insn_LDLIBS     := -lcapstone
fuzz_multiboot_SRCS  := loader/multiboot.c loader/guest_acpi.c lib/format.c
fuzz_multiboot_EXTRA := tests/fuzz/fuzz_ram.h
fuzz_linux_boot_SRCS := loader/linux_boot.c loader/guest_acpi.c lib/format.c
fuzz_linux_boot_EXTRA := tests/fuzz/fuzz_ram.h
fuzz_acpi_SRCS       := drivers/acpi/acpi.c loader/guest_acpi.c
fuzz_guest_walk_SRCS := arch/x86/guest_walk.c
# The fake machine of the unit tests, its cmocka checks made aborts.
fuzz_vpci_SRCS       := drivers/emul/vpci.c drivers/pci/pci.c lib/format.c
fuzz_vpci_CFLAGS     := -Itests/fuzz/shim
fuzz_vpci_EXTRA      := tests/unit/fake_pci.h tests/fuzz/shim/cmocka.h
fuzz_aml_SRCS        := drivers/acpi/aml.c drivers/acpi/prt.c
fuzz_devices_SRCS    := drivers/emul/vuart.c drivers/emul/vpit.c \
	drivers/emul/vrtc.c drivers/emul/vioapic.c drivers/emul/vlapic.c \
	drivers/emul/vlapic_soft.c drivers/emul/vplatform.c

FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ         ?= $(FUZZ_ALL)
FUZZ_BINS    := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_ALL))

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz.h \
		$(fuzz_$(1)_SRCS) $(fuzz_$(1)_EXTRA)
	@mkdir -p $$(dir $$@)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) $(fuzz_$(1)_CFLAGS) tests/fuzz/fuzz_$(1).c \
		$$(fuzz_$(1)_SRCS) -o $$@ $(fuzz_$(1)_LDLIBS)
endef
$(foreach t,$(FUZZ_ALL),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz fuzz-build fuzz-smoke
fuzz-build: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ))

fuzz: fuzz-build
	@BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ)

fuzz-smoke: fuzz-build
	@BUILD=$(BUILD) tests/fuzz/run.sh $(FUZZ_SMOKE_SECONDS) $(FUZZ)
