# SPDX-License-Identifier: BSD-2-Clause
"""What the QEMU (SVM) and Bochs (VMX) suites both expect: one scenario,
one back end or the other, the same lines."""
import re

MINIMAL = "guests/scenarios/minimal/bulkhead.cfg"
BANNER = r"Bulkhead \S+: static partitioning hypervisor, UEFI stage"
PART = "[partition %s]\ncpus = %s\nmemory = %s\nkernel = %s\n"
HELLO = "guests/hello.elf"

# guests/crash with crashes=2 and on_fault = restart: two triple faults,
# each contained and restarted from the image, then a clean exit.
CRASH_RESTARTS = [r"crash: boot 0",
                  r"partition crash stopped: triple fault \(shutdown\) on "
                  r"vCPU 0 at RIP 0x",
                  r"partition crash: restarting \(restart 1\)",
                  r"crash: boot 1",
                  r"partition crash: restarting \(restart 2\)",
                  r"crash: boot 2",
                  r"crash: survived 2 restarts",
                  r"partition crash exited with code 0",
                  r"run finished: success"]


# Partition watchdogs (docs/architecture.md, "Watchdogs"): guests/crash with
# hang=1 pets its 500 ms watchdog a few times on its first boot, then spins
# with interrupts off and never exits again; "petted" keeps petting its own
# for six periods and exits.
WATCHDOG_CONFIG = ("[hypervisor]\nexit_when_done = yes\n" +
                   PART % ("wd", "1", "8M", "guests/crash.elf") +
                   'cmdline = "crashes=1 hang=1"\nwatchdog = 500ms\n'
                   "on_fault = %s\n")
WATCHDOG_PETTED = (PART % ("petted", "2", "8M", "guests/crash.elf") +
                   'cmdline = "crashes=0 pet_periods=6"\n'
                   "watchdog = 500ms\n")
WATCHDOG_FIRES = [r"wd: boot 0",
                  r"wd: petting the watchdog \(500 ms\) 4 times",
                  r"wd: hanging with interrupts off",
                  r"error: partition wd stopped: watchdog expired: not "
                  r"petted for 500 ms"]
WATCHDOG_RESTARTS = WATCHDOG_FIRES + [
    r"partition wd: restarting \(restart 1\)",
    r"wd: boot 1",
    r"wd: petted the watchdog \(500 ms\) for 3 periods",
    r"wd: survived 1 restarts",
    r"partition wd exited with code 0",
    r"run finished: success"]
WATCHDOG_STOPS = WATCHDOG_FIRES + [
    r"petted: petted the watchdog \(500 ms\) for 6 periods",
    r"partition petted exited with code 0",
    r"summary: all 2 partition\(s\) stopped",
    r"  wd: fault: watchdog expired: not petted for 500 ms",
    r"  petted: exit code 0",
    r"run finished: failure"]


def watchdog_fired_in_time(text):
    """The watchdog fired one period after the last pet, give or take the
    checks' 1 ms and an emulator's slowness: the guest's last pet came a
    quarter period before it said it hangs."""
    hang = re.search(r"\[ *([\d.]+)\] wd: hanging with interrupts off", text)
    fired = re.search(r"\[ *([\d.]+)\] error: partition wd stopped: "
                      r"watchdog expired", text)
    if not hang or not fired:
        return "no hang or no expiry in the log"
    late = float(fired.group(1)) - float(hang.group(1))
    if not 0.25 <= late <= 1.5:
        return "the watchdog fired %.3f s after the hang, expected " \
               "0.375 s (0.25-1.5)" % late
    return None


# Linux partitions: Debian's unmodified kernel (build/linux/vmlinuz) with
# the busybox initramfs of guests/linux, beside bare-metal partitions.
LINUX = ("[partition %s]\ncpus = %s\nmemory = %s\nkernel = linux/vmlinuz\n"
         "initrd = linux/initrd.img\ncmdline = \"console=ttyS0\"\n"
         "on_fault = restart\n")
READY = r"%s: bulkhead-initramfs: ready \(%d CPUs"
PROMPT = r"%s: bulkhead:/root# "
SWITCH = "\x01\x01\x01"
# What a kernel must not say under Bulkhead: its clock or CPUs went wrong,
# or it touched an MSR the partition's CPUID advertises but Bulkhead refused.
LINUX_FORBID = [r"EXCEPTION", r"(?<!Fast )TSC calibration failed",
                r"Marking TSC unstable", r"Kernel panic",
                r"partition \S+ stopped", r"IO-APIC \+ timer doesn't work",
                r"BUG:", r"Oops", r"unchecked MSR access"]
# The same two questions for each shell: its CPUs and its memory.
ASK = "echo CPUS=$(grep -c ^processor /proc/cpuinfo) MEM=$(sed -n " \
      "'s/^MemTotal: *//p' /proc/meminfo)\n"


def mem_kib_between(name, low, high):
    """A check that the partition's MemTotal is within [low, high] KiB."""
    def check(text):
        m = re.search(r"%s: CPUS=\d+ MEM=(\d+) kB" % name, text)
        if not m:
            return "%s never answered with its memory" % name
        kib = int(m.group(1))
        if not low <= kib <= high:
            return "%s: MemTotal %d kB, expected %d-%d" % (name, kib, low,
                                                          high)
        return None
    return check


def both(*checks):
    def check(text):
        for c in checks:
            wrong = c(text)
            if wrong:
                return wrong
        return None
    return check


def tsc_agrees(text):
    """Every kernel's TSC frequency is within 10% of the hypervisor's."""
    host = re.search(r"TSC: (\d+) MHz", text)
    found = re.findall(r"(\S+): \[[ .\d]+\] tsc: Detected ([\d.]+) MHz",
                       text)
    if not host or not found:
        return "no TSC frequency from the hypervisor or the kernels"
    for name, mhz in found:
        if abs(float(mhz) / int(host.group(1)) - 1) > 0.10:
            return "%s measured its TSC at %s MHz, the machine's is %s" % (
                name, mhz, host.group(1))
    return None


# guests/smp nmi=1 in a 2-vCPU partition, and what it prints when every
# NMI check passes (tests/integration/nmi_scenarios.py, tests/vmx).
NMI_CONFIG = ("[hypervisor]\nexit_when_done = yes\n" +
              PART % ("nmi", "0-1", "8M", "guests/smp.elf") +
              'cmdline = "nmi=1"\n')
NMI_PASS = [r"NMI to self: 1 taken; to APIC ID 1: 1 taken",
            r"NMI blocking: 2 sent in the handler, 0 taken before its "
            r"IRET, 1 after, 0 nested"]
