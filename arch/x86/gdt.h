/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef ARCH_X86_GDT_H
#define ARCH_X86_GDT_H

#include <stdint.h>

#define GDT_CODE64_SEL	0x08
#define GDT_DATA_SEL	0x10
#define GDT_TSS_FIRST	3	/* TSS descriptors (16 bytes each) start here */

/* 64-bit TSS (Intel SDM vol. 3A 8.7, figure 8-11). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Interrupt stack table slots (1-based, as the IDT gate encodes them). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_COUNT		3

/* Loads the shared GDT, this CPU's TSS (with its IST stacks) and segments. */
void gdt_load_cpu(unsigned int cpu, struct tss64 *tss);

#endif
