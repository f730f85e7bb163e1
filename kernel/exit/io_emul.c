/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Port I/O of partitions. Every port exits; a partition reaches only its own
 * devices: the vUART at 0x3F8 (IRQ 4), the PIT and its port 0x61, the CMOS
 * clock, the reset and power controls (i8042, 0xCF9, ACPI PM1a and its PM
 * timer), the debug-exit port at 0xF4 and the watchdog port at 0xF8. Reads
 * of any other port return all ones, as an empty ISA bus does, and writes
 * vanish.
 */
#include "kernel/exit/io_emul.h"
#include "arch/x86/asm.h"
#include "arch/x86/tsc.h"
#include "kernel/exit/exit.h"
#include "kernel/exit/guest_mem.h"
#include "kernel/exit/lapic_emul.h"
#include "kernel/partition.h"
#include "kernel/watchdog.h"
#include "lib/errno.h"
#include "lib/scale.h"

#define VUART_PORT		0x3f8
#define VUART_PORTS		8
#define VUART_IRQ		4	/* COM1's ISA line, identity-mapped */
#define DEBUG_EXIT_PORT		0xf4
#define PIT_PORT_LAST		0x43

static uint32_t size_mask(unsigned int size)
{
	return size == 4 ? 0xffffffffU : (1U << (8 * size)) - 1;
}

static uint64_t pit_now(void)
{
	return vpit_ticks_from_tsc(rdtsc(), tsc_hz);
}

static bool is_pit(uint16_t port)
{
	return (port >= VPIT_PORT_COUNTER0 && port <= PIT_PORT_LAST) ||
	       port == VPIT_PORT_SYSTEM_CTRL;
}

static bool is_uart(uint16_t port)
{
	return port >= VUART_PORT && port < VUART_PORT + VUART_PORTS;
}

static bool is_rtc(uint16_t port)
{
	return port == VRTC_PORT_INDEX || port == VRTC_PORT_DATA;
}

void io_emul_uart_changed(struct partition *p)
{
	bool level = vuart_irq_pending(&p->uart);

	if (level == p->uart_irq)
		return;
	p->uart_irq = level;
	vioapic_set_irq(&p->ioapic, VUART_IRQ, level, lapic_emul_deliver_irq, p);
}

static uint32_t port_read(struct partition *p, uint16_t port)
{
	uint32_t value = 0xffffffffU;

	if (is_uart(port)) {
		value = vuart_read(&p->uart, port - VUART_PORT);
		io_emul_uart_changed(p);	/* reads acknowledge */
	} else if (is_pit(port)) {
		value = vpit_read(&p->pit, port, pit_now());
	} else if (is_rtc(port)) {
		value = vrtc_read(&p->rtc, port, wall_clock_now());
	}
	return value;
}

static void port_write(struct partition *p, uint16_t port, uint8_t value)
{
	if (is_uart(port)) {
		vuart_write(&p->uart, port - VUART_PORT, value);
		io_emul_uart_changed(p);
	} else if (is_pit(port)) {
		vpit_write(&p->pit, port, value, pit_now());
	} else if (is_rtc(port)) {
		vrtc_write(&p->rtc, port, value, wall_clock_now());
	}
}

void io_emul_reset(struct partition *p)
{
	p->uart_irq = false;
	vplatform_reset(&p->platform);
	vpit_reset(&p->pit);
	/* The CMOS clock and RAM are battery backed: a reboot keeps them. */
	if (p->boot_count == 0)
		vrtc_reset(&p->rtc);
	/* The I/O APIC ID follows the vCPUs' 0..n-1, as the MADT says. */
	vioapic_reset(&p->ioapic, (uint8_t)p->vcpu_count);
}

/* Reset and power controls: whole accesses, and they may end the run. */
static void platform_io(struct vcpu *v, struct vm_exit *x, uint32_t mask)
{
	struct partition *p = v->part;
	enum vplatform_action action;
	uint32_t value = (uint32_t)v->gpr[REG_RAX] & mask;

	spin_lock(&p->lock);
	if (x->io.in)
		action = vplatform_read(&p->platform, x->io.port, x->io.size,
					&value);
	else
		action = vplatform_write(&p->platform, x->io.port, x->io.size,
					 value);
	spin_unlock(&p->lock);
	if (x->io.in)
		v->gpr[REG_RAX] = (v->gpr[REG_RAX] & ~(uint64_t)mask) |
				  (value & mask);
	if (action == VPLATFORM_RESET)
		partition_reboot(p, v, x->io.port == VPLATFORM_PORT_RESET ?
				 "reset control register" :
				 "keyboard controller reset");
	else if (action == VPLATFORM_POWER_OFF)
		partition_power_off(p, v);
	else
		exit_skip_insn(v, x);
}

/* Config mechanism #1 of a partition that owns PCI functions. */
static void pci_port_io(struct vcpu *v, struct vm_exit *x, uint32_t mask)
{
	struct vpci *pci = &v->part->vpci;

	if (x->io.in)
		v->gpr[REG_RAX] = (v->gpr[REG_RAX] & ~(uint64_t)mask) |
				  (vpci_port_read(pci, x->io.port, x->io.size) &
				   mask);
	else
		vpci_port_write(pci, x->io.port, x->io.size,
				(uint32_t)v->gpr[REG_RAX] & mask);
}

/*
 * INS and OUTS reach the byte-wide devices (vUART, PIT, CMOS) and empty
 * ports; the debug-exit, PM timer, reset, ACPI and PCI ports take only
 * IN and OUT. The address size and OUTS's segment come from the exit, or
 * from decoding the instruction where the CPU does not report them.
 */
static int string_io_operands(struct vcpu *v, struct vm_exit *x)
{
	struct insn in;
	uint8_t bytes[INSN_MAX_LEN];
	uint16_t port = x->io.port;

	if (port == DEBUG_EXIT_PORT || port == WATCHDOG_PORT ||
	    port == VPLATFORM_PM_TMR ||
	    vplatform_handles(port, x->io.size) ||
	    (v->part->vpci.count && port >= VPCI_PORT_ADDRESS &&
	     port <= VPCI_PORT_LAST))
		return -EINVAL;
	if (x->io.in)
		x->io.seg = INSN_SEG_ES;	/* INS writes ES:rDI only */
	if (x->io.addr_size && x->io.seg >= 0)
		return 0;
	if (guest_insn_decode(v, x->rip, &in, bytes) ||
	    in.kind != (x->io.in ? INSN_INS : INSN_OUTS))
		return -EINVAL;
	x->io.addr_size = (uint8_t)in.addr_size;
	x->io.seg = (int8_t)in.seg;
	return 0;
}

/* One element per port access; guest RAM through its page tables. */
static void emulate_string_io(struct vcpu *v, struct vm_exit *x)
{
	struct partition *p = v->part;
	struct string_op s;
	uint64_t n;
	int err = string_io_operands(v, x);

	if (!err)
		string_begin(v, &s, x->io.size, x->io.addr_size,
			     (unsigned int)x->io.seg, x->io.rep);
	for (n = 0; !err && n < s.count; n++) {
		uint8_t buf[4];

		if (!x->io.in &&
		    guest_linear_copy(v, string_src(v, &s), buf, s.size, false))
			break;
		spin_lock(&p->lock);
		for (unsigned int i = 0; i < s.size; i++) {
			if (x->io.in)
				buf[i] = (uint8_t)port_read(p, x->io.port + i);
			else
				port_write(p, x->io.port + i, buf[i]);
		}
		spin_unlock(&p->lock);
		if (x->io.in &&
		    guest_linear_copy(v, string_dst(v, &s), buf, s.size, true))
			break;
		string_advance(v, &s, x->io.in ? REG_RDI : REG_RSI);
	}
	if (err || (!n && s.count)) {
		partition_fault(p, v, "string I/O (%s) to port %#x at RIP %#llx: %s",
				x->io.in ? "INS" : "OUTS", x->io.port,
				(unsigned long long)x->rip,
				err ? "not emulated on this port" :
				"its memory operand is outside the partition's RAM");
		return;
	}
	string_end(v, &s, n, x->rip + x->insn_len);
}

void emulate_io(struct vcpu *v, struct vm_exit *x)
{
	struct partition *p = v->part;
	uint32_t mask = size_mask(x->io.size);

	if (x->io.string) {
		emulate_string_io(v, x);
		return;
	}
	if (!x->io.in && x->io.port == DEBUG_EXIT_PORT) {
		/* QEMU's isa-debug-exit: the value is the guest's exit code. */
		partition_exit(p, v, (int)((uint32_t)v->gpr[REG_RAX] & mask));
		return;
	}
	if (x->io.port == WATCHDOG_PORT) {
		/* Lock-free: a pet is one atomic update of the deadline. */
		if (x->io.in)
			v->gpr[REG_RAX] = (v->gpr[REG_RAX] & ~(uint64_t)mask) |
					  (p->cfg->watchdog_ms & mask);
		else
			watchdog_pet(p);
		exit_skip_insn(v, x);
		return;
	}
	if (x->io.in && x->io.port == VPLATFORM_PM_TMR) {
		/* Read-only and stateless: the TSC seen at the timer's rate. */
		uint32_t ticks = (uint32_t)scale_rate(rdtsc(), tsc_hz,
						      VPLATFORM_PM_TMR_HZ);

		v->gpr[REG_RAX] = (v->gpr[REG_RAX] & ~(uint64_t)mask) |
				  (ticks & VPLATFORM_PM_TMR_MASK & mask);
		exit_skip_insn(v, x);
		return;
	}
	/* First: the reset control's byte at 0xCF9 is inside the PCI ports. */
	if (vplatform_handles(x->io.port, x->io.size)) {
		platform_io(v, x, mask);
		return;
	}
	spin_lock(&p->lock);
	if (p->vpci.count && x->io.port >= VPCI_PORT_ADDRESS &&
	    x->io.port <= VPCI_PORT_LAST) {
		pci_port_io(v, x, mask);
		spin_unlock(&p->lock);
		exit_skip_insn(v, x);
		return;
	}
	if (x->io.in) {
		uint32_t value = 0;

		/* Wider accesses read consecutive byte ports. */
		for (unsigned int i = 0; i < x->io.size; i++)
			value |= (port_read(p, x->io.port + i) & 0xff) << (8 * i);
		v->gpr[REG_RAX] = (v->gpr[REG_RAX] & ~(uint64_t)mask) |
				  (value & mask);
	} else {
		for (unsigned int i = 0; i < x->io.size; i++)
			port_write(p, x->io.port + i,
				   (uint8_t)(v->gpr[REG_RAX] >> (8 * i)));
	}
	spin_unlock(&p->lock);
	exit_skip_insn(v, x);
}
