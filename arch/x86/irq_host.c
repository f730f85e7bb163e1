/* SPDX-License-Identifier: BSD-2-Clause */
#include "arch/x86/irq_host.h"
#include "arch/x86/exception.h"
#include "arch/x86/lapic.h"
#include "arch/x86/lapic_regs.h"

/* irq_entry.S: one 16-byte stub per vector from 32 to 254. */
#define STUB_FIRST_VECTOR	32
#define STUB_END_VECTOR		255
#define STUB_STRIDE		16

extern const char irq_host_stubs[];

static unsigned int range_first, range_end;
static irq_host_fn range_fn;

void irq_host_range(unsigned int first, unsigned int end, irq_host_fn fn)
{
	if (first < STUB_FIRST_VECTOR || end > STUB_END_VECTOR)
		return;
	range_first = first;
	range_end = end;
	range_fn = fn;
	for (unsigned int v = first; v < end; v++)
		idt_set_interrupt(v, irq_host_stubs +
				  (v - STUB_FIRST_VECTOR) * STUB_STRIDE);
}

void irq_host_dispatch(uint64_t vector)
{
	if (range_fn && vector >= range_first && vector < range_end)
		range_fn((uint8_t)vector);
	lapic_write(APIC_EOI, 0);
}
