# SPDX-License-Identifier: BSD-2-Clause
# Multiboot (v1) test guests: 32-bit freestanding ELF images linked at
# 1 MiB, one per directory under guests/ (hello, smp, probe, crash, edu-dma,
# ticker and the bench-* guests of scripts/bench.py), all sharing the
# runtime in guests/lib.
# Included by the top-level Makefile.

BUILD ?= build

GUEST_NAMES := hello smp probe crash edu-dma mmio-forms msr-check conformance
GUEST_NAMES += bench-exits bench-compute bench-memory bench-idle ticker
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

.PHONY: guests
guests: $(GUEST_ELFS)

-include $(shell find $(GUEST_OBJ_DIR) -name '*.d' 2>/dev/null)
