# SPDX-License-Identifier: BSD-2-Clause
"""A hostile partition beside a steady one (guests/chaos, guests/hello):
seeded operations on everything a partition reaches, restarted with the
next seed whenever one stops it. The hypervisor must carry on, the
neighbour count without a gap, and each chaos stop be one the guest
announced (docs/testing.md, "Chaos")."""
import re

from common import HELLO, PART
from harness import Scenario, qemu_exit_status

CHAOS = "guests/chaos.elf"
# Why a chaos seed may end: its own reboot, or an operation it announced
# (an access outside its RAM, string I/O on a port that takes only IN and
# OUT, an MMIO form that is not emulated).
CHAOS_STOPS = (r"outside its memory|string I/O \((INS|OUTS)\) to port|"
               r"by an instruction that is not emulated")


def chaos_config(seeds, ops, ticks, spin, extra="", chaos_cpu="1",
                 ticker_cpus="2"):
    return ("[hypervisor]\nexit_when_done = yes\n" +
            PART % ("chaos", chaos_cpu, "8M", CHAOS) +
            'cmdline = "seeds=%d ops=%d report=500%s"\n' % (seeds, ops, extra) +
            "on_fault = restart\n" +
            PART % ("ticker", ticker_cpus, "8M", HELLO) +
            'cmdline = "count=%d spin=%d"\n' % (ticks, spin))


def no_gap(name):
    """The neighbour's lines hello i/N come without a number missing."""
    def check(text):
        seen = [int(n) for n in re.findall(r"%s: hello (\d+)/" % name, text)]
        if not seen:
            return "%s printed nothing" % name
        if seen != list(range(1, len(seen) + 1)):
            return "%s skipped or repeated a number" % name
        return None
    return check


def chaos_survived(seeds):
    """Every seed ran: each ended by the guest's own reboot or by a stop
    it announced just before, with the stop's reason in CHAOS_STOPS."""
    def check(text):
        started = re.findall(r"chaos: seed (\d+) \(base", text)
        if [int(s) for s in started] != list(range(1, seeds + 1)):
            return "chaos ran seeds %s, expected 1..%d" % (started, seeds)
        stops = re.findall(r"partition chaos stopped: (.*)", text)
        for why in stops:
            if not re.search(CHAOS_STOPS, why):
                return "chaos stopped for an unexpected reason: " + why
        announced = len(re.findall(r"chaos: seed \d+ op \d+ ends the seed",
                                   text))
        if len(stops) > announced:
            return "%d chaos stops but %d announced" % (len(stops),
                                                       announced)
        reboots = len(re.findall(r"chaos: seed \d+ survived", text))
        if reboots + len(stops) != seeds:
            return "%d seeds ended (%d survived, %d stopped), expected %d" % (
                reboots + len(stops), reboots, len(stops), seeds)
        return None
    return check


def invd_exits(text):
    """INVD exits on both vendors (done as a no-op): run natively it drops
    dirty lines of caches the hypervisor and other partitions share. Only
    the VMX run can show it: QEMU 7.2's TCG checks the WBINVD intercept
    for INVD (fixed in QEMU 8.1), so under SVM the INVD intercept is never
    taken here."""
    if not re.search(r"partition chaos: exits:.* invd \d+", text):
        return "no INVD exit counted: INVD ran in the guest"
    return None


def both(*checks):
    def check(text):
        for c in checks:
            wrong = c(text)
            if wrong:
                return wrong
        return None
    return check


# The hypervisor's own trouble, or a neighbour disturbed.
CHAOS_FORBID = [r"EXCEPTION", r"partition ticker stopped",
                r"chaos: unexpected vector", r"did not happen",
                r"does not stop", r"CORRUPTED", r"panic"]

CHAOS_SCENARIOS = [
    Scenario(
        name="chaos-svm-neighbour-unbroken",
        smp=3,
        # cr_strict=0: QEMU's TCG takes CR writes that must #GP in 64-bit
        # mode (guests/README.md); SVM does not intercept them anyway.
        config_text=chaos_config(seeds=6, ops=4000, ticks=60, spin=3000000,
                                 extra=" cr_strict=0"),
        expect=[r"chaos: done: 6 seeds from 1",
                r"summary: all 2 partition\(s\) stopped",
                r"  chaos: exit code 0",
                r"  ticker: exit code 0",
                r"run finished: success"],
        anywhere=[r"ticker: memory intact",
                  r"partition chaos: restarting \(restart 6\)"],
        forbid=CHAOS_FORBID,
        check=both(no_gap("ticker"), chaos_survived(6)),
        exit_status=qemu_exit_status(0),
        timeout=120,
    ),
]
