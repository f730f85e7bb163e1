/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reset and power-off paths of a PC, the ones Linux's reboot and poweroff
 * use: ACPI reset register, 8042 pulse, 0xCF9, ACPI S5. No keyboard is
 * attached to the 8042: it answers its own commands only.
 */
#include "drivers/emul/vplatform.h"

/* 8042 status register (IBM PC/AT technical reference, "Keyboard"). */
#define KBC_STS_OBF		0x01
#define KBC_STS_SYS		0x04	/* self test passed */
#define KBC_STS_CMD		0x08	/* last write went to port 0x64 */
#define KBC_STS_UNLOCKED	0x10	/* keyboard not inhibited */

/* 8042 commands. */
#define KBC_READ_CCB		0x20
#define KBC_WRITE_CCB		0x60
#define KBC_DISABLE_AUX		0xa7
#define KBC_ENABLE_AUX		0xa8
#define KBC_SELF_TEST		0xaa
#define KBC_IFACE_TEST		0xab
#define KBC_DISABLE_KBD		0xad
#define KBC_ENABLE_KBD		0xae
#define KBC_READ_OUTPUT		0xd0
#define KBC_WRITE_OUTPUT	0xd1
#define KBC_PULSE_FIRST		0xf0	/* 0xf0-0xff: pulse lines clear in 3:0 */

#define KBC_SELF_TEST_OK	0x55
#define KBC_IFACE_OK		0x00
/* Command byte: keyboard IRQ, system flag, scan code translation. */
#define KBC_CCB_RESET		0x45
#define KBC_CCB_SYS		0x04
#define KBC_CCB_KBD_OFF		0x10
#define KBC_CCB_AUX_OFF		0x20
/* Output port: bit 0 is the CPU reset line (active low), bit 1 A20. */
#define KBC_OUT_RESET_HIGH	0x01
#define KBC_OUT_A20		0x02

/* Reset control register (ICH10 datasheet 13.7.5). */
#define RST_SYS_RST		0x02
#define RST_CPU			0x04
#define RST_FULL		0x08
#define RST_KEPT		(RST_SYS_RST | RST_FULL)

/* PM1 control (ACPI 6.4 table 4.13). */
#define PM1_CNT_SCI_EN		0x0001
#define PM1_CNT_BM_RLD		0x0002
#define PM1_CNT_SLP_TYP_SHIFT	10
#define PM1_CNT_SLP_TYP_MASK	0x7
#define PM1_CNT_SLP_EN		0x2000
#define PM1_CNT_KEPT		(PM1_CNT_BM_RLD | \
				 PM1_CNT_SLP_TYP_MASK << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_STS_BITS		(VPLATFORM_PM1_TMR | VPLATFORM_PM1_GBL | \
				 VPLATFORM_PM1_PWRBTN | VPLATFORM_PM1_SLPBTN | \
				 VPLATFORM_PM1_RTC | VPLATFORM_PM1_WAK)
#define PM1_EN_BITS		(PM1_STS_BITS & ~VPLATFORM_PM1_WAK)

#define PM1_STS_PORT		VPLATFORM_PM1A_EVT
#define PM1_EN_PORT		(VPLATFORM_PM1A_EVT + 2)

void vplatform_reset(struct vplatform *pf)
{
	*pf = (struct vplatform){ .kbc_ccb = KBC_CCB_RESET };
}

static bool in_range(uint16_t port, uint16_t base, unsigned int len)
{
	return port >= base && port < base + len;
}

/* 0xCF9 alone: wider accesses at 0xCF8 are PCI configuration. */
bool vplatform_handles(uint16_t port, unsigned int size)
{
	if (port == VPLATFORM_PORT_RESET ||
	    port == VPLATFORM_PORT_I8042_DATA ||
	    port == VPLATFORM_PORT_I8042_CMD)
		return size == 1;
	return in_range(port, VPLATFORM_PM1A_EVT,
			VPLATFORM_PM1A_EVT_LEN + VPLATFORM_PM1A_CNT_LEN) &&
	       in_range((uint16_t)(port + size - 1), VPLATFORM_PM1A_EVT,
			VPLATFORM_PM1A_EVT_LEN + VPLATFORM_PM1A_CNT_LEN);
}

static void kbc_answer(struct vplatform *pf, uint8_t value)
{
	pf->kbc_out = value;
	pf->kbc_out_full = true;
}

static enum vplatform_action kbc_command(struct vplatform *pf, uint8_t cmd)
{
	pf->kbc_last_was_cmd = true;
	pf->kbc_wait_data = 0;
	if (cmd >= KBC_PULSE_FIRST)
		return cmd & KBC_OUT_RESET_HIGH ? VPLATFORM_NONE :
						  VPLATFORM_RESET;
	switch (cmd) {
	case KBC_READ_CCB:
		kbc_answer(pf, pf->kbc_ccb);
		break;
	case KBC_WRITE_CCB:
	case KBC_WRITE_OUTPUT:
		pf->kbc_wait_data = cmd;
		break;
	case KBC_SELF_TEST:
		kbc_answer(pf, KBC_SELF_TEST_OK);
		break;
	case KBC_IFACE_TEST:
		kbc_answer(pf, KBC_IFACE_OK);
		break;
	case KBC_READ_OUTPUT:
		kbc_answer(pf, KBC_OUT_RESET_HIGH | KBC_OUT_A20);
		break;
	case KBC_DISABLE_KBD:
		pf->kbc_ccb |= KBC_CCB_KBD_OFF;
		break;
	case KBC_ENABLE_KBD:
		pf->kbc_ccb &= (uint8_t)~KBC_CCB_KBD_OFF;
		break;
	case KBC_DISABLE_AUX:
		pf->kbc_ccb |= KBC_CCB_AUX_OFF;
		break;
	case KBC_ENABLE_AUX:
		pf->kbc_ccb &= (uint8_t)~KBC_CCB_AUX_OFF;
		break;
	default:
		break;
	}
	return VPLATFORM_NONE;
}

/* Bytes for the keyboard itself go nowhere: none is attached. */
static enum vplatform_action kbc_data(struct vplatform *pf, uint8_t value)
{
	uint8_t cmd = pf->kbc_wait_data;

	pf->kbc_last_was_cmd = false;
	pf->kbc_wait_data = 0;
	if (cmd == KBC_WRITE_CCB)
		pf->kbc_ccb = value;
	else if (cmd == KBC_WRITE_OUTPUT && !(value & KBC_OUT_RESET_HIGH))
		return VPLATFORM_RESET;
	return VPLATFORM_NONE;
}

static uint8_t kbc_status(const struct vplatform *pf)
{
	return (uint8_t)((pf->kbc_out_full ? KBC_STS_OBF : 0) |
			 (pf->kbc_ccb & KBC_CCB_SYS ? KBC_STS_SYS : 0) |
			 (pf->kbc_last_was_cmd ? KBC_STS_CMD : 0) |
			 KBC_STS_UNLOCKED);
}

static uint8_t kbc_read_data(struct vplatform *pf)
{
	if (!pf->kbc_out_full)
		return 0;
	pf->kbc_out_full = false;
	return pf->kbc_out;
}

/* A reset starts when RST_CPU goes from 0 to 1; the bit then clears. */
static enum vplatform_action write_rst_cnt(struct vplatform *pf, uint8_t v)
{
	pf->rst_cnt = v & RST_KEPT;
	return v & RST_CPU ? VPLATFORM_RESET : VPLATFORM_NONE;
}

static uint16_t pm1_cnt_value(const struct vplatform *pf)
{
	return pf->pm1_cnt | PM1_CNT_SCI_EN;	/* always in ACPI mode */
}

/*
 * SLP_EN with the S5 type turns the partition off. Other sleep types are
 * not offered by the DSDT; should a guest try one anyway, it wakes at once
 * (WAK_STS), which is what the ACPICA sleep code waits for.
 */
static enum vplatform_action write_pm1_cnt(struct vplatform *pf, uint16_t v)
{
	unsigned int type = v >> PM1_CNT_SLP_TYP_SHIFT & PM1_CNT_SLP_TYP_MASK;

	pf->pm1_cnt = v & PM1_CNT_KEPT;
	if (!(v & PM1_CNT_SLP_EN))
		return VPLATFORM_NONE;
	if (type == VPLATFORM_SLP_TYP_S5)
		return VPLATFORM_POWER_OFF;
	pf->pm1_sts |= VPLATFORM_PM1_WAK;
	return VPLATFORM_NONE;
}

static uint16_t set_byte(uint16_t reg, unsigned int byte, uint8_t v)
{
	unsigned int shift = 8 * byte;

	return (uint16_t)((reg & ~(0xffU << shift)) | (unsigned int)v << shift);
}

static uint8_t read_byte(struct vplatform *pf, uint16_t port)
{
	unsigned int shift = 8 * (port & 1);

	switch (port) {
	case VPLATFORM_PORT_I8042_DATA:
		return kbc_read_data(pf);
	case VPLATFORM_PORT_I8042_CMD:
		return kbc_status(pf);
	case VPLATFORM_PORT_RESET:
		return pf->rst_cnt;
	case PM1_STS_PORT:
	case PM1_STS_PORT + 1:
		return (uint8_t)(pf->pm1_sts >> shift);
	case PM1_EN_PORT:
	case PM1_EN_PORT + 1:
		return (uint8_t)(pf->pm1_en >> shift);
	case VPLATFORM_PM1A_CNT:
	case VPLATFORM_PM1A_CNT + 1:
		return (uint8_t)(pm1_cnt_value(pf) >> shift);
	default:
		return 0xff;
	}
}

static enum vplatform_action write_byte(struct vplatform *pf, uint16_t port,
					uint8_t v)
{
	unsigned int byte = port & 1;

	switch (port) {
	case VPLATFORM_PORT_I8042_DATA:
		return kbc_data(pf, v);
	case VPLATFORM_PORT_I8042_CMD:
		return kbc_command(pf, v);
	case VPLATFORM_PORT_RESET:
		return write_rst_cnt(pf, v);
	case PM1_STS_PORT:
	case PM1_STS_PORT + 1:	/* write 1 to clear */
		pf->pm1_sts &= (uint16_t)~((unsigned int)v << 8 * byte);
		return VPLATFORM_NONE;
	case PM1_EN_PORT:
	case PM1_EN_PORT + 1:
		pf->pm1_en = set_byte(pf->pm1_en, byte, v) & PM1_EN_BITS;
		return VPLATFORM_NONE;
	case VPLATFORM_PM1A_CNT:
	case VPLATFORM_PM1A_CNT + 1:
		return write_pm1_cnt(pf, set_byte(pm1_cnt_value(pf), byte, v));
	default:
		return VPLATFORM_NONE;
	}
}

static bool valid_size(unsigned int size)
{
	return size == 1 || size == 2 || size == 4;
}

enum vplatform_action vplatform_read(struct vplatform *pf, uint16_t port,
				     unsigned int size, uint32_t *value)
{
	uint32_t v = 0;

	*value = 0xffffffff;
	if (!valid_size(size) || !vplatform_handles(port, size))
		return VPLATFORM_NONE;
	for (unsigned int i = 0; i < size; i++)
		v |= (uint32_t)read_byte(pf, (uint16_t)(port + i)) << 8 * i;
	*value = v;
	return VPLATFORM_NONE;
}

/* Bytes in address order; the first reset or power-off wins. */
enum vplatform_action vplatform_write(struct vplatform *pf, uint16_t port,
				      unsigned int size, uint32_t value)
{
	enum vplatform_action action = VPLATFORM_NONE;

	if (!valid_size(size) || !vplatform_handles(port, size))
		return VPLATFORM_NONE;
	for (unsigned int i = 0; i < size; i++) {
		enum vplatform_action a;

		a = write_byte(pf, (uint16_t)(port + i),
			       (uint8_t)(value >> 8 * i));
		if (action == VPLATFORM_NONE)
			action = a;
	}
	return action;
}

void vplatform_power_button(struct vplatform *pf)
{
	pf->pm1_sts |= VPLATFORM_PM1_PWRBTN;
}

bool vplatform_sci_pending(const struct vplatform *pf)
{
	return pf->pm1_sts & pf->pm1_en & PM1_EN_BITS;
}
