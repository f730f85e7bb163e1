# SPDX-License-Identifier: BSD-2-Clause
# The Linux guest: this machine's newest Debian kernel (linux-image-amd64),
# unmodified, and a busybox initramfs built by guests/linux/mkinitramfs.py.
# Scenarios name them as linux/vmlinuz and linux/initrd.img (mkimage.py
# finds them under $(BUILD)). Included by the top-level Makefile.

BUILD   ?= build
PYTHON  ?= /usr/bin/python3

LINUX_OUT     := $(BUILD)/linux
LINUX_VMLINUZ := $(shell ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
LINUX_BUSYBOX ?= /bin/busybox

.PHONY: linux-guest
linux-guest: $(LINUX_OUT)/vmlinuz $(LINUX_OUT)/initrd.img

$(LINUX_OUT)/vmlinuz: $(LINUX_VMLINUZ)
	@test -n "$<" || { echo "linux-guest: no /boot/vmlinuz-*: install linux-image-amd64 (scripts/deps.sh)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	cp $< $@

$(LINUX_OUT)/initrd.img: guests/linux/mkinitramfs.py $(LINUX_BUSYBOX)
	$(PYTHON) guests/linux/mkinitramfs.py --busybox $(LINUX_BUSYBOX) \
		--out $@
