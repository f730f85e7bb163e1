#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Builds the Linux partitions' initramfs: Debian's static busybox and an
/init that mounts proc, sys and devtmpfs, says "bulkhead-initramfs: ready"
and keeps a shell on the console.

  mkinitramfs.py [--busybox /bin/busybox] --out build/linux/initrd.img

The archive is written directly in the kernel's "newc" cpio format
(Documentation/driver-api/early-userspace/buffer-format.rst) and gzipped,
with fixed owners and times, so it needs no root (the /dev/console node is
in it) and the same busybox always gives the same bytes.
"""
import argparse
import gzip
import io
import os
import stat
import sys

NEWC_MAGIC = b"070701"
NEWC_ALIGN = 4
TRAILER = "TRAILER!!!"
CONSOLE_MAJOR, CONSOLE_MINOR = 5, 1     # devices.txt: /dev/console

# PID 1. The kernel opens /dev/console for it; cttyhack then makes the real
# console (ttyS0) the shell's controlling terminal so that job control and
# Ctrl-C work, and setsid gives the shell a session to control. When the
# shell exits a new one starts: init must never exit.
INIT = """#!/bin/busybox sh
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
# --install finds busybox through /proc/self/exe.
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=vt100
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "bulkhead-initramfs: ready ($(nproc) CPUs, $(sed -n 's/^MemTotal: *//p' /proc/meminfo), Linux $(uname -r))"
cd /root
while true; do
\tsetsid cttyhack sh -l
\techo "bulkhead-initramfs: shell exited, starting another"
done
"""

PROFILE = """PS1='bulkhead:\\w# '
export PS1
"""


class Newc:
    """Accumulates newc cpio entries."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1

    def _pad(self):
        self.out.write(b"\0" * (-self.out.tell() % NEWC_ALIGN))

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        fields = [self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0,
                  len(data), 0, 0, rdev[0], rdev[1], len(name) + 1, 0]
        self.ino += 1
        self.out.write(NEWC_MAGIC)
        self.out.write("".join("%08X" % f for f in fields).encode())
        self.out.write(name.encode() + b"\0")
        self._pad()
        self.out.write(data)
        self._pad()

    def finish(self):
        self.add(TRAILER, 0)
        return self.out.getvalue()


def build(busybox):
    with open(busybox, "rb") as f:
        bb = f.read()
    if bb[:4] != b"\x7fELF":
        sys.exit("mkinitramfs: %s is not an ELF executable" % busybox)
    if b"/lib64/ld-linux" in bb[:4096] or b"ld-linux-x86-64" in bb[:4096]:
        sys.exit("mkinitramfs: %s is dynamically linked; install "
                 "busybox-static" % busybox)
    a = Newc()
    for d in ("bin", "dev", "etc", "proc", "sys", "root", "tmp"):
        a.add(d, stat.S_IFDIR | 0o755)
    a.add("dev/console", stat.S_IFCHR | 0o600,
          rdev=(CONSOLE_MAJOR, CONSOLE_MINOR))
    a.add("bin/busybox", stat.S_IFREG | 0o755, bb)
    a.add("bin/sh", stat.S_IFLNK | 0o777, b"busybox")
    a.add("etc/profile", stat.S_IFREG | 0o644, PROFILE.encode())
    a.add("init", stat.S_IFREG | 0o755, INIT.encode())
    return a.finish()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--busybox", default="/bin/busybox",
                   help="a statically linked busybox (Debian busybox-static)")
    p.add_argument("--out", required=True, help="the gzipped cpio to write")
    args = p.parse_args()
    if not os.path.exists(args.busybox):
        sys.exit("mkinitramfs: no %s: install busybox-static "
                 "(scripts/deps.sh)" % args.busybox)
    data = gzip.compress(build(args.busybox), compresslevel=9, mtime=0)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
