# SPDX-License-Identifier: BSD-2-Clause
"""Integration scenarios: the image boots from a USB stick through OVMF
under QEMU TCG; each run is judged by its serial console."""
import re

from common import (ASK, BANNER, CRASH_RESTARTS, HELLO, LINUX,  # noqa: F401
                    LINUX_FORBID, MINIMAL, PART, PROMPT, RAM_HIDDEN,
                    RAM_MAPPED, READY, SWITCH,
                    both, mem_kib_between, no_gap, tsc_agrees)
from harness import Scenario, qemu_exit_status
# What OVMF prints when our boot option returns: proof it has control again.
FIRMWARE_BACK = r'BdsDxe: failed to start Boot\d+ "UEFI QEMU QEMU USB HARDDRIVE'



def svm_on(cpu):
    return r"CPU %d \(APIC ID \d+\): SVM enabled" % cpu


SCENARIOS = [
    Scenario(
        name="usb-boot-1-cpu",
        config=MINIMAL,
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
        config=MINIMAL,
        smp=2,
        hooks="exit fault=bsp",
        expect=[r"2/2 CPUs online",
                r"EXCEPTION on CPU 0: vector 14 \(page fault\)",
                r"CR2 0000000000000010",
                r"CPU 0 halted"],
        exit_status=qemu_exit_status(3),
    ),
]

# Partitions (AMD SVM with nested paging under TCG).
RUN_OK = qemu_exit_status(0)
RUN_FAILED = qemu_exit_status(1)

SCENARIOS += [
    Scenario(
        name="three-partitions-run-to-their-exit-codes",
        config="guests/scenarios/three/bulkhead.cfg",
        expect=[r"config: 3 partition\(s\), 56 MiB of partition RAM",
                r"partition alpha: 1 vCPU\(s\), 16 MiB RAM",
                r"partition beta: 2 vCPU\(s\), 32 MiB RAM",
                r"partition gamma: 1 vCPU\(s\), 8 MiB RAM",
                r"summary: all 3 partition\(s\) stopped",
                r"  alpha: exit code 0",
                r"  beta: exit code 0",
                r"  gamma: exit code 0",
                r"run finished: success"],
        anywhere=[r"alpha: hello from count=3 exit=0",
                  r"alpha: module 0: 'guests/probe.elf'",
                  r"beta: vCPU with APIC ID 1 reporting",
                  r"beta: all 2 vCPUs up",
                  r"gamma: hello 2/2", RAM_HIDDEN],
        forbid=[r"EXCEPTION", r"stopped: ", r"error:", RAM_MAPPED],
        exit_status=RUN_OK,
    ),
    Scenario(
        name="probe-stopped-neighbours-intact",
        config="guests/scenarios/isolation/bulkhead.cfg",
        expect=[r"probe: reading 0x01000000",
                r"error: partition probe stopped: read of guest-physical "
                r"0x1000000, outside its memory, at RIP 0x",
                r"  probe: fault: read of guest-physical 0x1000000",
                r"  left: exit code 0",
                r"  right: exit code 0",
                r"run finished: failure"],
        forbid=[r"LEAK", r"CORRUPTED", r"EXCEPTION"],
        exit_status=RUN_FAILED,
    ),
    Scenario(
        name="triple-fault-restarts-the-partition",
        config="guests/scenarios/restart/bulkhead.cfg",
        expect=CRASH_RESTARTS,
        forbid=[r"EXCEPTION"],
        exit_status=RUN_OK,
    ),
]


# Config mistakes: the message names file, line and fix; nothing starts and
# the firmware gets control back.


def config_error(name, text, message, **kw):
    return Scenario(
        name=name, config_text=text, smp=4,
        expect=[BANNER, message,
                r"error: bad configuration: no partition was started",
                r"Bulkhead did not start; returning to the firmware",
                FIRMWARE_BACK],
        forbid=[r"leaving UEFI boot services", r"EXCEPTION"], **kw)


SCENARIOS += [
    config_error("config-unknown-key",
                 PART % ("a", "1", "8M", HELLO) + "colour = blue\n",
                 r"error: bulkhead.cfg:5: unknown key 'colour' in "
                 r"\[partition a\]: the keys there are", bad_config=True),
    config_error("config-cpu-in-two-partitions",
                 PART % ("a", "1", "8M", HELLO) +
                 PART % ("b", "1-2", "8M", HELLO),
                 r'error: bulkhead.cfg:6: cpu 1 is already in partition "a"',
                 bad_config=True),
    config_error("config-missing-file",
                 PART % ("a", "1", "8M", "guests/missing.elf"),
                 r"error: bulkhead.cfg:4: cannot read guests/missing.elf "
                 r"from the boot volume: not found",
                 skip_missing=True),
    config_error("config-cpu-not-on-machine",
                 PART % ("a", "7", "8M", HELLO),
                 r'error: bulkhead.cfg:2: cpu 7 of partition "a" is not on '
                 r"this machine: it has 4 CPU"),
    config_error("config-memory-does-not-fit",
                 PART % ("a", "1", "2G", HELLO),
                 r"error: bulkhead.cfg:3: not enough memory"),
    config_error("config-no-partition",
                 "[hypervisor]\nexit_when_done = yes\n",
                 r"error: bulkhead.cfg: no \[partition\] section",
                 bad_config=True),
    config_error("config-kernel-not-multiboot",
                 PART % ("a", "1", "8M", "bulkhead.cfg"),
                 r"error: bulkhead.cfg:4: bulkhead.cfg: not a kernel "
                 r"Bulkhead can start: ",
                 skip_missing=True),   # the config is on the stick anyway
    # The kernel's kind decides which of initrd and modules it takes.
    config_error("config-initrd-on-multiboot-kernel",
                 PART % ("a", "1", "8M", HELLO) + "initrd = guests/smp.elf\n",
                 r"error: bulkhead.cfg:4: guests/hello.elf: not a kernel "
                 r"Bulkhead can start: initrd = is for Linux bzImage "
                 r"kernels and this kernel is not one: pass the file to a "
                 r"Multiboot kernel as a module"),
    config_error("config-modules-on-linux-kernel",
                 PART % ("a", "1", "64M", "linux/vmlinuz") +
                 "modules = guests/hello.elf\n",
                 r"error: bulkhead.cfg:4: linux/vmlinuz: not a kernel "
                 r"Bulkhead can start: the kernel is a Linux bzImage, which "
                 r"takes no modules: give it one initrd = file instead"),
]

def ticker_through_reboot(text):
    """The bare-metal neighbour printed while Linux was rebooting."""
    start = text.find("the guest asked for a reboot")
    end = text.find("bulkhead-initramfs: ready", start)
    if start < 0 or end < 0 or "ticker: hello " not in text[start:end]:
        return "the ticker printed nothing while linux rebooted"
    return None


SCENARIOS += [
    Scenario(
        name="linux-1-and-2-vcpus-reach-their-shells",
        config_text=(LINUX % ("linux1", "1", "160M") +
                     LINUX % ("linux2", "2-3", "192M")),
        smp=4,
        expect=[],
        anywhere=[READY % ("linux1", 1), READY % ("linux2", 2),
                  r"linux1: CPUS=1 MEM=\d+ kB",
                  r"console: keyboard input goes to partition linux2",
                  r"linux2: CPUS=2 MEM=\d+ kB", RAM_HIDDEN],
        send=[(PROMPT % "linux1", ASK),
              (r"linux1: CPUS=1", SWITCH),
              (r"input goes to partition linux2", "\n"),
              (PROMPT % "linux2", ASK)],
        forbid=LINUX_FORBID,
        check=both(mem_kib_between("linux1", 100000, 163840),
                   mem_kib_between("linux2", 130000, 196608), tsc_agrees),
        timeout=240,
    ),
    Scenario(
        name="linux-reboot-restarts-only-it",
        config_text=(LINUX % ("linux", "2", "160M") +
                     PART % ("ticker", "1", "8M", HELLO) +
                     'cmdline = "count=100000 spin=2000000"\n'),
        smp=4,
        expect=[READY % ("linux", 1),
                r"partition linux: the guest asked for a reboot "
                r"\(reset control register\)",
                r"partition linux: restarting \(restart 1\)",
                READY % ("linux", 1)],
        send=[(PROMPT % "linux", "reboot -f\n")],
        forbid=LINUX_FORBID,
        check=both(no_gap("ticker"), ticker_through_reboot),
        timeout=240,
    ),
    Scenario(
        name="linux-poweroff-stops-only-it",
        config_text=("[hypervisor]\nexit_when_done = yes\n" +
                     LINUX % ("linux", "1", "160M") +
                     PART % ("hello", "2", "8M", HELLO)),
        smp=4,
        expect=[READY % ("linux", 1),
                r"partition linux powered off",
                r"linux: exit code 0",
                r"run finished: success"],
        anywhere=[r"partition hello exited with code 0"],
        send=[(PROMPT % "linux", "poweroff -f\n")],
        forbid=LINUX_FORBID + [r"restarting"],
        exit_status=RUN_OK,
        timeout=240,
    ),
    # The same kernel and initramfs booted by QEMU itself, for the boot
    # time to compare with (the harness prints each run's seconds).
    Scenario(
        name="linux-bare-baseline-reaches-its-shell",
        engine="qemu-kernel", kernel="linux/vmlinuz",
        initrd="linux/initrd.img", append="console=ttyS0", smp=4,
        expect=[r"^bulkhead-initramfs: ready \(4 CPUs"],
        timeout=120,
    ),
]
