# SPDX-License-Identifier: BSD-2-Clause
"""PCI passthrough: what the boot checks refuse, and what it lists."""
from common import HELLO, PART
from harness import Scenario
from scenarios import RUN_FAILED, RUN_OK, config_error

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
    # q35 slots 4 apart share a PIRQ line (its _PRT: 00:04.0 and 00:08.0
    # INTA both GSI 20), read from QEMU's DSDT by drivers/acpi/prt.c.
    config_error("pci-shared-intx-line-refused",
                 ONE + "devices = 00:04.0\n" +
                 PART % ("b", "2", "8M", HELLO) + "devices = 00:08.0\n",
                 r'error: bulkhead.cfg:10: partition "b": device 00:08.0 '
                 r"shares its INTx line \(GSI 20\) with 00:04.0 of "
                 r'partition "a" \(line 5\): give both to one partition, or '
                 r"move one to a slot on another line",
                 qemu_extra=AMD_IOMMU + EDU +
                 ["-device", "edu,addr=0x8"],
                 anywhere=[r"PCI: INTx lines from the firmware's _PRT "
                           r"\(128 entries; DSDT and \d+ SSDT\(s\) read\)",
                           r"PCI 00:04\.0 1234:11e8 .*: unassigned, INTA "
                           r"GSI 20 \(active high\)",
                           r"PCI 00:08\.0 1234:11e8 .*: unassigned, INTA "
                           r"GSI 20 \(active high\)"]),
    config_error("pci-without-iommu-refused",
                 ONE + "devices = 00:03.0\n",
                 r'error: bulkhead.cfg:5: partition "a": devices need an '
                 r"IOMMU to confine their DMA, and the firmware publishes "
                 r"none \(no ACPI IVRS or DMAR\): turn on AMD-Vi / VT-d",
                 qemu_extra=EDU),
]

# --- passthrough of QEMU's edu device, DMA and MSI confined ------------
# A partition owns edu and DMAs to its own RAM (works), past its RAM and
# onto the neighbour's memory-check window (both blocked: the reads come
# back without the written pattern or the neighbour's canary, and the
# neighbour's pattern stays intact), then sends an MSI to its own vCPU
# (delivered) and to an APIC ID it does not own (not delivered).
EDU_RAM = 32 << 20
PLACEHOLDER = "0x0000000000"    # same width as the address put in later
EDU_PART = ("[partition edu]\ncpus = 1\nmemory = 32M\n"
            "kernel = guests/edu-dma.elf\n"
            'cmdline = "forbid=%#x,%s irq=1 msi_apic=3"\ndevices = %s\n')
NEIGHBOUR = PART % ("hello", "2", "16M", HELLO) + 'cmdline = "count=%d"\n'


def edu_config(bdf, target, count):
    return ("[hypervisor]\nexit_when_done = yes\n" +
            EDU_PART % (EDU_RAM, target, bdf) + NEIGHBOUR % count)


def neighbour_window(s, workdir):
    """Boots once to learn where the neighbour's checked window lies in
    host memory; the real run targets that address by DMA."""
    import re
    from harness import run
    probe = Scenario(name=s.name + "-probe",
                     config_text=edu_config(s.bdf, PLACEHOLDER, 3),
                     expect=[r"run finished"], qemu_extra=s.qemu_extra,
                     exit_status=None, timeout=s.timeout)
    ok, why, text, _ = run(probe, workdir)
    host = re.search(r"partition hello: .* RAM at host (0x[0-9a-f]+)", text)
    window = re.search(r"hello: memory intact \(1 MiB at (0x[0-9a-f]+)\)",
                       text)
    if not ok or not host or not window:
        return "the probe run did not show the neighbour's window: " + (
            why or "no RAM or window line")
    target = int(host.group(1), 16) + int(window.group(1), 16)
    s.config_text = edu_config(s.bdf, "%#012x" % target, 400)
    s.target = target
    return None


def no_leak(text):
    """The forbidden reads must return neither the written pattern nor the
    neighbour's canary."""
    import re
    reads = re.findall(r"edu: read from (0x[0-9a-f]+) returned .*\((.*)\)",
                       text)
    if len(reads) != 2:
        return "expected two forbidden reads, saw %d" % len(reads)
    for addr, what in reads:
        if what not in ("zeros", "untouched", "ones"):
            return "DMA read from %s reached memory: %s" % (addr, what)
    return None


def edu_scenario(name, iommu_args, bdf, iommu_line, fault_line=None):
    s = Scenario(
        name=name, config_text=None, smp=4, qemu_extra=iommu_args + EDU,
        expect=[r"PCI %s 1234:11e8 class 00ff00 bar0 mem32 0x[0-9a-f]+\+1M: "
                r"partition edu" % bdf,
                iommu_line,
                r"edu: found at %s bar0=" % bdf,
                r"edu: dma to own RAM ok",
                r"edu: dma to 0x2000000 issued",
                r"edu: msi to apic 0 vector 0x40: delivered",
                r"edu: msi to apic 3 vector 0x40: not delivered",
                r"edu: done",
                r"run finished: success"],
        anywhere=[r"hello: memory intact",
                  r"PCI: \d+ function\(s\) through ECAM at 0xb0000000 "
                  r"\(buses 0-255\)",
                  r"PCI: bus mastering turned off on \d+ function\(s\) no "
                  r"partition owns",
                  r"partition edu: 1 PCI function\(s\) quiesced"] + (
            [fault_line] if fault_line else []),
        forbid=[r"EXCEPTION", r"memory CORRUPTED"],
        check=no_leak, exit_status=RUN_OK, timeout=150)
    s.bdf = bdf
    s.prepare = neighbour_window
    return s


PCI_SCENARIOS += [
    edu_scenario("edu-dma-confined-amd-vi", AMD_IOMMU, "00:04.0",
                 r"IOMMU: AMD-Vi .*interrupt remapping on"),
    edu_scenario("edu-dma-confined-vt-d",
                 ["-device", "intel-iommu,intremap=on"], "00:03.0",
                 r"IOMMU: VT-d .*interrupt remapping on",
                 r"IOMMU: DMA fault by 00:03.0 \(partition edu\)"),
]

# --- RAM beyond the PCI hole, above 4 GiB ------------------------------
# q35's ECAM window at 0xB0000000 starts edu's partition's PCI hole, so of
# its 2880 MiB the last 64 go to 4 GiB. The guest finds them in its memory
# map, the CPU writes and reads every 2 MiB of them through PAE paging, and
# edu DMAs from and to them through AMD-Vi; a DMA just past them is
# blocked, and a read there stops the partition. QEMU needs more than the
# partition in one piece: with -m 6G q35 has 4 GiB from 4 GiB up.
HIGH_END = 0x100000000 + (64 << 20)
EDU_HIGH_CFG = ("[hypervisor]\nexit_when_done = yes\n"
                "[partition edu]\ncpus = 1\nmemory = 2880M\n"
                "kernel = guests/edu-dma.elf\n"
                'cmdline = "high=1 forbid=%#x beyond=1"\n'
                "devices = 00:04.0\n" % HIGH_END)


def blocked_past_high_ram(text):
    import re
    m = re.search(r"edu: read from %#x returned .*\((.*)\)" % HIGH_END, text)
    if not m:
        return "no read from %#x" % HIGH_END
    if m.group(1) not in ("zeros", "untouched", "ones"):
        return "DMA past the RAM above 4 GiB reached memory: " + m.group(1)
    return None


PCI_SCENARIOS += [
    Scenario(
        name="edu-dma-ram-above-4g-amd-vi", config_text=EDU_HIGH_CFG,
        smp=2, qemu_extra=["-m", "6G"] + AMD_IOMMU + EDU,
        expect=[r"partition edu: RAM at guest-physical 0-0xafffffff and "
                r"0x100000000-0x103ffffff, around its PCI hole",
                r"edu: RAM above 4 GiB: 0x100000000\+0x4000000",
                r"edu: cpu wrote and read back every 2 MiB of "
                r"0x100000000-0x103ffffff",
                r"edu: dma from and to 0x100000000 ok",
                r"edu: dma from and to 0x102000000 ok",
                r"edu: dma from and to 0x103fff000 ok",
                r"edu: dma to %#x issued" % HIGH_END,
                r"edu: reading %#x, past the RAM above 4 GiB" % HIGH_END,
                r"partition edu stopped: read of guest-physical %#x, "
                r"outside its memory" % HIGH_END,
                r"partition edu: 1 PCI function\(s\) quiesced",
                r"run finished: failure"],
        forbid=[r"EXCEPTION", r"LEAK", r"error: partition edu: cannot"],
        check=blocked_past_high_ram, exit_status=RUN_FAILED, timeout=300),
]


# --- edu's INTx, routed through the physical I/O APIC ------------------
# With MSI off, edu raises its INTx line (hw/misc/edu.c). The guest finds
# its GSI in the partition's _PRT, programs its I/O APIC pin, and each of
# five raises must arrive exactly once on its own vCPU (the level line
# re-armed after every EOI), a raise under the pin's mask must wait for
# the unmask, and the stop must mask the line again (INTx quiesced).
EDU_INTX = ("[hypervisor]\nexit_when_done = yes\n"
            "[partition edu]\ncpus = 1\nmemory = 32M\n"
            "kernel = guests/edu-dma.elf\n"
            'cmdline = "intx=5%s"\ndevices = %s\n')
# intx_restart=1: the first boot leaves the line raised and its interrupt
# in service, and resets; the restarted guest must get INTx as before,
# so the stop must have re-armed the I/O APIC pin (its remote IRR).
RESTARTED = [r"edu: intx left in service \(1 interrupt\), line raised: "
             r"resetting",
             r"partition edu: the guest asked for a reboot",
             r"partition edu: 1 PCI function\(s\) quiesced \(bus "
             r"master, MSI, MSI-X, INTx off",
             r"partition edu: restarting \(restart 1\)",
             r"edu: restarted with status 0x1000 left raised: "
             r"acknowledged"]


def edu_intx_scenario(name, iommu_args, bdf, gsi, restart=False):
    return Scenario(
        name=name, smp=2, qemu_extra=iommu_args + EDU,
        config_text=EDU_INTX % (" intx_restart=1" if restart else "", bdf),
        expect=[r"PCI %s 1234:11e8 .*: partition edu, INTA GSI %d "
                r"\(active high\)" % (bdf, gsi),
                r"partition edu: %s INTA is its GSI %d \(host GSI %d, "
                r"I/O APIC 0 pin %d\)" % (bdf, gsi, gsi, gsi)] +
               (RESTARTED if restart else []) +
               [r"edu: intx INTA gsi %d vector 0x41 to apic 0: 5/5 raises "
                r"delivered once each \(6 interrupts\), masked raise held "
                r"until unmasked" % gsi,
                r"edu: done",
                r"partition edu: 1 PCI function\(s\) quiesced \(bus "
                r"master, MSI, MSI-X, INTx off",
                r"run finished: success"],
        forbid=[r"EXCEPTION", r"interrupts on other vectors",
                r"not routed"],
        exit_status=RUN_OK, timeout=150)


PCI_SCENARIOS += [
    # q35's _PRT: slot 4 INTA is GSI 20, slot 3 INTA GSI 23.
    edu_intx_scenario("edu-intx-amd-vi", AMD_IOMMU, "00:04.0", 20),
    edu_intx_scenario("edu-intx-vt-d",
                      ["-device", "intel-iommu,intremap=on"], "00:03.0", 23),
    edu_intx_scenario("edu-intx-restart-amd-vi", AMD_IOMMU, "00:04.0", 20,
                      restart=True),
    edu_intx_scenario("edu-intx-restart-vt-d",
                      ["-device", "intel-iommu,intremap=on"], "00:03.0", 23,
                      restart=True),
]
