/* SPDX-License-Identifier: BSD-2-Clause */
#include "drivers/machine_exit.h"
#include "arch/x86/asm.h"

#define QEMU_DEBUG_EXIT_PORT	0xf4
#define BOCHS_SHUTDOWN_PORT	0x8900

void machine_exit(uint32_t code)
{
	static const char bochs_shutdown[] = "Shutdown";

	outl(QEMU_DEBUG_EXIT_PORT, code);
	for (const char *c = bochs_shutdown; *c; c++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*c);
	cpu_halt_forever();
}
