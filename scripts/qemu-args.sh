#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Prints the QEMU command line that boots IMAGE as a USB stick through OVMF.
# Used by `make run` and by the integration tests, so both boot alike.
#   scripts/qemu-args.sh IMAGE [SMP] [CPU]
# A CPU model named here runs under TCG (the tests name the exact model
# they need). Without one, scripts/accel.py chooses: KVM only where the
# host can nest VMX/SVM, TCG otherwise (QEMU_ACCEL=tcg|kvm forces either);
# it says why on standard error and fails when a forced KVM cannot work.
set -eu
image=$1
smp=${2:-4}
cpu=${3:-}
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}

if [ -n "$cpu" ]; then
	accel="-accel tcg -cpu $cpu"
else
	accel=$(/usr/bin/python3 "$(dirname "$0")/accel.py")
fi
echo "qemu-system-x86_64 -machine q35 $accel -smp $smp -m 1G" \
	"-bios $OVMF -display none -no-reboot -nic none" \
	"-drive if=none,id=stick,format=raw,file=$image" \
	"-device qemu-xhci -device usb-storage,drive=stick" \
	"-device isa-debug-exit,iobase=0xf4,iosize=0x04"
