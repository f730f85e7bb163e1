#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Bulkhead benchmarks: runs the bench-* guests bare (QEMU -kernel) and in a
partition (the real image through OVMF), same QEMU, same machine and CPU
model, and writes docs/performance.md.

  bench.py [--out FILE]   the full run (make bench)
  bench.py --smoke        tiny sizes into a temporary file; checks that
                          every figure came out (make bench-smoke)
  bench.py --only timepart|linuxclock [--smoke]
                          that figure alone, its rows printed

Repeatable figures come from guest TSC counts under -icount shift=5,
sleep=off (TSC = instructions x 32 there); wall-clock figures are ratios
of runs made in this same invocation. Ends with `bench: N passed, N failed`
(one check per figure). Standard library only.
"""
import argparse
import datetime
import os
import platform
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys

import accel
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.dont_write_bytecode = True
from harness import clean  # noqa: E402  (OVMF's escapes, CRs)
import harness  # noqa: E402  (the Linux runs type on the console)
import linux_pci_scenarios as lpci  # noqa: E402  (devices, addresses)
import timepart_scenarios as tp  # noqa: E402  (ticker partitions, tables)
import linux_timepart_scenarios as ltp  # noqa: E402  (Linux's clock)
from scenarios import PROMPT, SWITCH  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
EFI = os.path.join(BUILD, "bulkhead.efi")
OVMF = os.environ.get("OVMF", "/usr/share/ovmf/OVMF.fd")
ICOUNT = ["-icount", "shift=5,sleep=off"]
TICKS_PER_INSN = 32          # 2^shift ns per instruction, TSC at 1 GHz
ICOUNT_HZ = 1e9
NVME_BS = 64 * 1024          # bytes per O_DIRECT read: one NVMe command
PING_INTERVAL = "0.02"        # seconds between echo requests
CPUID_TARGET = 300           # hypervisor instructions per CPUID round trip
COMPUTE_TARGET = 1.01
MEMORY_TARGET = 1.03
LOC_BUDGET = 12000
# Every folder linked into bulkhead.efi.
HV_DIRS = ["boot", "lib", "config", "loader", "arch", "kernel", "drivers"]
# The design's 12k budget is for the hypervisor proper; lib/, config/ and
# loader/ (freestanding libraries, the parser, the guest loaders) are
# counted and shown beside it.
PROPER_DIRS = ["boot", "arch", "kernel", "drivers"]
SCEN = os.path.join(ROOT, "guests", "scenarios")
DEFAULT_CFG = os.path.join(SCEN, "bench-default", "bulkhead.cfg")

# Sizes: (full, smoke).
SIZES = {
    "exits_n": (100000, 1000),
    "compute_icount_n": (1000000, 20000),
    "compute_wall_n": (12000000, 50000),
    "memory_icount": ("mib=64 steps=200000", None),   # full only
    "memory_wall": ("mib=128 steps=4000000", "mib=8 steps=2000"),
    "memory_ram": ("160M", "32M"),
    "idle_mticks": ((1024, 2048), (16, 32)),
    "reps": (5, 1),
    # NVMe: disk MiB (read whole, each pass), passes; ping: round trips.
    "nvme_mib": (64, 4),
    "nvme_passes": (5, 1),
    "ping_n": (500, None),       # full only: two more Linux boots
    "baselines": (2, 1),
    # Chaos: seeds, operations per seed at most, seed-enders kept per mille.
    "chaos": ((60, 20000, 5), (3, 500, 30)),
    # Time partitions: frames measured after the scheduler's settling ones.
    "timepart_frames": (1000, 5),
    # Linux's clock: samples, a second apart (tests/integration/
    # linux_timepart_scenarios.py).
    "linux_clock_samples": (ltp.SAMPLES, 12),
    "timeout": (600, 120),
}

BENCH_RE = re.compile(r"bench: (\w+)((?: [\w.]+=\S+)*)\s*$")
TIME_RE = re.compile(r"^\[\s*(\d+\.\d+)\]")
EXITS_RE = re.compile(r"partition (\S+): exits:(.*)$")
PHASES_RE = re.compile(
    r"boot phases \(TSC\): efi_main (\d+), exit boot services (\d+)-(\d+), "
    r"CPUs up (\d+), stage-2 built (\d+), partitions loaded (\d+)")


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class Run:
    """One QEMU run: its serial text, parsed."""

    def __init__(self, label, text, wall, status):
        self.label, self.text, self.wall, self.status = label, text, wall, status
        self.results = {}            # figure -> list of {key: value}
        self.exits = {}              # partition -> {reason: count}
        self.phases = None
        self.tsc_mhz = None
        self.footprint = self.hv_extra = None
        self.start_s = self.stop_s = None
        for line in text.splitlines():
            self._parse(line)

    def _parse(self, line):
        m = BENCH_RE.search(line)
        if m:
            kv = {}
            for word in m.group(2).split():
                k, v = word.split("=", 1)
                # Fixed-width numbers (so that runs of different lengths
                # print as many characters, hence as many console exits).
                try:
                    kv[k] = int(v, 16) if v.startswith("0x") else int(v, 10)
                except ValueError:
                    kv[k] = v
            self.results.setdefault(m.group(1), []).append(kv)
        m = EXITS_RE.search(line)
        if m:
            words = m.group(2).split()
            self.exits[m.group(1)] = {words[i]: int(words[i + 1])
                                      for i in range(0, len(words) - 1, 2)}
        m = PHASES_RE.search(line)
        if m:
            self.phases = [int(g) for g in m.groups()]
        m = re.search(r"TSC: (\d+) MHz", line)
        if m:
            self.tsc_mhz = int(m.group(1))
        m = re.search(r"hypervisor footprint: (\d+) KiB", line)
        if m:
            self.footprint = int(m.group(1))
        m = re.search(r"hypervisor memory with the partitions set up: (\d+) KiB", line)
        if m:
            self.hv_extra = int(m.group(1))
        t = TIME_RE.search(line)
        if t and re.search(r"partition \S+: starting on CPU", line) \
                and self.start_s is None:
            self.start_s = float(t.group(1))
        if t and re.search(r"partition \S+ exited with code", line):
            self.stop_s = float(t.group(1))

    def one(self, figure, **match):
        for r in self.results.get(figure, []):
            if all(r.get(k) == v for k, v in match.items()):
                return r
        raise KeyError("%s: no `bench: %s %s` line" % (self.label, figure,
                                                       match))

    def total_exits(self):
        return sum(sum(d.values()) for d in self.exits.values())


class Bench:
    def __init__(self, smoke, workdir, timeout):
        self.smoke, self.workdir, self.timeout = smoke, workdir, timeout
        # KVM rows only where KVM can nest VMX/SVM (scripts/accel.py).
        choice = accel.host_choice()
        self.kvm = choice.accel == "kvm"
        self.accel_message = choice.message or choice.error
        self.count = 0

    def _qemu(self, cmd, label, done="bench: done"):
        self.count += 1
        serial = os.path.join(self.workdir, "%02d-%s.serial" % (self.count,
                                                                label))
        start = time.monotonic()
        proc = subprocess.Popen(cmd + ["-serial", "file:" + serial],
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            _, err = proc.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError("%s: no end after %d s" % (label, self.timeout))
        wall = time.monotonic() - start
        with open(serial, "rb") as f:
            text = clean(f.read().decode("utf-8", "replace"))
        run = Run(label, text, wall, proc.returncode)
        log("%-28s %6.1f s wall, QEMU status %d" % (label, wall,
                                                     proc.returncode))
        if done not in text:
            tail = "\n  | ".join(text.splitlines()[-15:])
            raise RuntimeError("%s: the guest did not finish (status %d)\n  | %s"
                               % (label, proc.returncode, tail + err.decode(
                                   "utf-8", "replace")[-500:]))
        return run

    def machine(self, kvm):
        return ["-machine", "q35"] + (accel.kvm_args() if kvm
                                      else accel.tcg_args())

    def bare(self, label, elf, args, smp=1, icount=False, kvm=False):
        cmd = (["qemu-system-x86_64"] + self.machine(kvm) +
               ["-smp", str(smp), "-m", "1G", "-display", "none",
                "-no-reboot", "-nic", "none",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-kernel", os.path.join(BUILD, "guests", elf + ".elf"),
                "-append", args])
        return self._qemu(cmd + (ICOUNT if icount else []), label)

    def partition(self, label, scenario, cmdline=None, memory=None, smp=1,
                  icount=False, kvm=False, config=None,
                  done="bench: done"):
        """Boots the image for a scenario config, its cmdline replaced."""
        with open(config or os.path.join(SCEN, scenario, "bulkhead.cfg")) as f:
            text = f.read()
        if cmdline is not None:
            text = re.sub(r"(?m)^cmdline = .*$", 'cmdline = "%s"' % cmdline,
                          text)
        if memory is not None:
            text = re.sub(r"(?m)^memory = .*$", "memory = " + memory, text)
        cfg = os.path.join(self.workdir, label + ".cfg")
        with open(cfg, "w") as f:
            f.write(text)
        image = os.path.join(self.workdir, label + ".img")
        subprocess.run(["/usr/bin/python3",
                        os.path.join(ROOT, "scripts", "mkimage.py"),
                        "--efi", EFI, "--config", cfg, "--search", BUILD,
                        "--out", image], check=True,
                       stdout=subprocess.DEVNULL)
        args = subprocess.run([os.path.join(ROOT, "scripts", "qemu-args.sh"),
                               image, str(smp),
                               "" if kvm else accel.TCG_CPU],
                              check=True, text=True,
                              env=dict(os.environ, QEMU_ACCEL="kvm")
                              if kvm else None,
                              stdout=subprocess.PIPE).stdout
        cmd = shlex.split(args)
        os.remove(cfg)
        try:
            return self._qemu(cmd + (ICOUNT if icount else []), label, done)
        finally:
            os.remove(image)


def size(key, smoke):
    return SIZES[key][1 if smoke else 0]


# --- figures --------------------------------------------------------------

def fig_exits(b, smoke, kvm=False):
    n = size("exits_n", smoke)
    tag = "-kvm" if kvm else ""
    part = b.partition("exits-partition" + tag, "bench-exits",
                       "n=%d hypercall=1" % n, icount=not kvm, kvm=kvm)
    bare = b.bare("exits-bare" + tag, "bench-exits", "n=%d" % n,
                  icount=not kvm, kvm=kvm)
    rows = {}
    for kind in ("nop", "cpuid", "hypercall", "lsr_read"):
        p = part.one("exits", kind=kind)["ticks"] / n
        try:
            r = bare.one("exits", kind=kind)["ticks"] / n
        except KeyError:
            r = None            # a hypercall has no meaning bare
        rows[kind] = (p, r)
    return {"n": n, "rows": rows, "run": part}


def ratio_runs(b, smoke, name, scenario, args, memory, icount, reps):
    """Partition and bare, alternately, reps times; the guest's own ticks."""
    pairs = []
    for i in range(reps):
        mode = "icount" if icount else "wall"
        part = b.partition("%s-partition-%s-%d" % (name, mode, i), scenario,
                           args, memory=memory, icount=icount)
        bare = b.bare("%s-bare-%s-%d" % (name, mode, i), scenario, args,
                      icount=icount)
        pairs.append((part, bare))
    return pairs


def compute_ticks(run):
    r = run.one("compute")
    return r["int_ticks"] + r["fp_ticks"], r


def memory_ticks(run):
    r = run.one("memory")
    return r["ticks"], r


def fig_slowdown(b, smoke):
    reps = size("reps", smoke)
    out = {}
    cn_i = size("compute_icount_n", smoke)
    cn_w = size("compute_wall_n", smoke)
    pairs = ratio_runs(b, smoke, "compute", "bench-compute", "n=%d" % cn_i,
                       None, True, 1)
    p, _ = compute_ticks(pairs[0][0])
    r, _ = compute_ticks(pairs[0][1])
    out["compute_icount"] = (p, r)
    out["compute_icount_run"] = pairs[0][0]
    wall = ratio_runs(b, smoke, "compute", "bench-compute", "n=%d" % cn_w,
                      None, False, reps)
    out["compute_wall"] = [compute_ticks(p)[0] / compute_ticks(r)[0]
                           for p, r in wall]
    out["compute_wall_runs"] = wall
    cp, cr = compute_ticks(wall[0][0])[1], compute_ticks(wall[0][1])[1]
    out["compute_check"] = (cp["checksum"] == cr["checksum"] and
                            cp["pi_micro"] == cr["pi_micro"])
    out["compute_n"] = (cn_i, cn_w)
    # The same kernel twice as long: the partition's exits in steady state.
    out["compute_long"] = b.partition("compute-partition-wall-2n",
                                      "bench-compute", "n=%d" % (2 * cn_w))

    mem = size("memory_ram", smoke)
    mi = size("memory_icount", smoke)
    if mi:
        pairs = ratio_runs(b, smoke, "memory", "bench-memory", mi, mem,
                           True, 1)
        out["memory_icount"] = (memory_ticks(pairs[0][0])[0],
                                memory_ticks(pairs[0][1])[0])
        out["memory_icount_run"] = pairs[0][0]
    mw = size("memory_wall", smoke)
    wall = ratio_runs(b, smoke, "memory", "bench-memory", mw, mem, False,
                      reps)
    out["memory_wall"] = [memory_ticks(p)[0] / memory_ticks(r)[0]
                          for p, r in wall]
    out["memory_wall_runs"] = wall
    out["memory_args"] = (mi, mw)
    return out


def fig_idle(b, smoke):
    short, long_ = size("idle_mticks", smoke)
    runs = [b.partition("idle-partition-%d" % m, "bench-idle",
                        "mticks=%d" % m, smp=2) for m in (short, long_)]
    ticks = [r.one("idle")["ticks"] for r in runs]
    exits = [r.total_exits() for r in runs]
    hz = runs[0].tsc_mhz * 1e6
    rate = (exits[1] - exits[0]) / ((ticks[1] - ticks[0]) / hz)
    return {"runs": runs, "ticks": ticks, "exits": exits, "rate": rate,
            "seconds": [t / hz for t in ticks]}


def fig_default(b):
    return b.partition("default-scenario", None, smp=4, config=DEFAULT_CFG,
                       done="run finished: success")


# --- chaos: a hostile partition beside a ticker ---------------------------

CHAOS_TICKER = 'cmdline = "count=%d spin=3000000"\n'
SEED_LINE = re.compile(r"^\[\s*(\d+\.\d+)\] chaos: chaos: seed (\d+) \(base")
SURVIVED_LINE = re.compile(r"chaos: seed \d+ survived (\d+) ops: (.*)$")
ENDER_LINE = re.compile(r"chaos: seed \d+ op (\d+) ends the seed: (\S+)")
DONE_LINE = re.compile(r"^\[\s*(\d+\.\d+)\] chaos: chaos: done: ")
CAUGHT_RE = re.compile(r"(#\w+|other|NMIs|interrupts) (\d+)")


def chaos_stats(run):
    """Operations done, from each seed's last word: `survived N ops` (its
    own reboot after N) or else its last `op N ends the seed` (N done,
    then the operation that ended it)."""
    seeds, caught, exits, start, end = [], {}, {}, None, None
    for line in run.text.splitlines():
        m = SEED_LINE.search(line)
        if m:
            start = float(m.group(1)) if start is None else start
            seeds.append({"survived": None, "ender": None})
        m = SURVIVED_LINE.search(line)
        if m and seeds:
            seeds[-1]["survived"] = int(m.group(1))
            for k, v in CAUGHT_RE.findall(m.group(2)):
                caught[k] = caught.get(k, 0) + int(v)
        m = ENDER_LINE.search(line)
        if m and seeds:
            seeds[-1]["ender"] = (int(m.group(1)), m.group(2))
        m = DONE_LINE.search(line)
        if m:
            end = float(m.group(1))
        m = EXITS_RE.search(line)
        if m and m.group(1) == "chaos":
            words = m.group(2).split()
            for i in range(0, len(words) - 1, 2):
                exits[words[i]] = exits.get(words[i], 0) + int(words[i + 1])
    if start is None or end is None:
        raise RuntimeError("%s: no chaos seed started or no end" % run.label)
    ops = survived = enders = 0
    enders_by_kind = {}
    for seed in seeds:
        if seed["survived"] is not None:
            ops += seed["survived"]
            survived += 1
        elif seed["ender"]:
            index, kind = seed["ender"]
            ops += index + 1
            enders += 1
            enders_by_kind[kind] = enders_by_kind.get(kind, 0) + 1
        else:
            raise RuntimeError("%s: a chaos seed ended without a word" %
                               run.label)
    return {"ops": ops, "survived": survived, "enders": enders,
            "enders_by_kind": enders_by_kind, "caught": caught,
            "seconds": end - start, "exits": exits}


def fig_chaos(b, smoke):
    """guests/chaos through `seeds` seeds beside a ticker: operations done
    per second of the run, restarts included; the ticker must count
    without a gap and the hypervisor finish with its summary."""
    seeds, ops, end = size("chaos", smoke)
    ticks = 40 if smoke else 1500
    cfg_text = ("[hypervisor]\nexit_when_done = yes\n"
                "[partition chaos]\ncpus = 1\nmemory = 8M\n"
                "kernel = guests/chaos.elf\n"
                'cmdline = "seeds=%d ops=%d end=%d report=5000 cr_strict=0"\n'
                "on_fault = restart\n"
                "[partition ticker]\ncpus = 2\nmemory = 8M\n"
                "kernel = guests/hello.elf\n" % (seeds, ops, end) +
                CHAOS_TICKER % ticks)
    cfg = os.path.join(b.workdir, "chaos.cfg")
    with open(cfg, "w") as f:
        f.write(cfg_text)
    run = b.partition("chaos", None, smp=3, config=cfg,
                      done="run finished: success")
    seen = [int(n) for n in re.findall(r"ticker: hello (\d+)/", run.text)]
    if seen != list(range(1, ticks + 1)):
        raise RuntimeError("chaos: the ticker's count has a gap")
    if re.search(r"EXCEPTION|partition ticker stopped|unexpected vector",
                 run.text):
        raise RuntimeError("chaos: the hypervisor or the ticker was hurt")
    st = chaos_stats(run)
    st.update({"seeds": seeds, "ops_max": ops, "end": end, "run": run,
               "ticks": ticks, "rate": st["ops"] / st["seconds"]})
    return st


# --- time partitions: two tickers share a core -----------------------------
#
# guests/ticker on cpu 1 of a 2-CPU machine, under icount (TSC = 1 GHz):
# alone, then sharing the core with a second ticker on a cyclic table of
# two equal windows. The hypervisor logs the frame and epoch at the start
# and its count of late window starts at the end (kernel/sched.c); each
# ticker logs the TSC bounds of its first TP_RUNS runs (one per window)
# and the turns of its loop over the same number of TSC ticks.

TP_FRAME_MS = 10
TP_WINDOWS = "a 5ms, b 5ms"
TP_SETTLE_FRAMES = 25        # kernel/sched.c SCHED_SETTLE_FRAMES
TP_RUNS = 256                # guests/ticker RUNS_MAX
TP_SCHED_RE = re.compile(
    r"schedule cpu1: \d+ windows in a %dms frame \((\d+) TSC ticks\) from "
    r"TSC (0x[0-9a-f]+)" % TP_FRAME_MS)
TP_LATE_RE = re.compile(
    r"schedule cpu1: (\d+) windows entered from frame (\d+) on, (\d+) "
    r"switches, start late by median (\d+) us, at most (\d+) us")


def tp_done(run, name):
    m = re.search(r"%s: done: (\d+) runs, state lost (\d+) times, "
                  r"([0-9a-f]+) loops" % name, run.text)
    if not m:
        raise RuntimeError("%s: no `done` line from ticker %s" % (run.label,
                                                                   name))
    if int(m.group(2)):
        raise RuntimeError("%s: ticker %s lost its registers" % (run.label,
                                                                 name))
    return int(m.group(3), 16)


def tp_run(b, label, partitions, smp, icount):
    cfg = os.path.join(b.workdir, label + ".cfg")
    with open(cfg, "w") as f:
        f.write("[hypervisor]\nexit_when_done = yes\n" + partitions)
    return b.partition(label, None, smp=smp, config=cfg, icount=icount,
                       done="run finished: success")


def tp_lateness(run, frames):
    """The hypervisor's table and its count of late window starts."""
    m, late = TP_SCHED_RE.search(run.text), TP_LATE_RE.search(run.text)
    if not m or not late:
        raise RuntimeError("%s: no schedule line for cpu1" % run.label)
    starts = int(late.group(1))
    if starts < 2 * frames:
        raise RuntimeError("%s: %d windows measured, not %d frames' worth" % (
            run.label, starts, frames))
    return {"frame": int(m.group(1)), "epoch": int(m.group(2), 16),
            "starts": starts, "switches": int(late.group(3)),
            "late_median_us": int(late.group(4)),
            "late_max_us": int(late.group(5))}


def tp_boundaries(run, epoch, frame):
    """Each switch seen by the tickers: (ticks from one ticker's last
    sample to the other's first, ticks from the window's start to that
    first sample), from the settling frames on."""
    every = sorted([(s, e, n) for n in "ab" for s, e in tp.runs_of(
        run.text, n)])
    settled = epoch + TP_SETTLE_FRAMES * frame
    out = []
    for (s1, e1, n1), (s2, e2, n2) in zip(every, every[1:]):
        if n1 == n2 or e1 < settled:
            continue
        if s2 <= e1:
            raise RuntimeError("%s: runs of %s and %s overlap" % (
                run.label, n1, n2))
        half = frame // 2            # the windows are equal halves
        window = epoch + (s2 - epoch) // half * half
        out.append((s2 - e1, s2 - window))
    if not out:
        raise RuntimeError("%s: no switch between the tickers' runs" %
                           run.label)
    return out


def fig_timepart(b, smoke):
    """Switch cost (ticker samples), window start lateness (hypervisor),
    loop turns sharing the core at 50 % against alone (same TSC span)."""
    frames = size("timepart_frames", smoke)
    # Frames to the end of the measured ones; the tickers start at frame 0.
    mticks = (TP_SETTLE_FRAMES + frames + 1) * TP_FRAME_MS * \
        ICOUNT_HZ / 1e3 / 1e6
    args = "runs=%d mticks=%d" % (TP_RUNS, mticks)
    out = {"frames": frames, "mticks": mticks}
    # icount: one pair (repeatable); wall: reps pairs, full run only.
    pairs = [("icount", True)] + ([] if smoke else [
        ("wall-%d" % i, False) for i in range(size("reps", smoke))])
    out["pairs"] = []
    for mode, icount in pairs:
        alone = tp_run(b, "timepart-alone-" + mode,
                       tp.ticker("a", "1", "seed=1 " + args), 2, icount)
        shared = tp_run(b, "timepart-shared-" + mode,
                        tp.ticker("a", "1", "seed=1 " + args) +
                        tp.ticker("b", "1", "seed=2 " + args) +
                        tp.schedule("1", TP_FRAME_MS, TP_WINDOWS), 2, icount)
        loops = {"alone": tp_done(alone, "a"), "a": tp_done(shared, "a"),
                 "b": tp_done(shared, "b")}
        out["pairs"].append({
            "mode": mode, "loops": loops, "runs": (alone, shared),
            "ratio": {n: loops[n] / loops["alone"] for n in "ab"}})
    out["icount"] = out["pairs"][0]
    # The same table, the tickers printing nothing but their last line:
    # window starts with no guest exit anywhere near them.
    quiet_args = "runs=0 mticks=%d" % mticks
    quiet = tp_run(b, "timepart-shared-quiet",
                   tp.ticker("a", "1", "seed=1 " + quiet_args) +
                   tp.ticker("b", "1", "seed=2 " + quiet_args) +
                   tp.schedule("1", TP_FRAME_MS, TP_WINDOWS), 2, True)
    out["quiet"] = tp_lateness(quiet, frames)
    walls = [p["ratio"]["a"] for p in out["pairs"][1:]]
    out["wall_median"] = statistics.median(walls) if walls else None
    shared = out["icount"]["runs"][1]
    late = tp_lateness(shared, frames)
    frame, epoch = late["frame"], late["epoch"]
    bounds = tp_boundaries(shared, epoch, frame)
    gaps = [g for g, _ in bounds]
    firsts = [f for _, f in bounds]
    out.update(late)
    out.update({
        "boundaries": len(bounds),
        "gap_median": statistics.median(gaps), "gap_min": min(gaps),
        "gap_max": max(gaps),
        "first_median": statistics.median(firsts),
        "first_max": max(firsts),
        "loop_ticks": mticks * 1e6 / out["icount"]["loops"]["alone"]})
    # What sharing took from ticker a, per frame (one switch into it).
    lo = out["icount"]["loops"]
    out["loss_per_frame"] = ((lo["alone"] / 2 - lo["a"]) * out["loop_ticks"] /
                             (mticks * 1e6 / frame))
    return out


# --- time partitions: Linux's clock on a shared core ---------------------
#
# tests/integration/linux_timepart_scenarios.py, run as the integration
# tests run it: Debian's kernel on a core of its own, then sharing cpu 1
# with guests/ticker (20 ms frame, 10 ms each); once at its prompt the
# shell prints CLOCK_MONOTONIC a second apart, and the harness times each
# line's arrival. No icount: the figure is about the host's clock.

def fig_linux_clock(b, smoke):
    samples = size("linux_clock_samples", smoke)
    out = {"samples": samples}
    for key, make in (("owned", ltp.owned_core), ("shared", ltp.shared_core)):
        rec = {}
        run = linux_run(b, make(samples, rec, bounded=not smoke))
        if "host_ppm" not in rec:
            raise RuntimeError("%s: no clock figures" % run.label)
        rec["boot_s"] = ltp.boot_seconds(run.text, "lx")
        m = re.search(r"tsc_early_khz=(\d+)", run.text)
        rec["tsc_khz"] = int(m.group(1)) if m else None
        out[key] = rec
    return out


def implied_rate(r):
    """The TSC's true rate, if Linux's clock only inherited its error."""
    if not r["tsc_khz"]:
        return "no tsc_early_khz= in Linux's command line"
    return "which the drift against the host puts at %.0f kHz" % (
        r["tsc_khz"] * (1 + r["host_ppm"] / 1e6))


def linux_clock_summary(w, lc):
    o, s = lc["owned"], lc["shared"]
    w("| 8 | time partitions: Linux's clock against the host's (wall) |"
      " own core: %+.0f ppm | shared core: **%+.0f ppm** | against the"
      " hypervisor's clock: own %+.0f ppm, shared **%+.0f ppm** |"
      " hypervisor's within %d ppm, host's within %d ppm |" % (
          o["host_ppm"], s["host_ppm"], o["stamp_ppm"], s["stamp_ppm"],
          ltp.STAMP_DRIFT_PPM_MAX, ltp.HOST_DRIFT_PPM_MAX))
    w("| 8 | time partitions: Linux boot to its shell (wall) | own core:"
      " %.1f s | shared core: %.1f s | 10 ms of each 20 ms | - |" % (
          o["boot_s"], s["boot_s"]))


def linux_clock_section(w, lc):
    w("### Linux's clock on a shared core")
    w("")
    w("tests/integration/linux_timepart_scenarios.py: Debian's kernel with"
      " the busybox initramfs, first on cpu 1 alone (guests/hello printing"
      " on cpu 2), then sharing cpu 1 with guests/ticker (`major_frame ="
      " %dms`, `windows = lx 10ms, t 10ms`), without icount. At its"
      " prompt the shell prints CLOCK_MONOTONIC (`now at` of"
      " /proc/timer_list) %d times a second apart; the harness notes the"
      " host's time.monotonic() at which it first sees each line (polling"
      " every %.0f ms), and a least-squares line through (host time, guest"
      " time) gives the drift. The same fit against the hypervisor's"
      " stamp on each line (its TSC clock) leaves out the hypervisor's"
      " own error. Boot: from `partition lx: starting` to the initramfs'"
      " `ready`, the hypervisor's stamps." % (
          ltp.FRAME_MS, lc["samples"], ltp.POLL_SECONDS * 1000))
    w("")
    w("| core | boot | drift vs host | residuals vs host (rms, max) |"
      " drift vs hypervisor | residuals vs hypervisor (rms, max) |")
    w("| --- | --- | --- | --- | --- | --- |")
    for key, label in (("owned", "own (cpu 1)"),
                       ("shared", "shared with a ticker (cpu 1)")):
        r = lc[key]
        w("| %s | %.1f s | **%+.0f ppm** over %.0f s | %.1f ms, %.1f ms |"
          " **%+.0f ppm** | %.1f ms, %.1f ms |" % (
              label, r["boot_s"], r["host_ppm"], r["span_s"],
              r["host_rms_ms"], r["host_max_ms"], r["stamp_ppm"],
              r["stamp_rms_ms"], r["stamp_max_ms"]))
    w("")
    w("Linux takes its TSC frequency from the hypervisor (`tsc_early_khz=`,"
      " `tsc=reliable`: its own measure against the PIT or the PM timer,"
      " read through exits, gives up under emulation; loader/image.c), and"
      " the hypervisor measures it once at boot against 50 ms of the"
      " 8254's counter 2 (boot/efi_main.c): this run's TSC was taken for"
      " %s kHz, %s. What error that leaves, Linux's clock has against the"
      " host's on any core; against the hypervisor's own clock, the part a"
      " shared core could spoil, it keeps time to %.0f ppm. The"
      " residuals are the lines' way out (a fork and exec per sample, the"
      " virtual UART, on the shared core the wait for lx's next window)"
      " and the poll." % (lc["owned"]["tsc_khz"], implied_rate(lc["owned"]),
                          max(abs(lc[k]["stamp_ppm"])
                              for k in ("owned", "shared"))))
    w("")


# --- PCI passthrough: Linux partitions with an NVMe disk and an e1000e ----
#
# The guests are Debian's kernel with build/linux/initrd-pci.img, driven by
# typing on the console as tests/integration/linux_pci_scenarios.py does.
# The hypervisor counts a partition's exits only when it stops, so each
# measured run has a baseline: the same boot and the same typed commands,
# only the size changed (dd count=0, ping -c 1); exits during the work =
# measured - baseline. The guest prints what it counted as `bench:` lines;
# `"be""nch:"` keeps the console's echo of the typed line from matching.

# now: CLOCK_MONOTONIC in ns (busybox date has no %N); irq PATTERN: the
# interrupts of the /proc/interrupts lines naming PATTERN, all CPUs.
GUEST_FNS = (
    "now() { sed -n 's/^now at \\([0-9]*\\) nsecs$/\\1/p;/^now at/q' "
    "/proc/timer_list; }; irq() { awk -v p=\"$1\" '$0 ~ p {for (i = 2; "
    "i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END {print s + 0}' "
    "/proc/interrupts; }; ")
NVME_WAIT = ("modprobe nvme; for i in $(seq 150); do [ -b /dev/nvme0n1 ] "
             "&& break; sleep 0.2; done; ")
PCI_DONE = r"run finished: success"
BARE_PROMPT = r"bulkhead:/root# "


def nvme_script(mib, passes, read):
    """Reads the whole disk passes times, O_DIRECT, NVME_BS a request;
    count=0 (no read) for the baseline."""
    count = mib * 1024 * 1024 // NVME_BS if read else 0
    return (NVME_WAIT + GUEST_FNS +
            "for p in $(seq %d); do a=$(irq nvme0q); l=$(irq LOC:); "
            "t0=$(now); dd if=/dev/nvme0n1 of=/dev/null bs=%d count=%d "
            "iflag=direct 2>/tmp/dd; t1=$(now); b=$(irq nvme0q); "
            "m=$(irq LOC:); r=$(sed -n "
            "'s/^\\([0-9]*\\)+0 records in$/\\1/p' /tmp/dd); echo "
            "\"be\"\"nch: nvme pass=$p records=$r irq0=$a irq1=$b loc0=$l "
            "loc1=$m ns0=$t0 ns1=$t1\"; done; poweroff -f\n" % (
                passes, NVME_BS, count))


class Disk:
    """A raw disk of known bytes in the work folder, as the NVMe namespace
    (QEMU's nvme at the slot the integration tests use)."""

    def __init__(self, workdir, mib):
        self.path = os.path.join(workdir, "nvme-disk.img")
        rng = random.Random(0xb1c0)
        with open(self.path, "wb") as f:
            for _ in range(mib):
                f.write(rng.randbytes(1 << 20))

    def args(self, _workdir=None):
        return ["-drive", "file=%s,if=none,id=nv,format=raw" % self.path,
                "-device", "nvme,drive=nv,serial=bulkhead,addr=%#x" %
                lpci.NVME_SLOT]


def linux_run(b, s):
    """One harness run (it types the scenario's steps); a Run of it."""
    b.count += 1
    s.name = "%02d-%s" % (b.count, s.name)
    s.timeout = max(b.timeout, 300, s.timeout)
    ok, why, text, secs = harness.run(s, b.workdir)
    for ext in (".img", ".cfg"):
        if os.path.exists(os.path.join(b.workdir, s.name + ext)):
            os.remove(os.path.join(b.workdir, s.name + ext))
    log("%-28s %6.1f s wall" % (s.name, secs))
    if not ok:
        tail = "\n  | ".join(text.splitlines()[-15:])
        raise RuntimeError("%s: %s\n  | %s" % (s.name, why, tail))
    return Run(s.name, text, secs, 0)


def nvme_partition(b, disk, mib, passes, read):
    cfg = "[hypervisor]\nexit_when_done = yes\n" + lpci.NVME_CFG
    s = harness.Scenario(
        name="nvme-partition-" + ("read" if read else "baseline"),
        config_text=cfg, smp=2, cpu=accel.TCG_CPU,
        qemu_extra=lpci.AMD_IOMMU, qemu_extra_fn=disk.args,
        expect=[r"partition nvme: exits:", PCI_DONE],
        send=[(PROMPT % "nvme", nvme_script(mib, passes, read))],
        forbid=lpci.LINUX_FORBID + [r"IOMMU: .*fault"])
    return linux_run(b, s)


def nvme_bare(b, disk, mib, passes):
    s = harness.Scenario(
        name="nvme-bare-read", engine="qemu-kernel", smp=1,
        cpu=accel.TCG_CPU, kernel="linux/vmlinuz",
        initrd="linux/initrd-pci.img", append="console=ttyS0",
        qemu_extra=["-m", "192M"], qemu_extra_fn=disk.args,
        expect=[r"^bench: nvme pass=%d " % passes],
        send=[(BARE_PROMPT, nvme_script(mib, passes, True))],
        forbid=[r"Kernel panic", r"BUG:", r"Oops"])
    return linux_run(b, s)


# Kicks are NMI exits: the console's input (kernel/console.c). All typing
# is over before the work starts, so their difference between runs is how
# the typed line reached the UART, not the work: shown, not counted.
NOT_THE_WORK = ("kick",)


def exit_delta(run, bases, names=None):
    """Exits by reason, the measured run minus the mean of the baselines,
    summed over the partitions named (all by default)."""
    delta = {}
    for p in names or run.exits:
        for k, v in run.exits.get(p, {}).items():
            delta[k] = delta.get(k, 0) + v
        for base in bases:
            for k, v in base.exits.get(p, {}).items():
                delta[k] = delta.get(k, 0) - v / len(bases)
    return {k: round(v) for k, v in delta.items() if round(v)}


def baseline_spread(bases):
    """How far two identical baseline runs differ in total exits."""
    totals = [b.total_exits() for b in bases]
    return max(totals) - min(totals) if len(totals) > 1 else None


def bench_delta(run, bases, figure, key, match=None):
    """A guest counter's change over the work (key1 - key0, summed over
    the lines of figure), measured minus the baselines' mean."""
    def one(r):
        return sum(x[key + "1"] - x[key + "0"] for x in
                   r.results.get(figure, []) if key + "0" in x)
    return one(run) - sum(one(b) for b in bases) / len(bases)


def nvme_passes(run, passes, requests):
    rows = []
    for i in range(1, passes + 1):
        r = run.one("nvme", **{"pass": i})
        if r["records"] != requests:
            raise RuntimeError("%s: pass %d read %s requests, not %d" % (
                run.label, i, r["records"], requests))
        rows.append({"irqs": r["irq1"] - r["irq0"],
                     "seconds": (r["ns1"] - r["ns0"]) / 1e9})
    return rows


def fig_nvme(b, smoke):
    mib, passes = size("nvme_mib", smoke), size("nvme_passes", smoke)
    requests = mib * 1024 * 1024 // NVME_BS
    disk = Disk(b.workdir, mib)
    bases = [nvme_partition(b, disk, mib, passes, False)
             for _ in range(size("baselines", smoke))]
    part = nvme_partition(b, disk, mib, passes, True)
    bare = nvme_bare(b, disk, mib, passes)
    os.remove(disk.path)
    p_rows = nvme_passes(part, passes, requests)
    r_rows = nvme_passes(bare, passes, requests)
    irqs = bench_delta(part, bases, "nvme", "irq")
    delta = exit_delta(part, bases)
    exits = sum(v for k, v in delta.items() if k not in NOT_THE_WORK)
    p_mibs = statistics.median(mib / r["seconds"] for r in p_rows)
    r_mibs = statistics.median(mib / r["seconds"] for r in r_rows)
    return {"mib": mib, "passes": passes, "requests": requests * passes,
            "irqs": irqs, "timer": bench_delta(part, bases, "nvme", "loc"),
            "delta": delta, "exits": exits,
            "spread": baseline_spread(bases),
            "per_request": exits / (requests * passes),
            "per_irq": exits / irqs if irqs else float("nan"),
            "part_rows": p_rows, "bare_rows": r_rows, "part_mibs": p_mibs,
            "bare_mibs": r_mibs, "runs": bases + [part, bare]}


def ping_script_b(n):
    return (lpci.NET_UP + "; " + GUEST_FNS +
            "a=$(irq eth0); l=$(irq LOC:); t0=$(now); ping -6 -q -c %d "
            "-i %s %s%%eth0 >/tmp/ping; t1=$(now); b=$(irq eth0); "
            "m=$(irq LOC:); r=$(sed -n "
            "'s/.* \\([0-9]*\\) packets received.*/\\1/p' /tmp/ping); "
            "echo \"be\"\"nch: ping_b got=$r irq0=$a irq1=$b loc0=$l "
            "loc1=$m ns0=$t0 ns1=$t1\"; tail -n 1 /tmp/ping; "
            "poweroff -f\n" % (
                n, PING_INTERVAL, lpci.LINK_LOCAL[0]))


def ping_run(b, n):
    """neta comes up and counts its interrupts; netb comes up, pings neta
    n times, counts and powers off; neta counts again and powers off."""
    cfg = "[hypervisor]\nexit_when_done = yes\n" + lpci.NET_CFG
    s = harness.Scenario(
        name="ping-partitions-%d" % n, config_text=cfg, smp=4,
        cpu=accel.TCG_CPU, qemu_extra=lpci.AMD_IOMMU,
        qemu_extra_fn=lpci.e1000e_pair, expect=[PCI_DONE],
        anywhere=[r"partition neta: exits:", r"partition netb: exits:"],
        send=[(PROMPT % "neta", lpci.NET_UP + "; " + GUEST_FNS +
               "a=$(irq eth0); l=$(irq LOC:); echo \"be\"\"nch: ping_a "
               "up=1\"\n"),
              (r"neta: bench: ping_a up=1", SWITCH),
              (r"input goes to partition netb", "\n"),
              (PROMPT % "netb", ping_script_b(n)),
              (r"partition netb: exits:", SWITCH),
              (r"input goes to partition neta", "\n"),
              (PROMPT % "neta", "b=$(irq eth0); m=$(irq LOC:); echo "
               "\"be\"\"nch: ping_a irq0=$a irq1=$b loc0=$l loc1=$m\"; "
               "poweroff -f\n")],
        forbid=lpci.LINUX_FORBID + [r"IOMMU: .*fault"])
    run = linux_run(b, s)
    got = run.one("ping_b")["got"]
    if got != n:
        raise RuntimeError("%s: %s of %d echo replies" % (run.label, got, n))
    return run


def fig_ping(b, smoke):
    """Baselines ping once; the measured run 1 + n times: n round trips,
    2n packets (a request and a reply), each sent by one partition's
    e1000e and received by the other's."""
    n = size("ping_n", smoke)
    if not n:
        return None
    bases = [ping_run(b, 1) for _ in range(size("baselines", smoke))]
    part = ping_run(b, 1 + n)
    fig = {"neta": "ping_a", "netb": "ping_b"}
    irqs = {p: bench_delta(part, bases, f, "irq") for p, f in fig.items()}
    timer = {p: bench_delta(part, bases, f, "loc") for p, f in fig.items()}
    delta = {p: exit_delta(part, bases, [p]) for p in fig}
    exits = {p: sum(v for k, v in d.items() if k not in NOT_THE_WORK)
             for p, d in delta.items()}
    total = sum(exits.values())
    pb = part.one("ping_b")
    return {"n": n, "irqs": irqs, "timer": timer, "delta": delta,
            "exits": exits, "total": total,
            "spread": baseline_spread(bases),
            "per_packet": total / (2 * n),
            "per_irq": total / sum(irqs.values()) if sum(irqs.values())
            else float("nan"),
            "seconds": (pb["ns1"] - pb["ns0"]) / 1e9,
            "rtt": (re.findall(r"netb: round-trip min/avg/max = (\S+)",
                               part.text) or ["-"])[0],
            "runs": bases + [part]}


def count_lines(path):
    """Raw lines, and code lines: not blank, not only a comment (C and
    assembler comments, /* */ and //), as sloccount counts them."""
    raw = code = 0
    in_block = False
    with open(path, errors="replace") as f:
        for line in f:
            raw += 1
            s, has_code, i = line.strip(), False, 0
            while i < len(s):
                if in_block:
                    end = s.find("*/", i)
                    if end < 0:
                        break
                    in_block, i = False, end + 2
                elif s.startswith("/*", i):
                    in_block, i = True, i + 2
                elif s.startswith("//", i):
                    break
                elif s[i].isspace():
                    i += 1
                else:
                    has_code = True
                    # Skip a string so a "/*" inside it is not a comment.
                    if s[i] == '"':
                        j = s.find('"', i + 1)
                        while j > 0 and s[j - 1] == "\\":
                            j = s.find('"', j + 1)
                        i = j + 1 if j > 0 else len(s)
                    else:
                        i += 1
            code += has_code
    return raw, code


def fig_loc():
    rows = []
    for d in HV_DIRS:
        raw = code = files = 0
        for top, _, names in os.walk(os.path.join(ROOT, d)):
            for n in names:
                if n.endswith((".c", ".h", ".S")):
                    r, c = count_lines(os.path.join(top, n))
                    raw, code, files = raw + r, code + c, files + 1
        rows.append((d, files, raw, code))
    return rows


# --- report ---------------------------------------------------------------

def cmd_version(cmd):
    try:
        return subprocess.run(cmd, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def versions():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ovmf = cmd_version(["dpkg-query", "-W", "-f", "${Version}", "ovmf"])
    return [
        ("host CPU", "%s, %d CPUs online" % (cpu, os.cpu_count() or 0)),
        ("host kernel", platform.release()),
        ("QEMU", cmd_version(["qemu-system-x86_64", "--version"])),
        ("OVMF", "%s (%s)" % (OVMF, ovmf or "version unknown")),
        ("gcc", cmd_version(["gcc", "--version"])),
        ("Bulkhead commit", cmd_version(["git", "-C", ROOT, "describe",
                                         "--always", "--dirty"])),
    ]


def met(ok):
    return "met" if ok else "**missed**"


def fmt_phases(run, hz, unit):
    """Rows (phase, value) from the boot-phase line and the guest entry."""
    efi, before, after, cpus, stage2, loaded = run.phases
    entry = run.one("entry")["tsc"]
    marks = [("UEFI loading (reset to efi_main)", 0, efi),
             ("UEFI stage: config, files, partition RAM (efi_main to "
              "ExitBootServices)", efi, before),
             ("ExitBootServices", before, after),
             ("take-over and CPU bring-up", after, cpus),
             ("stage-2 build and vCPU creation", cpus, stage2),
             ("partition image load (RAM cleared, Multiboot)", stage2,
              loaded),
             ("go to the guest's first line of C", loaded, entry),
             ("total: reset to the partition's first instruction", 0,
              entry)]
    return [(name, unit(b - a, hz)) for name, a, b in marks]


def zero(x):
    """The passthrough target: no exit, to one decimal."""
    return met(abs(x) < 0.05)


def reasons(d):
    return ", ".join(("(%s %+d)" if k in NOT_THE_WORK else "%s %+d") % (k, v)
                     for k, v in sorted(d.items())) or "none"


def pci_summary(w, nv, pg):
    w("| 6 | NVMe read in a Linux partition, exits per I/O request (%d KiB"
      " O_DIRECT reads) | - | %.2f | %d exits / %d requests | 0: %s |" % (
          NVME_BS // 1024, nv["per_request"], nv["exits"], nv["requests"],
          zero(nv["per_request"])))
    w("| 6 | NVMe read, exits per device interrupt | - | %.2f | %d"
      " interrupts | 0: %s |" % (nv["per_irq"], nv["irqs"],
                                  zero(nv["per_irq"])))
    w("| 6 | NVMe read throughput, partition/bare (wall) | %.1f MiB/s |"
      " %.1f MiB/s | %.4f | - |" % (nv["bare_mibs"], nv["part_mibs"],
                                     nv["part_mibs"] / nv["bare_mibs"]))
    if not pg:
        w("| 6 | ping6 between two Linux partitions (e1000e) | - | - |"
          " skipped in smoke | - |")
        return
    w("| 6 | ping6 between two Linux partitions (e1000e), exits per packet"
      " | - | %.2f | %d exits / %d packets | 0: %s |" % (
          pg["per_packet"], pg["total"], 2 * pg["n"],
          zero(pg["per_packet"])))
    w("| 6 | ping6, exits per device interrupt | - | %.2f | %d interrupts"
      " | 0: %s |" % (pg["per_irq"], sum(pg["irqs"].values()),
                      zero(pg["per_irq"])))


def pci_section(w, nv, pg):
    w("## 6. PCI passthrough")
    w("")
    w("Debian's kernel with build/linux/initrd-pci.img in partitions of"
      " 192 MiB and one vCPU under QEMU's AMD-Vi (`-device amd-iommu`),"
      " with the guests typed at as in"
      " tests/integration/linux_pci_scenarios.py. The hypervisor counts a"
      " partition's exits by reason and prints them when it stops (the"
      " guest's `poweroff -f`); it has no other way to read them, so each"
      " measured run has %d baseline run(s) with the same boot and the"
      " same typed commands, the size of the work alone changed (dd"
      " count=0; ping -c 1). Exits during the work = measured minus the"
      " baselines' mean. The guest counts its own interrupts in"
      " /proc/interrupts just before and after the work (the device's"
      " lines, and LOC, its local timer), also minus the baselines, and"
      " times the work with CLOCK_MONOTONIC (/proc/timer_list). What"
      " is left of boot in the difference is noise: starting a process"
      " costs CPUID exits (the C library reads the CPU's features), and"
      " the wait loops (namespace ready, link-local address out of"
      " duplicate detection) run a varying number of processes; *spread*"
      " is how far the baselines' totals differ from each other. Kicks"
      " (NMI exits, in parentheses) are the console's input: all typing is"
      " over before the work starts, so they are left out of the totals."
      % (
          len(nv["runs"]) - 2))
    w("")
    w("**NVMe read.** QEMU's nvme with a %d MiB raw disk of known random"
      " bytes, passed through (`devices = 00:%02x.0`). The guest loads the"
      " nvme module, then reads the whole namespace %d time(s) with"
      " `dd if=/dev/nvme0n1 of=/dev/null bs=%d iflag=direct`: O_DIRECT"
      " bypasses the page cache, so every %d KiB read is one NVMe read"
      " command and one completion interrupt (dd waits for each). *Bare*"
      " is the same kernel, initramfs, disk and typed commands under"
      " QEMU's `-kernel` (1 CPU, 192 MiB, no IOMMU), in the same"
      " invocation; throughput is the median pass." % (
          nv["mib"], lpci.NVME_SLOT, nv["passes"], NVME_BS, NVME_BS // 1024))
    w("")
    w("| pass | bare s | bare MiB/s | partition s | partition MiB/s |"
      " partition/bare | partition nvme interrupts |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for i, (r, p) in enumerate(zip(nv["bare_rows"], nv["part_rows"])):
        w("| %d | %.3f | %.1f | %.3f | %.1f | %.4f | %d |" % (
            i + 1, r["seconds"], nv["mib"] / r["seconds"], p["seconds"],
            nv["mib"] / p["seconds"], r["seconds"] / p["seconds"],
            p["irqs"]))
    w("| median | | **%.1f** | | **%.1f** | **%.4f** | |" % (
        nv["bare_mibs"], nv["part_mibs"], nv["part_mibs"] / nv["bare_mibs"]))
    w("")
    w("| work | requests or packets | device interrupts | timer interrupts"
      " | exits by reason (measured - baseline) | exits | per request or"
      " packet | per device interrupt | baseline spread |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    w("| NVMe read, %d MiB x %d | %d | %.0f | %.0f | %s | %d | **%.2f** |"
      " **%.2f** | %s |" % (nv["mib"], nv["passes"], nv["requests"],
                             nv["irqs"], nv["timer"], reasons(nv["delta"]),
                             nv["exits"], nv["per_request"], nv["per_irq"],
                             "-" if nv["spread"] is None else nv["spread"]))
    if pg:
        for p in ("neta", "netb"):
            w("| ping6, %s | %d | %.0f | %.0f | %s | %d | %.2f | %.2f | |" % (
                p, 2 * pg["n"], pg["irqs"][p], pg["timer"][p],
                reasons(pg["delta"][p]), pg["exits"][p],
                pg["exits"][p] / (2 * pg["n"]),
                pg["exits"][p] / pg["irqs"][p] if pg["irqs"][p] else 0))
        w("| ping6, both | %d | %.0f | %.0f | | %d | **%.2f** | **%.2f** |"
          " %s |" % (2 * pg["n"], sum(pg["irqs"].values()),
                     sum(pg["timer"].values()), pg["total"],
                     pg["per_packet"], pg["per_irq"],
                     "-" if pg["spread"] is None else pg["spread"]))
    w("")
    if pg:
        w("**Ping.** Two partitions, each with its own e1000e on one QEMU"
          " hub (`-netdev hubport`), bring eth0 up and wait for their IPv6"
          " link-local addresses; netb sends `ping -6 -q -c N -i %s` to"
          " neta's fe80:: address (%d round trips beyond the baselines'"
          " one, %.1f s, round trip min/avg/max %s ms); each round trip is"
          " 2 packets, each sent by one e1000e and received by the other."
          " No IPv4 anywhere." % (PING_INTERVAL, pg["n"], pg["seconds"],
                                   pg["rtt"]))
    else:
        w("**Ping** between two partitions: skipped in smoke (two more"
          " Linux boots of two partitions each); `make bench` runs it.")
    w("")
    w("Where the exits come from: the device's registers are mapped in"
      " stage 2 (no exit) and its MSI-X messages arrive on the guest's own"
      " LAPIC (no exit), but the guest's xAPIC page is still trapped"
      " (docs/architecture.md, \"Interrupts\"), so the EOI that ends every"
      " interrupt handler is a `stage2` exit, and the guest's TSC-deadline"
      " timer is emulated, so every re-arm is a `wrmsr` exit (each tick, and"
      " each time the tickless kernel goes idle waiting for the device and"
      " wakes) and every tick one more EOI. Device interrupts plus timer interrupts, set"
      " against the `stage2` exits above, show how much of each figure"
      " is EOIs; the `wrmsr` exits follow the timer. The way to zero is"
      " an EOI that does not trap (x2APIC with the EOI MSR passed"
      " through, or AVIC/APICv) and a timer the guest owns.")
    w("")


def chaos_section(w, ch):
    w("## 7. Chaos")
    w("")
    w("guests/chaos (guests/README.md) in a 1-vCPU, 8 MiB partition with"
      " `on_fault = restart`, seeds 1 to %d (`ops=%d end=%d cr_strict=0`),"
      " beside guests/hello counting to %d on CPU 2 (`spin=3000000`). Each"
      " seed runs until an operation it announced stops or reboots the"
      " partition, or until its own reboot after %d operations; the"
      " hypervisor restarts it with the next seed (clean RAM, image"
      " reloaded). *Operations survived per second* is the operations"
      " done, summed over the seeds, over the hypervisor's time from the"
      " first seed's start to the `done` line: restarts included, TCG's"
      " speed, not the hardware's." % (
          ch["seeds"], ch["ops_max"], ch["end"], ch["ticks"], ch["ops_max"]))
    w("")
    w("| item | value |")
    w("| --- | --- |")
    w("| operations | %d (%.0f per second over %.1f s) |" % (
        ch["ops"], ch["rate"], ch["seconds"]))
    w("| seeds that ran their %d operations | %d |" % (ch["ops_max"],
                                                      ch["survived"]))
    w("| seeds ended by an announced operation | %d: %s |" % (
        ch["enders"], ", ".join("%s %d" % kv for kv in
                                sorted(ch["enders_by_kind"].items()))))
    w("| caught in the seeds that ran through | %s |" % (
        ", ".join("%s %d" % kv for kv in ch["caught"].items()) or "-"))
    w("| chaos exits by reason (all seeds) | %s |" % (
        ", ".join("%s %d" % kv for kv in ch["exits"].items())))
    w("| ticker | counted 1 to %d without a gap, memory intact |"
      % ch["ticks"])
    w("")


def timepart_summary(w, tp_):
    ic = tp_["icount"]["ratio"]
    w("| 8 | time partitions: one core shared at 50 %%, switch path"
      " (icount) | - | %.0f instructions | median, %d switches; at most"
      " %.0f | - |" % (tp_["gap_median"] / TICKS_PER_INSN,
                       tp_["boundaries"], tp_["gap_max"] / TICKS_PER_INSN))
    q = tp_["quiet"]
    w("| 8 | time partitions: window start late, hypervisor's count"
      " (icount) | - | median %d us, at most %d us | %d frames; at most %d"
      " us with the guests printing | - |" % (
          q["late_median_us"], q["late_max_us"], q["starts"] // 2,
          tp_["late_max_us"]))
    w("| 8 | time partitions: ticker's loop turns at 50 %%, shared/alone"
      " (icount) | 1 | %.4f | %.2f %% of its windows lost to switching"
      " (0.5: a free switch) | - |" % (ic["a"], (0.5 - ic["a"]) / 0.5 * 100))
    if tp_["wall_median"] is not None:
        w("| 8 | time partitions: loop turns at 50 %%, shared/alone (wall)"
          " | 1 | %.4f | median of %d pairs | - |" % (
              tp_["wall_median"], len(tp_["pairs"]) - 1))


def timepart_section(w, tp_):
    w("## 8. Time partitions")
    w("")
    w("guests/ticker (guests/README.md) on cpu 1 of a 2-CPU machine: alone"
      " on the core, then sharing it with a second ticker on a cyclic"
      " table (`[schedule cpu1]`, `major_frame = %dms`, `windows = %s`),"
      " the configuration built with tests/integration/timepart_scenarios.py."
      " Each ticker reads the TSC in a tight loop for %d million ticks"
      " (%.0f frames under icount), logs the TSC bounds of its first %d"
      " runs (a run: an unbroken stretch, one window) and the turns of"
      " its loop. Frames before %d are left out, as the hypervisor's own"
      " count leaves them out (the partitions' start; kernel/sched.c)." % (
          TP_FRAME_MS, TP_WINDOWS, tp_["mticks"],
          tp_["mticks"] * 1e6 / tp_["frame"], TP_RUNS, TP_SETTLE_FRAMES))
    w("")
    w("- **Switch path**: from one ticker's last TSC sample before its"
      " window's end to the other's first sample in the next window: the"
      " timer's exit, the scheduler's loop, saving the outgoing vCPU's"
      " registers and loading the incoming one's, and the entry, plus at"
      " most a turn of the ticker's loop. Under icount, ticks / 32 are"
      " instructions.")
    w("- **Window start late**: the hypervisor's count of how late it"
      " entered each window (`schedule cpu1: ...` at the end of the run),"
      " in whole microseconds (1 us = 31 instructions here); and, from the"
      " tickers' side, the first sample after the window's start.")
    w("- **Throughput**: the loop turns of the same ticker over the same"
      " TSC span, sharing the core at 50 %% against alone; 0.5 would be a"
      " switch that costs nothing. *Wall* is the same pair of runs"
      " without icount (TSC from the host's clock, TCG's speed): %s."
      " Under icount QEMU runs the two vCPUs in turn, so even these"
      " figures move by a few instructions from run to run." %
      ("%d pairs made alternately, median of ticker a's ratio" %
       (len(tp_["pairs"]) - 1) if len(tp_["pairs"]) > 1 else
       "full run only"))
    w("")
    q = tp_["quiet"]
    w("| item | value |")
    w("| --- | --- |")
    w("| switch path, ticker to ticker (%d switches) | median %d ticks"
      " (**%.0f instructions**), %d to %d ticks (%.0f to %.0f"
      " instructions) |" % (
          tp_["boundaries"], tp_["gap_median"],
          tp_["gap_median"] / TICKS_PER_INSN, tp_["gap_min"],
          tp_["gap_max"], tp_["gap_min"] / TICKS_PER_INSN,
          tp_["gap_max"] / TICKS_PER_INSN))
    w("| a turn of the ticker's loop (alone: TSC span / turns) | %.0f"
      " ticks (%.0f instructions) |" % (tp_["loop_ticks"],
                                       tp_["loop_ticks"] / TICKS_PER_INSN))
    w("| ticker a's loss per frame at 50 %%, from its turns ((alone / 2 -"
      " shared) turns x ticks per turn / frames) | %.0f ticks (%.0f"
      " instructions) |" % (tp_["loss_per_frame"],
                            tp_["loss_per_frame"] / TICKS_PER_INSN))
    w("| window start late, hypervisor's count, the tickers logging"
      " their runs (%d windows, %d frames from frame %d; %d switches in"
      " all) | median **%d us**, at most"
      " **%d us** |" % (tp_["starts"], tp_["starts"] // 2,
                        TP_SETTLE_FRAMES, tp_["switches"],
                        tp_["late_median_us"], tp_["late_max_us"]))
    w("| window start late, hypervisor's count, the tickers printing"
      " nothing but their last line (%d windows, %d frames) | median"
      " **%d us**, at most **%d us** |" % (
          q["starts"], q["starts"] // 2, q["late_median_us"],
          q["late_max_us"]))
    w("| ticker's first sample after its window's start (%d windows) |"
      " median %.1f us, at most %.1f us |" % (
          tp_["boundaries"], tp_["first_median"] * 1e6 / ICOUNT_HZ,
          tp_["first_max"] * 1e6 / ICOUNT_HZ))
    w("")
    w("| run | loop turns alone | ticker a shared | ticker b shared |"
      " a shared/alone | b shared/alone |")
    w("| --- | --- | --- | --- | --- | --- |")
    for p in tp_["pairs"]:
        lo, ra = p["loops"], p["ratio"]
        w("| %s | %d | %d | %d | %.4f | %.4f |" % (
            p["mode"], lo["alone"], lo["a"], lo["b"], ra["a"], ra["b"]))
    if tp_["wall_median"] is None:
        w("| wall | - | - | - | skipped in smoke | |")
    else:
        w("| wall, median | | | | **%.4f** | |" % tp_["wall_median"])
        walls = [p["ratio"]["a"] for p in tp_["pairs"][1:]]
        w("")
        w("The wall pairs spread from %.4f to %.4f: TCG's speed follows the"
          " host's load (QEMU's vCPU threads share the host's CPUs with"
          " whatever else runs there), so the wall ratio measures the host"
          " as much as the switch; the icount ratio is the one to compare."
          % (min(walls), max(walls)))
    w("")
    w("The hypervisor's count of lateness stops where the scheduler reads"
      " the TSC at the top of its loop (`sched_loop`), before the save,"
      " the load and the entry, so it is below the tickers' first sample."
      " The tickers' figures cover only the windows they recorded; the"
      " hypervisor counts every window to the end of the run, which holds"
      " the tickers' printing of their runs: an exit is handled to its end"
      " (docs/architecture.md, \"Time partitions\"), so a window that"
      " begins during one (each character printed is an I/O exit) starts"
      " late by the rest of that exit. The third run has the same table"
      " and the same span with tickers that log no runs (`runs=0`): no"
      " exit near a boundary, only the timer's. Ticker a's loss per frame"
      " is more than the switch path: it also holds what the ticker does"
      " at each"
      " run's start (it checks its registers), time in which its loop"
      " does not turn.")
    w("")
    w("Where the switch goes: the timer's interrupt exit and its return"
      " through `vcpu_step`, `sched_slot_at`, XSAVE/XRSTOR of every"
      " component the CPU has plus DR0-DR3 (`arch/x86/ext_state.c`), the"
      " MSRs of the core (`msr_emul_core_msrs`: the performance counters"
      " and TSC_AUX, each an RDMSR out and a WRMSR in), the console's"
      " poll and the entry. Under TCG every one of these is an"
      " instruction like any other, so the count is the path's length,"
      " not its time on hardware, where XSAVE, WRMSR and the world switch"
      " cost far more than their share of instructions.")
    w("")


def write_report(path, res, smoke, started, elapsed):
    L = []
    w = L.append
    ex, sl, idle, dflt, loc = (res["exits"], res["slowdown"], res["idle"],
                               res["default"], res["loc"])
    w("<!-- SPDX-License-Identifier: BSD-2-Clause -->")
    w("# Performance")
    w("")
    w("What a partition costs, measured by `make bench` (scripts/bench.py)"
      " on %s in %.0f s%s. Figures 1 to 5 compare the same Multiboot kernel"
      " (guests/bench-*) run **bare** (QEMU `-kernel`, SeaBIOS) and **in a"
      " partition** (the real image booted from a USB stick through OVMF),"
      " with the same QEMU, machine (q35, 1 GiB) and CPU model (`-cpu max`);"
      " figure 6 runs Linux partitions on passed-through PCI devices (NVMe,"
      " e1000e) and the same Linux bare; figure 7 a hostile partition"
      " (guests/chaos) beside a steady one; figure 8 two partitions"
      " sharing one core in time (guests/ticker), and Linux sharing one"
      " with a ticker."
      % (started, elapsed, " (**smoke run, tiny sizes: not a result**)"
         if smoke else ""))
    w("")
    w("- **TSC (icount)** figures run under `-icount shift=5,sleep=off`:"
      " the TSC advances by 32 per instruction executed, whoever executes"
      " it (guest or hypervisor), so they are path lengths, identical from"
      " run to run. Instructions = ticks / 32.")
    w("- **wall** figures run without icount (TCG's TSC then follows the"
      " host's clock) and are ratios of the guest's own TSC counts from"
      " runs made alternately in this same invocation (median of %d pairs)."
      % size("reps", smoke))
    w("- Engine: QEMU TCG, emulating AMD SVM with nested paging. %s" % (
        "KVM can nest here: the KVM rows below come from `%s`." %
        " ".join(accel.kvm_args()) if res.get("kvm") else
        "No KVM rows: %s. On a host that nests VMX/SVM under KVM,"
        " `make bench` adds them." % res.get("accel_message",
                                            "KVM not usable")))
    w("")
    w("## Summary")
    w("")
    w("| # | figure | bare | partition | result | target |")
    w("| --- | --- | --- | --- | --- | --- |")
    cpuid_insns = (ex["rows"]["cpuid"][0] - ex["rows"]["nop"][0]) / \
        TICKS_PER_INSN
    w("| 1 | CPUID round trip (icount) | %.0f ticks | %.0f ticks | %.0f "
      "hypervisor instructions | < %d: %s |" % (
          ex["rows"]["cpuid"][1], ex["rows"]["cpuid"][0], cpuid_insns,
          CPUID_TARGET, met(cpuid_insns < CPUID_TARGET)))
    cw = statistics.median(sl["compute_wall"])
    mw = statistics.median(sl["memory_wall"])
    ci = sl["compute_icount"]
    w("| 2 | compute kernel, partition/bare (wall) | 1 | %.4f | %+.2f %% "
      "(icount %.6f) | within 1 %%: %s |" % (cw, (cw - 1) * 100,
                                              ci[0] / ci[1],
                                              met(cw <= COMPUTE_TARGET)))
    mi = sl.get("memory_icount")
    w("| 2 | memory kernel, partition/bare (wall) | 1 | %.4f | %+.2f %% "
      "(icount %s) | within 3 %%: %s |" % (
          mw, (mw - 1) * 100, "%.6f" % (mi[0] / mi[1]) if mi else "not run",
          met(mw <= MEMORY_TARGET)))
    w("| 3 | exits/s, idle partition (HLT vCPU + TSC-spinning vCPU) | - |"
      " %.1f | steady state | 0: %s |" % (idle["rate"],
                                          met(abs(idle["rate"]) < 0.5)))
    w("| 3 | exits/s, busy compute partition | - | %.1f | steady state |"
      " 0: %s |" % (res["compute_rate"], met(abs(res["compute_rate"]) < 0.5)))
    boot_s = (ex["run"].one("entry")["tsc"]) / ICOUNT_HZ
    w("| 4 | boot, reset to first partition instruction (icount) | - |"
      " %.3f s | %s | - |" % (boot_s, "see below"))
    total_loc = sum(r[3] for r in loc)
    proper_loc = sum(r[3] for r in loc if r[0] in PROPER_DIRS)
    w("| 5 | hypervisor proper code lines (boot, arch, kernel, drivers) |"
      " - | %d | %d with lib, config and loader | <= %d: %s |" % (
          proper_loc, total_loc, LOC_BUDGET, met(proper_loc <= LOC_BUDGET)))
    w("| 5 | hypervisor memory, hello + smp (bench-default) | - | %d KiB | "
      "bulkhead.efi %d KiB | - |" % (dflt.footprint + dflt.hv_extra,
                                     res["efi_size"] // 1024))
    pci_summary(w, res["nvme"], res["ping"])
    ch = res["chaos"]
    w("| 7 | chaos partition beside a ticker: operations survived per"
      " second | - | %.0f ops/s | %d operations, %d seeds in %.1f s;"
      " ticker unbroken | hypervisor up to its summary: %s |" % (
          ch["rate"], ch["ops"], ch["seeds"], ch["seconds"], met(True)))
    timepart_summary(w, res["timepart"])
    linux_clock_summary(w, res["linux_clock"])
    w("")

    w("## 1. Exit round trip")
    w("")
    w("guests/bench-exits, one vCPU on the boot CPU of a 1-CPU machine,"
      " interrupts off. Each loop runs N = %d iterations of `xor eax,eax;"
      " INSN; dec; jnz`, timed with RDTSC; the NOP loop is the baseline,"
      " so *extra* is what the instruction costs beyond a NOP, in ticks and"
      " in instructions (ticks / 32). The hypercall is VMMCALL (Bulkhead"
      " answers -ENOSYS); bare it would be #UD, so it runs in the"
      " partition only. The LSR read is `in al, 0x3FD`, emulated by the"
      " vUART." % ex["n"])
    w("")
    w("| instruction | bare ticks/iter | partition ticks/iter | extra ticks"
      " | extra instructions per exit |")
    w("| --- | --- | --- | --- | --- |")
    nop = ex["rows"]["nop"][0]
    for kind, label in (("nop", "NOP (baseline)"), ("cpuid", "CPUID"),
                        ("hypercall", "VMMCALL hypercall"),
                        ("lsr_read", "IN from vUART LSR")):
        p, r = ex["rows"][kind]
        w("| %s | %s | %.1f | %.1f | %.1f |" % (
            label, "%.1f" % r if r is not None else "-", p, p - nop,
            (p - nop) / TICKS_PER_INSN))
    w("")
    w("Target: CPUID under %d instructions in the hypervisor: **%s** (%.0f)."
      % (CPUID_TARGET, met(cpuid_insns < CPUID_TARGET), cpuid_insns))
    w("")
    hc = (ex["rows"]["hypercall"][0] - nop) / TICKS_PER_INSN
    io = (ex["rows"]["lsr_read"][0] - nop) / TICKS_PER_INSN
    w("Where the path goes: the hypercall handler does almost nothing (sets"
      " RAX, advances RIP), so its %.0f instructions are the fixed cost of"
      " every exit: VMRUN and #VMEXIT, saving and restoring the guest's"
      " registers around VMRUN, the vcpu_loop bookkeeping (request checks,"
      " in_guest flag, the exit counter) and the dispatch through the exit"
      " table. CPUID adds %.0f instructions on top: the host CPUID itself"
      " and cpuid_policy_apply. The LSR read adds %.0f: the IOIO exit"
      " decode, the port lookup in io_emul and the vUART register model."
      " The fixed part is the one to shrink first (it is paid by every"
      " exit)." % (hc, cpuid_insns - hc, io - hc))
    w("")

    w("## 2. Guest slowdown")
    w("")
    cn_i, cn_w = sl["compute_n"]
    w("guests/bench-compute: an integer loop (LCG, multiplies, a"
      " data-dependent branch) then an x87 loop (pi by the midpoint rule,"
      " one FDIV per step), n steps each (n = %d under icount, %d for wall;"
      " checksums equal bare and in the partition: %s)."
      " guests/bench-memory: a random pointer chase through one cycle of"
      " 64-byte nodes over a buffer from 16 MiB up, paging off (%s under"
      " icount, %s for wall); partition RAM %s. Only the timed loop counts,"
      " not boot or set-up." % (cn_i, cn_w,
                                "yes" if sl["compute_check"] else "**no**",
                                sl["memory_args"][0] or "not run",
                                sl["memory_args"][1],
                                size("memory_ram", smoke)))
    w("")
    w("| kernel | measure | bare ticks | partition ticks | partition/bare"
      " | target |")
    w("| --- | --- | --- | --- | --- | --- |")
    w("| compute | icount | %d | %d | %.6f | |" % (ci[1], ci[0],
                                                    ci[0] / ci[1]))
    for i, (p, r) in enumerate(sl["compute_wall_runs"]):
        w("| compute | wall, pair %d | %d | %d | %.4f | |" % (
            i + 1, compute_ticks(r)[0], compute_ticks(p)[0],
            sl["compute_wall"][i]))
    w("| compute | wall, median | | | **%.4f** | <= %.2f: %s |" % (
        cw, COMPUTE_TARGET, met(cw <= COMPUTE_TARGET)))
    if mi:
        w("| memory | icount | %d | %d | %.6f | |" % (mi[1], mi[0],
                                                       mi[0] / mi[1]))
    for i, (p, r) in enumerate(sl["memory_wall_runs"]):
        w("| memory | wall, pair %d | %d | %d | %.4f | |" % (
            i + 1, memory_ticks(r)[0], memory_ticks(p)[0],
            sl["memory_wall"][i]))
    w("| memory | wall, median | | | **%.4f** | <= %.2f: %s |" % (
        mw, MEMORY_TARGET, met(mw <= MEMORY_TARGET)))
    w("")
    w("Under icount the ratio is a path length: 1 exactly means the loop"
      " took no exit at all (the guest's own instructions are the same)."
      " The wall ratio is what TCG makes of it: a TLB miss in a partition"
      " walks the nested (NPT) tables as well, in software, so the memory"
      " ratio measures QEMU's nested-paging emulation more than Bulkhead;"
      " on hardware, 2 MiB and 1 GiB stage-2 pages keep that walk short."
      " Stage-2 here uses 2 MiB pages (RAM not 1 GiB aligned).")
    w("")

    w("## 3. Exits while running")
    w("")
    w("Per-partition exit counts by reason, from the hypervisor's summary"
      " when the partition stops. *Life* is from `starting on CPU` to"
      " `exited` in the boot log; it includes the console output at start"
      " and end (every character is two port exits: LSR poll and THR"
      " write) and set-up. *Steady state* compares two runs that differ"
      " only in length: (exits2 - exits1) / (time2 - time1); the bench"
      " guests print fixed-width numbers, so both runs print the same"
      " number of characters.")
    w("")
    w("| scenario | run | exits by reason | life | exits/s over life |")
    w("| --- | --- | --- | --- | --- |")

    def exit_row(name, run):
        life = (run.stop_s or 0) - (run.start_s or 0)
        reasons = "; ".join("%s: %s" % (p, ", ".join(
            "%s %d" % kv for kv in d.items())) for p, d in run.exits.items())
        w("| %s | %s | %s | %.3f s | %.0f |" % (
            name, run.label, reasons, life,
            run.total_exits() / life if life > 0 else 0))
    exit_row("exit loops (icount)", ex["run"])
    exit_row("compute (icount)", sl["compute_icount_run"])
    exit_row("compute (wall)", sl["compute_wall_runs"][0][0])
    exit_row("compute x2 (wall)", sl["compute_long"])
    if mi:
        exit_row("memory (icount)", sl["memory_icount_run"])
    exit_row("memory (wall)", sl["memory_wall_runs"][0][0])
    for r in idle["runs"]:
        exit_row("idle", r)
    exit_row("default (hello + smp)", dflt)
    w("")
    w("Steady state: idle partition (vCPU 1 in HLT with no timer, vCPU 0"
      " spinning on RDTSC, both with interrupts off) %d exits over %.3f s"
      " vs %d over %.3f s: **%.2f exits/s** (target 0: %s). Busy compute"
      " partition, n and 2n: **%.2f exits/s** (target 0: %s). HLT, RDTSC"
      " and PAUSE are not intercepted; the exits that remain come from the"
      " guests' console and start-up (SIPI through the vLAPIC)." % (
          idle["exits"][0], idle["seconds"][0], idle["exits"][1],
          idle["seconds"][1], idle["rate"], met(abs(idle["rate"]) < 0.5),
          res["compute_rate"], met(abs(res["compute_rate"]) < 0.5)))
    w("")

    w("## 4. Boot cost")
    w("")
    w("From the hypervisor's `boot phases (TSC)` line (kernel/main.c), the"
      " exit-round-trip scenario's guest entry TSC (read first thing in"
      " main(), after the runtime's UART set-up, a handful of exits), and"
      " QEMU's TSC, which counts from machine reset. Under icount the"
      " ticks are deterministic instructions x 32 (1 GHz), but the"
      " firmware's idle waits advance the clock too (sleep=off skips"
      " them in wall time). *Wall* is the same split from a run without"
      " icount, where TSC ticks are host ticks at the calibrated %d MHz."
      % (sl["compute_wall_runs"][0][0].tsc_mhz or 0))
    w("")
    w("| phase | icount ticks | icount seconds | wall seconds |")
    w("| --- | --- | --- | --- |")
    icount_rows = fmt_phases(ex["run"], ICOUNT_HZ, lambda t, hz: t)
    wrun = sl["compute_wall_runs"][0][0]
    wall_rows = fmt_phases(wrun, wrun.tsc_mhz * 1e6, lambda t, hz: t / hz)
    for (name, t), (_, s) in zip(icount_rows, wall_rows):
        w("| %s | %d | %.4f | %.4f |" % (name, t, t / ICOUNT_HZ, s))
    w("")
    w("The partition image load clears all of the partition's RAM byte by"
      " byte before loading the kernel (loader/image.c,"
      " image_load, with lib/string.c's memset): it grows"
      " with the partition's memory size and dominates the hypervisor's"
      " own share.")
    w("")

    w("## 5. Footprint")
    w("")
    w("| item | value |")
    w("| --- | --- |")
    w("| build/bulkhead.efi | %d bytes (%d KiB) |" % (res["efi_size"],
                                                      res["efi_size"] // 1024))
    w("| hypervisor memory at boot (bench-default: hello + smp, 4 CPUs): \"hypervisor"
      " footprint\" (image, boot allocations, page tables, per-CPU) | %d KiB"
      " |" % dflt.footprint)
    w("| added by the partitions' set-up (stage-2 tables, vCPU state,"
      " bitmaps), partition RAM excluded | %d KiB |" % dflt.hv_extra)
    w("| total kept by the hypervisor | **%d KiB** |" % (dflt.footprint +
                                                         dflt.hv_extra))
    w("")
    w("| folder | files | raw lines (wc -l) | code lines |")
    w("| --- | --- | --- | --- |")
    for d, files, raw, code in loc:
        w("| %s/ | %d | %d | %d |" % (d, files, raw, code))
    w("| boot, arch, kernel, drivers | %d | %d | **%d** (budget %d: %s) |"
      % (sum(r[1] for r in loc if r[0] in PROPER_DIRS),
         sum(r[2] for r in loc if r[0] in PROPER_DIRS), proper_loc,
         LOC_BUDGET, met(proper_loc <= LOC_BUDGET)))
    w("| all of bulkhead.efi | %d | %d | %d |" % (
        sum(r[1] for r in loc), sum(r[2] for r in loc), total_loc))
    w("")
    w("Code lines are lines that are neither blank nor only comment"
      " (`/* */`, `//`), as sloccount counts C and assembler; .c, .h and"
      " .S files.")
    w("")
    pci_section(w, res["nvme"], res["ping"])
    chaos_section(w, ch)
    timepart_section(w, res["timepart"])
    linux_clock_section(w, res["linux_clock"])
    if res.get("kvm_rows"):
        w("## Under KVM")
        w("")
        w("| instruction | bare ticks/iter | partition ticks/iter |")
        w("| --- | --- | --- |")
        for kind, (p, r) in res["kvm_rows"]["rows"].items():
            w("| %s | %s | %.1f |" % (kind, "%.1f" % r if r else "-", p))
        w("")
    w("## Machine and versions")
    w("")
    w("| | |")
    w("| --- | --- |")
    for k, v in versions():
        w("| %s | %s |" % (k, v))
    w("")
    w("Reproduce with `make bench` (this run: %.0f s); `make bench-smoke`"
      " runs the same pipeline with tiny sizes and checks that every figure"
      " comes out, without asserting any time." % elapsed)
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


def only(b, a, workdir):
    """--only timepart or linuxclock: that figure, its summary rows and
    section on stdout (to paste into a report made before it)."""
    t0 = time.monotonic()
    L = []
    if a.only == "timepart":
        tp_ = fig_timepart(b, a.smoke)
        timepart_summary(L.append, tp_)
        L.append("")
        timepart_section(L.append, tp_)
    else:
        lc = fig_linux_clock(b, a.smoke)
        linux_clock_summary(L.append, lc)
        L.append("")
        linux_clock_section(L.append, lc)
    print("\n".join(L))
    log("%.0f s" % (time.monotonic() - t0))
    if not a.keep:
        subprocess.run(["rm", "-rf", workdir])
    else:
        log("serial logs kept in " + workdir)
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--keep", action="store_true",
                    help="keep the serial logs")
    ap.add_argument("--only", choices=["timepart", "linuxclock"],
                    help="run this figure alone and print its section")
    a = ap.parse_args(argv)
    out = a.out
    if not out:
        out = (tempfile.mkstemp(prefix="bulkhead-bench-", suffix=".md")[1]
               if a.smoke else os.path.join(ROOT, "docs", "performance.md"))
    workdir = tempfile.mkdtemp(prefix="bulkhead-bench-")
    b = Bench(a.smoke, workdir, size("timeout", a.smoke))
    started = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    t0 = time.monotonic()
    res = {"kvm": b.kvm, "accel_message": b.accel_message.split(": booting")[0]}
    log("accel: " + b.accel_message)
    checks = []
    if a.only:
        return only(b, a, workdir)

    def figure(name, fn):
        try:
            v = fn()
            checks.append((name, True, ""))
            return v
        except (RuntimeError, KeyError, TypeError, ValueError,
                ZeroDivisionError, subprocess.CalledProcessError) as e:
            checks.append((name, False, str(e)))
            log("FAIL %s: %s" % (name, e))
            return None

    res["exits"] = figure("1 exit round trip", lambda: fig_exits(b, a.smoke))
    res["slowdown"] = figure("2 guest slowdown",
                             lambda: fig_slowdown(b, a.smoke))
    res["idle"] = figure("3 exits while running (idle)",
                         lambda: fig_idle(b, a.smoke))

    def compute_rate():
        s = res["slowdown"]
        short, long_ = s["compute_wall_runs"][0][0], s["compute_long"]
        dt = (long_.stop_s - long_.start_s) - (short.stop_s - short.start_s)
        return (long_.total_exits() - short.total_exits()) / dt
    res["compute_rate"] = figure("3 exits while running (compute)",
                                 compute_rate)

    def boot():
        run = res["exits"]["run"]
        if not run.phases:
            raise RuntimeError("no `boot phases (TSC)` line in the boot log")
        return run.phases
    figure("4 boot cost", boot)
    res["default"] = figure("5 footprint (bench-default: hello + smp)",
                            lambda: fig_default(b))
    if res["default"] and (res["default"].footprint is None or
                           res["default"].hv_extra is None):
        checks[-1] = (checks[-1][0], False, "no footprint lines in the log")
    res["nvme"] = figure("6 PCI passthrough: NVMe read (Linux)",
                         lambda: fig_nvme(b, a.smoke))
    if size("ping_n", a.smoke):
        res["ping"] = figure("6 PCI passthrough: ping6 between partitions",
                             lambda: fig_ping(b, a.smoke))
    else:
        res["ping"] = None
        log("6 PCI passthrough: ping6 between partitions: skipped in smoke"
            " (two more boots of two Linux partitions); make bench runs it")
    res["chaos"] = figure("7 chaos: operations survived per second",
                          lambda: fig_chaos(b, a.smoke))
    res["timepart"] = figure("8 time partitions: switch, lateness, "
                             "throughput", lambda: fig_timepart(b, a.smoke))
    res["linux_clock"] = figure("8 time partitions: Linux's clock, shared "
                                "and own core",
                                lambda: fig_linux_clock(b, a.smoke))
    res["loc"] = fig_loc()
    res["efi_size"] = os.path.getsize(EFI)
    if b.kvm:
        res["kvm_rows"] = figure("KVM exit round trip",
                                 lambda: fig_exits(b, a.smoke, kvm=True))
    elapsed = time.monotonic() - t0

    if all(ok for _, ok, _ in checks):
        figure("report written", lambda: write_report(out, res, a.smoke,
                                                      started, elapsed))
    else:
        checks.append(("report written", False, "figures missing"))
    if not a.keep:
        subprocess.run(["rm", "-rf", workdir])
    else:
        log("serial logs kept in " + workdir)
    passed = sum(ok for _, ok, _ in checks)
    failed = len(checks) - passed
    for name, ok, why in checks:
        print("%s %s%s" % ("PASS" if ok else "FAIL", name,
                           ": " + why if why else ""))
    if not failed:
        print("report: %s (%.0f s)" % (out, elapsed))
    print("bench: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
