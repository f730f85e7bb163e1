/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console's input side. The physical UART's receive interrupt is
 * routed as an NMI to the core of the partition that has the focus: NMIs
 * make a core leave its guest, whereas an ordinary vector would be taken
 * by the guest. That core drains the UART into the partition's vUART.
 */
#include "kernel/console.h"
#include "arch/x86/irq_quiesce.h"
#include "drivers/uart16550.h"
#include "kernel/console_keys.h"
#include "kernel/exit/io_emul.h"
#include "kernel/log.h"
#include "kernel/partition.h"
#include "kernel/passthrough.h"
#include "kernel/percpu.h"

#define COM1_GSI	4	/* ISA IRQ 4; no PC remaps it */

static unsigned int focus;
static volatile unsigned int console_cpu = ~0U;
static struct console_keys keys;
/* The vUART's FIFO was full: bytes wait in the UART, drain at each exit. */
static volatile bool backlog;
/*
 * No I/O APIC carries the UART's interrupt (Bochs' OVMF publishes no MADT):
 * the console CPU looks at the UART at every exit instead, one LSR read.
 */
static volatile bool polled;

static void set_focus(unsigned int index)
{
	struct partition *p = &partitions[index];
	struct vcpu *boot_vcpu = p->vcpus[0];

	focus = index;
	__atomic_store_n(&console_cpu, boot_vcpu->cpu, __ATOMIC_SEQ_CST);
	polled = irq_route_nmi(COM1_GSI, boot_vcpu->phys_apic_id,
			       passthrough_nmi_remap()) != 0;
	if (polled)
		pr_warn("console: no I/O APIC input for the serial port; input is read only when partition %s's CPU exits",
			p->cfg->name);
	pr_info("console: keyboard input goes to partition %s (Ctrl-A three times switches)",
		p->cfg->name);
}

void console_input_start(void)
{
	if (!partition_count)
		return;
	uart_enable_rx_interrupt(COM1_PORT);
	set_focus(0);
}

static void deliver(const uint8_t *bytes, unsigned int n)
{
	struct partition *p = &partitions[focus];

	spin_lock(&p->lock);
	for (unsigned int i = 0; i < n; i++)
		if (!vuart_push_input(&p->uart, bytes[i]))
			break;	/* cannot happen: the caller kept room */
	io_emul_uart_changed(p);
	spin_unlock(&p->lock);
}

/* Keeps room for what one typed byte can release (held-back Ctrl-As). */
static bool focused_uart_full(void)
{
	return partitions[focus].uart.rx_count >=
	       VUART_RX_SIZE - CONSOLE_SWITCH_PRESSES;
}

void console_input_service(bool kicked)
{
	struct per_cpu *cpu = this_cpu();
	int c;

	if (cpu->index != __atomic_load_n(&console_cpu, __ATOMIC_SEQ_CST))
		return;
	if (!kicked && !backlog && !polled &&
	    !__atomic_exchange_n(&cpu->nmi_seen, false, __ATOMIC_SEQ_CST))
		return;
	for (;;) {
		uint8_t out[CONSOLE_SWITCH_PRESSES];
		bool next;
		unsigned int n;

		backlog = focused_uart_full();
		if (backlog || (c = uart_getc(COM1_PORT)) < 0)
			break;
		n = console_keys_feed(&keys, (uint8_t)c, out, &next);
		if (n)
			deliver(out, n);
		if (next)
			set_focus((focus + 1) % partition_count);
	}
}
