/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MC146818A model. The time registers are not stored: each read computes
 * them from the host time and the partition's offset, in the format
 * register B asks for, so switching BCD/binary or 12/24 hours is harmless.
 */
#include "drivers/emul/vrtc.h"
#include "lib/string.h"

/* Register indexes (MC146818A data sheet, "Address Map"). */
#define REG_SEC			0x00
#define REG_MIN			0x02
#define REG_HOUR		0x04
#define REG_WDAY		0x06
#define REG_MDAY		0x07
#define REG_MONTH		0x08
#define REG_YEAR		0x09
#define REG_A			0x0a
#define REG_B			0x0b
#define REG_C			0x0c
#define REG_D			0x0d

#define A_UIP			0x80
/* 32.768 kHz time base, 1024 Hz periodic rate: what PC firmware sets. */
#define A_RESET			0x26
#define B_SET			0x80
#define B_UIE			0x10
#define B_DM_BINARY		0x04
#define B_24H			0x02
/* 24 hours, BCD: the PC firmware default Linux expects. */
#define B_RESET			B_24H
#define C_IRQF			0x80
#define C_UF			0x10
#define D_VRT			0x80	/* the battery is good */
#define HOUR_PM			0x80
#define INDEX_MASK		0x7f	/* bit 7 of port 0x70 masks NMI */

#define SECS_PER_DAY		86400U
#define EPOCH_YEAR		1970U
#define MAX_YEAR		9999U
#define EPOCH_WDAY		4	/* 1970-01-01 was a Thursday */

static bool is_leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int days_in_month(unsigned int y, unsigned int m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && is_leap(y));
}

/* Leap years in 1..y-1 (proleptic Gregorian). */
static uint64_t leaps_before(unsigned int y)
{
	y--;
	return y / 4 - y / 100 + y / 400;
}

static uint64_t days_before_year(unsigned int y)
{
	return 365ULL * (y - EPOCH_YEAR) + leaps_before(y) -
	       leaps_before(EPOCH_YEAR);
}

static unsigned int clamp(unsigned int v, unsigned int lo, unsigned int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

uint64_t vrtc_time_to_unix(const struct vrtc_time *t)
{
	unsigned int y = clamp(t->year, EPOCH_YEAR, MAX_YEAR);
	unsigned int mon = clamp(t->month, 1, 12);
	unsigned int d = clamp(t->day, 1, days_in_month(y, mon));
	uint64_t days = days_before_year(y) + d - 1;

	for (unsigned int m = 1; m < mon; m++)
		days += days_in_month(y, m);
	return days * SECS_PER_DAY + clamp(t->hour, 0, 23) * 3600U +
	       clamp(t->min, 0, 59) * 60U + clamp(t->sec, 0, 59);
}

void vrtc_unix_to_time(uint64_t secs, struct vrtc_time *t)
{
	uint64_t last = days_before_year(MAX_YEAR + 1) * SECS_PER_DAY - 1;
	uint64_t days, rem;
	unsigned int y, m;

	if (secs > last)
		secs = last;
	days = secs / SECS_PER_DAY;
	rem = secs % SECS_PER_DAY;
	t->wday = (uint8_t)((days + EPOCH_WDAY) % 7);
	/* An estimate from below, then a few steps up. */
	y = EPOCH_YEAR + (unsigned int)(days / 366);
	while (days_before_year(y + 1) <= days)
		y++;
	days -= days_before_year(y);
	for (m = 1; days >= days_in_month(y, m); m++)
		days -= days_in_month(y, m);
	t->year = (uint16_t)y;
	t->month = (uint8_t)m;
	t->day = (uint8_t)(days + 1);
	t->hour = (uint8_t)(rem / 3600);
	t->min = (uint8_t)(rem / 60 % 60);
	t->sec = (uint8_t)(rem % 60);
}

void vrtc_reset(struct vrtc *rtc)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->cmos[REG_A] = A_RESET;
	rtc->cmos[REG_B] = B_RESET;
	rtc->cmos[REG_D] = D_VRT;
}

static uint64_t guest_secs(const struct vrtc *rtc, uint64_t now_unix)
{
	int64_t g = (int64_t)now_unix + rtc->offset;

	return g < 0 ? 0 : (uint64_t)g;
}

static void guest_time(const struct vrtc *rtc, uint64_t now_unix,
		       struct vrtc_time *t)
{
	if (rtc->set_mode)
		*t = rtc->held;
	else
		vrtc_unix_to_time(guest_secs(rtc, now_unix), t);
}

static bool binary(const struct vrtc *rtc)
{
	return rtc->cmos[REG_B] & B_DM_BINARY;
}

static uint8_t encode(const struct vrtc *rtc, unsigned int v)
{
	v %= 100;
	return (uint8_t)(binary(rtc) ? v : (v / 10) << 4 | v % 10);
}

static unsigned int decode(const struct vrtc *rtc, uint8_t v)
{
	return binary(rtc) ? v : (v >> 4) * 10U + (v & 0xfU);
}

/* 12-hour mode: 12, 1, ..., 11 with bit 7 for PM. */
static uint8_t encode_hour(const struct vrtc *rtc, unsigned int h)
{
	if (rtc->cmos[REG_B] & B_24H)
		return encode(rtc, h);
	return (uint8_t)(encode(rtc, h % 12 ? h % 12 : 12) |
			 (h >= 12 ? HOUR_PM : 0));
}

static unsigned int decode_hour(const struct vrtc *rtc, uint8_t v)
{
	if (rtc->cmos[REG_B] & B_24H)
		return decode(rtc, v);
	return decode(rtc, v & ~HOUR_PM) % 12 + (v & HOUR_PM ? 12 : 0);
}

static bool is_time_reg(uint8_t index)
{
	return index == REG_SEC || index == REG_MIN || index == REG_HOUR ||
	       (index >= REG_WDAY && index <= REG_YEAR) ||
	       index == VRTC_REG_CENTURY;
}

static uint8_t read_time_reg(const struct vrtc *rtc, uint8_t index,
			     uint64_t now_unix)
{
	struct vrtc_time t;

	guest_time(rtc, now_unix, &t);
	switch (index) {
	case REG_SEC:
		return encode(rtc, t.sec);
	case REG_MIN:
		return encode(rtc, t.min);
	case REG_HOUR:
		return encode_hour(rtc, t.hour);
	case REG_WDAY:
		return encode(rtc, t.wday + 1U);	/* Sunday is 1 */
	case REG_MDAY:
		return encode(rtc, t.day);
	case REG_MONTH:
		return encode(rtc, t.month);
	case REG_YEAR:
		return encode(rtc, t.year % 100U);
	default:
		return encode(rtc, t.year / 100U);
	}
}

/*
 * The guest sets one field: under SET into the held time, which counts
 * from when SET clears; otherwise straight into its offset.
 */
static void write_time_reg(struct vrtc *rtc, uint8_t index, uint8_t value,
			   uint64_t now_unix)
{
	struct vrtc_time t;
	unsigned int v = decode(rtc, value);

	guest_time(rtc, now_unix, &t);
	switch (index) {
	case REG_SEC:
		t.sec = (uint8_t)v;
		break;
	case REG_MIN:
		t.min = (uint8_t)v;
		break;
	case REG_HOUR:
		t.hour = (uint8_t)decode_hour(rtc, value);
		break;
	case REG_WDAY:
		return;		/* follows from the date */
	case REG_MDAY:
		t.day = (uint8_t)v;
		break;
	case REG_MONTH:
		t.month = (uint8_t)v;
		break;
	case REG_YEAR:
		t.year = (uint16_t)(t.year / 100U * 100U + v % 100U);
		break;
	default:
		t.year = (uint16_t)(v * 100U + t.year % 100U);
		break;
	}
	if (rtc->set_mode)
		rtc->held = t;
	else
		rtc->offset = (int64_t)vrtc_time_to_unix(&t) - (int64_t)now_unix;
}

static void write_b(struct vrtc *rtc, uint8_t value, uint64_t now_unix)
{
	bool set = value & B_SET;

	if (set && !rtc->set_mode) {
		guest_time(rtc, now_unix, &rtc->held);
		value &= (uint8_t)~B_UIE;	/* SET clears UIE (data sheet) */
	} else if (!set && rtc->set_mode) {
		rtc->offset = (int64_t)vrtc_time_to_unix(&rtc->held) -
			      (int64_t)now_unix;
	}
	rtc->set_mode = set;
	rtc->cmos[REG_B] = value;
}

/* Only the update-ended flag is kept: set once a second has passed. */
static uint8_t read_c(struct vrtc *rtc, uint64_t now_unix)
{
	uint64_t g = guest_secs(rtc, now_unix);
	uint8_t c = 0;

	if (g != rtc->last_c_read && !rtc->set_mode) {
		c = C_UF;
		if (rtc->cmos[REG_B] & B_UIE)
			c |= C_IRQF;
	}
	rtc->last_c_read = g;
	return c;
}

static uint8_t read_data(struct vrtc *rtc, uint64_t now_unix)
{
	uint8_t i = rtc->index;

	if (is_time_reg(i))
		return read_time_reg(rtc, i, now_unix);
	switch (i) {
	case REG_A:
		return rtc->cmos[REG_A] & (uint8_t)~A_UIP;
	case REG_C:
		return read_c(rtc, now_unix);
	case REG_D:
		return D_VRT;
	default:
		return rtc->cmos[i];	/* B, alarms, RAM */
	}
}

static void write_data(struct vrtc *rtc, uint8_t value, uint64_t now_unix)
{
	uint8_t i = rtc->index;

	if (is_time_reg(i))
		write_time_reg(rtc, i, value, now_unix);
	else if (i == REG_A)
		rtc->cmos[REG_A] = value & (uint8_t)~A_UIP;
	else if (i == REG_B)
		write_b(rtc, value, now_unix);
	else if (i != REG_C && i != REG_D)	/* read-only */
		rtc->cmos[i] = value;
}

uint8_t vrtc_read(struct vrtc *rtc, uint16_t port, uint64_t now_unix)
{
	if (port == VRTC_PORT_DATA)
		return read_data(rtc, now_unix);
	return 0xff;	/* the index register is write-only */
}

void vrtc_write(struct vrtc *rtc, uint16_t port, uint8_t value,
		uint64_t now_unix)
{
	if (port == VRTC_PORT_INDEX)
		rtc->index = value & INDEX_MASK;
	else if (port == VRTC_PORT_DATA)
		write_data(rtc, value, now_unix);
}
