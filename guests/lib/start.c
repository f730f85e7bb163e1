/* SPDX-License-Identifier: BSD-2-Clause */
#include "guests/lib/runtime.h"

/* QEMU isa-debug-exit semantics: the written value is the exit code. */
#define DEBUG_EXIT_PORT	0xf4

void guest_start(uint32_t magic, const struct mb_info *mbi);

void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
}

void guest_exit(uint32_t code)
{
	outl(DEBUG_EXIT_PORT, code);
	halt_forever();
}

/* Called from entry.S on the boot stack. */
void guest_start(uint32_t magic, const struct mb_info *mbi)
{
	serial_init();
	guest_exit((uint32_t)main(magic, mbi));
}
