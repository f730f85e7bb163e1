/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VRTC_H
#define DRIVERS_EMUL_VRTC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The MC146818 CMOS clock and RAM a partition sees (Motorola MC146818A data
 * sheet), at ports 0x70 (index) and 0x71 (data). The time is the host's
 * (now_unix, passed in by the caller) plus the partition's own offset, which
 * is all a guest changes by setting the clock. No interrupt is raised; an
 * update never appears in progress (UIP reads 0), so a guest that waits for
 * UIP to clear never waits.
 */

#define VRTC_PORT_INDEX		0x70
#define VRTC_PORT_DATA		0x71
#define VRTC_CMOS_SIZE		128
#define VRTC_REG_CENTURY	0x32	/* the ACPI FADT CENTURY field's index */

/* A calendar time (UTC), year 1970 to 9999, wday 0 = Sunday. */
struct vrtc_time {
	uint16_t year;
	uint8_t month;	/* 1-12 */
	uint8_t day;	/* 1-31 */
	uint8_t hour, min, sec;
	uint8_t wday;
};

struct vrtc {
	uint8_t index;
	uint8_t cmos[VRTC_CMOS_SIZE];	/* RAM, alarms, registers A-D */
	int64_t offset;			/* guest time - host time, seconds */
	bool set_mode;			/* register B SET: `held` is the time */
	struct vrtc_time held;
	uint64_t last_c_read;		/* guest second of the last C read */
};

void vrtc_reset(struct vrtc *rtc);
uint8_t vrtc_read(struct vrtc *rtc, uint16_t port, uint64_t now_unix);
void vrtc_write(struct vrtc *rtc, uint16_t port, uint8_t value,
		uint64_t now_unix);

/* Seconds since 1970-01-01 00:00:00 UTC and back. */
void vrtc_unix_to_time(uint64_t secs, struct vrtc_time *t);
/* Fields out of range are clamped into it; wday is not read. */
uint64_t vrtc_time_to_unix(const struct vrtc_time *t);

#endif
