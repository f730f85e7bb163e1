/* SPDX-License-Identifier: BSD-2-Clause */
#include "kernel/console_keys.h"

unsigned int console_keys_feed(struct console_keys *k, uint8_t c,
			       uint8_t out[CONSOLE_SWITCH_PRESSES],
			       bool *switch_focus)
{
	unsigned int n = 0;

	*switch_focus = false;
	if (c == CONSOLE_SWITCH_KEY) {
		if (++k->held == CONSOLE_SWITCH_PRESSES) {
			k->held = 0;
			*switch_focus = true;
		}
		return 0;
	}
	/* The sequence was broken: the Ctrl-As held back were typed keys. */
	while (k->held) {
		out[n++] = CONSOLE_SWITCH_KEY;
		k->held--;
	}
	out[n++] = c;
	return n;
}
