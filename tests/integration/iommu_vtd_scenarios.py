# SPDX-License-Identifier: BSD-2-Clause
"""Intel VT-d present (QEMU's intel-iommu beside the AMD CPU under TCG):
the driver blocks every requester, remaps every interrupt, and the
existing runs do not notice, console input (an NMI from the I/O APIC,
now through an interrupt-remapping entry) included."""
import dataclasses

from common import MINIMAL
from harness import Scenario, qemu_exit_status
from scenarios import LINUX_FORBID, PROMPT, READY, SCENARIOS

INTEL_IOMMU = ["-device", "intel-iommu,intremap=on"]
VTD_UP = (r"IOMMU: VT-d at 0xfed90000: 39-bit 3-level tables, every "
          r"requester blocked; DMA translation on, interrupt remapping on "
          r"\(\d+ IRTEs, xAPIC\)")
VTD_UP_48 = VTD_UP.replace("39-bit 3-level", "48-bit 4-level")
VTD_FORBID = [r"EXCEPTION", r"IOMMU: .*(not started|failed|lacks|never)",
              r"error:"]

IOMMU_VTD_SCENARIOS = [
    Scenario(
        name="vtd-minimal-init-line",
        config=MINIMAL,
        smp=1,
        expect=[r"took over the machine", VTD_UP,
                r"partition hello exited with code 0"],
        forbid=VTD_FORBID,
        exit_status=qemu_exit_status(0),
        qemu_extra=INTEL_IOMMU,
    ),
    Scenario(
        name="vtd-48-bit-4-level-tables",
        config=MINIMAL,
        smp=1,
        expect=[VTD_UP_48, r"partition hello exited with code 0"],
        forbid=VTD_FORBID,
        exit_status=qemu_exit_status(0),
        qemu_extra=["-device", "intel-iommu,intremap=on,aw-bits=48"],
    ),
    # The default scenario unchanged; typing reaches Linux's shell.
    Scenario(
        name="vtd-default-linux-types-on-console",
        smp=4,
        expect=[VTD_UP],
        anywhere=[READY % ("linux", 2),
                  r"partition hello exited with code 0",
                  r"linux: TYPED-42"],
        send=[(PROMPT % "linux", "echo TYPED-$((6*7))\n")],
        forbid=LINUX_FORBID + VTD_FORBID,
        timeout=240,
        qemu_extra=INTEL_IOMMU,
    ),
]

# Console focus moves between two Linux shells: the NMI's remapping entry
# is rewritten for the other partition's CPU.
_TWO_SHELLS = [s for s in SCENARIOS
               if s.name == "linux-1-and-2-vcpus-reach-their-shells"][0]
IOMMU_VTD_SCENARIOS.append(dataclasses.replace(
    _TWO_SHELLS, name="vtd-" + _TWO_SHELLS.name,
    expect=[VTD_UP], forbid=_TWO_SHELLS.forbid + VTD_FORBID,
    qemu_extra=INTEL_IOMMU))
