/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/emul/vpit.h"

enum { CH0 = 0x40, CH1 = 0x41, CH2 = 0x42, CTRL = 0x43, PORT61 = 0x61 };

/* CAL_LATCH of pit_calibrate_tsc() in arch/x86/kernel/tsc.c: 50 ms. */
#define CAL_LATCH	(VPIT_HZ / 20)
/* LATCH of include/linux/timex.h for HZ=250, Debian's choice. */
#define LATCH_250	((VPIT_HZ + 125) / 250)

static struct vpit pit;

static int setup(void **state)
{
	(void)state;
	vpit_reset(&pit);
	return 0;
}

static uint16_t read16(uint16_t port, uint64_t now)
{
	uint8_t lsb = vpit_read(&pit, port, now);

	return (uint16_t)(lsb | vpit_read(&pit, port, now) << 8);
}

static void write16(uint16_t port, uint16_t v, uint64_t now)
{
	vpit_write(&pit, port, (uint8_t)v, now);
	vpit_write(&pit, port, (uint8_t)(v >> 8), now);
}

static bool out2(uint64_t now)
{
	return vpit_read(&pit, PORT61, now) & 0x20;
}

static void test_ticks_from_tsc(void **state)
{
	const uint64_t hz = 5000000000ULL;
	const uint64_t ten_years = 10ULL * 365 * 86400;
	const uint64_t samples[] = { 0, 1, hz - 1, hz, hz + hz / 2,
				     ten_years * hz + 12345, UINT64_MAX / 3,
				     UINT64_MAX };

	(void)state;
	assert_int_equal(vpit_ticks_from_tsc(hz, hz), VPIT_HZ);
	assert_int_equal(vpit_ticks_from_tsc(hz / 2, hz), VPIT_HZ / 2);
	assert_int_equal(vpit_ticks_from_tsc(ten_years * hz, hz),
			 ten_years * VPIT_HZ);
	assert_int_equal(vpit_ticks_from_tsc(12345, 0), 0);
	/* Exact floor of tsc * VPIT_HZ / hz at any size. */
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		for (uint64_t f = 1000000; f <= 15000000000000ULL; f *= 7) {
			unsigned __int128 want =
				(unsigned __int128)samples[i] * VPIT_HZ / f;

			if (want > UINT64_MAX)
				continue;
			assert_int_equal(vpit_ticks_from_tsc(samples[i], f),
					 (uint64_t)want);
		}
	}
	/* Monotonic across a second boundary. */
	assert_true(vpit_ticks_from_tsc(hz - 1, hz) <=
		    vpit_ticks_from_tsc(hz, hz));
}

/* quick_pit_calibrate() in arch/x86/kernel/tsc.c, Linux 6.1. */
static void test_linux_quick_pit_calibrate(void **state)
{
	uint64_t t = 1000;
	uint16_t v;

	(void)state;
	vpit_write(&pit, PORT61, (vpit_read(&pit, PORT61, t) & ~0x02) | 0x01,
		   t);
	vpit_write(&pit, CTRL, 0xb0, t);	/* ch2, LSB+MSB, mode 0 */
	vpit_write(&pit, CH2, 0xff, t);
	vpit_write(&pit, CH2, 0xff, t);
	/* pit_verify_msb(): reads LSB (ignored), then the MSB. */
	v = read16(CH2, t + 3);
	assert_int_equal(v, 0xffff - 3);
	/* The MSB steps down once each 256 clocks, read by pairs. */
	for (unsigned int i = 0; i < 200; i++) {
		uint64_t now = t + 256ULL * i + 17;

		(void)vpit_read(&pit, CH2, now);
		assert_int_equal(vpit_read(&pit, CH2, now), 0xff - i);
	}
	/* OUT2 stays low in the whole 65535-clock run, then rises. */
	assert_false(out2(t + 65534));
	assert_true(out2(t + 65535));
	/* And the counter wraps and keeps going. */
	assert_int_equal(read16(CH2, t + 65535 + 2), 0xfffe);
}

/* pit_calibrate_tsc(): 50 ms one-shot, polling OUT2 through port 0x61. */
static void test_linux_pit_calibrate_tsc(void **state)
{
	uint64_t t = 5;

	(void)state;
	vpit_write(&pit, PORT61, (vpit_read(&pit, PORT61, t) & ~0x02) | 0x01,
		   t);
	vpit_write(&pit, CTRL, 0xb0, t);
	vpit_write(&pit, CH2, CAL_LATCH & 0xff, t);
	assert_false(out2(t));
	vpit_write(&pit, CH2, CAL_LATCH >> 8, t + 1);
	t += 1;
	assert_false(out2(t));
	assert_false(out2(t + CAL_LATCH / 2));
	assert_false(out2(t + CAL_LATCH - 1));
	assert_true(out2(t + CAL_LATCH));
	assert_true(out2(t + 10 * CAL_LATCH));
	assert_true(vpit_out(&pit, 2, t + CAL_LATCH));
}

static void test_gate_pauses_mode0(void **state)
{
	(void)state;
	vpit_write(&pit, PORT61, 0x00, 0);
	vpit_write(&pit, CTRL, 0xb0, 0);
	write16(CH2, 1000, 0);
	/* Gate low: nothing counts. */
	assert_int_equal(read16(CH2, 5000), 1000);
	assert_false(out2(5000));
	vpit_write(&pit, PORT61, 0x01, 5000);
	assert_int_equal(read16(CH2, 5400), 600);
	vpit_write(&pit, PORT61, 0x00, 5400);
	assert_int_equal(read16(CH2, 9000), 600);
	vpit_write(&pit, PORT61, 0x01, 9000);
	assert_false(out2(9599));
	assert_true(out2(9600));
	/* Port 0x61 never gates channels 0 and 1. */
	vpit_write(&pit, CTRL, 0x30, 0);
	write16(CH0, 1000, 0);
	vpit_write(&pit, PORT61, 0x00, 100);
	assert_int_equal(read16(CH0, 300), 700);
}

/* drivers/clocksource/i8253.c: periodic, then shut down. */
static void test_linux_i8253_clockevent(void **state)
{
	uint64_t t = 777;

	(void)state;
	vpit_write(&pit, CTRL, 0x34, t);	/* ch0, LSB+MSB, mode 2 */
	write16(CH0, LATCH_250, t);
	assert_int_equal(read16(CH0, t), LATCH_250);
	assert_true(vpit_out(&pit, 0, t + LATCH_250 - 2));
	assert_false(vpit_out(&pit, 0, t + LATCH_250 - 1));	/* count 1 */
	assert_true(vpit_out(&pit, 0, t + LATCH_250));
	assert_false(vpit_out(&pit, 0, t + 5 * LATCH_250 - 1));
	/* The i8253 clocksource latches and reads (pit_read()). */
	vpit_write(&pit, CTRL, 0x00, t + 10);
	assert_int_equal(read16(CH0, t + 500), LATCH_250 - 10);

	/* pit_shutdown(): mode 0, count 0 (65536); OUT low until it ends. */
	t += 3 * LATCH_250 + 100;
	vpit_write(&pit, CTRL, 0x30, t);
	assert_false(vpit_out(&pit, 0, t));
	vpit_write(&pit, CH0, 0, t);
	assert_false(vpit_out(&pit, 0, t + 1000));
	vpit_write(&pit, CH0, 0, t);
	assert_false(vpit_out(&pit, 0, t + 65535));
	assert_true(vpit_out(&pit, 0, t + 65536));
	/* Read-back of its status: OUT low, count loaded, RW 3, mode 0. */
	vpit_write(&pit, CTRL, 0xe2, t + 5);
	assert_int_equal(vpit_read(&pit, CH0, t + 9), 0x30);
}

static void test_access_modes(void **state)
{
	(void)state;
	/* LSB only. */
	vpit_write(&pit, CTRL, 0x50, 0);	/* ch1, LSB, mode 0 */
	vpit_write(&pit, CH1, 0x80, 0);
	assert_int_equal(vpit_read(&pit, CH1, 0x10), 0x70);
	assert_int_equal(vpit_read(&pit, CH1, 0x10), 0x70);
	/* MSB only: the count is value << 8, the MSB is read. */
	vpit_write(&pit, CTRL, 0x60, 0);
	vpit_write(&pit, CH1, 0x02, 0);
	assert_int_equal(vpit_read(&pit, CH1, 0x100), 0x01);
	assert_int_equal(vpit_read(&pit, CH1, 0x180), 0x00);
	/* LSB then MSB, with a read flip-flop. */
	vpit_write(&pit, CTRL, 0x70, 0);
	write16(CH1, 0x1234, 0);
	assert_int_equal(vpit_read(&pit, CH1, 0x34), 0x00);
	assert_int_equal(vpit_read(&pit, CH1, 0x34), 0x12);
	assert_int_equal(vpit_read(&pit, CH1, 0x35), 0xff);
	assert_int_equal(vpit_read(&pit, CH1, 0x35), 0x11);
	/* A control word resets the flip-flop. */
	(void)vpit_read(&pit, CH1, 0x35);
	vpit_write(&pit, CTRL, 0x70, 0x40);
	write16(CH1, 0xabcd, 0x40);
	assert_int_equal(vpit_read(&pit, CH1, 0x40), 0xcd);
	/* The control port and others read 0xff. */
	assert_int_equal(vpit_read(&pit, CTRL, 0), 0xff);
	assert_int_equal(vpit_read(&pit, 0x44, 0), 0xff);
}

static void test_latch_command(void **state)
{
	(void)state;
	vpit_write(&pit, CTRL, 0x34, 0);
	write16(CH0, 10000, 0);
	vpit_write(&pit, CTRL, 0x00, 100);	/* latch ch0 */
	vpit_write(&pit, CTRL, 0x00, 200);	/* ignored: not read yet */
	assert_int_equal(vpit_read(&pit, CH0, 900), (9900) & 0xff);
	vpit_write(&pit, CTRL, 0x00, 950);	/* still ignored: half read */
	assert_int_equal(vpit_read(&pit, CH0, 1000), 9900 >> 8);
	/* Free running again. */
	assert_int_equal(read16(CH0, 1000), 9000);
	/* LSB-only latch: one byte. */
	vpit_write(&pit, CTRL, 0x14, 0);
	vpit_write(&pit, CH0, 200, 0);
	vpit_write(&pit, CTRL, 0x00, 50);
	assert_int_equal(vpit_read(&pit, CH0, 120), 150);
	assert_int_equal(vpit_read(&pit, CH0, 120), 80);
}

static void test_read_back(void **state)
{
	(void)state;
	/* After a control word and before the count: NULL COUNT. */
	vpit_write(&pit, CTRL, 0xb6, 0);	/* ch2, both, mode 3 */
	vpit_write(&pit, CTRL, 0xe8, 0);	/* status of ch2 only */
	assert_int_equal(vpit_read(&pit, CH2, 0), 0x80 | 0x40 | 0x36);
	write16(CH2, 1000, 0);
	vpit_write(&pit, PORT61, 0x01, 0);
	/* Count and status of ch2 and ch0: status first, then the count. */
	vpit_write(&pit, CTRL, 0xca, 300);
	vpit_write(&pit, CTRL, 0xca, 400);	/* both already latched */
	assert_int_equal(vpit_read(&pit, CH2, 900), 0x80 | 0x36);
	assert_int_equal(read16(CH2, 900), 1000 - 600);
	assert_int_equal(vpit_read(&pit, CH0, 900), 0x80 | 0x36); /* reset */
	assert_int_equal(read16(CH0, 900), (65536 - 300 * 2) & 0xffff);
	/* Count only, in the low half of the square wave. */
	vpit_write(&pit, CTRL, 0xd8, 700);
	assert_int_equal(read16(CH2, 900), 1000 - 400);
	/* Status only keeps reading the counter live afterwards. */
	vpit_write(&pit, CTRL, 0xe8, 700);
	assert_int_equal(vpit_read(&pit, CH2, 900), 0x36);
	assert_int_equal(read16(CH2, 900), 1000 - 800);
}

static void test_mode3_square_wave(void **state)
{
	(void)state;
	vpit_write(&pit, PORT61, 0x01, 0);
	vpit_write(&pit, CTRL, 0xb6, 0);
	write16(CH2, 1000, 0);
	assert_true(out2(0));
	assert_true(out2(499));
	assert_false(out2(500));
	assert_false(out2(999));
	assert_true(out2(1000));
	assert_int_equal(read16(CH2, 10), 980);
	assert_int_equal(read16(CH2, 510), 980);
	/* Odd count: one clock longer high than low. */
	vpit_write(&pit, CTRL, 0xb6, 2000);
	write16(CH2, 5, 2000);
	assert_true(out2(2002));
	assert_false(out2(2003));
	assert_false(out2(2004));
	assert_true(out2(2005));
	/* Gate low forces OUT high and stops; gate high reloads. */
	vpit_write(&pit, PORT61, 0x00, 2003);
	assert_true(out2(2003));
	vpit_write(&pit, PORT61, 0x01, 3000);
	assert_true(out2(3002));
	assert_false(out2(3003));
}

static void test_mode2_rate_generator(void **state)
{
	(void)state;
	vpit_write(&pit, PORT61, 0x01, 0);
	vpit_write(&pit, CTRL, 0xb4, 0);
	write16(CH2, 100, 0);
	assert_int_equal(read16(CH2, 0), 100);
	assert_int_equal(read16(CH2, 99), 1);
	assert_false(out2(99));
	assert_int_equal(read16(CH2, 100), 100);
	assert_true(out2(100));
	/* Mode 6 is mode 2. */
	vpit_write(&pit, CTRL, 0xbc, 0);
	write16(CH2, 100, 0);
	assert_false(out2(199));
	assert_true(out2(200));
}

static void test_gate_triggered_modes(void **state)
{
	(void)state;
	/* Mode 1: nothing happens until the gate rises. */
	vpit_write(&pit, PORT61, 0x01, 0);
	vpit_write(&pit, CTRL, 0xb2, 0);
	write16(CH2, 50, 0);			/* gate already high */
	assert_true(out2(10));
	assert_int_equal(read16(CH2, 10), 50);
	vpit_write(&pit, PORT61, 0x00, 100);
	vpit_write(&pit, PORT61, 0x01, 200);
	assert_false(out2(200));
	assert_false(out2(220));
	/* Retriggering restarts the one-shot. */
	vpit_write(&pit, PORT61, 0x00, 230);
	vpit_write(&pit, PORT61, 0x01, 240);
	assert_false(out2(289));
	assert_true(out2(290));
	assert_true(out2(295));
	/* Mode 5: a one-clock strobe at terminal count after the trigger. */
	vpit_write(&pit, CTRL, 0xba, 300);
	write16(CH2, 10, 300);
	assert_true(out2(310));
	vpit_write(&pit, PORT61, 0x00, 400);
	vpit_write(&pit, PORT61, 0x01, 401);
	assert_true(out2(410));
	assert_false(out2(411));
	assert_true(out2(412));
}

static void test_mode4_strobe(void **state)
{
	(void)state;
	vpit_write(&pit, CTRL, 0x38, 0);
	write16(CH0, 20, 0);
	assert_true(vpit_out(&pit, 0, 19));
	assert_false(vpit_out(&pit, 0, 20));
	assert_true(vpit_out(&pit, 0, 21));
	assert_true(vpit_out(&pit, 0, 20 + 65536));	/* only once */
}

static void test_bcd(void **state)
{
	(void)state;
	vpit_write(&pit, CTRL, 0x31, 0);	/* ch0, both, mode 0, BCD */
	write16(CH0, 0x1234, 0);
	assert_int_equal(read16(CH0, 1), 0x1233);
	assert_int_equal(read16(CH0, 35), 0x1199);
	assert_false(vpit_out(&pit, 0, 1233));
	assert_true(vpit_out(&pit, 0, 1234));
	assert_int_equal(read16(CH0, 1235), 0x9999);
	/* Count 0 is 10000 in BCD. */
	write16(CH0, 0, 0);
	assert_int_equal(read16(CH0, 1), 0x9999);
	assert_false(vpit_out(&pit, 0, 9999));
	assert_true(vpit_out(&pit, 0, 10000));
}

static void test_mode0_first_byte_stops_count(void **state)
{
	(void)state;
	vpit_write(&pit, CTRL, 0x30, 0);
	write16(CH0, 10, 0);
	assert_true(vpit_out(&pit, 0, 20));
	vpit_write(&pit, CH0, 0x00, 20);	/* LSB: stops, OUT low */
	assert_false(vpit_out(&pit, 0, 100));
	vpit_write(&pit, CH0, 0x01, 100);	/* MSB: 256 from now */
	assert_int_equal(read16(CH0, 110), 246);
	assert_false(vpit_out(&pit, 0, 355));
	assert_true(vpit_out(&pit, 0, 356));
}

static void test_port61(void **state)
{
	uint8_t a, b;

	(void)state;
	vpit_write(&pit, PORT61, 0xff, 0);
	a = vpit_read(&pit, PORT61, 0);
	b = vpit_read(&pit, PORT61, 0);
	assert_int_equal(a & 0xcf, 0x0f);	/* 7:6 read 0 */
	assert_int_equal(b & 0xcf, 0x0f);
	assert_int_not_equal(a & 0x10, b & 0x10);	/* refresh toggles */
	vpit_write(&pit, PORT61, 0x02, 0);
	assert_int_equal(vpit_read(&pit, PORT61, 0) & 0x0f, 0x02);
	/* Channel 2 out of reset: mode 3, gate low, OUT high. */
	assert_true(vpit_read(&pit, PORT61, 0) & 0x20);
	assert_false(vpit_out(&pit, 3, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ticks_from_tsc, setup),
		cmocka_unit_test_setup(test_linux_quick_pit_calibrate, setup),
		cmocka_unit_test_setup(test_linux_pit_calibrate_tsc, setup),
		cmocka_unit_test_setup(test_gate_pauses_mode0, setup),
		cmocka_unit_test_setup(test_linux_i8253_clockevent, setup),
		cmocka_unit_test_setup(test_access_modes, setup),
		cmocka_unit_test_setup(test_latch_command, setup),
		cmocka_unit_test_setup(test_read_back, setup),
		cmocka_unit_test_setup(test_mode3_square_wave, setup),
		cmocka_unit_test_setup(test_mode2_rate_generator, setup),
		cmocka_unit_test_setup(test_gate_triggered_modes, setup),
		cmocka_unit_test_setup(test_mode4_strobe, setup),
		cmocka_unit_test_setup(test_bcd, setup),
		cmocka_unit_test_setup(test_mode0_first_byte_stops_count,
				       setup),
		cmocka_unit_test_setup(test_port61, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
