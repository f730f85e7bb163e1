/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/emul/vplatform.h"

#define NONE		VPLATFORM_NONE
#define RESET		VPLATFORM_RESET
#define POWER_OFF	VPLATFORM_POWER_OFF
#define PM1_STS		VPLATFORM_PM1A_EVT
#define PM1_EN		(VPLATFORM_PM1A_EVT + 2)
#define PM1_CNT		VPLATFORM_PM1A_CNT
#define SCI_EN		0x0001
#define SLP_EN		0x2000

static struct vplatform pf;

static int setup(void **state)
{
	(void)state;
	vplatform_reset(&pf);
	return 0;
}

static uint32_t in(uint16_t port, unsigned int size)
{
	uint32_t v = 0x12345678;

	assert_int_equal(vplatform_read(&pf, port, size, &v), NONE);
	return v;
}

static enum vplatform_action out(uint16_t port, unsigned int size,
				 uint32_t v)
{
	return vplatform_write(&pf, port, size, v);
}

static void test_ports_claimed(void **state)
{
	(void)state;
	assert_true(vplatform_handles(0x60, 1));
	assert_true(vplatform_handles(0x64, 1));
	assert_false(vplatform_handles(0x64, 2));
	assert_true(vplatform_handles(0xcf9, 1));
	assert_false(vplatform_handles(0xcf8, 4));
	assert_false(vplatform_handles(0xcf9, 2));
	assert_true(vplatform_handles(PM1_STS, 2));
	assert_true(vplatform_handles(PM1_STS, 4));
	assert_true(vplatform_handles(PM1_EN, 2));
	assert_true(vplatform_handles(PM1_CNT, 2));
	assert_true(vplatform_handles(PM1_CNT + 1, 1));
	assert_false(vplatform_handles(PM1_CNT, 4));
	assert_false(vplatform_handles(PM1_STS - 1, 2));
	assert_false(vplatform_handles(0x61, 1));
	/* Refused accesses read all ones and do nothing. */
	assert_int_equal(in(0x80, 1), 0xffffffff);
	assert_int_equal(in(0xcf8, 4), 0xffffffff);
	assert_int_equal(out(0xcf8, 4, 0x06060606), NONE);
	assert_int_equal(out(0xcf9, 2, 0x0606), NONE);
	assert_int_equal(out(0x64, 4, 0xfe), NONE);
	assert_int_equal(out(PM1_CNT, 3, 0xffff), NONE);
	assert_int_equal(in(0xcf9, 1), 0);
}

static void test_i8042_status_and_commands(void **state)
{
	(void)state;
	/* Buffers empty, self test passed, not inhibited. */
	assert_int_equal(in(0x64, 1), 0x14);
	assert_int_equal(in(0x60, 1), 0);
	assert_int_equal(out(0x64, 1, 0x20), NONE);	/* read CCB */
	assert_int_equal(in(0x64, 1), 0x1d);
	assert_int_equal(in(0x60, 1), 0x45);
	assert_int_equal(in(0x64, 1), 0x1c);
	assert_int_equal(out(0x64, 1, 0x60), NONE);	/* write CCB */
	assert_int_equal(out(0x60, 1, 0x61), NONE);
	assert_int_equal(in(0x64, 1), 0x10);		/* SYS from CCB */
	assert_int_equal(out(0x64, 1, 0xad), NONE);
	assert_int_equal(out(0x64, 1, 0x20), NONE);
	assert_int_equal(in(0x60, 1), 0x71);
	assert_int_equal(out(0x64, 1, 0xaa), NONE);
	assert_int_equal(in(0x60, 1), 0x55);
	assert_int_equal(out(0x64, 1, 0xd0), NONE);
	assert_int_equal(in(0x60, 1) & 0x01, 0x01);	/* not in reset */
	/* Keyboard bytes go nowhere. */
	assert_int_equal(out(0x60, 1, 0xff), NONE);
	assert_int_equal(in(0x64, 1) & 0x03, 0);
}

/* native_machine_emergency_restart(), BOOT_KBD: kb_wait(), then 0xFE. */
static void test_i8042_reset(void **state)
{
	(void)state;
	for (int i = 0; i < 0x10000 && (in(0x64, 1) & 0x02); i++)
		;
	assert_int_equal(in(0x64, 1) & 0x02, 0);
	assert_int_equal(out(0x64, 1, 0xfe), RESET);
	/* Pulse commands reset when they pulse line 0 (bit 0 clear). */
	assert_int_equal(out(0x64, 1, 0xf0), RESET);
	assert_int_equal(out(0x64, 1, 0xfc), RESET);
	assert_int_equal(out(0x64, 1, 0xff), NONE);
	assert_int_equal(out(0x64, 1, 0xfd), NONE);
	/* Writing the output port with the reset line low. */
	assert_int_equal(out(0x64, 1, 0xd1), NONE);
	assert_int_equal(out(0x60, 1, 0xdf), NONE);	/* A20 on */
	assert_int_equal(out(0x64, 1, 0xd1), NONE);
	assert_int_equal(out(0x60, 1, 0xde), RESET);
	/* A command in between cancels the wait for data. */
	assert_int_equal(out(0x64, 1, 0xd1), NONE);
	assert_int_equal(out(0x64, 1, 0xae), NONE);
	assert_int_equal(out(0x60, 1, 0x00), NONE);
}

/* BOOT_CF9_FORCE in arch/x86/kernel/reboot.c, and the FADT's value. */
static void test_cf9(void **state)
{
	uint8_t cf9;

	(void)state;
	cf9 = (uint8_t)(in(0xcf9, 1) & ~0x06);
	assert_int_equal(out(0xcf9, 1, cf9 | 0x02), NONE);
	assert_int_equal(in(0xcf9, 1), 0x02);
	assert_int_equal(out(0xcf9, 1, cf9 | 0x06), RESET);
	assert_int_equal(in(0xcf9, 1), 0x02);	/* RST_CPU self-clears */
	assert_int_equal(out(0xcf9, 1, VPLATFORM_RESET_VALUE), RESET);
	assert_int_equal(out(0xcf9, 1, 0x0e), RESET);
	assert_int_equal(in(0xcf9, 1), 0x0a);
	assert_int_equal(out(0xcf9, 1, 0x04), RESET);	/* soft reset */
	assert_int_equal(out(0xcf9, 1, 0x08), NONE);
}

/* acpi_hw_legacy_sleep(): SLP_TYP first, then SLP_TYP with SLP_EN. */
static void test_acpi_power_off(void **state)
{
	uint32_t cnt;

	(void)state;
	cnt = in(PM1_CNT, 2);
	assert_int_equal(cnt, SCI_EN);
	cnt = (cnt & ~0x1c00U) | VPLATFORM_SLP_TYP_S5 << 10;
	assert_int_equal(out(PM1_CNT, 2, cnt), NONE);
	assert_int_equal(in(PM1_CNT, 2), cnt);
	assert_int_equal(out(PM1_CNT, 2, cnt | SLP_EN), POWER_OFF);
	assert_int_equal(in(PM1_CNT, 2) & SLP_EN, 0);
	/* Byte writes of the high half work the same way. */
	assert_int_equal(out(PM1_CNT + 1, 1, (cnt | SLP_EN) >> 8), POWER_OFF);
	/* SCI_EN cannot be cleared. */
	assert_int_equal(out(PM1_CNT, 2, 0), NONE);
	assert_int_equal(in(PM1_CNT, 2), SCI_EN);
}

static void test_other_sleep_types_wake_at_once(void **state)
{
	(void)state;
	for (unsigned int type = 0; type < 8; type++) {
		if (type == VPLATFORM_SLP_TYP_S5)
			continue;
		assert_int_equal(out(PM1_CNT, 2, type << 10 | SLP_EN), NONE);
		assert_int_equal(in(PM1_STS, 2), 0x8000);	/* WAK_STS */
		assert_int_equal(out(PM1_STS, 2, 0x8000), NONE);
		assert_int_equal(in(PM1_STS, 2), 0);
	}
}

static void test_pm1_events(void **state)
{
	(void)state;
	assert_int_equal(in(PM1_STS, 4), 0);
	assert_false(vplatform_sci_pending(&pf));
	vplatform_power_button(&pf);
	assert_int_equal(in(PM1_STS, 2), 0x0100);
	assert_false(vplatform_sci_pending(&pf));	/* not enabled */
	assert_int_equal(out(PM1_EN, 2, 0xffff), NONE);
	assert_int_equal(in(PM1_EN, 2), 0x0721);	/* defined bits */
	assert_true(vplatform_sci_pending(&pf));
	assert_int_equal(in(PM1_STS, 4), 0x07210100);
	/* Write 1 to clear: zeros and other bits leave it. */
	assert_int_equal(out(PM1_STS, 2, 0xfeff), NONE);
	assert_int_equal(in(PM1_STS, 2), 0x0100);
	assert_int_equal(out(PM1_STS + 1, 1, 0x01), NONE);
	assert_int_equal(in(PM1_STS, 2), 0);
	assert_false(vplatform_sci_pending(&pf));
	/* Byte access to the enable register. */
	assert_int_equal(out(PM1_EN + 1, 1, 0x00), NONE);
	assert_int_equal(in(PM1_EN, 2), 0x0021);
	assert_int_equal(in(PM1_EN, 1), 0x21);
	/* A dword at the event block writes status, then enable. */
	vplatform_power_button(&pf);
	assert_int_equal(out(PM1_STS, 4, 0x01000100), NONE);
	assert_int_equal(in(PM1_STS, 4), 0x01000000);
	assert_true(in(PM1_STS, 4) >> 16 & 0x0100);
	vplatform_reset(&pf);
	assert_int_equal(in(PM1_STS, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ports_claimed, setup),
		cmocka_unit_test_setup(test_i8042_status_and_commands, setup),
		cmocka_unit_test_setup(test_i8042_reset, setup),
		cmocka_unit_test_setup(test_cf9, setup),
		cmocka_unit_test_setup(test_acpi_power_off, setup),
		cmocka_unit_test_setup(test_other_sleep_types_wake_at_once,
				       setup),
		cmocka_unit_test_setup(test_pm1_events, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
