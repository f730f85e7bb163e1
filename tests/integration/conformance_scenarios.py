# SPDX-License-Identifier: BSD-2-Clause
"""docs/guest-interface.md checked row by row from inside a partition
(guests/conformance): under Bulkhead every row passes; run bare under the
same QEMU, the rows where QEMU's machine legitimately differs fail and
are listed below with the reason, so the suite itself is checked against
what an emulated PC does. NMI rows are not in the guest (that interface
is being changed); MSR rows are marked "(may change)" in its output."""
import re

from common import PART
from harness import Scenario, qemu_exit_status

CONFORMANCE = "guests/conformance.elf"
HEAD = "[hypervisor]\nexit_when_done = yes\n"

# Every row the guest has, in its order; vendor rows only on that vendor.
ROWS = ["memory.map", "memory.ram-rw", "cpu.bsp-apic-id", "cpuid.1.cleared",
        "cpuid.1.tsc-deadline-hypervisor", "cpuid.1.ebx-apic-id-count",
        "cpuid.6.arat-only", "cpuid.b-1f.apic-id", "cpuid.80000001.cleared",
        "cpuid.80000007.invariant-tsc", "cpuid.8000000a.zero",
        "cpuid.80000022.perfmonv2-only", "cpuid.40000000.vendor",
        "cpuid.40000001.info", "cpuid.40000002-ff.zero", "msr.apic-base",
        "msr.efer-no-svme", "msr.pat", "msr.tsc-write", "msr.tsc-aux",
        "msr.fs-base-canonical", "msr.bios-sign-id", "msr.mtrr-def-type",
        "msr.mtrrcap", "msr.mcg-cap", "msr.feature-control",
        "msr.platform-id", "msr.vm-cr", "msr.hwcr-int-pending",
        "msr.misc-enable-absent", "msr.thermal-absent", "io.uart.rep-outsb",
        "io.uart.rep-insb", "io.uart.outsw-byte-ports", "io.empty-port",
        "io.pic-absent", "io.pit-channel2", "io.cmos-ram", "io.pm-timer",
        "io.pm1-acpi-mode", "mmio.ioapic-id-version", "mmio.lapic.mov32",
        "mmio.lapic.movb-store", "mmio.lapic.movzbl-load", "mmio.lapic.xchg",
        "mmio.lapic.add-flags", "mmio.lapic.stos-lods", "acpi.rsdp",
        "acpi.xsdt", "acpi.fadt", "acpi.facs", "acpi.dsdt", "acpi.madt",
        "acpi.tables-reserved"]
INTEL_ONLY = {"msr.feature-control", "msr.platform-id"}
AMD_ONLY = {"msr.vm-cr", "msr.hwcr-int-pending", "msr.misc-enable-absent"}

# Bare QEMU (TCG, "max" CPU, SeaBIOS tables), rows that fail and why.
BARE_EXPECTED_FAILURES = {
    "memory.map": "SeaBIOS's e820 also reserves the tables at the top of "
    "RAM and the BIOS ROM below 4 GiB: 5 entries, not Bulkhead's 4",
    "cpuid.1.cleared": "QEMU's max CPU has MONITOR/MWAIT, which Bulkhead "
    "hides",
    "cpuid.1.tsc-deadline-hypervisor": "no hypervisor bit without one; "
    "TSC-deadline is Bulkhead's emulation",
    "cpuid.1.ebx-apic-id-count": "one CPU without HTT: the count field "
    "reads 0",
    "cpuid.80000001.cleared": "the max CPU has SVM (TCG emulates it)",
    "cpuid.80000007.invariant-tsc": "TCG does not claim an invariant TSC",
    "cpuid.8000000a.zero": "the SVM leaf, filled in for TCG's SVM",
    "cpuid.40000000.vendor": "the hypervisor leaves are Bulkhead's",
    "cpuid.40000001.info": "the hypervisor leaves are Bulkhead's",
    "cpuid.40000002-ff.zero": "past the last leaf TCG repeats the highest "
    "basic leaf, as Intel CPUs do",
    "msr.apic-base": "TCG takes the x2APIC bit although CPUID hides x2APIC",
    "msr.pat": "TCG does not check PAT memory types",
    "msr.tsc-write": "TCG ignores writes to the TSC",
    "msr.tsc-aux": "TCG takes bits 63:32 of TSC_AUX",
    "msr.fs-base-canonical": "TCG takes non-canonical bases",
    "msr.bios-sign-id": "QEMU reports a microcode revision",
    "msr.mtrr-def-type": "SeaBIOS programs the MTRRs QEMU emulates",
    "msr.mtrrcap": "QEMU emulates MTRRs",
    "msr.mcg-cap": "QEMU emulates machine-check banks",
    "msr.vm-cr": "TCG's VM_CR reads 0: SVM usable, unlocked",
    "msr.hwcr-int-pending": "TCG takes the writes",
    "msr.misc-enable-absent": "TCG answers MISC_ENABLE on an AMD CPU",
    "msr.thermal-absent": "TCG answers the thermal MSRs",
    "io.pic-absent": "QEMU's PC has an 8259 pair, masked by SeaBIOS",
    "io.pm1-acpi-mode": "SeaBIOS leaves the PIIX4 in legacy mode until the "
    "OS writes SMI_CMD (Bulkhead has none: always ACPI mode)",
    "mmio.ioapic-id-version": "QEMU's I/O APIC has ID 0; Bulkhead gives it "
    "the ID after the vCPUs' APIC IDs",
    "mmio.lapic.movb-store": "QEMU's LAPIC ignores narrower writes "
    "(docs/guest-interface.md, local APIC access widths)",
    "mmio.lapic.movzbl-load": "QEMU's LAPIC reads narrower accesses as 0",
    "mmio.lapic.add-flags": "a byte-wide read-modify-write: QEMU ignores "
    "the narrower write",
    "acpi.xsdt": "SeaBIOS gives an ACPI 1.0 RSDP with an RSDT only",
    "acpi.madt": "QEMU's I/O APIC has ID 0 (as above)",
}


def rows(vendor):
    other = INTEL_ONLY if vendor == "amd" else AMD_ONLY
    return [r for r in ROWS if r not in other]


def bulkhead_lines(vendor, prefix):
    """Under Bulkhead: every row of the vendor passes."""
    return [prefix + r"conformance: PASS %s( \(may change\))?: " %
            re.escape(n) for n in rows(vendor)]


AMD_ROWS = rows("amd")

CONFORMANCE_SCENARIOS = [
    # SVM: two vCPUs (the count is in CPUID, the MADT and the I/O APIC ID;
    # the second vCPU is never started).
    Scenario(
        name="conformance-svm",
        smp=4,
        config_text=HEAD + PART % ("conf", "1-2", "8M", CONFORMANCE) +
        'cmdline = "cpus=2"\n',
        expect=[r"partition conf: 2 vCPU\(s\), 8 MiB RAM"] +
        bulkhead_lines("amd", "conf: ") +
        [r"conf: conformance: %d passed, 0 failed" % len(AMD_ROWS),
         r"partition conf exited with code 0", r"run finished: success"],
        forbid=[r"FAIL", r"EXCEPTION", r"stopped: ", r"error:"],
        exit_status=qemu_exit_status(0),
    ),
    # The same guest on QEMU's own machine, no hypervisor.
    Scenario(
        name="conformance-bare-tcg",
        engine="qemu-kernel", kernel=CONFORMANCE, smp=1, append="cpus=1",
        expect=[r"conformance: %s %s( \(may change\))?: " %
                ("FAIL" if n in BARE_EXPECTED_FAILURES else "PASS",
                 re.escape(n)) for n in AMD_ROWS] +
        [r"conformance: %d passed, %d failed" %
         (len(AMD_ROWS) - len(BARE_EXPECTED_FAILURES),
          len(BARE_EXPECTED_FAILURES))],
        exit_status=qemu_exit_status(len(BARE_EXPECTED_FAILURES)),
    ),
]
