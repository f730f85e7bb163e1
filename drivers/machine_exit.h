/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DRIVERS_MACHINE_EXIT_H
#define DRIVERS_MACHINE_EXIT_H

#include <stdint.h>

/*
 * Ends the whole run: QEMU's isa-debug-exit device (configured at port
 * 0xf4, exit status (code << 1) | 1), then Bochs' shutdown port. On real
 * hardware neither exists and the CPU halts.
 */
void __attribute__((noreturn)) machine_exit(uint32_t code);

#endif
