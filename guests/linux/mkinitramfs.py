#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Builds the Linux partitions' initramfs: Debian's static busybox and an
/init that mounts proc, sys and devtmpfs, says "bulkhead-initramfs: ready"
and keeps a shell on the console.

  mkinitramfs.py [--busybox /bin/busybox] --out build/linux/initrd.img
  mkinitramfs.py --kernel build/linux/vmlinuz --modules nvme,e1000e \
      --out build/linux/initrd-pci.img

With --modules it also carries those kernel modules and everything they
depend on, copied from /lib/modules/RELEASE/ (RELEASE read from the
bzImage given with --kernel, so they always match the kernel), with a
modules.dep listing just them: `modprobe nvme` then works in the guest.

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
import struct
import sys

NEWC_MAGIC = b"070701"
NEWC_ALIGN = 4
TRAILER = "TRAILER!!!"
CONSOLE_MAJOR, CONSOLE_MINOR = 5, 1     # devices.txt: /dev/console
# The bzImage setup header (Documentation/arch/x86/boot.rst): "HdrS" at
# 0x202; kernel_version at 0x20e points to a string, less 0x200.
HDR_MAGIC_OFF, HDR_MAGIC, KERNEL_VERSION_OFF = 0x202, b"HdrS", 0x20e
SETUP_BASE = 0x200
MODULES_ROOT = "/lib/modules"

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


def kernel_release(vmlinuz):
    """The release (uname -r) a bzImage states in its setup header."""
    with open(vmlinuz, "rb") as f:
        head = f.read(0x10000)
    if head[HDR_MAGIC_OFF:HDR_MAGIC_OFF + 4] != HDR_MAGIC:
        sys.exit("mkinitramfs: %s is not a bzImage" % vmlinuz)
    off = struct.unpack_from("<H", head, KERNEL_VERSION_OFF)[0] + SETUP_BASE
    return head[off:head.index(b"\0", off)].split()[0].decode()


def module_key(name):
    """modprobe treats - and _ alike: nvme-core is nvme_core."""
    return name.replace("-", "_")


def resolve_modules(moddir, names):
    """[(path relative to moddir, [its dependencies])] for names and all
    they need, in modules.dep's own words, dependencies first."""
    deps = {}
    by_name = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
            base = os.path.basename(path).split(".ko")[0]
            by_name[module_key(base)] = path
    order = []

    def visit(path):
        if path in order:
            return
        for d in deps[path]:
            visit(d)
        order.append(path)

    for n in names:
        if module_key(n) not in by_name:
            sys.exit("mkinitramfs: no module %s in %s/modules.dep"
                     % (n, moddir))
        visit(by_name[module_key(n)])
    return [(p, deps[p]) for p in order]


def add_modules(a, moddir, release, names):
    """lib/modules/RELEASE/<path> for each module, and modules.dep."""
    made = set()

    def mkdirs(path):
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in made:
                made.add(d)
                a.add(d, stat.S_IFDIR | 0o755)

    top = "lib/modules/" + release
    mkdirs(top)
    dep = []
    for path, needs in resolve_modules(moddir, names):
        with open(os.path.join(moddir, path), "rb") as f:
            data = f.read()
        mkdirs(os.path.dirname(top + "/" + path))
        a.add(top + "/" + path, stat.S_IFREG | 0o644, data)
        dep.append("%s:%s\n" % (path, "".join(" " + n for n in needs)))
    a.add(top + "/modules.dep", stat.S_IFREG | 0o644, "".join(dep).encode())


def build(busybox, modules=None):
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
    if modules:
        add_modules(a, *modules)
    return a.finish()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--busybox", default="/bin/busybox",
                   help="a statically linked busybox (Debian busybox-static)")
    p.add_argument("--out", required=True, help="the gzipped cpio to write")
    p.add_argument("--kernel", help="the bzImage the modules are for")
    p.add_argument("--modules", default="",
                   help="comma-separated kernel modules to add (with "
                        "their dependencies)")
    p.add_argument("--modules-root", default=MODULES_ROOT,
                   help="where the kernels' module trees are")
    args = p.parse_args()
    if not os.path.exists(args.busybox):
        sys.exit("mkinitramfs: no %s: install busybox-static "
                 "(scripts/deps.sh)" % args.busybox)
    modules = None
    if args.modules:
        if not args.kernel:
            sys.exit("mkinitramfs: --modules needs --kernel")
        release = kernel_release(args.kernel)
        moddir = os.path.join(args.modules_root, release)
        if not os.path.isdir(moddir):
            sys.exit("mkinitramfs: no %s: install the modules of Linux %s "
                     "(linux-image-%s)" % (moddir, release, release))
        modules = (moddir, release, args.modules.split(","))
    data = gzip.compress(build(args.busybox, modules), compresslevel=9,
                         mtime=0)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
