/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupt handlers for edu-dma's MSI and INTx checks: count the
 * interrupt, write the xAPIC EOI register (Intel SDM Vol. 3A 11.8.5,
 * offset 0xB0 from the default base 0xFEE00000) and return; the INTx
 * handler first clears edu's interrupt status, so its line drops.
 */
#define LAPIC_EOI	0xfee000b0
#define EDU_TEST_IRQ	0x1000	/* the status bit intx_test raises */

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

	/* The same, the TSC it ran at stored first (windows.c). */
	.globl msi_tsc_isr
	.type msi_tsc_isr, @function
msi_tsc_isr:
	pushl %eax
	pushl %edx
	rdtsc
	movl %eax, msi_tsc
	movl %edx, msi_tsc + 4
	lock incl msi_count
	movl $0, LAPIC_EOI
	popl %edx
	popl %eax
	iret
	.size msi_tsc_isr, . - msi_tsc_isr
	/* edu's INTx (level): acknowledged at the device, then the EOI. */
	.globl intx_isr
	.type intx_isr, @function
intx_isr:
	pushl %eax
	lock incl intx_count
	movl intx_ack_reg, %eax
	movl $EDU_TEST_IRQ, (%eax)
	movl $0, LAPIC_EOI
	popl %eax
	iret
	.size intx_isr, . - intx_isr

	/* edu's INTx left unhandled: counted, no acknowledge, no EOI. */
	.globl intx_stuck_isr
	.type intx_stuck_isr, @function
intx_stuck_isr:
	lock incl intx_count
	iret
	.size intx_stuck_isr, . - intx_stuck_isr

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
