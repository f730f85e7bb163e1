# SPDX-License-Identifier: BSD-2-Clause
"""Devices on a core shared in time (docs/architecture.md, "Time
partitions"): guests/edu-dma owns QEMU's edu and shares cpu 1 with a
ticker, in a 30 ms frame: edu 0-5 ms, the ticker 5-15 ms, idle after. Its
MSIs reach the core as the hypervisor's posting vectors and wait in its
software LAPIC until it runs. windows=4: four raised in its window, four
raised under CLI and kept pending across a change of window, four raised
by DMAs that finish 100 ms after they start, in the ticker's window (100
is no multiple of 30), so they are held for edu's next window, and mask
edu's source until then (the next DMA's interrupt must arrive: the
unmask works). All twelve must arrive, the hypervisor must have posted
exactly twelve, with at most one exit of the ticker in any window, and the
ticker's windows must stay where the table puts them although edu's
interrupts exit it.

A storm (storm=N): edu's partition has a second vCPU on a core of its
own, which raises edu's MSI every 50 us for 300 ms, ten frames, while
vCPU 0 takes them on the shared core. Each message that exits the ticker
asks for edu's source to be masked at the IOMMU until edu's next window:
the hypervisor must count at most two such exits per gap between edu's
windows (the first, and one on its way while it was masked), against
about a third of the 6000 messages without the bound; the last raise
must still reach the guest. Without -icount: under it QEMU runs one
vCPU at a time, each until the next timer, so vCPU 1's raises never
overlap the ticker's run and merge in the core's LAPIC into one exit
(measured: 8 exits in ten frames without the bound; without -icount,
332, and with it 9).

INTx stays with cores of their own: a line routed to a vCPU on a shared
core is refused with one log line, however often the guest rewrites its
I/O APIC entry, and the guest sees no interrupt."""
import re

from harness import Scenario
from scenarios import RUN_FAILED, RUN_OK
from timepart_scenarios import (ICOUNT, SKIP_RUNS, START_LATE_US, TICKER,
                                TOLERANCE_US, runs_of, schedule)

EDU = ["-device", "edu,dma_mask=0xffffffffffffffff"]
FRAME_MS = 30
TICKER_WINDOW = (5, 15)
ROUNDS = 4
# Long enough to overlap all of edu's run (about 1 s), shorter under
# -icount than it looks: 60 frames of 30 ms.
TICKER_RUNS = 60
GAP = 200000    # TSC ticks: 200 us at -icount's 1 GHz


STORM_UNITS = 300      # of 2^20 TSC ticks: about 300 ms, ten frames
# TSC ticks between raises: 50 us, more than a posting exit costs under
# -icount (22 us), so edu's own vCPU 0 still runs in its window.
STORM_PACE = 50000
# Exits of the ticker per gap between edu's windows: the first message,
# and one sent while the core masked the source.
EXITS_PER_GAP = 2


def config(bdf, edu_args="windows=%d gap=%d" % (ROUNDS, GAP), cpus="1"):
    return ("[hypervisor]\nexit_when_done = yes\n"
            "[partition edu]\ncpus = %s\nmemory = 32M\n" % cpus +
            "kernel = guests/edu-dma.elf\n"
            'cmdline = "%s"\ndevices = %s\n'
            "[partition t]\ncpus = 1\nmemory = 2M\nkernel = %s\n"
            'cmdline = "seed=2 runs=%d gap=%d"\n' % (
                edu_args, bdf, TICKER, TICKER_RUNS, GAP) +
            schedule("1", FRAME_MS, "edu 5ms, t 10ms"))


def ticker_windows(text):
    """The ticker's runs each fill its window."""
    m = re.search(r"schedule cpu1: \d+ windows in a %dms frame \((\d+) TSC "
                  r"ticks\) from TSC (0x[0-9a-f]+)" % FRAME_MS, text)
    if not m:
        return "no schedule line for cpu1"
    frame, epoch = int(m.group(1)), int(m.group(2), 16)
    per_us = frame / (FRAME_MS * 1000)
    runs = runs_of(text, "t")
    if len(runs) != TICKER_RUNS:
        return "t logged %d runs, not %d" % (len(runs), TICKER_RUNS)
    first, last = (ms * 1000 * per_us for ms in TICKER_WINDOW)
    for i, (start, end) in enumerate(runs[SKIP_RUNS:], SKIP_RUNS):
        base = (start - epoch) // frame * frame + epoch
        late = (start - base - first) / per_us
        early = (end - base - last) / per_us
        if not (-TOLERANCE_US <= late <= START_LATE_US and
                abs(early) <= TOLERANCE_US):
            return ("t run %d started %+.0f us and ended %+.0f us from its "
                    "window %s ms (tolerance %d us, a start %d us late)" % (
                        i, late, early, TICKER_WINDOW, TOLERANCE_US,
                        START_LATE_US))
    return None


def ticker_exact(text):
    """The ticker's runs each fill its window; edu's counts add up."""
    err = ticker_windows(text)
    if err:
        return err
    held = re.search(r"edu: msi windows: .* (\d+) held", text)
    if not held or int(held.group(1)) < 1:
        return "no DMA interrupt was held for edu's next window"
    return None


def scenario(name, iommu_args, bdf):
    return Scenario(
        name=name, smp=2, config_text=config(bdf),
        qemu_extra=iommu_args + EDU + ICOUNT,
        expect=[r"schedule cpu1: 3 windows in a %dms frame" % FRAME_MS,
                r"edu: found at %s" % bdf,
                r"edu: msi windows: %d/%d raised delivered, %d/%d under cli "
                r"delivered after a window change, %d/%d from DMA "
                r"delivered, \d+ held for our next window, 0 on other "
                r"vectors" % ((ROUNDS,) * 6),
                r"partition edu exited with code 0",
                r"schedule cpu1: %d device interrupts posted to its vCPUs, "
                r"\d+ while another partition ran, in \d+ of its exits "
                r"\(at most 1 in one window\), [1-9]\d* sources masked"
                % (3 * ROUNDS),
                r"run finished: success"],
        anywhere=[r"t: done: %d runs, state lost 0 times" % TICKER_RUNS,
                  r"partition edu: 1 PCI function\(s\) quiesced"],
        forbid=[r"EXCEPTION", r"state lost [1-9]", r"not routed",
                r"unexpected interrupt"],
        check=ticker_exact, exit_status=RUN_OK, timeout=180)


def storm_bounded(text):
    """The ticker paid at most EXITS_PER_GAP exits per gap in the storm,
    far fewer than the messages that reach it without the bound. Without
    -icount its windows are not exact enough to check (see above)."""
    frame = re.search(r"schedule cpu1: \d+ windows in a %dms frame \((\d+) "
                      r"TSC ticks\)" % FRAME_MS, text)
    storm = re.search(r"edu: msi storm: (\d+) raised by vCPU 1 in "
                      r"(0x[0-9a-f]+) TSC ticks, (\d+) delivered", text)
    posted = re.search(r"schedule cpu1: (\d+) device interrupts posted to "
                       r"its vCPUs, \d+ while another partition ran, in "
                       r"(\d+) of its exits \(at most (\d+) in one "
                       r"window\), (\d+) sources masked", text)
    if not (frame and storm and posted):
        return "no schedule, storm or posting line"
    raised, ticks = int(storm.group(1)), int(storm.group(2), 16)
    away, most, masked = (int(posted.group(i)) for i in (2, 3, 4))
    gaps = ticks // int(frame.group(1)) + 2
    bound = EXITS_PER_GAP * gaps
    # The ticker's window is a third of the frame.
    if raised // 3 < 4 * bound:
        return "storm too weak to test the bound: %d raised" % raised
    if away > bound:
        return ("%d posting exits while the ticker ran, over the bound of "
                "%d (%d per gap, %d gaps)" % (away, bound, EXITS_PER_GAP,
                                              gaps))
    if most > EXITS_PER_GAP:
        return ("%d posting exits in one window of the ticker, over the "
                "bound of %d" % (most, EXITS_PER_GAP))
    # A message at the very end of the ticker's window is injected at
    # edu's next entry before the core would mask: an exit, no mask.
    if masked > away:
        return "%d sources masked for %d exits" % (masked, away)
    return None


def storm_scenario(name, iommu_args, bdf):
    return Scenario(
        name=name, smp=3,
        config_text=config(bdf, "storm=%d pace=%d" % (
            STORM_UNITS, STORM_PACE), "1,2"),
        qemu_extra=iommu_args + EDU,
        expect=[r"edu: found at %s" % bdf,
                r"edu: msi storm: \d+ raised by vCPU 1 in 0x[0-9a-f]+ TSC "
                r"ticks, [1-9]\d* delivered to vCPU 0, the last raise "
                r"delivered, 4/4 raised after it delivered, 0 on other "
                r"vectors",
                r"partition edu exited with code 0",
                r"schedule cpu1: \d+ device interrupts posted",
                r"run finished: success"],
        anywhere=[r"t: done: %d runs, state lost 0 times" % TICKER_RUNS],
        forbid=[r"EXCEPTION", r"state lost [1-9]", r"not routed",
                r"unexpected interrupt", r"IOMMU: interrupt fault"],
        check=storm_bounded, exit_status=RUN_OK, timeout=240)


INTX_REFUSED = (r"partition edu: INTx GSI 20 not routed: vCPU 0 is on cpu 1, "
                r"shared in time, which takes only MSI and MSI-X")


def refused_once(text):
    n = len(re.findall(INTX_REFUSED, text))
    return None if n == 1 else "the INTx refusal logged %d times, not 1" % n


TIMEPART_MSI_SCENARIOS = [
    scenario("timepart-edu-msi-amd-vi", ["-device", "amd-iommu"], "00:04.0"),
    scenario("timepart-edu-msi-vt-d",
             ["-device", "intel-iommu,intremap=on"], "00:03.0"),
    storm_scenario("timepart-edu-msi-storm-amd-vi", ["-device", "amd-iommu"],
                   "00:04.0"),
    storm_scenario("timepart-edu-msi-storm-vt-d",
                   ["-device", "intel-iommu,intremap=on"], "00:03.0"),
    # edu's INTA is GSI 20 on q35 (slot 4); the guest waits, gets nothing.
    Scenario(
        name="timepart-edu-intx-refused-amd-vi", smp=2,
        config_text=config("00:04.0", "intx=1"),
        qemu_extra=["-device", "amd-iommu"] + EDU + ICOUNT,
        expect=[INTX_REFUSED,
                r"partition edu exited with code 11",
                r"run finished: failure"],
        anywhere=[r"t: done: %d runs, state lost 0 times" % TICKER_RUNS],
        forbid=[r"EXCEPTION", r"unexpected interrupt"],
        check=refused_once, exit_status=RUN_FAILED, timeout=180),
]
