#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Prints the QEMU command line that boots IMAGE as a USB stick through OVMF.
# Used by `make run` and by the integration tests, so both boot alike.
#   scripts/qemu-args.sh IMAGE [SMP] [CPU]
# CPU defaults to `host` with KVM when /dev/kvm is usable, else to a TCG
# CPU with SVM and nested paging.
set -eu
image=$1
smp=${2:-4}
cpu=${3:-}
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}

accel="-accel tcg"
if [ -z "$cpu" ]; then
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		accel="-enable-kvm"
		cpu=host
	else
		cpu=max
	fi
fi
echo "qemu-system-x86_64 -machine q35 $accel -cpu $cpu -smp $smp -m 1G" \
	"-bios $OVMF -display none -no-reboot -nic none" \
	"-drive if=none,id=stick,format=raw,file=$image" \
	"-device qemu-xhci -device usb-storage,drive=stick" \
	"-device isa-debug-exit,iobase=0xf4,iosize=0x04"
