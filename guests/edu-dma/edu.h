/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_EDU_DMA_EDU_H
#define GUESTS_EDU_DMA_EDU_H

/* What main.c (DMA, MSI) and intx.c (INTx) of edu-dma share. */
#include "guests/lib/runtime.h"

#define EXIT_NO_INTX		11

/* PCI Local Bus spec 3.0, 6.1/6.2/6.8.1: the registers both use. */
#define PCI_ID			0x00	/* device << 16 | vendor */
#define PCI_COMMAND		0x04	/* status in the upper half */
#define PCI_CMD_INTX_OFF	(1u << 10)
#define PCI_INTERRUPT_REG	0x3c	/* line, then pin (1-4: INTA-D) */
#define PCI_CAP_ID_MSI		0x05
#define MSI_CTRL_ENABLE		(1u << 16)	/* in the cap's first dword */

/* Intel SDM Vol. 3A 11.4.1: the xAPIC ID register. */
#define LAPIC_ID		0xfee00020u

/* QEMU hw/misc/edu.c: interrupt status, raise and acknowledge. */
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64
#define EDU_TEST_IRQ		0x1000u		/* any irq_status bit */

#define MSI_WAIT_TICKS		(1ull << 28)

extern uint32_t edu_bar;
/* Bumped by isr.S. */
extern volatile uint32_t msi_count, other_count, intx_count;
/* Where intx_isr acknowledges the device: edu_bar + EDU_IRQ_ACK. */
extern volatile uint32_t intx_ack_reg;
void msi_isr(void), other_isr(void), spurious_isr(void), intx_isr(void);
/* msi_isr that also stores the TSC it ran at in msi_tsc, first. */
void msi_tsc_isr(void);
extern volatile uint64_t msi_tsc;
void intx_stuck_isr(void);

uint32_t pci_read(uint32_t bdf, uint32_t off);
void pci_write(uint32_t bdf, uint32_t off, uint32_t v);
uint32_t pci_find_cap(uint32_t bdf, uint32_t cap_id);
uint32_t edu_read(uint32_t reg);
void edu_write(uint32_t reg, uint32_t v);
void idt_set(uint32_t vec, void (*fn)(void));
void irq_setup(void);

/*
 * INTx with MSI off: the GSI from the partition's _PRT, the I/O APIC pin
 * programmed level-triggered for `vec` on our own APIC, `rounds` raises
 * each delivered once, then one held by the mask and delivered on unmask.
 */
int intx_test(uint32_t bdf, uint32_t vec, uint32_t rounds);
/* The MSI capability aimed at `dest` with `vec`, enabled; 0 if none. */
uint32_t msi_enable(uint32_t bdf, uint32_t dest, uint32_t vec);
/*
 * On a core shared in time: `rounds` MSIs each raised in our window,
 * under CLI across a window change, and by DMAs finishing in a
 * neighbour's window; all must arrive (windows.c).
 */
int msi_windows_test(uint32_t bdf, uint32_t vec, uint32_t rounds,
		     uint64_t gap);
/*
 * vCPU 1 (started here, on a core of its own) raises edu's MSI every
 * `pace` ticks for `units` << 20 ticks; vCPU 0 takes them. The last
 * raise must be delivered (storm.c).
 */
int msi_storm_test(uint32_t bdf, uint32_t vec, uint32_t units, uint32_t pace);
/* Raises INTx, leaves it unhandled and resets the partition. */
void intx_leave_raised(uint32_t bdf, uint32_t vec) __attribute__((noreturn));

#endif
