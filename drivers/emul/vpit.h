/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_EMUL_VPIT_H
#define DRIVERS_EMUL_VPIT_H

#include <stdbool.h>
#include <stdint.h>
#include "arch/x86/pit_regs.h"

/*
 * The Intel 8254 programmable interval timer a partition sees (8254
 * datasheet, order no. 231164), at ports 0x40-0x43, with the PC's port 0x61
 * (channel 2 gate, speaker enable, OUT2 read-back). Pure model: the caller
 * passes the time as a count of PIT input clocks (VPIT_HZ), e.g. from the
 * TSC through vpit_ticks_from_tsc(). Counters are computed from the time
 * they started, so nothing has to run while the guest does not look.
 *
 * Simplifications: a count takes effect when written (no wait for the next
 * clock edge), and a new count written in modes 2 and 3 restarts the
 * period at once instead of at the end of the current one.
 */

#define VPIT_HZ			PIT_INPUT_HZ
#define VPIT_PORT_COUNTER0	PIT_PORT_COUNTER0
#define VPIT_PORT_CONTROL	PIT_PORT_CONTROL
#define VPIT_PORT_SYSTEM_CTRL	0x61		/* the PC's NMI status/control */
#define VPIT_CHANNELS		3

struct vpit_channel {
	uint32_t count;		/* the count register: 1..65536 (BCD 1..10000) */
	uint8_t mode;		/* 0-5 */
	uint8_t access;		/* control word RW bits: 1 LSB, 2 MSB, 3 both */
	bool bcd;
	bool loaded;		/* a count arrived since the control word */
	bool triggered;		/* modes 1 and 5: the gate has risen since */
	bool write_msb_next;	/* LSB-then-MSB: the LSB has been written */
	uint8_t write_lsb;
	bool read_msb_next;	/* LSB-then-MSB read of the live counter */
	/* Time counted: elapsed before `start`, plus now - start if running. */
	bool running;
	uint64_t start;
	uint64_t elapsed;
	/* Output latch (counter latch or read-back) and status latch. */
	uint8_t latch_bytes;	/* bytes of `latched` left to read, MSB last */
	uint16_t latched;
	bool status_latched;
	uint8_t status;
};

struct vpit {
	struct vpit_channel ch[VPIT_CHANNELS];
	bool gate2;		/* port 0x61 bit 0 */
	uint8_t port61;		/* writable bits 3:0 of port 0x61 */
	bool refresh;		/* port 0x61 bit 4, toggles on each read */
};

void vpit_reset(struct vpit *pit);
/* Ports 0x40-0x43 and 0x61; others read 0xff and ignore writes. */
uint8_t vpit_read(struct vpit *pit, uint16_t port, uint64_t now);
void vpit_write(struct vpit *pit, uint16_t port, uint8_t value, uint64_t now);
/* The OUT pin of a channel (0-2) at time now. */
bool vpit_out(struct vpit *pit, unsigned int channel, uint64_t now);
/*
 * PIT clocks in `tsc` cycles of a TSC running at tsc_hz, without
 * overflowing for any 64-bit TSC value at up to 15 THz; 0 if tsc_hz is 0.
 */
uint64_t vpit_ticks_from_tsc(uint64_t tsc, uint64_t tsc_hz);

#endif
