#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Installs what building and testing Bulkhead needs, on Debian or Ubuntu.
# Elsewhere it prints the packages to install and fails.
set -eu

PACKAGES="gcc make binutils gnu-efi libcmocka-dev qemu-system-x86 ovmf \
mtools dosfstools python3 bochs bochsbios vgabios"
# The Linux guest: Debian's stock kernel, a static busybox for its
# initramfs, and cpio to list that archive (zcat build/linux/initrd.img | cpio -t).
PACKAGES="$PACKAGES linux-image-amd64 busybox-static cpio"
# iasl (acpica-tools) disassembles the guest ACPI tables in the tests, so
# that ACPICA, the interpreter Linux uses, checks the AML we generate.
PACKAGES="$PACKAGES acpica-tools"
# The fuzz targets (tests/fuzz, make fuzz): clang with its sanitizer and
# libFuzzer runtimes, which Debian 12 ships apart from the compiler, in
# libclang-rt-14-dev (clang only recommends it, and recommends are not
# installed here); Capstone is the reference decoder of fuzz_insn.
PACKAGES="$PACKAGES clang libclang-rt-14-dev libcapstone-dev"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PACKAGES; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$status" in
		*"install ok installed"*) ;;
		*) missing="$missing $p" ;;
		esac
	done
else
	echo "deps: this is not a Debian/Ubuntu system; install the equivalents of:" >&2
	echo "  $PACKAGES" >&2
	echo "  (gnu-efi headers and crt0, cmocka, QEMU for x86-64, OVMF firmware, mtools," >&2
	echo "   dosfstools, Bochs with its BIOS and VGA BIOS for the Intel VMX tests," >&2
	echo "   and clang with its libFuzzer/sanitizer runtimes and Capstone for make fuzz)" >&2
	exit 1
fi
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "deps: need root to install:$missing" >&2
		echo "  run: apt-get update && apt-get install -y$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086 # the list is meant to split into words
$SUDO apt-get install -y --no-install-recommends $missing
