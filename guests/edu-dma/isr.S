/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupt handlers for edu-dma's MSI check. They touch no register: count
 * the interrupt, write the xAPIC EOI register (Intel SDM Vol. 3A 11.8.5,
 * offset 0xB0 from the default base 0xFEE00000) and return.
 */
#define LAPIC_EOI	0xfee000b0

	.text
	.code32

	/* The vector the device's MSI was programmed with. */
	.globl msi_isr
	.type msi_isr, @function
msi_isr:
	lock incl msi_count
	movl $0, LAPIC_EOI
	iret
	.size msi_isr, . - msi_isr

	/* Any other vector from 32 up: counted, so a wrong vector shows. */
	.globl other_isr
	.type other_isr, @function
other_isr:
	lock incl other_count
	movl $0, LAPIC_EOI
	iret
	.size other_isr, . - other_isr

	/* The spurious vector takes no EOI (SDM Vol. 3A 11.9). */
	.globl spurious_isr
	.type spurious_isr, @function
spurious_isr:
	iret
	.size spurious_isr, . - spurious_isr

	.section .note.GNU-stack, "", @progbits
