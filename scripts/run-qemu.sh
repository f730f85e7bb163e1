#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Boots a Bulkhead image under QEMU with the serial console on this terminal.
set -eu
image=${1:-build/bulkhead.img}
cmd=$(scripts/qemu-args.sh "$image" "${SMP:-4}" "${QEMU_CPU:-}")
case "$cmd" in
*-enable-kvm*) echo "run: KVM found: booting with -cpu host (nested VMX/SVM)" ;;
*) echo "run: no usable /dev/kvm: booting under TCG with an SVM CPU (slower)" ;;
esac
echo "run: the serial console follows; quit QEMU with Ctrl-A then X"
# shellcheck disable=SC2086 # the command line is meant to split into words
exec $cmd -serial mon:stdio
