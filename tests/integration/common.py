# SPDX-License-Identifier: BSD-2-Clause
"""What the QEMU (SVM) and Bochs (VMX) suites both expect: one scenario,
one back end or the other, the same lines."""
import re

MINIMAL = "guests/scenarios/minimal/bulkhead.cfg"
BANNER = r"Bulkhead \S+: static partitioning hypervisor, UEFI stage"
PART = "[partition %s]\ncpus = %s\nmemory = %s\nkernel = %s\n"
HELLO = "guests/hello.elf"
# After the partitions are loaded the hypervisor walks its own page tables
# (CR3) over every partition's RAM: none of it may translate.
RAM_HIDDEN = r"partition RAM mapped in the hypervisor: no \(\d+ partition"
RAM_MAPPED = r"partition RAM mapped in the hypervisor: yes"

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
# hang=1 pets its watchdog four times a quarter period apart on its first
# boot, then spins with interrupts off and never exits again; "petted"
# keeps petting its own for some periods and exits. Periods are
# parameters: under TCG on a loaded host a vCPU thread can be starved for
# a few hundred milliseconds of wall-clock (TSC) time, which a guest
# petting a 500 ms watchdog cannot tell from a hang; Bochs' time is its
# own, so the VMX runs keep short periods.
def watchdog_config(on_fault, ms):
    return ("[hypervisor]\nexit_when_done = yes\n" +
            PART % ("wd", "1", "8M", "guests/crash.elf") +
            'cmdline = "crashes=1 hang=1"\nwatchdog = %dms\n'
            "on_fault = %s\n" % (ms, on_fault))


def watchdog_petted(cpu, ms, periods):
    return (PART % ("petted", cpu, "8M", "guests/crash.elf") +
            'cmdline = "crashes=0 pet_periods=%d"\nwatchdog = %dms\n' % (
                periods, ms))


def watchdog_fires(ms):
    return [r"wd: boot 0",
            r"wd: petting the watchdog \(%d ms\) 4 times" % ms,
            r"wd: hanging with interrupts off",
            r"error: partition wd stopped: watchdog expired: not "
            r"petted for %d ms" % ms]


def watchdog_restarts(ms):
    return watchdog_fires(ms) + [
        r"partition wd: restarting \(restart 1\)",
        r"wd: boot 1",
        r"wd: petted the watchdog \(%d ms\) for 3 periods" % ms,
        r"wd: survived 1 restarts",
        r"partition wd exited with code 0",
        r"run finished: success"]


def watchdog_stops(ms, petted_ms, periods):
    return watchdog_fires(ms) + [
        r"petted: petted the watchdog \(%d ms\) for %d periods" % (
            petted_ms, periods),
        r"partition petted exited with code 0",
        r"summary: all 2 partition\(s\) stopped",
        r"  wd: fault: watchdog expired: not petted for %d ms" % ms,
        r"  petted: exit code 0",
        r"run finished: failure"]


def watchdog_fired_in_time(ms):
    """A check that wd's watchdog fired about a period after its last pet,
    which came a quarter period before it said it hangs: not early, and
    late only by the checks' tick and an emulator's slowness."""
    def check(text):
        hang = re.search(r"\[ *([\d.]+)\] wd: hanging with interrupts off",
                         text)
        fired = re.search(r"\[ *([\d.]+)\] error: partition wd stopped: "
                          r"watchdog expired", text)
        if not hang or not fired:
            return "no hang or no expiry in the log"
        late = float(fired.group(1)) - float(hang.group(1))
        low, high = ms / 2000.0, ms * 0.75 / 1000 + 2.5
        if not low <= late <= high:
            return "the watchdog fired %.3f s after the hang, expected " \
                   "%.3f s (%.3f-%.3f)" % (late, ms * 0.75 / 1000, low, high)
        return None
    return check


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


def no_gap(name):
    """The ticker's lines hello i/N must come without a number missing."""
    def check(text):
        seen = [int(n) for n in re.findall(r"%s: hello (\d+)/" % name, text)]
        if not seen:
            return "%s printed nothing" % name
        if seen != list(range(1, len(seen) + 1)):
            return "%s skipped or repeated a number: %s" % (name, seen)
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
