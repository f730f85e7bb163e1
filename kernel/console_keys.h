/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KERNEL_CONSOLE_KEYS_H
#define KERNEL_CONSOLE_KEYS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The key sequence that moves the console's input to the next partition:
 * Ctrl-A pressed three times in a row, as Xen's console does. Fewer
 * Ctrl-As followed by another key reach the partition unchanged, so
 * programs that use Ctrl-A (shells, editors) still get it.
 */
#define CONSOLE_SWITCH_KEY	0x01	/* Ctrl-A */
#define CONSOLE_SWITCH_PRESSES	3

struct console_keys {
	unsigned int held;	/* Ctrl-As seen in a row, not yet passed on */
};

/*
 * Feeds one typed byte. Returns how many bytes of out[] go to the
 * partition that has the keyboard; *switch_focus tells whether the
 * sequence was completed by this byte.
 */
unsigned int console_keys_feed(struct console_keys *k, uint8_t c,
			       uint8_t out[CONSOLE_SWITCH_PRESSES],
			       bool *switch_focus);

#endif
