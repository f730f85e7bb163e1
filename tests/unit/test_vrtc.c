/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "drivers/emul/vrtc.h"

/* Register indexes as include/linux/mc146818rtc.h names them. */
enum { SECONDS = 0, SECONDS_ALARM = 1, MINUTES = 2, HOURS = 4,
       DAY_OF_WEEK = 6, DAY_OF_MONTH = 7, MONTH = 8, YEAR = 9,
       REG_A = 10, REG_B = 11, REG_C = 12, REG_D = 13, CENTURY = 0x32 };

#define B_SET		0x80
#define B_BINARY	0x04
#define B_24H		0x02

/* 2009-02-13 23:31:30 UTC, a Friday. */
#define T_FRIDAY	1234567890ULL

static struct vrtc rtc;

static int setup(void **state)
{
	(void)state;
	vrtc_reset(&rtc);
	return 0;
}

static uint8_t cmos_read(uint8_t index, uint64_t now)
{
	vrtc_write(&rtc, 0x70, index, now);
	return vrtc_read(&rtc, 0x71, now);
}

static void cmos_write(uint8_t index, uint8_t value, uint64_t now)
{
	vrtc_write(&rtc, 0x70, index, now);
	vrtc_write(&rtc, 0x71, value, now);
}

static void check_time(uint64_t secs, unsigned int y, unsigned int mo,
		       unsigned int d, unsigned int h, unsigned int mi,
		       unsigned int s, unsigned int wday)
{
	struct vrtc_time t;

	vrtc_unix_to_time(secs, &t);
	assert_int_equal(t.year, y);
	assert_int_equal(t.month, mo);
	assert_int_equal(t.day, d);
	assert_int_equal(t.hour, h);
	assert_int_equal(t.min, mi);
	assert_int_equal(t.sec, s);
	assert_int_equal(t.wday, wday);
	assert_int_equal(vrtc_time_to_unix(&t), secs);
}

static void test_known_dates(void **state)
{
	(void)state;
	check_time(0, 1970, 1, 1, 0, 0, 0, 4);
	check_time(T_FRIDAY, 2009, 2, 13, 23, 31, 30, 5);
	check_time(951782400, 2000, 2, 29, 0, 0, 0, 2);	/* 400-year leap */
	check_time(951868800, 2000, 3, 1, 0, 0, 0, 3);
	check_time(1709251199, 2024, 2, 29, 23, 59, 59, 4);
	check_time(2147483647, 2038, 1, 19, 3, 14, 7, 2);
	check_time(4102444799ULL, 2099, 12, 31, 23, 59, 59, 4);
	check_time(4102444800ULL, 2100, 1, 1, 0, 0, 0, 5);
	check_time(4107542400ULL, 2100, 3, 1, 0, 0, 0, 1);	/* no Feb 29 */
}

/* Every day from 1970 to 2400 against a day-by-day calendar walk. */
static void test_every_day(void **state)
{
	static const unsigned int mdays[] = { 31, 28, 31, 30, 31, 30,
					      31, 31, 30, 31, 30, 31 };
	unsigned int y = 1970, m = 1, d = 1, wday = 4;
	uint64_t secs = 0;

	(void)state;
	while (y <= 2400) {
		struct vrtc_time t;
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		unsigned int len = mdays[m - 1] + (m == 2 && leap);
		uint64_t noonish = secs + 12 * 3600 + 34 * 60 + 56;

		vrtc_unix_to_time(noonish, &t);
		if (t.year != y || t.month != m || t.day != d ||
		    t.wday != wday || t.hour != 12 || t.min != 34 ||
		    t.sec != 56)
			fail_msg("%u-%u-%u", y, m, d);
		assert_int_equal(vrtc_time_to_unix(&t), noonish);
		secs += 86400;
		wday = (wday + 1) % 7;
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

static void test_out_of_range(void **state)
{
	struct vrtc_time t = { .year = 2023, .month = 2, .day = 31,
			       .hour = 30, .min = 75, .sec = 99 };

	(void)state;
	/* Clamped: 2023-02-28 23:59:59. */
	assert_int_equal(vrtc_time_to_unix(&t), 1677628799);
	t = (struct vrtc_time){ .year = 1900, .month = 0, .day = 0 };
	assert_int_equal(vrtc_time_to_unix(&t), 0);
	vrtc_unix_to_time(UINT64_MAX, &t);
	assert_int_equal(t.year, 9999);
	assert_int_equal(t.month, 12);
	assert_int_equal(t.day, 31);
}

static void test_reset_reads_host_time_bcd_24h(void **state)
{
	(void)state;
	assert_int_equal(cmos_read(SECONDS, T_FRIDAY), 0x30);
	assert_int_equal(cmos_read(MINUTES, T_FRIDAY), 0x31);
	assert_int_equal(cmos_read(HOURS, T_FRIDAY), 0x23);
	assert_int_equal(cmos_read(DAY_OF_WEEK, T_FRIDAY), 6);
	assert_int_equal(cmos_read(DAY_OF_MONTH, T_FRIDAY), 0x13);
	assert_int_equal(cmos_read(MONTH, T_FRIDAY), 0x02);
	assert_int_equal(cmos_read(YEAR, T_FRIDAY), 0x09);
	assert_int_equal(cmos_read(CENTURY, T_FRIDAY), 0x20);
	assert_int_equal(cmos_read(REG_A, T_FRIDAY), 0x26);
	assert_int_equal(cmos_read(REG_B, T_FRIDAY), 0x02);
	assert_int_equal(cmos_read(REG_D, T_FRIDAY), 0x80);
	/* Time runs with the host's. */
	assert_int_equal(cmos_read(SECONDS, T_FRIDAY + 45), 0x15);
	assert_int_equal(cmos_read(MINUTES, T_FRIDAY + 45), 0x32);
	/* Port 0x70 is write-only; bit 7 of the index is the NMI mask. */
	assert_int_equal(vrtc_read(&rtc, 0x70, 0), 0xff);
	assert_int_equal(cmos_read(0x80 | MONTH, T_FRIDAY), 0x02);
	assert_int_equal(vrtc_read(&rtc, 0x72, 0), 0xff);
}

static void test_binary_and_12_hour(void **state)
{
	(void)state;
	cmos_write(REG_B, B_24H | B_BINARY, 0);
	assert_int_equal(cmos_read(SECONDS, T_FRIDAY), 30);
	assert_int_equal(cmos_read(HOURS, T_FRIDAY), 23);
	assert_int_equal(cmos_read(YEAR, T_FRIDAY), 9);
	assert_int_equal(cmos_read(CENTURY, T_FRIDAY), 20);
	cmos_write(REG_B, B_BINARY, 0);			/* 12 hours */
	assert_int_equal(cmos_read(HOURS, T_FRIDAY), 0x80 | 11);
	cmos_write(REG_B, 0, 0);			/* 12 hours BCD */
	assert_int_equal(cmos_read(HOURS, T_FRIDAY), 0x91);
	/* Midnight is 12 AM, noon 12 PM, 1 PM is 0x81. */
	assert_int_equal(cmos_read(HOURS, 0), 0x12);
	assert_int_equal(cmos_read(HOURS, 12 * 3600), 0x92);
	assert_int_equal(cmos_read(HOURS, 13 * 3600), 0x81);
	assert_int_equal(cmos_read(HOURS, 11 * 3600), 0x11);
}

/* mc146818_set_time() in drivers/rtc/rtc-mc146818-lib.c. */
static void test_linux_sets_the_clock(void **state)
{
	struct vrtc other;
	const uint64_t now = T_FRIDAY;
	uint8_t b;

	(void)state;
	vrtc_reset(&other);
	b = cmos_read(REG_B, now);
	cmos_write(REG_B, b | B_SET, now);
	cmos_write(YEAR, 0x24, now);
	cmos_write(MONTH, 0x02, now);
	cmos_write(DAY_OF_MONTH, 0x29, now);
	cmos_write(HOURS, 0x18, now);
	cmos_write(MINUTES, 0x05, now);
	cmos_write(SECONDS, 0x00, now);
	cmos_write(CENTURY, 0x20, now);
	/* Frozen while SET: reads give what was written. */
	assert_int_equal(cmos_read(SECONDS, now + 5), 0x00);
	assert_int_equal(cmos_read(DAY_OF_MONTH, now + 5), 0x29);
	cmos_write(REG_B, b, now + 10);
	/* 2024-02-29 18:05:00 from now + 10 on. */
	assert_int_equal(cmos_read(SECONDS, now + 10), 0x00);
	assert_int_equal(cmos_read(SECONDS, now + 70), 0x00);
	assert_int_equal(cmos_read(MINUTES, now + 70), 0x06);
	assert_int_equal(cmos_read(DAY_OF_WEEK, now + 70), 5);	/* Thu */
	assert_int_equal(cmos_read(DAY_OF_MONTH, now + 70), 0x29);
	assert_int_equal(cmos_read(MONTH, now + 70), 0x02);
	assert_int_equal(cmos_read(YEAR, now + 70), 0x24);
	/* Six hours later it is March 1st. */
	assert_int_equal(cmos_read(DAY_OF_MONTH, now + 10 + 6 * 3600), 0x01);
	assert_int_equal(cmos_read(MONTH, now + 10 + 6 * 3600), 0x03);
	/* Another partition's clock did not move. */
	vrtc_write(&other, 0x70, YEAR, now);
	assert_int_equal(vrtc_read(&other, 0x71, now), 0x09);
	/* A reset goes back to the host time. */
	vrtc_reset(&rtc);
	assert_int_equal(cmos_read(YEAR, now), 0x09);
}

static void test_write_without_set(void **state)
{
	(void)state;
	cmos_write(MINUTES, 0x00, T_FRIDAY);
	assert_int_equal(cmos_read(MINUTES, T_FRIDAY + 1), 0x00);
	assert_int_equal(cmos_read(SECONDS, T_FRIDAY + 1), 0x31);
	assert_int_equal(cmos_read(HOURS, T_FRIDAY + 1), 0x23);
	/* 12-hour write: 1 AM. */
	cmos_write(REG_B, 0, T_FRIDAY);
	cmos_write(HOURS, 0x01, T_FRIDAY);
	cmos_write(REG_B, B_24H, T_FRIDAY);
	assert_int_equal(cmos_read(HOURS, T_FRIDAY), 0x01);
	cmos_write(REG_B, 0, T_FRIDAY);
	cmos_write(HOURS, 0x80 | 0x12, T_FRIDAY);	/* 12 PM */
	cmos_write(REG_B, B_24H, T_FRIDAY);
	assert_int_equal(cmos_read(HOURS, T_FRIDAY), 0x12);
	/* The day of week follows the date, whatever is written. */
	cmos_write(DAY_OF_WEEK, 0x03, T_FRIDAY);
	assert_int_equal(cmos_read(DAY_OF_WEEK, T_FRIDAY), 6);
}

/* Linux reads the time only with UIP clear: it must never stick. */
static void test_uip_never_set(void **state)
{
	(void)state;
	cmos_write(REG_A, 0xa6, 0);
	for (uint64_t t = 0; t < 5000; t += 7)
		assert_int_equal(cmos_read(REG_A, T_FRIDAY + t / 1000), 0x26);
}

static void test_register_c_and_d(void **state)
{
	(void)state;
	(void)cmos_read(REG_C, 100);
	assert_int_equal(cmos_read(REG_C, 100), 0);
	assert_int_equal(cmos_read(REG_C, 101), 0x10);	/* UF */
	assert_int_equal(cmos_read(REG_C, 101), 0);
	cmos_write(REG_B, B_24H | 0x10, 101);		/* UIE */
	assert_int_equal(cmos_read(REG_C, 102), 0x90);
	cmos_write(REG_C, 0xff, 102);
	cmos_write(REG_D, 0x00, 102);
	assert_int_equal(cmos_read(REG_C, 102), 0);
	assert_int_equal(cmos_read(REG_D, 102), 0x80);
	/* SET clears UIE. */
	cmos_write(REG_B, B_24H | 0x10 | B_SET, 103);
	assert_int_equal(cmos_read(REG_B, 103), B_24H | B_SET);
}

static void test_cmos_ram(void **state)
{
	(void)state;
	for (unsigned int i = 0x0e; i < 128; i++)
		if (i != CENTURY)
			cmos_write((uint8_t)i, (uint8_t)(i * 7 + 1), 0);
	cmos_write(SECONDS_ALARM, 0x42, 0);
	for (unsigned int i = 0x0e; i < 128; i++)
		if (i != CENTURY)
			assert_int_equal(cmos_read((uint8_t)i, 0),
					 (uint8_t)(i * 7 + 1));
	assert_int_equal(cmos_read(SECONDS_ALARM, 0), 0x42);
	/* The time is untouched by RAM writes. */
	assert_int_equal(cmos_read(YEAR, T_FRIDAY), 0x09);
	/* Index bit 7 selects no other bank. */
	assert_int_equal(cmos_read(0x80 | 0x40, 0), (uint8_t)(0x40 * 7 + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_dates),
		cmocka_unit_test(test_every_day),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test_setup(test_reset_reads_host_time_bcd_24h,
				       setup),
		cmocka_unit_test_setup(test_binary_and_12_hour, setup),
		cmocka_unit_test_setup(test_linux_sets_the_clock, setup),
		cmocka_unit_test_setup(test_write_without_set, setup),
		cmocka_unit_test_setup(test_uip_never_set, setup),
		cmocka_unit_test_setup(test_register_c_and_d, setup),
		cmocka_unit_test_setup(test_cmos_ram, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
