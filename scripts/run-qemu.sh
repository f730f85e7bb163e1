#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Boots a Bulkhead image under QEMU with the serial console on this terminal.
set -eu
image=${1:-build/bulkhead.img}
# qemu-args.sh says which accelerator it chose and why (scripts/accel.py).
cmd=$(scripts/qemu-args.sh "$image" "${SMP:-4}" "${QEMU_CPU:-}")
# Ctrl-A belongs to Bulkhead (three switch the console's input between
# partitions), so QEMU's own escape key moves to Ctrl-].
echo "run: the serial console follows; Ctrl-A three times switches partitions;"
echo "run: quit QEMU with Ctrl-] then X"
# shellcheck disable=SC2086 # the command line is meant to split into words
exec $cmd -echr 0x1d -serial mon:stdio
