/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/emul/vioapic.h"

#define MAX_SENT	16

#define RTE_MASKED	0x10000U
#define RTE_LEVEL	0x08000U
#define RTE_REMOTE_IRR	0x04000U
#define RTE_ACTIVE_LOW	0x02000U
#define RTE_LOGICAL	0x00800U

static struct vioapic io;
static struct vioapic_irq sent[MAX_SENT];
static unsigned int sent_count;

static void capture(void *ctx, const struct vioapic_irq *irq)
{
	assert_ptr_equal(ctx, &sent_count);
	assert_true(sent_count < MAX_SENT);
	sent[sent_count++] = *irq;
}

static int setup(void **state)
{
	(void)state;
	memset(&io, 0, sizeof(io));
	vioapic_reset(&io, 2);
	memset(sent, 0, sizeof(sent));
	sent_count = 0;
	return 0;
}

static uint32_t reg_read(uint32_t index)
{
	vioapic_write(&io, 0x00, index, 4, capture, &sent_count);
	return vioapic_read(&io, 0x10, 4);
}

static void reg_write(uint32_t index, uint32_t value)
{
	vioapic_write(&io, 0x00, index, 4, capture, &sent_count);
	vioapic_write(&io, 0x10, value, 4, capture, &sent_count);
}

/* ioapic_write_entry() in arch/x86/kernel/apic/io_apic.c: high, then low. */
static void program(unsigned int pin, uint32_t low, uint8_t dest)
{
	reg_write(0x11 + 2 * pin, (uint32_t)dest << 24);
	reg_write(0x10 + 2 * pin, low);
}

static void set_irq(unsigned int pin, bool level)
{
	vioapic_set_irq(&io, pin, level, capture, &sent_count);
}

static void eoi(uint8_t vector)
{
	vioapic_eoi(&io, vector, capture, &sent_count);
}

static void test_reset_state(void **state)
{
	(void)state;
	assert_int_equal(reg_read(0x00), 2U << 24);
	assert_int_equal(reg_read(0x01), 0x00170020);
	assert_int_equal(reg_read(0x02), 2U << 24);
	for (unsigned int pin = 0; pin < VIOAPIC_PINS; pin++) {
		assert_int_equal(reg_read(0x10 + 2 * pin), RTE_MASKED);
		assert_int_equal(reg_read(0x11 + 2 * pin), 0);
	}
	assert_int_equal(reg_read(0x10 + 2 * VIOAPIC_PINS), 0);
	assert_int_equal(reg_read(0x03), 0);
	/* A masked pin sends nothing. */
	set_irq(4, true);
	assert_int_equal(sent_count, 0);
}

static void test_registers(void **state)
{
	(void)state;
	/* ID is writable (4 bits), VER and ARB are not. */
	reg_write(0x00, 0x0f000000 | 0xf0ffffff);
	assert_int_equal(reg_read(0x00), 0x0f000000);
	reg_write(0x01, 0);
	assert_int_equal(reg_read(0x01), 0x00170020);
	/* IOREGSEL reads back its low byte. */
	vioapic_write(&io, 0x00, 0x1234, 4, capture, &sent_count);
	assert_int_equal(vioapic_read(&io, 0x00, 4), 0x34);
	/* Delivery status and remote IRR are read-only; reserved bits 0. */
	program(3, 0xffffffff & ~RTE_LEVEL, 0xab);
	assert_int_equal(reg_read(0x16), 0x12fff);
	reg_write(0x17, 0xffffffff);
	assert_int_equal(reg_read(0x17), 0xff000000);
	/* Only 4-byte accesses at 0x00 and 0x10 count. */
	vioapic_write(&io, 0x00, 0x01, 1, capture, &sent_count);
	assert_int_equal(vioapic_read(&io, 0x00, 4), 0x17);
	assert_int_equal(vioapic_read(&io, 0x10, 2), 0);
	assert_int_equal(vioapic_read(&io, 0x20, 4), 0);
	assert_int_equal(vioapic_read(&io, 0x40, 4), 0);
	vioapic_write(&io, 0x14, 0, 4, capture, &sent_count);
	assert_int_equal(reg_read(0x17), 0xff000000);
}

static void test_edge(void **state)
{
	(void)state;
	program(4, 0x24 | RTE_LOGICAL, 0x03);	/* fixed, logical */
	set_irq(4, true);
	assert_int_equal(sent_count, 1);
	assert_int_equal(sent[0].vector, 0x24);
	assert_int_equal(sent[0].delivery_mode, VIOAPIC_FIXED);
	assert_int_equal(sent[0].dest, 0x03);
	assert_true(sent[0].logical);
	assert_false(sent[0].level);
	assert_int_equal(sent[0].pin, 4);
	/* Held high: no new edge. */
	set_irq(4, true);
	assert_int_equal(sent_count, 1);
	set_irq(4, false);
	set_irq(4, true);
	assert_int_equal(sent_count, 2);
	/* An edge is not remembered: no remote IRR, EOI does nothing. */
	assert_int_equal(reg_read(0x18) & RTE_REMOTE_IRR, 0);
	eoi(0x24);
	assert_int_equal(sent_count, 2);
	/* An edge while masked is lost, unmasking sends nothing. */
	set_irq(4, false);
	program(4, 0x24 | RTE_MASKED, 0);
	set_irq(4, true);
	program(4, 0x24, 0);
	assert_int_equal(sent_count, 2);
	/* Out-of-range pins are ignored. */
	set_irq(VIOAPIC_PINS, true);
	assert_int_equal(sent_count, 2);
}

static void test_level(void **state)
{
	(void)state;
	program(9, 0x39 | RTE_LEVEL | RTE_ACTIVE_LOW | (VIOAPIC_LOWEST << 8),
		1);
	set_irq(9, true);
	assert_int_equal(sent_count, 1);
	assert_true(sent[0].level);
	assert_false(sent[0].logical);
	assert_int_equal(sent[0].delivery_mode, VIOAPIC_LOWEST);
	assert_int_equal(sent[0].dest, 1);
	assert_true(reg_read(0x22) & RTE_REMOTE_IRR);
	/* Still asserted: nothing more until the EOI. */
	set_irq(9, true);
	assert_int_equal(sent_count, 1);
	eoi(0x40);				/* another vector */
	assert_int_equal(sent_count, 1);
	eoi(0x39);				/* still asserted: again */
	assert_int_equal(sent_count, 2);
	assert_true(reg_read(0x22) & RTE_REMOTE_IRR);
	/* The device is served, the line drops; the EOI sends nothing. */
	set_irq(9, false);
	vioapic_write(&io, 0x40, 0x39, 4, capture, &sent_count);
	assert_int_equal(sent_count, 2);
	assert_false(reg_read(0x22) & RTE_REMOTE_IRR);
	/* Polarity inverts nothing: asserting sends. */
	set_irq(9, true);
	assert_int_equal(sent_count, 3);
}

static void test_unmask_asserted_level(void **state)
{
	(void)state;
	program(11, 0x51 | RTE_LEVEL | RTE_MASKED, 0);
	set_irq(11, true);
	assert_int_equal(sent_count, 0);
	program(11, 0x51 | RTE_LEVEL, 0);
	assert_int_equal(sent_count, 1);
	assert_int_equal(sent[0].vector, 0x51);
	/* Masked with remote IRR set: the EOI clears it, sends nothing. */
	program(11, 0x51 | RTE_LEVEL | RTE_MASKED, 0);
	eoi(0x51);
	assert_int_equal(sent_count, 1);
	assert_false(reg_read(0x26) & RTE_REMOTE_IRR);
	program(11, 0x51 | RTE_LEVEL, 0);
	assert_int_equal(sent_count, 2);
	/* Writing the high half of an unmasked entry sends nothing more. */
	reg_write(0x27, 0x01000000);
	assert_int_equal(sent_count, 2);
}

/* How Linux EOIs an I/O APIC older than version 0x20: level, edge, level. */
static void test_edge_switch_clears_remote_irr(void **state)
{
	(void)state;
	program(2, 0x30 | RTE_LEVEL, 0);
	set_irq(2, true);
	assert_int_equal(sent_count, 1);
	set_irq(2, false);
	reg_write(0x14, 0x30 | RTE_MASKED);
	assert_false(reg_read(0x14) & RTE_REMOTE_IRR);
	reg_write(0x14, 0x30 | RTE_LEVEL);
	assert_int_equal(sent_count, 1);
	set_irq(2, true);
	assert_int_equal(sent_count, 2);
}

static unsigned int routed_pin, routed_count;
static uint64_t routed_rte;

static void routed(void *ctx, unsigned int pin, uint64_t rte)
{
	assert_ptr_equal(ctx, &routed_count);
	routed_pin = pin;
	routed_rte = rte;
	routed_count++;
}

/* A passed-through pin: its entry goes to the hook, nothing is emulated. */
static void test_passthrough_pin(void **state)
{
	(void)state;
	routed_count = 0;
	vioapic_passthrough(&io, 1U << 20, routed, &routed_count);
	program(20, RTE_LEVEL | RTE_ACTIVE_LOW | 0x51, 3);
	assert_int_equal(routed_count, 2);	/* high, then low dword */
	assert_int_equal(routed_pin, 20);
	assert_int_equal(routed_rte & 0xffff, RTE_LEVEL | RTE_ACTIVE_LOW | 0x51);
	assert_int_equal(routed_rte >> 56, 3);
	/* Reads back as written; no emulated delivery, no remote IRR. */
	assert_int_equal(reg_read(0x10 + 2 * 20),
			 RTE_LEVEL | RTE_ACTIVE_LOW | 0x51);
	set_irq(20, true);
	eoi(0x51);
	assert_int_equal(sent_count, 0);
	/* Masking is reported too. */
	reg_write(0x10 + 2 * 20, RTE_MASKED | RTE_LEVEL | 0x51);
	assert_true(routed_rte & RTE_MASKED);
	/* A reset masks it (the caller masks the hardware) and keeps the hook. */
	vioapic_reset(&io, 2);
	assert_int_equal(io.passthrough, 1U << 20);
	program(20, 0x52, 0);
	assert_int_equal(routed_rte & 0xff, 0x52);
	/* Other pins stay emulated. */
	program(4, 0x30, 0);
	set_irq(4, true);
	assert_int_equal(sent_count, 1);
}

static void test_nmi_and_ext_int(void **state)
{
	(void)state;
	program(0, 0x00 | (VIOAPIC_EXTINT << 8), 0);
	program(1, 0x02 | (VIOAPIC_NMI << 8), 0xff);
	set_irq(0, true);
	set_irq(1, true);
	assert_int_equal(sent_count, 2);
	assert_int_equal(sent[0].delivery_mode, VIOAPIC_EXTINT);
	assert_int_equal(sent[1].delivery_mode, VIOAPIC_NMI);
	assert_int_equal(sent[1].dest, 0xff);
	/* Without a callback nothing breaks; the state still changes. */
	program(5, 0x60 | RTE_LEVEL, 0);
	vioapic_set_irq(&io, 5, true, NULL, NULL);
	assert_true(reg_read(0x1a) & RTE_REMOTE_IRR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_edge, setup),
		cmocka_unit_test_setup(test_level, setup),
		cmocka_unit_test_setup(test_unmask_asserted_level, setup),
		cmocka_unit_test_setup(test_edge_switch_clears_remote_irr,
				       setup),
		cmocka_unit_test_setup(test_nmi_and_ext_int, setup),
		cmocka_unit_test_setup(test_passthrough_pin, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
