#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Boots a Bulkhead image in Bochs, which emulates Intel VMX with EPT.
#   scripts/run-bochs.sh IMAGE [CPUS] [SERIAL_FILE]
# Without SERIAL_FILE the serial console is this terminal, or standard
# output when there is no terminal (make run-vmx from a script). A
# SERIAL_FILE that is a terminal (a pty the test harness holds) is a
# two-way console: what is typed there reaches the machine's COM1. Bochs' display
# is a VNC server (rfb) on port 5900 or the next free one. Bochs always
# exits with status 1, so this script exits 0 once Bochs has ended: judge
# a run by its serial output.
set -eu
image=$1
cpus=${2:-2}
serial=${3:-}
OVMF=${OVMF:-/usr/share/ovmf/OVMF.fd}
work=$(mktemp -d)
follow=""
trap 'rm -rf "$work"' EXIT

if [ -z "$serial" ] && ! (: </dev/tty) 2>/dev/null; then
	# No terminal for Bochs' "term" mode: a file, followed on stdout.
	serial="$work/serial.txt"
	: >"$serial"
	follow=yes
fi
if [ -c "$serial" ]; then
	com1="com1: enabled=1, mode=term, dev=$serial"
elif [ -n "$serial" ]; then
	com1="com1: enabled=1, mode=file, dev=$serial"
else
	com1="com1: enabled=1, mode=term, dev=/dev/tty"
fi
# Debian's Bochs has no headless display and starts in its debugger:
# rfb with no wait for a client, and a command file that says "continue".
# Its sound mixer thread aborts without a sound card: use the dummy driver.
cat >"$work/bochsrc" <<EOF2
display_library: rfb, options="timeout=0"
megs: 512
romimage: file=$OVMF, address=0xffe00000
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
cpu: model=corei7_skylake_x, count=$cpus, ips=100000000, reset_on_triple_fault=0
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$work/disk.img, mode=flat
boot: disk
$com1
log: $work/bochs.log
clock: sync=none, time0=local
sound: driver=dummy
speaker: enabled=0
EOF2
echo c >"$work/commands"
# Bochs locks its disk image; a private copy keeps runs independent.
cp "$image" "$work/disk.img"
if [ -z "$follow" ]; then
	bochs -q -f "$work/bochsrc" -rc "$work/commands" </dev/null \
		>"$work/out" 2>&1 || true
	exit 0
fi
bochs -q -f "$work/bochsrc" -rc "$work/commands" </dev/null >"$work/out" 2>&1 &
bochs_pid=$!
# --pid: tail reads the file once more after Bochs has ended, then stops.
tail -n +1 -f --pid="$bochs_pid" "$serial"
wait "$bochs_pid" || true
