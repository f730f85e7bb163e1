/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/pit.h"
#include "arch/x86/asm.h"
#include "arch/x86/pit_regs.h"
#include "arch/x86/tsc.h"
#include "lib/scale.h"

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

/*
 * Mode 0 counts down from when the count's high byte is written, with the
 * gate high, and raises OUT at zero (datasheet 231164, mode 0): the TSC
 * ticks between the two give the rate, to within a port read.
 */
uint64_t pit_measure_tsc_hz(uint16_t count, uint64_t timeout_ticks)
{
	uint8_t port_b = inb(PORT_SYSTEM_CONTROL_B) & ~PORT61_SPEAKER;
	uint64_t start, now;

	outb(PORT_SYSTEM_CONTROL_B, port_b | PORT61_GATE2);
	outb(PIT_PORT_CONTROL, PIT_CTRL_COUNTER2 | PIT_CTRL_LSB_MSB |
			       PIT_CTRL_MODE_TERMINAL);
	outb(PIT_PORT_COUNTER2, (uint8_t)count);
	outb(PIT_PORT_COUNTER2, (uint8_t)(count >> 8));
	start = rdtsc();
	do {
		bool out = inb(PORT_SYSTEM_CONTROL_B) & PORT61_OUT2;

		now = rdtsc();
		if (out) {
			outb(PORT_SYSTEM_CONTROL_B, port_b);
			return scale_rate(now - start, count, PIT_INPUT_HZ);
		}
	} while (now - start < timeout_ticks);
	outb(PORT_SYSTEM_CONTROL_B, port_b);
	return 0;
}
