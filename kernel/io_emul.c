/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Port I/O of partitions. Every port exits; a partition reaches only its own
 * devices (the vUART at 0x3F8, the debug-exit port at 0xF4). Reads of any
 * other port return all ones, as an empty ISA bus does, and writes vanish.
 */
#include "kernel/emulate.h"
#include "kernel/exit.h"
#include "kernel/partition.h"

#define VUART_PORT		0x3f8
#define VUART_PORTS		8
#define DEBUG_EXIT_PORT		0xf4

static uint32_t size_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
}

static uint32_t port_read(struct partition *p, uint16_t port)
{
	if (port >= VUART_PORT && port < VUART_PORT + VUART_PORTS)
		return vuart_read(&p->uart, port - VUART_PORT);
	return 0xffffffffU;
}

static void port_write(struct partition *p, uint16_t port, uint8_t value)
{
	if (port >= VUART_PORT && port < VUART_PORT + VUART_PORTS)
		vuart_write(&p->uart, port - VUART_PORT, value);
}

void emulate_io(struct vcpu *v, struct vm_exit *x)
{
	struct partition *p = v->part;
	uint32_t mask = size_mask(x->io.size);

	if (x->io.string || x->io.rep) {
		partition_fault(p, v, "string I/O (INS/OUTS) to port %#x at RIP %#llx is not emulated",
				x->io.port, (unsigned long long)x->rip);
		return;
	}
	if (x->io.in) {
		uint32_t value = 0;

		/* Wider accesses read consecutive byte ports. */
		for (unsigned int i = 0; i < x->io.size; i++)
			value |= (port_read(p, x->io.port + i) & 0xff) << (8 * i);
		v->gpr[REG_RAX] = (v->gpr[REG_RAX] & ~(uint64_t)mask) |
				  (value & mask);
	} else if (x->io.port == DEBUG_EXIT_PORT) {
		/* QEMU's isa-debug-exit: the value is the guest's exit code. */
		partition_exit(p, v, (int)((uint32_t)v->gpr[REG_RAX] & mask));
		return;
	} else {
		for (unsigned int i = 0; i < x->io.size; i++)
			port_write(p, x->io.port + i,
				   (uint8_t)(v->gpr[REG_RAX] >> (8 * i)));
	}
	exit_skip_insn(v, x);
}
