/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdbool.h>

/*
 * Keyboard input of the hypervisor console (the physical serial port):
 * it goes to one partition at a time, the one with the focus, through
 * that partition's vUART. Ctrl-A three times moves the focus on.
 */
void console_input_start(void);
/*
 * Takes what was typed, on the CPU the UART interrupts (as an NMI); other
 * CPUs return at once. `kicked`: this CPU just saw an NMI.
 */
void console_input_service(bool kicked);

#endif
