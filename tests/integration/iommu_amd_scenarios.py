# SPDX-License-Identifier: BSD-2-Clause
"""AMD-Vi present (QEMU's amd-iommu): the hypervisor turns it on, blocking
every device's DMA and interrupts, and everything runs as before. The
IOMMU comes after the harness's own devices, so it is PCI 00:03.0."""
import dataclasses

from harness import Scenario
from scenarios import (ASK, LINUX_FORBID, PROMPT, READY, SCENARIOS,
                       SWITCH)

AMD_IOMMU = ["-device", "amd-iommu"]
EDU = ["-device", "edu,dma_mask=0xffffffffffffffff"]
AMD_VI_ON = (r"IOMMU: AMD-Vi at 0xfed80000 \(00:03\.0\): DMA and interrupts "
             r"of all 65536 device IDs blocked \(\d+ listed by IVRS\), "
             r"interrupt remapping on, I/O APIC 0 as 00:14\.0 with NMIs "
             r"passed")
NOT_STARTED = r"IOMMU: .* not started"


def with_amd_iommu(name, extra=()):
    """An existing scenario, unchanged but for the IOMMU beside it."""
    s = next(s for s in SCENARIOS if s.name == name)
    return dataclasses.replace(
        s, name=name + "-amd-vi", qemu_extra=AMD_IOMMU + list(extra) +
        s.qemu_extra, anywhere=s.anywhere + [AMD_VI_ON],
        forbid=s.forbid + [NOT_STARTED])


IOMMU_AMD_SCENARIOS = [
    # `make run`'s default: Linux beside a bare-metal partition; typing on
    # the console needs its NMI, which now goes through the IOMMU.
    Scenario(
        name="amd-vi-default-run-types-on-linux",
        qemu_extra=AMD_IOMMU + EDU,
        expect=[AMD_VI_ON],
        anywhere=[r"hello: hello 5/5", r"partition hello exited with code 0",
                  READY % ("linux", 2), r"linux: CPUS=2 MEM=\d+ kB",
                  r"console: keyboard input goes to partition hello"],
        send=[(PROMPT % "linux", ASK), (r"linux: CPUS=2", SWITCH)],
        forbid=LINUX_FORBID + [NOT_STARTED],
        timeout=240,
    ),
    with_amd_iommu("usb-boot-4-cpus"),
    with_amd_iommu("three-partitions-run-to-their-exit-codes", EDU),
    with_amd_iommu("probe-stopped-neighbours-intact"),
    # Not the two-kernel Linux run again: AMD-Vi beside Linux is covered by
    # the typing run above and tests/integration/linux_pci_scenarios.py, and
    # each extra two-kernel boot on TCG is one more chance of an AP starved
    # past Linux's start-up timeout on a loaded two-core machine.
]
