# SPDX-License-Identifier: BSD-2-Clause
"""PCI passthrough: what the boot checks refuse, and what it lists."""
from common import HELLO, PART
from scenarios import config_error

EDU = ["-device", "edu,dma_mask=0xffffffffffffffff"]
AMD_IOMMU = ["-device", "amd-iommu"]
# A conventional PCI bridge on the root bus with two functions behind it:
# their DMA carries the bridge's requester ID.
BRIDGE = ["-device", "pci-bridge,id=br1,chassis_nr=1,addr=0x9",
          "-device", "edu,bus=br1,addr=0x1",
          "-device", "edu,bus=br1,addr=0x2"]
ONE = PART % ("a", "1", "8M", HELLO)
TWO = ONE + PART % ("b", "2", "8M", HELLO)

PCI_SCENARIOS = [
    config_error("pci-device-does-not-exist",
                 ONE + "devices = 00:1e.0\n",
                 r'error: bulkhead.cfg:5: partition "a": device 00:1e.0 '
                 r"does not exist on this machine: check the address with "
                 r"lspci or the boot log's PCI list"),
    config_error("pci-device-in-two-partitions",
                 ONE + "devices = 00:04.0\n" +
                 PART % ("b", "2", "8M", HELLO) + "devices = 00:04.0\n",
                 r'error: bulkhead.cfg:10: device 00:04.0 is already in '
                 r'partition "a" \(line 5\): a PCI function belongs to one '
                 r"partition", bad_config=True),
    config_error("pci-bridge-refused",
                 ONE + "devices = 00:09.0\n",
                 r'error: bulkhead.cfg:5: partition "a": device 00:09.0 '
                 r"\(1b36:0001\) is a PCI bridge: assign the devices behind "
                 r"it instead", qemu_extra=BRIDGE),
    config_error("pci-shared-requester-id-refused",
                 ONE + "devices = 01:01.0\n" +
                 PART % ("b", "2", "8M", HELLO) + "devices = 01:02.0\n",
                 r'error: bulkhead.cfg:10: partition "b": device 01:02.0 '
                 r"shares its DMA requester ID with 01:01.0 of partition "
                 r'"a" \(line 5\): the IOMMU cannot keep them apart; give '
                 r"both to one partition", qemu_extra=BRIDGE + AMD_IOMMU),
    config_error("pci-iommu-itself-refused",
                 ONE + "devices = 00:03.0\n",
                 r'error: bulkhead.cfg:5: partition "a": device 00:03.0 '
                 r"\(1022:0018\) is the IOMMU", qemu_extra=AMD_IOMMU + EDU),
    config_error("pci-without-iommu-refused",
                 ONE + "devices = 00:03.0\n",
                 r'error: bulkhead.cfg:5: partition "a": devices need an '
                 r"IOMMU to confine their DMA, and the firmware publishes "
                 r"none \(no ACPI IVRS or DMAR\): turn on AMD-Vi / VT-d",
                 qemu_extra=EDU),
]

PCI_SCENARIOS += [
    config_error("pci-assignment-listed",
                 ONE + "devices = 00:04.0\n",
                 r'error: bulkhead.cfg:5: partition "a": the firmware '
                 r"describes an AMD-Vi \(IVRS\) IOMMU, which this build has "
                 r"no driver for: remove the devices line",
                 anywhere=[r"PCI: \d+ function\(s\) through ECAM at "
                           r"0xb0000000 \(buses 0-255\)",
                           r"PCI 00:04.0 1234:11e8 class 00ff00 bar0 mem32 "
                           r"0x[0-9a-f]+\+1M: partition a",
                           r"PCI 00:03.0 1022:0018 class 080600: unassigned"],
                 qemu_extra=AMD_IOMMU + EDU),
]
