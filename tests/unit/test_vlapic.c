/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "drivers/emul/vlapic.h"

static struct vlapic a, b, c;

static int setup(void **state)
{
	(void)state;
	vlapic_reset(&a, 0);
	vlapic_reset(&b, 1);
	vlapic_reset(&c, 2);
	return 0;
}

static void test_reset_state_and_identity(void **state)
{
	(void)state;
	assert_int_equal(vlapic_read(&b, 0x20), 1U << 24);
	assert_int_equal(vlapic_read(&b, 0x30), VLAPIC_VERSION);
	assert_int_equal(vlapic_read(&b, 0xf0), 0xff);
	assert_int_equal(vlapic_read(&b, 0xe0), 0xffffffffU);
	/* All LVTs start masked. */
	for (uint32_t off = 0x320; off <= 0x370; off += 0x10)
		assert_int_equal(vlapic_read(&b, off), 1U << 16);
	assert_int_equal(vlapic_read(&b, 0x2f0), 1U << 16);
}

static void test_registers_keep_writable_bits(void **state)
{
	struct vlapic_ipi ipi;

	(void)state;
	assert_false(vlapic_write(&a, 0x80, 0x1234, &ipi));
	assert_int_equal(vlapic_read(&a, 0x80), 0x34);
	assert_int_equal(vlapic_read(&a, 0xa0), 0x30);
	vlapic_write(&a, 0xf0, 0x1ff, &ipi);
	assert_int_equal(vlapic_read(&a, 0xf0), 0x1ff);
	vlapic_write(&a, 0x20, 0x05000000, &ipi);	/* ID is read-only */
	assert_int_equal(vlapic_read(&a, 0x20), 0);
	vlapic_write(&a, 0x350, 0x700, &ipi);		/* LINT0 ExtINT */
	assert_int_equal(vlapic_read(&a, 0x350), 0x700);
	assert_int_equal(vlapic_read(&a, 0x400), 0);	/* unknown offset */
}

static void test_init_and_startup_ipis(void **state)
{
	struct vlapic_ipi ipi;

	(void)state;
	assert_false(vlapic_write(&a, 0x310, 2U << 24, &ipi));
	assert_true(vlapic_write(&a, 0x300, 0x00004500, &ipi));
	assert_int_equal(ipi.kind, VLAPIC_IPI_INIT);
	assert_int_equal(ipi.dest, VLAPIC_DEST_FIELD);
	assert_int_equal(ipi.dest_id, 2);
	assert_false(ipi.logical);
	assert_true(vlapic_ipi_targets(&ipi, a.id, &c));
	assert_false(vlapic_ipi_targets(&ipi, a.id, &b));
	/* Delivery is immediate: the pending bit reads back clear. */
	assert_int_equal(vlapic_read(&a, 0x300) & (1U << 12), 0);

	assert_true(vlapic_write(&a, 0x300, 0x00004608, &ipi));
	assert_int_equal(ipi.kind, VLAPIC_IPI_STARTUP);
	assert_int_equal(ipi.vector, 0x08);
	/* An INIT level de-assert sends nothing. */
	assert_false(vlapic_write(&a, 0x300, 0x00008500, &ipi));
}

static void test_shorthands_and_broadcast(void **state)
{
	struct vlapic_ipi ipi;

	(void)state;
	vlapic_write(&a, 0x300, 0x000c4500, &ipi);	/* all excluding self */
	assert_int_equal(ipi.dest, VLAPIC_DEST_OTHERS);
	assert_false(vlapic_ipi_targets(&ipi, a.id, &a));
	assert_true(vlapic_ipi_targets(&ipi, a.id, &b));
	vlapic_write(&a, 0x300, 0x00044030, &ipi);	/* self, fixed 0x30 */
	assert_int_equal(ipi.kind, VLAPIC_IPI_FIXED);
	assert_true(vlapic_ipi_targets(&ipi, a.id, &a));
	assert_false(vlapic_ipi_targets(&ipi, a.id, &c));
	vlapic_write(&a, 0x300, 0x00084400, &ipi);	/* all, NMI */
	assert_int_equal(ipi.kind, VLAPIC_IPI_NMI);
	assert_true(vlapic_ipi_targets(&ipi, a.id, &a));
	vlapic_write(&a, 0x310, 0xffU << 24, &ipi);	/* physical broadcast */
	vlapic_write(&a, 0x300, 0x00004500, &ipi);
	assert_true(vlapic_ipi_targets(&ipi, a.id, &c));
}

static void test_logical_flat_and_cluster(void **state)
{
	struct vlapic_ipi ipi;

	(void)state;
	vlapic_write(&b, 0xd0, 0x02000000, &ipi);	/* flat bit 1 */
	vlapic_write(&c, 0xd0, 0x04000000, &ipi);	/* flat bit 2 */
	vlapic_write(&a, 0x310, 0x06U << 24, &ipi);
	vlapic_write(&a, 0x300, 0x00004830, &ipi);	/* logical, fixed */
	assert_true(ipi.logical);
	assert_true(vlapic_ipi_targets(&ipi, a.id, &b));
	assert_true(vlapic_ipi_targets(&ipi, a.id, &c));
	assert_false(vlapic_ipi_targets(&ipi, a.id, &a));
	/* Cluster model: cluster 1, member bit 0. */
	vlapic_write(&b, 0xe0, 0x0fffffff, &ipi);
	vlapic_write(&b, 0xd0, 0x11000000, &ipi);
	vlapic_write(&a, 0x310, 0x11U << 24, &ipi);
	vlapic_write(&a, 0x300, 0x00004830, &ipi);
	assert_true(vlapic_ipi_targets(&ipi, a.id, &b));
	vlapic_write(&a, 0x310, 0x21U << 24, &ipi);
	vlapic_write(&a, 0x300, 0x00004830, &ipi);
	assert_false(vlapic_ipi_targets(&ipi, a.id, &b));
}

static void test_hardware_registers(void **state)
{
	(void)state;
	assert_true(vlapic_reg_is_hw(APIC_TPR));
	assert_true(vlapic_reg_is_hw(APIC_EOI));
	assert_true(vlapic_reg_is_hw(APIC_ISR0));
	assert_true(vlapic_reg_is_hw(APIC_IRR7));
	/* No APR MSR in x2APIC mode (SDM table 11-6): a read would #GP. */
	assert_false(vlapic_reg_is_hw(APIC_APR));
	assert_false(vlapic_reg_is_hw(APIC_ID));
	assert_false(vlapic_reg_is_hw(APIC_LDR));
	assert_false(vlapic_reg_is_hw(APIC_ICR_LOW));
	assert_false(vlapic_reg_is_hw(APIC_LVT_TIMER));
	assert_false(vlapic_reg_is_hw(APIC_ESR));
}

/* What reaches the physical LAPIC: nothing that can hurt the core. */
static void test_hw_write_filter(void **state)
{
	struct vlapic_ipi ipi;
	uint32_t hw;

	(void)state;
	vlapic_write(&a, APIC_SVR, 0x1ff, &ipi);
	/* Reserved bits cleared: an x2APIC WRMSR would #GP on them. */
	assert_true(vlapic_hw_write(&a, APIC_TPR, 0xffffff45U, &hw));
	assert_int_equal(hw, 0x45);
	assert_true(vlapic_hw_write(&a, APIC_EOI, 0xdeadU, &hw));
	assert_int_equal(hw, 0);
	assert_true(vlapic_hw_write(&a, APIC_TIMER_DIVIDE, ~0U, &hw));
	assert_int_equal(hw, 0xb);
	assert_true(vlapic_hw_write(&a, APIC_TIMER_INITIAL, ~0U, &hw));
	assert_int_equal(hw, ~0U);
	/* The APIC stays software-enabled, with the guest's vector. */
	assert_true(vlapic_hw_write(&a, APIC_SVR, 0x0000f0U, &hw));
	assert_int_equal(hw, 0x1f0);
	assert_true(vlapic_hw_write(&a, APIC_SVR, 0xffffffffU, &hw));
	assert_int_equal(hw, 0x1ff);
	/* Timer LVT: no delivery mode (NMI is 4 << 8), no reserved bits. */
	assert_true(vlapic_hw_write(&a, APIC_LVT_TIMER,
				    0xfff9f4ecU, &hw));
	assert_int_equal(hw, LVT_MASKED | 0xec);
	assert_true(vlapic_hw_write(&a, APIC_LVT_TIMER, (1U << 17) | 0x4ec,
				    &hw));
	assert_int_equal(hw, (1U << 17) | 0xec);	/* periodic kept */
	/* Deadline and the reserved mode 11b run as one-shot. */
	assert_true(vlapic_hw_write(&a, APIC_LVT_TIMER,
				    LVT_TIMER_DEADLINE | 0xec, &hw));
	assert_int_equal(hw, 0xec);
	assert_true(vlapic_hw_write(&a, APIC_LVT_TIMER, (3U << 17) | 0xec,
				    &hw));
	assert_int_equal(hw, 0xec);
	/* Read-only and virtual registers never reach the hardware. */
	assert_false(vlapic_hw_write(&a, APIC_PPR, 0, &hw));
	assert_false(vlapic_hw_write(&a, APIC_ISR0, 0, &hw));
	assert_false(vlapic_hw_write(&a, APIC_IRR7, 0, &hw));
	assert_false(vlapic_hw_write(&a, APIC_APR, 0, &hw));
	assert_false(vlapic_hw_write(&a, APIC_ID, 0, &hw));
	assert_false(vlapic_hw_write(&a, APIC_ICR_LOW, 0x400, &hw));
	assert_false(vlapic_hw_write(&a, APIC_LVT_ERROR, 0x400, &hw));
	/* A guest's software disable masks the physical timer LVT. */
	vlapic_write(&a, APIC_SVR, 0xff, &ipi);
	assert_true(vlapic_hw_write(&a, APIC_LVT_TIMER, 0xec, &hw));
	assert_int_equal(hw, LVT_MASKED | 0xec);
}

/* SDM 11.4.7.2: LVTs masked while disabled, and left so on re-enable. */
static void test_software_disable_masks_lvts(void **state)
{
	struct vlapic_ipi ipi;

	(void)state;
	vlapic_write(&a, APIC_SVR, 0x1ff, &ipi);
	vlapic_write(&a, APIC_LVT_TIMER, 0xec, &ipi);
	vlapic_write(&a, 0x350, 0x700, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_LVT_TIMER), 0xec);
	vlapic_write(&a, APIC_SVR, 0x0ff, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_LVT_TIMER), LVT_MASKED | 0xec);
	assert_int_equal(vlapic_read(&a, 0x350), LVT_MASKED | 0x700);
	vlapic_write(&a, APIC_LVT_TIMER, 0xed, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_LVT_TIMER), LVT_MASKED | 0xed);
	vlapic_write(&a, APIC_SVR, 0x1ff, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_LVT_TIMER), LVT_MASKED | 0xed);
	vlapic_write(&a, APIC_LVT_TIMER, 0xed, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_LVT_TIMER), 0xed);
	/* The timer LVT keeps only vector, mask and mode. */
	vlapic_write(&a, APIC_LVT_TIMER, 0xffffffedU, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_LVT_TIMER),
			 0xed | LVT_MASKED | LVT_TIMER_MODE_MASK);
	/* EOI broadcast suppression is not offered (version bit 24 clear). */
	vlapic_write(&a, APIC_SVR, 0x11ff, &ipi);
	assert_int_equal(vlapic_read(&a, APIC_SVR), 0x1ff);
}

static void test_deadline_mode_follows_lvt_timer(void **state)
{
	struct vlapic_ipi ipi;

	(void)state;
	assert_false(vlapic_timer_deadline_mode(&a));
	vlapic_write(&a, APIC_LVT_TIMER, LVT_TIMER_DEADLINE | 0xec, &ipi);
	assert_true(vlapic_timer_deadline_mode(&a));
	vlapic_write(&a, APIC_LVT_TIMER, (1U << 17) | 0xec, &ipi); /* periodic */
	assert_false(vlapic_timer_deadline_mode(&a));
}

/* The chaos guest's 0x94e2827d turned QEMU's timer into an SMI source. */
static uint32_t hw_lvt_timer(uint32_t guest)
{
	struct vlapic a;
	struct vlapic_ipi ipi;
	uint32_t hw = 0;

	vlapic_reset(&a, 0);
	vlapic_write(&a, APIC_SVR, 0x1ff, &ipi);	/* software-enabled */
	assert_true(vlapic_hw_write(&a, APIC_LVT_TIMER, guest, &hw));
	return hw;
}

static void test_hw_lvt_timer_keeps_defined_bits(void **state)
{
	(void)state;
	assert_int_equal(hw_lvt_timer(0x94e2827dU), 0x7dU | LVT_TIMER_PERIODIC);
	assert_int_equal(hw_lvt_timer(0x40U | LVT_MASKED), 0x40U | LVT_MASKED);
	/* Deadline mode runs on the one-shot timer. */
	assert_int_equal(hw_lvt_timer(0xefU | LVT_TIMER_DEADLINE),
			 0xefU | LVT_TIMER_ONE_SHOT);
	/* Delivery mode (NMI, SMI), trigger and polarity bits go. */
	assert_int_equal(hw_lvt_timer(0x30U | (4U << 8) | (1U << 15) |
				      (1U << 13)), 0x30U);
}

static void test_deadline_count(void **state)
{
	const uint64_t tsc_hz = 3000000000ULL, timer_hz = 1000000000ULL;

	(void)state;
	/* 3,000 TSC ticks at 3 GHz = 1 us = 1,000 ticks at 1 GHz. */
	assert_int_equal(vlapic_deadline_count(1000, 4000, tsc_hz, timer_hz),
			 1000);
	/* Passed or due now: fire at once. */
	assert_int_equal(vlapic_deadline_count(5000, 4000, tsc_hz, timer_hz), 1);
	assert_int_equal(vlapic_deadline_count(5000, 5000, tsc_hz, timer_hz), 1);
	/* 2.5 s: whole seconds and the remainder both count. */
	assert_int_equal(vlapic_deadline_count(0, 7500000000ULL, tsc_hz,
					       100000000ULL), 250000000);
	/* Far away (an hour at 1 GHz overflows 32 bits): clamped. */
	assert_int_equal(vlapic_deadline_count(0, 3600ULL * tsc_hz, tsc_hz,
					       timer_hz), 0xffffffffU);
	/* Near the top of the TSC range nothing wraps. */
	assert_int_equal(vlapic_deadline_count(~0ULL - 3000, ~0ULL, tsc_hz,
					       timer_hz), 1000);
	/*
	 * Rates whose product reaches 2^64 (a 2^34 Hz TSC, a 2^31 Hz timer):
	 * 2^34 - 1 ticks are just under a second, 2^31 - 1 timer counts.
	 */
	assert_int_equal(vlapic_deadline_count(0, (1ULL << 34) - 1, 1ULL << 34,
					       1ULL << 31), (1U << 31) - 1);
	assert_int_equal(vlapic_deadline_count(0, 3, 1ULL << 34, 1ULL << 34),
			 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state_and_identity, setup),
		cmocka_unit_test_setup(test_registers_keep_writable_bits, setup),
		cmocka_unit_test_setup(test_init_and_startup_ipis, setup),
		cmocka_unit_test_setup(test_shorthands_and_broadcast, setup),
		cmocka_unit_test_setup(test_logical_flat_and_cluster, setup),
		cmocka_unit_test(test_hardware_registers),
		cmocka_unit_test_setup(test_hw_write_filter, setup),
		cmocka_unit_test_setup(test_software_disable_masks_lvts, setup),
		cmocka_unit_test_setup(test_deadline_mode_follows_lvt_timer, setup),
		cmocka_unit_test(test_deadline_count),
		cmocka_unit_test(test_hw_lvt_timer_keeps_defined_bits),
	};

	return cmocka_run_group_tests_name("vlapic", tests, NULL, NULL);
}
