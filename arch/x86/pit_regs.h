/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_PIT_REGS_H
#define ARCH_X86_PIT_REGS_H

/* The PC's 8254 programmable interval timer (datasheet order no. 231164). */
#define PIT_INPUT_HZ		1193182ULL	/* 14.31818 MHz / 12 on PCs */
#define PIT_PORT_COUNTER0	0x40
#define PIT_PORT_COUNTER2	0x42
#define PIT_PORT_CONTROL	0x43
/* Control word: SC1:0 (counter), RW1:0, M2:0 (mode), BCD. */
#define PIT_CTRL_COUNTER0	(0U << 6)
#define PIT_CTRL_COUNTER2	(2U << 6)
#define PIT_CTRL_MODE_TERMINAL	(0U << 1)	/* mode 0: OUT high at 0 */
#define PIT_CTRL_LSB_MSB	(3U << 4)
#define PIT_CTRL_MODE_RATE	(2U << 1)	/* mode 2, rate generator */
#define PIT_CTRL_LATCH		(0U << 4)	/* RW = 0: counter latch */
#define PIT_MAX_COUNT		65536U		/* written as 0 */
/*
 * Port 0x61, the PC's system control port B: bit 0 gates counter 2,
 * bit 1 would send its output to the speaker, bit 5 reads that output.
 */
#define PORT_SYSTEM_CONTROL_B	0x61
#define PORT61_GATE2		(1U << 0)
#define PORT61_SPEAKER		(1U << 1)
#define PORT61_OUT2		(1U << 5)
/* ISA IRQ 0 as every PC's MADT overrides it: I/O APIC input 2. */
#define PIT_GSI			2

#endif
