# SPDX-License-Identifier: BSD-2-Clause
"""Linux partitions driving passed-through PCI functions: an NVMe disk
whose first MiB the guest checksums, and two partitions, each with its
own e1000e on one QEMU hub, pinging each other over IPv6 link-local
addresses (never IPv4). Debian's kernel with build/linux/initrd-pci.img
(the busybox initramfs plus the nvme and e1000e modules).

Each has a bare twin (QEMU -kernel, no hypervisor, the same kernel,
initramfs, devices and typed commands), so the guest side is known good
on its own. The Bulkhead runs use QEMU's AMD-Vi."""
import hashlib
import os
import random
import re

from harness import Scenario
from scenarios import LINUX_FORBID, PROMPT, SWITCH

AMD_IOMMU = ["-device", "amd-iommu"]     # before the devices: slot 3
NVME_SLOT = 5
NET_SLOTS = (6, 7)
MACS = ("52:54:00:b1:0c:01", "52:54:00:b1:0c:02")
DISK_BYTES = 1 << 20
DISK_SEED = 0xb1c0
BARE_PROMPT = r"bulkhead:/root# "


def link_local(mac):
    """The EUI-64 link-local address Linux derives from a MAC (RFC 4291
    appendix A: ff:fe in the middle, the universal/local bit flipped)."""
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 0x02
    eui = b[:3] + [0xff, 0xfe] + b[3:]
    return "fe80::" + ":".join("%x" % (eui[i] << 8 | eui[i + 1])
                               for i in range(0, 8, 2))


LINK_LOCAL = tuple(link_local(m) for m in MACS)


def disk_bytes():
    return random.Random(DISK_SEED).randbytes(DISK_BYTES)


DISK_SHA256 = hashlib.sha256(disk_bytes()).hexdigest()


def nvme_drive(workdir):
    """A raw disk of known random bytes, as the NVMe namespace."""
    path = os.path.join(workdir, "nvme-disk.img")
    with open(path, "wb") as f:
        f.write(disk_bytes())
    return ["-drive", "file=%s,if=none,id=nv,format=raw" % path,
            "-device", "nvme,drive=nv,serial=bulkhead,addr=%#x" % NVME_SLOT]


def e1000e_pair(workdir):
    """Two e1000e functions on hub 0: whatever one sends, the other gets."""
    args = []
    for i, (slot, mac) in enumerate(zip(NET_SLOTS, MACS)):
        args += ["-netdev", "hubport,hubid=0,id=n%d" % i,
                 "-device", "e1000e,netdev=n%d,mac=%s,addr=%#x" % (
                     i, mac, slot)]
    return args


# What the guests type. The namespace shows up a moment after modprobe.
NVME_SUM = ("modprobe nvme; for i in $(seq 150); do [ -b /dev/nvme0n1 ] "
            "&& break; sleep 0.2; done; "
            "echo NVME-SHA=$(head -c %d /dev/nvme0n1 | sha256sum)\n"
            % DISK_BYTES)


def wait_link_local(dev):
    """Until dev has its link-local address and duplicate address
    detection is over (a tentative address cannot be pinged from)."""
    show = "ip -6 addr show dev %s" % dev
    return ("for i in $(seq 60); do %s | grep -q 'fe80.*scope link' && "
            "! %s | grep -q tentative && break; sleep 0.5; done" % (show,
                                                                    show))


NET_UP = ("modprobe e1000e; ip link set eth0 up; %s; "
          "ip -6 addr show dev eth0 | grep inet6" % wait_link_local("eth0"))
PING = "ping -6 -c 3 %s%%eth0"
PINGED = r"3 packets transmitted, 3 packets received"


def nvme_sum_is_the_disk(prefix):
    def check(text):
        m = re.search(r"(?:^|\] )%sNVME-SHA=([0-9a-f]{64})" % prefix, text,
                      re.M)
        if not m:
            return "no NVME-SHA line"
        if m.group(1) != DISK_SHA256:
            return "the guest read sha256 %s, the disk's is %s" % (
                m.group(1), DISK_SHA256)
        return None
    return check


def addr_line(prefix, i):
    return r"%sinet6 %s/64 scope link" % (prefix, LINK_LOCAL[i])


# Bare: one guest; the second e1000e moves to its own network namespace,
# so the ping crosses the hub instead of the loopback.
BARE_NET = (
    "modprobe e1000e; unshare -n sleep 100000 & ns=$!; sleep 1; "
    "ip link set eth1 netns $ns; nsenter -t $ns -n ip link set eth1 up; "
    "ip link set eth0 up; %s; nsenter -t $ns -n sh -c \"%s\"; "
    "ip -6 addr show dev eth0 | grep inet6; "
    "nsenter -t $ns -n ip -6 addr show dev eth1 | grep inet6; " + PING
    + "\n") % (wait_link_local("eth0"), wait_link_local("eth1"),
               LINK_LOCAL[1])

BARE = dict(engine="qemu-kernel", kernel="linux/vmlinuz",
            initrd="linux/initrd-pci.img", append="console=ttyS0", smp=2,
            forbid=[r"Kernel panic", r"BUG:", r"Oops"], timeout=150)

LINUX_PCI_SCENARIOS = [
    Scenario(
        name="linux-pci-bare-nvme-checksum",
        expect=[r"^bulkhead-initramfs: ready", r"^NVME-SHA=[0-9a-f]{64}"],
        send=[(BARE_PROMPT, NVME_SUM)],
        qemu_extra_fn=nvme_drive, check=nvme_sum_is_the_disk(""), **BARE),
    Scenario(
        name="linux-pci-bare-e1000e-ping6",
        expect=[r"^bulkhead-initramfs: ready", addr_line(r"\s*", 0),
                addr_line(r"\s*", 1), PINGED],
        send=[(BARE_PROMPT, BARE_NET)],
        qemu_extra_fn=e1000e_pair, **BARE),
]

LINUX_PCI = ("[partition %s]\ncpus = %s\nmemory = %s\n"
             "kernel = linux/vmlinuz\ninitrd = linux/initrd-pci.img\n"
             "cmdline = \"console=ttyS0\"\n"
             "devices = 00:%02x.0\n")
NVME_CFG = LINUX_PCI % ("nvme", "1", "192M", NVME_SLOT)
NET_CFG = (LINUX_PCI % ("neta", "1", "192M", NET_SLOTS[0]) +
           LINUX_PCI % ("netb", "2", "192M", NET_SLOTS[1]))
# 3 GiB: 2816 MiB below q35's ECAM window at 0xB0000000, 256 MiB at 4 GiB
# (QEMU's -m 6G has 4 GiB in one piece there for the host block).
NVME_3G_CFG = LINUX_PCI % ("nvme", "1", "3G", NVME_SLOT)
LOW_RAM_KB = 0xb0000000 >> 10


def ram_above_the_hole(text):
    """MemTotal counts RAM above 4 GiB, and the NVMe read is right."""
    m = re.search(r"nvme: MemTotal:\s+(\d+) kB", text)
    if not m:
        return "no MemTotal line"
    if int(m.group(1)) <= LOW_RAM_KB:
        return "MemTotal %s kB: nothing above the %d kB below the hole" % (
            m.group(1), LOW_RAM_KB)
    return nvme_sum_is_the_disk("nvme: ")(text)


LINUX_PCI_SCENARIOS += [
    Scenario(
        name="linux-pci-nvme-checksum",
        config_text=NVME_CFG, smp=4, qemu_extra=AMD_IOMMU,
        qemu_extra_fn=nvme_drive,
        expect=[r"IOMMU: .*interrupt remapping on",
                r"nvme: bulkhead-initramfs: ready",
                r"nvme: NVME-SHA=[0-9a-f]{64}"],
        send=[(PROMPT % "nvme", NVME_SUM)],
        forbid=LINUX_FORBID + [r"IOMMU: .*fault"],
        check=nvme_sum_is_the_disk("nvme: "), timeout=300),
    Scenario(
        name="linux-pci-nvme-3g-ram-above-4g",
        config_text=NVME_3G_CFG, smp=2,
        qemu_extra=["-m", "6G"] + AMD_IOMMU, qemu_extra_fn=nvme_drive,
        expect=[r"partition nvme: RAM at guest-physical 0-0xafffffff and "
                r"0x100000000-0x10fffffff, around its PCI hole",
                r"nvme: .*BIOS-e820: \[mem 0x0000000100000000-"
                r"0x000000010fffffff\] usable",
                r"nvme: bulkhead-initramfs: ready",
                r"nvme: MemTotal:",
                r"nvme: NVME-SHA=[0-9a-f]{64}"],
        send=[(PROMPT % "nvme", "grep MemTotal /proc/meminfo; " + NVME_SUM)],
        forbid=LINUX_FORBID + [r"IOMMU: .*fault"],
        check=ram_above_the_hole, timeout=400),
    Scenario(
        name="linux-pci-e1000e-ping6-between-partitions",
        config_text=NET_CFG, smp=4, qemu_extra=AMD_IOMMU,
        qemu_extra_fn=e1000e_pair,
        expect=[r"IOMMU: .*interrupt remapping on"],
        anywhere=[addr_line(r"neta:\s*", 0), addr_line(r"netb:\s*", 1),
                  r"netb: " + PINGED],
        send=[(PROMPT % "neta", NET_UP + "; echo NETA-UP\n"),
              (r"neta: NETA-UP", SWITCH),
              (r"input goes to partition netb", "\n"),
              (PROMPT % "netb", NET_UP + "; " + PING % LINK_LOCAL[0]
               + "\n")],
        forbid=LINUX_FORBID + [r"IOMMU: .*fault"], timeout=300),
]

# The same NVMe read with MSI turned off in the guest (pci=nomsi): Linux
# finds the line in the partition's _PRT (slot 5 INTA: GSI 21 on q35),
# programs its I/O APIC pin, and every completion arrives as INTx
# through the physical I/O APIC; /proc/interrupts shows the level pin.
NVME_INTX_CFG = NVME_CFG.replace('"console=ttyS0"',
                                 '"console=ttyS0 pci=nomsi"')


def nvme_intx(name, iommu):
    return Scenario(
        name=name,
        config_text=NVME_INTX_CFG, smp=4, qemu_extra=iommu,
        qemu_extra_fn=nvme_drive,
        expect=[r"partition nvme: 00:05\.0 INTA is its GSI 21 \(host GSI "
                r"21, I/O APIC 0 pin 21\)",
                r"nvme: bulkhead-initramfs: ready",
                r"nvme: NVME-SHA=[0-9a-f]{64}",
                r"nvme: \s*21:\s+\d+\s+IO-APIC\s+21-fasteoi\s+nvme0q0"],
        send=[(PROMPT % "nvme", NVME_SUM),
              (r"nvme: NVME-SHA=", "grep nvme /proc/interrupts\n")],
        forbid=LINUX_FORBID + [r"IOMMU: .*fault", r"not routed",
                               r"nvme.*timeout"],
        check=nvme_sum_is_the_disk("nvme: "), timeout=300)


LINUX_PCI_SCENARIOS += [
    nvme_intx("linux-pci-nvme-intx-checksum", AMD_IOMMU),
    nvme_intx("linux-pci-nvme-intx-checksum-vt-d",
              ["-device", "intel-iommu,intremap=on"]),
]
