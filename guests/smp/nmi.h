/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_SMP_NMI_H
#define GUESTS_SMP_NMI_H

#include <stdbool.h>
#include <stdint.h>

/* Loads the IDT with the counting NMI handler; on every vCPU. */
void nmi_setup_cpu(void);
/* Run on vCPU self once `other` is up and halted; true when all passed. */
bool nmi_test(uint32_t self, uint32_t other);

#endif
