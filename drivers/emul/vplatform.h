/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VPLATFORM_H
#define DRIVERS_EMUL_VPLATFORM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A partition's reset and power controls: the i8042 keyboard controller
 * as far as its reset line goes, the reset control register at 0xCF9 and
 * the ACPI PM1a event and control blocks (fixed hardware, ACPI 6.4 section
 * 4.8). An access returns what the partition asked the machine to do; the
 * caller restarts or stops that partition alone.
 *
 * The FADT describing this hardware takes its numbers from here:
 * PM1a_EVT_BLK = VPLATFORM_PM1A_EVT (PM1_EVT_LEN 4), PM1a_CNT_BLK =
 * VPLATFORM_PM1A_CNT (PM1_CNT_LEN 2), SCI_INT = VPLATFORM_SCI_IRQ, SMI_CMD 0
 * (always in ACPI mode), RESET_REG a byte in system I/O space at
 * VPLATFORM_PORT_RESET with RESET_VALUE VPLATFORM_RESET_VALUE, and the
 * DSDT's \_S5 package gives VPLATFORM_SLP_TYP_S5 for PM1a.
 */

#define VPLATFORM_PORT_I8042_DATA	0x60
#define VPLATFORM_PORT_I8042_CMD	0x64	/* status on read */
#define VPLATFORM_PORT_RESET		0xcf9	/* byte access only */
/* SYS_RST | RST_CPU: a hard reset (Intel ICH10 datasheet 13.7.5, RST_CNT). */
#define VPLATFORM_RESET_VALUE		0x06
#define VPLATFORM_PM1A_EVT		0x600	/* PM1_STS, then PM1_EN */
#define VPLATFORM_PM1A_EVT_LEN		4
#define VPLATFORM_PM1A_CNT		0x604
#define VPLATFORM_PM1A_CNT_LEN		2
/* ACPI PM timer (ACPI 6.4 4.8.3.3): 24 bits at 3.579545 MHz, read-only. */
#define VPLATFORM_PM_TMR		0x608
#define VPLATFORM_PM_TMR_HZ		3579545ULL
#define VPLATFORM_PM_TMR_MASK		0x00ffffffU
#define VPLATFORM_SLP_TYP_S5		5
#define VPLATFORM_SCI_IRQ		9

/* PM1 status and enable bits (ACPI 6.4 tables 4.11, 4.12). */
#define VPLATFORM_PM1_TMR		0x0001
#define VPLATFORM_PM1_GBL		0x0020
#define VPLATFORM_PM1_PWRBTN		0x0100
#define VPLATFORM_PM1_SLPBTN		0x0200
#define VPLATFORM_PM1_RTC		0x0400
#define VPLATFORM_PM1_WAK		0x8000	/* status only */

enum vplatform_action {
	VPLATFORM_NONE,
	VPLATFORM_RESET,
	VPLATFORM_POWER_OFF,
};

struct vplatform {
	/* i8042 */
	uint8_t kbc_ccb;		/* controller command byte */
	uint8_t kbc_out;		/* output buffer */
	bool kbc_out_full;
	bool kbc_last_was_cmd;		/* status bit 3 */
	uint8_t kbc_wait_data;		/* command waiting for its data byte */
	/* 0xCF9 */
	uint8_t rst_cnt;
	/* ACPI PM1a */
	uint16_t pm1_sts;
	uint16_t pm1_en;
	uint16_t pm1_cnt;
};

void vplatform_reset(struct vplatform *pf);
/* Does the port range [port, port + size) belong to this model? */
bool vplatform_handles(uint16_t port, unsigned int size);
/*
 * size 1, 2 or 4. An access vplatform_handles() refuses reads all ones
 * and writes nothing (0xCF8 as a dword is PCI, not a reset).
 */
enum vplatform_action vplatform_read(struct vplatform *pf, uint16_t port,
				     unsigned int size, uint32_t *value);
enum vplatform_action vplatform_write(struct vplatform *pf, uint16_t port,
				      unsigned int size, uint32_t value);
/* A press of the power button, for an orderly shutdown by the guest. */
void vplatform_power_button(struct vplatform *pf);
/* Level of the SCI (IRQ VPLATFORM_SCI_IRQ, level, active low in ACPI). */
bool vplatform_sci_pending(const struct vplatform *pf);

#endif
