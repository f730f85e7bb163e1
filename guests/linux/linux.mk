# SPDX-License-Identifier: BSD-2-Clause
# The Linux guest: this machine's newest Debian kernel (linux-image-amd64),
# unmodified, and a busybox initramfs built by guests/linux/mkinitramfs.py.
# Scenarios name them as linux/vmlinuz and linux/initrd.img (mkimage.py
# finds them under $(BUILD)). Included by the top-level Makefile.
# linux/initrd-pci.img is the same plus the driver modules the PCI
# passthrough scenarios load (Debian builds them as modules), taken from
# /lib/modules/ of that kernel's release; the default stays small.

BUILD   ?= build
PYTHON  ?= /usr/bin/python3

LINUX_OUT     := $(BUILD)/linux
LINUX_VMLINUZ := $(shell ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
LINUX_BUSYBOX ?= /bin/busybox
LINUX_PCI_MODULES ?= nvme,e1000e

.PHONY: linux-guest
linux-guest: $(LINUX_OUT)/vmlinuz $(LINUX_OUT)/initrd.img \
	$(LINUX_OUT)/initrd-pci.img

$(LINUX_OUT)/vmlinuz: $(LINUX_VMLINUZ)
	@test -n "$<" || { echo "linux-guest: no /boot/vmlinuz-*: install linux-image-amd64 (scripts/deps.sh)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	cp $< $@

$(LINUX_OUT)/initrd.img: guests/linux/mkinitramfs.py $(LINUX_BUSYBOX)
	$(PYTHON) guests/linux/mkinitramfs.py --busybox $(LINUX_BUSYBOX) \
		--out $@

$(LINUX_OUT)/initrd-pci.img: guests/linux/mkinitramfs.py $(LINUX_BUSYBOX) \
		$(LINUX_OUT)/vmlinuz
	$(PYTHON) guests/linux/mkinitramfs.py --busybox $(LINUX_BUSYBOX) \
		--kernel $(LINUX_OUT)/vmlinuz --modules $(LINUX_PCI_MODULES) \
		--out $@
