# SPDX-License-Identifier: BSD-2-Clause
"""Partition watchdogs and restarts that leak nothing (docs/testing.md).
The watchdog partitions spin with interrupts off on CPU 1; CPU 0 hosts no
vCPU and checks the deadlines, or, when every CPU hangs in a partition,
the PIT's NMIs make CPU 1 exit to check them."""
import dataclasses
import re

from common import (LINUX, LINUX_FORBID, PROMPT, READY, PART, watchdog_config,
                    watchdog_fired_in_time, watchdog_petted,
                    watchdog_restarts, watchdog_stops)
from harness import Scenario, qemu_exit_status
from iommu_amd_scenarios import AMD_IOMMU, AMD_VI_ON

# guests/crash triple-faults on its first LEAK_RESTARTS boots, restarted
# each time; the hypervisor's memory line after each restart and at the
# end must not change.
LEAK_RESTARTS = 300
LEAK_CONFIG = ("[hypervisor]\nexit_when_done = yes\n" +
               PART % ("crash", "1", "2M", "guests/crash.elf") +
               'cmdline = "crashes=%d"\non_fault = restart\n' % LEAK_RESTARTS)
MEMORY_LINE = re.compile(r"^\[[ .\d]+\] memory "
                         r"(after the restart|at the end): (.*)$", re.M)


def memory_unchanged(text):
    """Every restart leaves the hypervisor's memory as the first did."""
    lines = MEMORY_LINE.findall(text)
    restarts = [m for when, m in lines if when == "after the restart"]
    if len(restarts) != LEAK_RESTARTS:
        return "%d memory lines after restarts, expected %d" % (
            len(restarts), LEAK_RESTARTS)
    for n, (when, m) in enumerate(lines):
        if m != restarts[0]:
            return "memory %s (line %d) is \"%s\", after restart 1 \"%s\"" % (
                when, n + 1, m, restarts[0])
    return None


# Two partitions hang with interrupts off on the only two CPUs: nothing
# exits, so only the PIT's NMIs can bring the checks.
# TCG on a loaded host: 1 s for the hung partitions (their four pets
# tolerate 750 ms of starvation), 2 s for the one that keeps petting.
WD_MS = 1000
PETTED_MS, PETTED_PERIODS = 2000, 3
BOTH_HANG = (watchdog_config("stop", WD_MS) +
             PART % ("wd2", "0", "8M", "guests/crash.elf") +
             'cmdline = "crashes=1 hang=1"\nwatchdog = %dms\n' % WD_MS)

# Linux user space pets through /dev/port (offset 0xF8 = 248), once a
# second for six seconds, then stops: the 3 s watchdog stops the partition
# (the exit status says the run failed; the summary lines are not matched,
# as QEMU's socket console has once logged a byte twice at the very end).
LINUX_WATCHDOG = ("[hypervisor]\nexit_when_done = yes\n" +
                  LINUX.replace("on_fault = restart", "on_fault = stop") %
                  ("linux", "1", "160M") + "watchdog = 3s\n")
LINUX_PET = ("for i in 1 2 3 4 5 6; do dd if=/dev/zero of=/dev/port bs=1 "
             "seek=248 count=1 2>/dev/null; sleep 1; done; echo PETTED; "
             "sleep 30\n")

WATCHDOG_SCENARIOS = [
    Scenario(
        name="watchdog-restarts-a-hung-partition",
        smp=2,
        config_text=watchdog_config("restart", WD_MS),
        expect=[r"watchdog: CPU 0 checks the deadlines at each PIT tick"] +
        watchdog_restarts(WD_MS),
        check=watchdog_fired_in_time(WD_MS),
        forbid=[r"EXCEPTION", r"restart 2", r"no PIT tick reached"],
        exit_status=qemu_exit_status(0),
    ),
    Scenario(
        name="watchdog-stops-a-hung-partition",
        smp=3,
        config_text=watchdog_config("stop", WD_MS) +
        watchdog_petted("2", PETTED_MS, PETTED_PERIODS),
        expect=[r"watchdog: CPU 0 checks the deadlines at each PIT tick"] +
        watchdog_stops(WD_MS, PETTED_MS, PETTED_PERIODS),
        check=watchdog_fired_in_time(WD_MS),
        forbid=[r"EXCEPTION", r"restarting", r"partition petted stopped",
                r"no PIT tick reached"],
        exit_status=qemu_exit_status(1),
    ),
    Scenario(
        name="watchdog-no-free-cpu-pit-ticks",
        smp=2,
        config_text=BOTH_HANG,
        expect=[r"watchdog: every CPU hosts a vCPU: the PIT interrupts CPU 1 "
                r"with an NMI 100 times a second",
                r"summary: all 2 partition\(s\) stopped",
                r"  wd: fault: watchdog expired: not petted for 1000 ms",
                r"  wd2: fault: watchdog expired: not petted for 1000 ms",
                r"run finished: failure"],
        anywhere=[r"wd: hanging with interrupts off",
                  r"wd2: hanging with interrupts off"],
        check=watchdog_fired_in_time(WD_MS),
        forbid=[r"EXCEPTION", r"restarting"],
        exit_status=qemu_exit_status(1),
    ),
    Scenario(
        name="watchdog-linux-user-space-pets",
        config_text=LINUX_WATCHDOG,
        smp=2,
        expect=[READY % ("linux", 1),
                r"linux: PETTED\s*$",
                r"error: partition linux stopped: watchdog expired: not "
                r"petted for 3000 ms"],
        send=[(PROMPT % "linux", LINUX_PET)],
        forbid=[f for f in LINUX_FORBID if "stopped" not in f],
        exit_status=qemu_exit_status(1),
        timeout=240,
    ),
    Scenario(
        name="restarts-leak-nothing",
        smp=2,
        config_text=LEAK_CONFIG,
        expect=[r"memory before the partitions start: in use \d+ KiB",
                r"partition crash: restarting \(restart 1\)",
                r"memory after the restart: in use \d+ KiB",
                r"partition crash: restarting \(restart %d\)" %
                LEAK_RESTARTS,
                r"crash: survived %d restarts" % LEAK_RESTARTS,
                r"memory at the end: in use \d+ KiB",
                r"run finished: success"],
        check=memory_unchanged,
        forbid=[r"EXCEPTION"],
        exit_status=qemu_exit_status(0),
        timeout=240,
    ),
]

# The PIT's NMI through AMD-Vi's interrupt remapping, as the console's.
WATCHDOG_SCENARIOS.append(dataclasses.replace(
    next(s for s in WATCHDOG_SCENARIOS
         if s.name == "watchdog-no-free-cpu-pit-ticks"),
    name="watchdog-no-free-cpu-pit-ticks-amd-vi", qemu_extra=AMD_IOMMU,
    anywhere=[AMD_VI_ON, r"wd: hanging with interrupts off",
              r"wd2: hanging with interrupts off"]))
