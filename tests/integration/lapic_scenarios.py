# SPDX-License-Identifier: BSD-2-Clause
"""The local APIC seen from a partition (issue 14): guests/lapic-check
sends self-IPIs, reads IRR/ISR/PPR, raises TPR, nests, EOIs, runs the
timer in each mode and arms TSC deadlines back to back, and with cpus=2
has vCPU 1 send IPIs to vCPU 0; each check says PASS or FAIL, and the
measured figures (how late deadlines and IPIs arrived) have lines of
their own, which the checks here bound.

On a core of its own the partition has the core's LAPIC through a
filter (docs/guest-interface.md); nothing is ever held, so nothing may
arrive late by more than OWNED_LATE_US. On a core shared in time (the
SHARED_LAPIC_SCENARIOS, on its software LAPIC) a deadline or IPI
that falls outside the partition's window waits for its next window: late
by at most the other windows of the frame, never lost, never early.

The runs use QEMU's -icount, as timepart_scenarios.py does: the TSC and
the LAPIC timer count instructions, so "late" measures the hypervisor,
not a host that preempted QEMU."""
import re

from common import PART, both
from harness import Scenario, qemu_exit_status

LAPIC_CHECK = "guests/lapic-check.elf"
ICOUNT = ["-icount", "shift=5,sleep=off"]
HEAD = "[hypervisor]\nexit_when_done = yes\n"
# Checks and their PASS lines, in the order the guest runs them.
SOLO_CHECKS = ["irr", "priority-order", "isr-ppr", "tpr", "nested", "eoi",
               "timer-oneshot", "timer-periodic", "timer-masked", "deadline",
               "deadline-disarm", "deadline-count", "held"]
IPI_CHECKS = SOLO_CHECKS + ["ipi"]
BARE_CHECKS = [c for c in IPI_CHECKS if not c.startswith(("deadline",
                                                          "held"))]
# On a core of its own a deadline or IPI is late by a few exits at most
# (an IPI round trip is two exits: about 170 us under -icount).
OWNED_LATE_US = 1000
# Shared: the frame, the windows, and what may be added to the others'
# windows (the switch, the injection, a window starting late).
FRAME_MS = 20
CHECK_WINDOW_MS, TICKER_WINDOW_MS = 10, 10
SHARED_TOLERANCE_US = 1500

HELD = re.compile(r"lapic-check: held: (\d+) armed, (\d+) taken, (\d+) twice, "
                  r"(\d+) early \(by at most \d+ us\), late max (\d+) us, "
                  r"(\d+) later than \d+ us")
IPI = re.compile(r"lapic-check: ipi: (\d+) sent, (\d+) received, round trip "
                 r"max (\d+) us")


def pass_lines(prefix, checks):
    return [r"%slapic-check: PASS %s: " % (prefix, c) for c in checks] + [
        r"%slapic-check: %d passed, 0 failed" % (prefix, len(checks))]


def held_bounded(late_max_us, held_min):
    """Every deadline taken once, none early, the latest within bounds,
    and at least held_min of them held past a window (0 on an owned
    core, where none may be)."""
    def check(text):
        m = HELD.search(text)
        if not m:
            return "no held line"
        armed, taken, twice, early, late, held = map(int, m.groups())
        if not armed or taken != armed or twice or early:
            return "held: %d armed, %d taken, %d twice, %d early" % (
                armed, taken, twice, early)
        if late > late_max_us:
            return "held: a deadline %d us late, more than %d" % (
                late, late_max_us)
        if held < held_min:
            return "held: %d deadlines held past a window, want >= %d" % (
                held, held_min)
        return None
    return check


def ipi_bounded(round_trip_max_us, round_trip_min_us=0):
    """Every IPI received; the slowest round trip at most the first bound
    and, on a shared core, at least the second (one waited for a
    window)."""
    def check(text):
        m = IPI.search(text)
        if not m:
            return "no ipi line"
        sent, received, rt = map(int, m.groups())
        if sent != received or not sent:
            return "ipi: %d sent, %d received" % (sent, received)
        if not round_trip_min_us <= rt <= round_trip_max_us:
            return "ipi: round trip max %d us, not in %d-%d us" % (
                rt, round_trip_min_us, round_trip_max_us)
        return None
    return check


def lapic_part(name, cpus, args):
    return PART % (name, cpus, "8M", LAPIC_CHECK) + 'cmdline = "%s"\n' % args


def owned(name, cpus, args, checks, check, smp):
    return Scenario(
        name=name,
        config_text=HEAD + lapic_part("chk", cpus, args),
        smp=smp,
        expect=pass_lines("chk: ", checks) + [
            r"partition chk exited with code 0", r"run finished: success"],
        forbid=[r"FAIL", r"EXCEPTION", r"stopped: ", r"error:"],
        check=check,
        exit_status=qemu_exit_status(0),
        qemu_extra=ICOUNT,
        timeout=120,
    )


LAPIC_SCENARIOS = [
    owned("lapic-check-owned-core", "1", "", SOLO_CHECKS,
          held_bounded(OWNED_LATE_US, 0), 2),
    owned("lapic-check-owned-2-vcpus", "1-2", "cpus=2", IPI_CHECKS,
          both(held_bounded(OWNED_LATE_US, 0), ipi_bounded(OWNED_LATE_US)),
          3),
    # The guest on QEMU's own LAPIC model, without Bulkhead: a second
    # implementation that agrees with the checks (a check that failed
    # here would be the guest's fault). TCG does not offer TSC-deadline
    # (CPUID.1:ECX[24] clear), so those checks are left out.
    Scenario(
        name="lapic-check-bare-tcg",
        engine="qemu-kernel", kernel=LAPIC_CHECK, smp=2,
        append="cpus=2 "
        "checks=priority,isr,nested,eoi,timer,ipi",
        expect=pass_lines("", BARE_CHECKS),
        forbid=[r"FAIL"],
        check=ipi_bounded(OWNED_LATE_US),
        exit_status=qemu_exit_status(0),
        qemu_extra=ICOUNT,
    ),
]


# --- On a core shared in time: the software LAPIC (issue 14) --------------
TICKER = "guests/ticker.elf"
SHARED_LATE_US = TICKER_WINDOW_MS * 1000 + SHARED_TOLERANCE_US
# Periods that fall outside chk's window fold into one (vlapic_soft.h).
SHARED_ARGS = "periodic_lossy=1"
# 20 ms of deadlines every 300 us, and 200 IPIs every 250 us, cross at
# least one end of chk's 10 ms windows: some must come this late.
HELD_MIN_US = 1000


def schedule(cpu):
    return "[schedule cpu%s]\nmajor_frame = %dms\nwindows = chk %dms, " \
        "t %dms\n" % (cpu, FRAME_MS, CHECK_WINDOW_MS, TICKER_WINDOW_MS)


def shared_config(chk_cpus, args, gap=200000):
    """chk shares cpu 1 with a ticker; with chk_cpus "1-2" chk's vCPU 1
    has cpu 2 to itself. gap: 200 us of the TSC (1 GHz under -icount;
    Bochs' is 100 MHz)."""
    return (HEAD + lapic_part("chk", chk_cpus, args) +
            PART % ("t", "1", "2M", TICKER) +
            'cmdline = "seed=2 runs=40 gap=%d"\n' % gap + schedule("1"))


def shared(name, chk_cpus, args, checks, check, smp):
    return Scenario(
        name=name,
        config_text=shared_config(chk_cpus, args),
        smp=smp,
        expect=[r"schedule cpu1: 2 windows in a %dms frame" % FRAME_MS] +
        pass_lines("chk: ", checks) +
        [r"partition chk exited with code 0"],
        anywhere=[r"t: done: 40 runs, state lost 0 times"],
        forbid=[r"FAIL", r"EXCEPTION", r"stopped: ", r"error:",
                r"state lost:"],
        check=check,
        qemu_extra=ICOUNT,
        timeout=180,
    )


SHARED_LAPIC_SCENARIOS = [
    shared("lapic-check-shared-core", "1", SHARED_ARGS, SOLO_CHECKS,
           held_bounded(SHARED_LATE_US, 1), 2),
    # vCPU 0 on the shared cpu 1, vCPU 1 on cpu 2, its own: IPIs sent
    # while vCPU 0 is out of its window wait for the next one.
    shared("lapic-check-shared-2-vcpus", "1-2", "cpus=2 " + SHARED_ARGS,
           IPI_CHECKS,
           both(held_bounded(SHARED_LATE_US, 1),
                ipi_bounded(SHARED_LATE_US, HELD_MIN_US)), 3),
]
LAPIC_SCENARIOS += SHARED_LAPIC_SCENARIOS
