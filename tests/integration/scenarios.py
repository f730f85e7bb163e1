# SPDX-License-Identifier: BSD-2-Clause
"""Integration scenarios: the image boots from a USB stick through OVMF
under QEMU TCG; each run is judged by its serial console."""
from harness import Scenario, qemu_exit_status

BANNER = r"Bulkhead \S+: static partitioning hypervisor, UEFI stage"
# What OVMF prints when our boot option returns: proof it has control again.
FIRMWARE_BACK = r'BdsDxe: failed to start Boot\d+ "UEFI QEMU QEMU USB HARDDRIVE'



def svm_on(cpu):
    return r"CPU %d \(APIC ID \d+\): SVM enabled" % cpu


SCENARIOS = [
    Scenario(
        name="usb-boot-1-cpu",
        smp=1,
        hooks="exit",
        expect=[BANNER, r"CPU: AuthenticAMD, SVM",
                r"CPUs: 1 usable, from the ACPI MADT; 1 I/O APIC",
                r"config: bulkhead.cfg, \d+ bytes",
                r"leaving UEFI boot services",
                r"took over the machine",
                r"memory: \d+ MiB usable",
                r"hypervisor footprint: \d+ KiB",
                svm_on(0),
                r"1/1 CPUs online, SVM enabled on 1",
                r"test hook: ending the run with code 0"],
        forbid=[r"EXCEPTION", r"error:"],
        exit_status=qemu_exit_status(0),
    ),
    Scenario(
        name="usb-boot-4-cpus",
        smp=4,
        hooks="exit",
        expect=[BANNER, r"CPUs: 4 usable, from the ACPI MADT",
                svm_on(0), svm_on(1), svm_on(2), svm_on(3),
                r"4/4 CPUs online, SVM enabled on 4"],
        forbid=[r"EXCEPTION", r"error:", r"did not start"],
        exit_status=qemu_exit_status(0),
    ),
    Scenario(
        name="no-svm-returns-to-firmware",
        cpu="qemu64,-svm",
        smp=1,
        hooks="exit",
        expect=[BANNER,
                r"error: this machine cannot run partitions: the CPU has "
                r"neither Intel VT-x \(VMX\) nor AMD-V \(SVM\)",
                r"error: fix: enable virtualization in the firmware setup",
                r"Bulkhead did not start; returning to the firmware",
                FIRMWARE_BACK],
        forbid=[r"leaving UEFI boot services", r"EXCEPTION"],
    ),
    Scenario(
        name="no-npt-returns-to-firmware",
        cpu="qemu64,+svm,-npt",
        smp=1,
        hooks="exit",
        expect=[BANNER,
                r"error: this machine cannot run partitions: the CPU's "
                r"AMD-V has no nested paging \(NPT\)",
                r"returning to the firmware",
                FIRMWARE_BACK],
        forbid=[r"leaving UEFI boot services"],
    ),
    Scenario(
        name="missing-config-returns-to-firmware",
        smp=1,
        hooks="exit",
        omit_config=True,
        expect=[BANNER,
                r"error: cannot read bulkhead.cfg from the boot volume: "
                r"not found",
                r"error: fix: put bulkhead.cfg at the root",
                r"returning to the firmware",
                FIRMWARE_BACK],
        forbid=[r"leaving UEFI boot services"],
    ),
    Scenario(
        name="exception-on-ap-halts-only-that-cpu",
        smp=4,
        hooks="exit fault=ap",
        expect=[r"4/4 CPUs online, SVM enabled on 4",
                r"EXCEPTION on CPU 3: vector 14 \(page fault\), error code 0x0",
                r"RIP 0008:[0-9a-f]{16} RFLAGS [0-9a-f]{16} CR2 0000000000000010",
                r"RAX [0-9a-f]{16} RBX",
                r"R12 [0-9a-f]{16} R13",
                r"CR0 [0-9a-f]{16} CR3",
                r"\[rsp\+00\] [0-9a-f]{16} [0-9a-f]{16}",
                r"CPU 3 halted; the other CPUs keep running",
                r"CPU 3 stopped after its exception; CPU 0 carries on",
                r"test hook: ending the run with code 0"],
        exit_status=qemu_exit_status(0),
    ),
    Scenario(
        name="exception-on-boot-cpu-is-dumped",
        smp=2,
        hooks="exit fault=bsp",
        expect=[r"2/2 CPUs online",
                r"EXCEPTION on CPU 0: vector 14 \(page fault\)",
                r"CR2 0000000000000010",
                r"CPU 0 halted"],
        exit_status=qemu_exit_status(3),
    ),
]

# Intel VMX under Bochs (OVMF has no ACPI tables there: CPUs come from the
# firmware's MP services). Bochs always exits with status 1 (run-bochs.sh
# turns it into 0), so the run's code is read from the log line.
SCENARIOS += [
    Scenario(
        name="vmx-bochs-2-cpus",
        engine="bochs",
        smp=2,
        hooks="exit",
        expect=[BANNER, r"CPU: GenuineIntel, VMX",
                r"CPUs: 2 usable, from the UEFI MP services",
                r"CPU 0 \(APIC ID 0\): VMX enabled",
                r"CPU 1 \(APIC ID 1\): VMX enabled",
                r"2/2 CPUs online, VMX enabled on 2",
                r"test hook: ending the run with code 0"],
        forbid=[r"EXCEPTION", r"error:"],
        exit_status=0,
        timeout=180,
    ),
]
