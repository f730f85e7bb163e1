/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef GUESTS_SMP_AP_START_H
#define GUESTS_SMP_AP_START_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The BSP's side of waking application processors as firmware does: the
 * real-mode trampoline (trampoline.S) copied to a page below 1 MiB, then
 * INIT and two STARTUP IPIs from the xAPIC (Intel SDM vol. 3A 9.4.4).
 * Shared by the smp guest and bench-idle, which includes this file.
 */
uint32_t ap_lapic_id(void);
/* Copies the trampoline to page << 12 and returns its size; call first. */
uint32_t ap_install_trampoline(uint32_t page);
/*
 * Sends INIT, then two SIPIs to page, with the delays the SDM asks for.
 * NULL, or which IPI stayed pending ("INIT", "SIPI").
 */
const char *ap_start(uint32_t apic_id, uint32_t page);
/* Waits at most a few seconds; the TSC when there is one, else spins. */
bool ap_wait(volatile uint32_t *count, uint32_t want);

#endif
