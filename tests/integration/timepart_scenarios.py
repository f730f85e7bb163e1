# SPDX-License-Identifier: BSD-2-Clause
"""Time partitions (docs/architecture.md): two partitions share cpu 1 on a
fixed cyclic table, a third has cpu 2 to itself. guests/ticker logs the
TSC bounds of every stretch it ran (a "run"); the check puts the runs on
the hypervisor's timeline (the frame's length in TSC ticks and its epoch,
which it logs) and requires that each run lies inside one of its
partition's windows, ending within TOLERANCE_US of the window's end and
starting no earlier than TOLERANCE_US before its start and no later than
START_LATE_US after it, and that the two partitions' runs never overlap. The
neighbour of ticker "a" is another ticker, then one that spins or halts
with interrupts off, then one that triple-faults and is restarted, over
and over: none may move a's windows.

The runs use QEMU's -icount (as `make bench` does): the guest's TSC and
the LAPIC timer then count instructions, not the loaded host's time, so
the windows are exact enough to measure. Without it a QEMU thread the host
preempts looks like a window that ended early."""
import re

from common import PART
from harness import Scenario, qemu_exit_status

TICKER = "guests/ticker.elf"
ICOUNT = ["-icount", "shift=5,sleep=off"]
FRAME_MS = 20
# a's windows: 0-5 ms and 17-19 ms; its neighbour's: 5-15 ms; the rest idle.
WINDOWS = "a 5ms, b 10ms, idle 2ms, a 2ms"
EXPECTED = {"a": [(0, 5), (17, 19)], "b": [(5, 15)]}
RUNS = 24
# The first runs overlap the start (partitions loading, first messages).
SKIP_RUNS = 3
# How far a run's bounds may be from its window's: the switch itself, and
# a ticker sample (a loop turn, or a run cut short by its last message).
TOLERANCE_US = 200
# A window may start late, never end late (docs/architecture.md): the exit
# being handled at the boundary and the ticker's own first sample delay a
# start. Beside a second QEMU (make test runs two), b's first sample was
# once 412 us late; a late start only shortens the partition's own window.
START_LATE_US = 1000


def ticker(name, cpus, args, extra=""):
    return PART % (name, cpus, "2M", TICKER) + 'cmdline = "%s"\n' % args + \
        extra


def config(neighbour, solo_cpu="2", gap=200000):
    """gap: 200 us of the TSC (1 GHz under -icount, 100 MHz in Bochs).
    solo records for 100 ms only: under -icount QEMU runs one vCPU at a
    time, and a second vCPU busy all along distorts the timeline
    (docs/architecture.md, "Time partitions")."""
    return ("[hypervisor]\nexit_when_done = yes\n" +
            ticker("a", "1", "seed=1 runs=%d gap=%d" % (RUNS, gap)) +
            neighbour +
            ticker("solo", solo_cpu, "seed=3 runs=24 gap=%d ticks=%d" %
                   (gap, gap * 500)) +
            schedule("1", FRAME_MS, WINDOWS))


def schedule(cpu, frame_ms, windows):
    """The [schedule cpuN] section: a frame_ms frame of these windows."""
    return "[schedule cpu%s]\nmajor_frame = %dms\nwindows = %s\n" % (
        cpu, frame_ms, windows)


def runs_of(text, name):
    return [(int(s, 16), int(e, 16)) for s, e in
            re.findall(r"%s: run \d+ ([0-9a-f]+) ([0-9a-f]+)" % name, text)]


def window_check(names):
    """Each named ticker's runs inside its windows; no two overlap."""
    def check(text):
        m = re.search(r"schedule cpu1: \d+ windows in a %dms frame "
                      r"\((\d+) TSC ticks\) from TSC (0x[0-9a-f]+)"
                      % FRAME_MS, text)
        if not m:
            return "no schedule line for cpu1"
        frame, epoch = int(m.group(1)), int(m.group(2), 16)
        per_ms = frame / FRAME_MS
        tol = TOLERANCE_US * per_ms / 1000
        late = START_LATE_US * per_ms / 1000
        every = []
        for name in names:
            runs = runs_of(text, name)
            if len(runs) != RUNS:
                return "%s logged %d runs, not %d" % (name, len(runs), RUNS)
            every += [(s, e, name) for s, e in runs]
            for i, (start, end) in enumerate(runs[SKIP_RUNS:], SKIP_RUNS):
                wrong = place(name, i, start - epoch, end - epoch, frame,
                              per_ms, tol, late)
                if wrong:
                    return wrong
        every.sort()
        for (s1, e1, n1), (s2, e2, n2) in zip(every, every[1:]):
            if s2 <= e1:
                return "runs overlap: %s %#x-%#x and %s %#x-%#x" % (
                    n1, s1, e1, n2, s2, e2)
        return None
    return check


def place(name, i, start, end, frame, per_ms, tol, late):
    """None if [start, end] (ticks since the epoch) fits a window of name."""
    base = start // frame * frame
    for first_ms, last_ms in EXPECTED[name]:
        w_start, w_end = base + first_ms * per_ms, base + last_ms * per_ms
        if w_start - tol <= start <= w_start + late and \
                w_end - tol <= end <= w_end + tol:
            return None
    return ("%s run %d: %.3f-%.3f ms into its frame, which is none of its "
            "windows %s (tolerance %d us, a start %d us late)" % (
                name, i, (start - base) / per_ms, (end - base) / per_ms,
                EXPECTED[name], TOLERANCE_US, START_LATE_US))


def scenario(name, neighbour, checked, expect, exit_status):
    return Scenario(
        name=name,
        config_text=config(neighbour),
        smp=3,
        expect=[r"schedule cpu1: 5 windows in a 20ms frame"] + expect,
        forbid=[r"EXCEPTION", r"state lost:", r"state lost [1-9]",
                r"partition a stopped", r"does not stop"],
        check=window_check(checked),
        exit_status=exit_status,
        qemu_extra=ICOUNT,
        timeout=120,
    )


TIMEPART_SCENARIOS = [
    scenario("timepart-two-tickers",
             ticker("b", "1", "seed=2 runs=%d" % RUNS), ["a", "b"],
             [r"a: done: %d runs, state lost 0 times" % RUNS,
              r"schedule cpu1: \d+ windows entered from frame 25 on, \d+ "
              r"switches, start late by median \d+ us, at most \d+ us",
              r"run finished: success"],
             qemu_exit_status(0)),
    scenario("timepart-neighbour-spins",
             ticker("b", "1", "mode=spin"), ["a"],
             [r"a: done: %d runs, state lost 0 times" % RUNS], None),
    scenario("timepart-neighbour-halts",
             ticker("b", "1", "mode=halt"), ["a"],
             [r"a: done: %d runs, state lost 0 times" % RUNS], None),
    # A shared core's LAPIC is software: b reads its ID there and exits.
    scenario("timepart-neighbour-reads-its-lapic",
             ticker("b", "1", "mode=lapic"), ["a"],
             [r"b: local APIC ID register: 0\b",
              r"partition b exited with code 0",
              r"a: done: %d runs, state lost 0 times" % RUNS,
              r"run finished: success"], qemu_exit_status(0)),
    scenario("timepart-neighbour-crashes",
             PART % ("b", "1", "2M", "guests/crash.elf") +
             'cmdline = "crashes=1000000"\non_fault = restart\n', ["a"],
             [r"partition b: restarting \(restart 3\)",
              r"a: done: %d runs, state lost 0 times" % RUNS], None),
]
