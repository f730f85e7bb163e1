/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/pit.h"
#include "arch/x86/asm.h"
#include "arch/x86/pit_regs.h"
#include "arch/x86/tsc.h"

/* Several input clocks (0.84 us each) pass in between. */
#define PIT_MOVE_WAIT_US	50

void pit_start_periodic(unsigned int hz)
{
	uint64_t count = hz ? PIT_INPUT_HZ / hz : PIT_MAX_COUNT;

	if (count > PIT_MAX_COUNT)
		count = PIT_MAX_COUNT;
	if (count < 2)		/* mode 2 cannot count 1 */
		count = 2;
	outb(PIT_PORT_CONTROL, PIT_CTRL_COUNTER0 | PIT_CTRL_LSB_MSB |
			       PIT_CTRL_MODE_RATE);
	/* 65536 is written as 0: the low 16 bits. */
	outb(PIT_PORT_COUNTER0, (uint8_t)count);
	outb(PIT_PORT_COUNTER0, (uint8_t)(count >> 8));
}

static uint16_t latched_count0(void)
{
	uint8_t low;

	outb(PIT_PORT_CONTROL, PIT_CTRL_COUNTER0 | PIT_CTRL_LATCH);
	low = inb(PIT_PORT_COUNTER0);
	return (uint16_t)(low | inb(PIT_PORT_COUNTER0) << 8);
}

bool pit_counting(void)
{
	uint16_t before = latched_count0();

	tsc_delay_us(PIT_MOVE_WAIT_US);
	return latched_count0() != before;
}
