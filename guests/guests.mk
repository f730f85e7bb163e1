# SPDX-License-Identifier: BSD-2-Clause
# Multiboot (v1) test guests: 32-bit freestanding ELF images linked at
# 1 MiB, one per directory under guests/ (hello, smp, probe, crash, edu-dma,
# ticker, lapic-check and the bench-* guests of scripts/bench.py), all
# sharing the runtime in guests/lib; chaos is built for 64-bit (below).
# Included by the top-level Makefile.

BUILD ?= build

GUEST_NAMES := hello smp probe crash edu-dma mmio-forms msr-check conformance
GUEST_NAMES += bench-exits bench-compute bench-memory bench-idle ticker
GUEST_NAMES += lapic-check
GUEST_ELFS  := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_NAMES))

GUEST_CC      ?= gcc
GUEST_LD      ?= ld
GUEST_CFLAGS  := -m32 -ffreestanding -fno-pic -fno-pie -nostdlib \
	-fno-stack-protector -mno-sse -mno-mmx -mno-80387 -O2 \
	-Wall -Wextra -Werror -std=gnu11 \
	-I. -MMD -MP
# The compute benchmark measures x87 arithmetic: it alone may use the FPU
# (it runs FNINIT itself; the runtime it links with stays integer only).
$(BUILD)/guests/obj/guests/bench-compute/%: GUEST_CFLAGS += -m80387 \
	-mfpmath=387
GUEST_LDFLAGS := -m elf_i386 -nostdlib -T guests/lib/guest.ld

GUEST_LIB_SRCS  := $(wildcard guests/lib/*.c guests/lib/*.S)
GUEST_LIB_OBJS  := $(patsubst %,$(BUILD)/guests/obj/%.o,$(GUEST_LIB_SRCS))
GUEST_OBJ_DIR   := $(BUILD)/guests/obj

$(GUEST_OBJ_DIR)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OBJ_DIR)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

# edu-dma reads its partition's _PRT with the hypervisor's AML reader.
GUEST_edu-dma_SHARED := drivers/acpi/aml.c drivers/acpi/prt.c
# ... and starts its storm's second vCPU as guests/smp does.
GUEST_edu-dma_SHARED += guests/smp/ap_start.c guests/smp/trampoline.S
# lapic-check starts its second vCPU as guests/smp does.
GUEST_lapic-check_SHARED := guests/smp/ap_start.c guests/smp/trampoline.S

# One link rule per guest: its own .c/.S files, sources it shares with
# the hypervisor, plus the runtime.
define guest_rule
GUEST_$(1)_OBJS := $$(patsubst %,$$(GUEST_OBJ_DIR)/%.o,\
	$$(wildcard guests/$(1)/*.c guests/$(1)/*.S) $$(GUEST_$(1)_SHARED))
$$(BUILD)/guests/$(1).elf: $$(GUEST_$(1)_OBJS) $$(GUEST_LIB_OBJS) \
		guests/lib/guest.ld
	@mkdir -p $$(dir $$@)
	$$(GUEST_LD) $$(GUEST_LDFLAGS) $$(GUEST_$(1)_OBJS) \
		$$(GUEST_LIB_OBJS) -o $$@
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_rule,$(g))))

# 64-bit guests (chaos): compiled for x86-64 with the runtime's C files
# (not its 32-bit entry), linked by guest.ld retargeted to ELF64, then
# turned into the ELF32 file Multiboot v1 loads; their own entry.S switches
# to long mode. No red zone: exceptions land on the same stack.
GUEST64_NAMES   := chaos
GUEST64_ELFS    := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST64_NAMES))
GUEST64_CFLAGS  := $(filter-out -m32,$(GUEST_CFLAGS)) -m64 -mno-red-zone \
	-mcmodel=small -fno-asynchronous-unwind-tables
GUEST64_OBJ_DIR := $(BUILD)/guests/obj64
GUEST64_LIB_OBJS := $(patsubst %,$(GUEST64_OBJ_DIR)/guests/lib/%.c.o,\
	serial printf string multiboot start)
GUEST64_LD      := $(BUILD)/guests/guest64.ld

$(GUEST64_OBJ_DIR)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST64_CFLAGS) -c $< -o $@

$(GUEST64_OBJ_DIR)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST64_CFLAGS) -c $< -o $@

$(GUEST64_LD): guests/lib/guest.ld
	@mkdir -p $(dir $@)
	sed -e 's/elf32-i386/elf64-x86-64/' \
	    -e 's/OUTPUT_ARCH(i386)/OUTPUT_ARCH(i386:x86-64)/' $< > $@

define guest64_rule
GUEST64_$(1)_OBJS := $$(patsubst %,$$(GUEST64_OBJ_DIR)/%.o,\
	$$(wildcard guests/$(1)/*.c guests/$(1)/*.S))
$$(BUILD)/guests/$(1).elf: $$(GUEST64_$(1)_OBJS) $$(GUEST64_LIB_OBJS) \
		$$(GUEST64_LD)
	@mkdir -p $$(dir $$@)
	$$(GUEST_LD) -m elf_x86_64 -nostdlib -T $$(GUEST64_LD) \
		$$(GUEST64_$(1)_OBJS) $$(GUEST64_LIB_OBJS) -o $$@.64
	objcopy -O elf32-i386 $$@.64 $$@
endef
$(foreach g,$(GUEST64_NAMES),$(eval $(call guest64_rule,$(g))))

.PHONY: guests
guests: $(GUEST_ELFS) $(GUEST64_ELFS)

-include $(shell find $(GUEST_OBJ_DIR) $(GUEST64_OBJ_DIR) -name '*.d' 2>/dev/null)
