#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""AMD-Vi blocks a device no partition owns, checked from the host until
partitions can drive devices: Bulkhead boots (a ticker partition, no
devices) beside QEMU's edu; through QEMU's qtest socket the host turns
edu's bus mastering back on and has it copy 8 bytes RAM -> edu -> RAM.
Without an IOMMU the copy lands (control run); with amd-iommu it must not.
Usage: amd_vi_dma_probe.py  (after `make all`); prints PASS/FAIL lines."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
CONFIG = ('[partition ticker]\ncpus = 1\nmemory = 8M\n'
          'kernel = guests/hello.elf\ncmdline = "count=100000 spin=2000000"\n')
ECAM = 0xb0000000               # q35 (DESIGN.md, measured)
EDU_SRC, EDU_DST, EDU_COUNT, EDU_CMD = 0x80, 0x88, 0x90, 0x98
EDU_START, EDU_TO_RAM, EDU_BUFFER = 1, 2, 0x40000
SRC, DST = 0x20000000, 0x20001000   # RAM nobody uses this early
PATTERN, POISON = 0x1122334455667788, 0xdeadbeefdeadbeef


def boot(work, iommu):
    image, serial, sock = (os.path.join(work, n)
                           for n in ("probe.img", "serial", "qtest.sock"))
    cfg = os.path.join(work, "probe.cfg")
    with open(cfg, "w") as f:
        f.write(CONFIG)
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/mkimage.py"),
                    "--efi", os.path.join(ROOT, "build/bulkhead.efi"),
                    "--config", cfg, "--search", os.path.join(ROOT, "build"),
                    "--out", image], check=True, stdout=subprocess.DEVNULL)
    args = subprocess.run([os.path.join(ROOT, "scripts/qemu-args.sh"), image,
                           "4", "max"], check=True, text=True,
                          stdout=subprocess.PIPE).stdout.split()
    args += (["-device", "amd-iommu"] if iommu else []) + [
        "-device", "edu,dma_mask=0xffffffffffffffff",
        "-serial", "file:" + serial,
        "-qtest", "unix:%s,server=on,wait=off" % sock]
    return subprocess.Popen(args, stderr=subprocess.DEVNULL), serial, sock


def wait_for_ticker(serial):
    for _ in range(900):
        time.sleep(0.1)
        if os.path.exists(serial):
            text = open(serial, errors="replace").read()
            if "ticker: hello 3/" in text:
                return text
    raise RuntimeError("the ticker partition never ran")


def probe(iommu):
    with tempfile.TemporaryDirectory() as work:
        qemu, serial, path = boot(work, iommu)
        try:
            text = wait_for_ticker(serial)
            m = re.search(r"PCI (\w\w):(\w\w)\.(\w) 1234:11e8 .*bar0 mem32 "
                          r"(0x[0-9a-f]+)", text)
            bus, dev, fn, bar = (int(g, 16) for g in m.groups())
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            f = s.makefile("rw")

            def qtest(line):
                f.write(line + "\n")
                f.flush()
                while True:
                    reply = f.readline().split()
                    if reply and reply[0] in ("OK", "FAIL", "ERR"):
                        return reply

            cfg = ECAM + (bus << 20 | dev << 15 | fn << 12)
            qtest("writew %#x 0x6" % (cfg + 4))   # memory + bus master
            qtest("writeq %#x %#x" % (SRC, PATTERN))
            qtest("writeq %#x %#x" % (DST, POISON))
            for way, a, b in ((0, SRC, EDU_BUFFER), (EDU_TO_RAM, EDU_BUFFER,
                                                     DST)):
                qtest("writeq %#x %#x" % (bar + EDU_SRC, a))
                qtest("writeq %#x %#x" % (bar + EDU_DST, b))
                qtest("writeq %#x 8" % (bar + EDU_COUNT))
                qtest("writeq %#x %#x" % (bar + EDU_CMD, EDU_START | way))
                time.sleep(0.5)             # edu copies after 100 ms
            got = int(qtest("readq %#x" % DST)[1], 16)
            iommu_line = re.search(r"IOMMU: .*", text).group(0)
            return got, iommu_line
        finally:
            qemu.kill()
            qemu.wait()


def main():
    failed = 0
    for iommu, want, what in ((False, PATTERN, "lands without an IOMMU"),
                              (True, POISON, "is blocked by AMD-Vi")):
        got, line = probe(iommu)
        ok = got == want
        failed += not ok
        print("%s edu's DMA %s (destination %#x) [%s]" % (
            "PASS" if ok else "FAIL", what, got, line))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
