/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_SMP_SMP_H
#define GUESTS_SMP_SMP_H

/* Shared by trampoline.S and main.c. */
#define SMP_MAX_CPUS		64
#define SMP_AP_STACK_SHIFT	12		/* 4 KiB per AP */
#define SMP_AP_STACK_SIZE	(1 << SMP_AP_STACK_SHIFT)
#define SMP_SEL_CODE		0x08
#define SMP_SEL_DATA		0x10

#ifndef __ASSEMBLER__
/* The real-mode trampoline image, copied below 1 MiB before SIPI. */
extern const char tramp_start[], tramp_end[];
/* Inside it: the GDT and the 32-bit base field of the GDTR to patch. */
extern const char tramp_gdt[], tramp_gdtr_base[];

void ap_main(void) __attribute__((noreturn));
#endif

#endif /* GUESTS_SMP_SMP_H */
