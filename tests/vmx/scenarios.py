# SPDX-License-Identifier: BSD-2-Clause
"""VMX scenarios: the same image as the QEMU suite boots through OVMF in
Bochs, which emulates Intel VT-x with EPT and unrestricted guest. Each one
mirrors an SVM scenario of tests/integration/scenarios.py, cut to two CPUs
and few guest lines because Bochs boots in 15-20 s.

OVMF has no ACPI tables in Bochs: CPUs come from the firmware's MP
services. Bochs always exits with status 1 (run-bochs.sh turns it into
0), so a run's result is read from its log lines, never its status."""
from common import (BANNER, CRASH_RESTARTS, HELLO, MINIMAL, NMI_CONFIG,
                    NMI_PASS, PART, RAM_HIDDEN, RAM_MAPPED, watchdog_config,
                    watchdog_fired_in_time,
                    watchdog_petted, watchdog_restarts, watchdog_stops, both, no_gap)
from chaos_scenarios import (CHAOS_ANYWHERE, CHAOS_EXPECT, CHAOS_FORBID,
                             chaos_config, chaos_survived,
                             invd_exits)
from conformance_scenarios import bulkhead_lines, rows
from harness import Scenario
from lapic_scenarios import SHARED_ARGS as LAPIC_SHARED_ARGS
from lapic_scenarios import OWNED_LATE_US, SHARED_LATE_US, held_bounded
from lapic_scenarios import IPI_CHECKS as LAPIC_IPI_CHECKS
from lapic_scenarios import ipi_bounded, lapic_part
from lapic_scenarios import SOLO_CHECKS as LAPIC_SOLO_CHECKS
from lapic_scenarios import pass_lines as lapic_pass_lines
from lapic_scenarios import shared_config as lapic_shared_config
from timepart_scenarios import RUNS, config, ticker, window_check

HEAD = "[hypervisor]\nexit_when_done = yes\n"
# HLT must not exit on VMX (guests halt natively), so none is counted.
NO_HLT_EXITS = r"exits:.* hlt \d"
# A VMX scenario is judged on the Intel path: any SVM line is a mistake.
VMX_FORBID = [r"EXCEPTION", r"SVM enabled", r"invalid guest state",
              NO_HLT_EXITS]


def vmx(name, **kw):
    kw.setdefault("smp", 2)
    kw.setdefault("timeout", 120)
    kw["forbid"] = VMX_FORBID + kw.get("forbid", [])
    kw.setdefault("exit_status", 0)
    return Scenario(name=name, engine="bochs", **kw)


SCENARIOS = [
    # Boot on two CPUs and one partition: the cheapest whole run, first,
    # so that a broken VMX path fails fast. (The former vmx-bochs-2-cpus,
    # which ended at bring-up, is folded in: a boot costs 15-20 s.)
    vmx("vmx-bochs-partition-runs",
        config=MINIMAL,
        expect=[BANNER, r"CPU: GenuineIntel, VMX",
                r"CPUs: 2 usable, from the UEFI MP services",
                r"CPU 0 \(APIC ID 0\): VMX enabled",
                r"CPU 1 \(APIC ID 1\): VMX enabled",
                r"2/2 CPUs online, VMX enabled on 2",
                r"partition hello: starting on CPU 0",
                r"hello: hello 2/2",
                r"hello: memory intact",
                r"partition hello exited with code 0",
                r"run finished: success"],
        anywhere=[RAM_HIDDEN],
        forbid=[r"stopped: ", r"error:", RAM_MAPPED]),
    # Two partitions side by side, each ending with its own code.
    vmx("vmx-two-partitions-exit-codes",
        config_text=HEAD +
        PART % ("alpha", "0", "8M", HELLO) + 'cmdline = "count=2 exit=0"\n' +
        PART % ("beta", "1", "8M", HELLO) + 'cmdline = "count=2 exit=3"\n',
        expect=[r"config: 2 partition\(s\), 16 MiB of partition RAM",
                r"summary: all 2 partition\(s\) stopped",
                r"  alpha: exit code 0",
                r"  beta: exit code 3",
                r"run finished: failure"],
        anywhere=[r"alpha: hello 2/2", r"alpha: memory intact",
                  r"beta: hello 2/2", r"beta: memory intact",
                  r"partition alpha exited with code 0",
                  r"partition beta exited with code 3"],
        forbid=[r"stopped: ", r"error:"]),
    # The second vCPU starts in real mode from the guest's own SIPI.
    vmx("vmx-two-vcpus",
        config_text=HEAD + PART % ("duo", "0-1", "8M", "guests/smp.elf") +
        'cmdline = "cpus=2 sipi_page=0x8"\n',
        expect=[r"partition duo: 2 vCPU\(s\), 8 MiB RAM",
                r"duo: vCPU with APIC ID 1 reporting",
                r"duo: all 2 vCPUs up",
                r"partition duo exited with code 0",
                r"run finished: success"],
        forbid=[r"stopped: ", r"error:"]),
    # Guest NMIs: virtual NMIs, blocked until IRET by the NMI window.
    vmx("vmx-nmi-ipis",
        config_text=NMI_CONFIG,
        expect=[r"nmi: all 2 vCPUs up"] + ["nmi: " + x for x in NMI_PASS] +
        [r"partition nmi exited with code 0", r"run finished: success"],
        forbid=[r"stopped: ", r"error:"]),
    # An EPT violation stops the probe; its neighbour's memory is intact.
    vmx("vmx-probe-stopped-neighbour-intact",
        config_text=HEAD + PART % ("probe", "1", "8M", "guests/probe.elf") +
        PART % ("left", "0", "8M", HELLO) + 'cmdline = "count=3 exit=0"\n',
        expect=[r"probe: reading 0x00800000",
                r"error: partition probe stopped: read of guest-physical "
                r"0x800000, outside its memory, at RIP 0x",
                r"  probe: fault: read of guest-physical 0x800000",
                r"  left: exit code 0",
                r"run finished: failure"],
        anywhere=[r"left: memory intact"],
        forbid=[r"LEAK", r"CORRUPTED"]),
    # A triple fault is contained: the partition restarts from its image.
    vmx("vmx-triple-fault-restarts",
        config_text=HEAD + PART % ("crash", "1", "8M", "guests/crash.elf") +
        'cmdline = "crashes=2"\non_fault = restart\n' +
        PART % ("steady", "0", "8M", HELLO) + 'cmdline = "count=3 exit=0"\n',
        expect=CRASH_RESTARTS,
        anywhere=[r"steady: memory intact",
                  r"partition steady exited with code 0"]),
    # Partition watchdogs: CPU 0 is free and checks the deadlines; then
    # every CPU hosts a vCPU and, with no MADT in Bochs to route the PIT,
    # the neighbour's exits are the checks.
    vmx("vmx-watchdog-restarts-a-hung-partition",
        config_text=watchdog_config("restart", 500),
        expect=[r"watchdog: CPU 0 checks the deadlines every millisecond"] +
        watchdog_restarts(500),
        check=watchdog_fired_in_time(500),
        forbid=[r"restart 2"], timeout=180),
    vmx("vmx-watchdog-stops-a-hung-partition-no-free-cpu",
        config_text=watchdog_config("stop", 500) +
        watchdog_petted("0", 500, 6),
        expect=[r"watchdog: every CPU hosts a vCPU and the PIT does not "
                r"count or no I/O APIC carries its interrupt, so deadlines "
                r"are checked only after exits"] + watchdog_stops(500, 500, 6),
        check=watchdog_fired_in_time(500),
        forbid=[r"restarting", r"partition petted stopped"], timeout=180),
    # The MSR policy on the Intel path (guests/msr-check): PMU as CPUID
    # leaf 0xA says, TSC writes through the VMCS offset, canonical checks,
    # and IA32_MISC_ENABLE as SDM table 2-2 has it.
    vmx("vmx-msr-policy",
        config_text=HEAD + PART % ("msr", "1", "8M", "guests/msr-check.elf"),
        expect=[r"msr: msr-check: PASS pmu",
                r"msr: msr-check: PASS tsc-write",
                r"msr: msr-check: PASS tsc-adjust",
                r"msr: msr-check: PASS fs-base: non-canonical 800000000000: "
                r"#GP",
                r"msr: msr-check: PASS lstar",
                r"msr: msr-check: PASS misc-enable: IA32_MISC_ENABLE = 1881|"
                r"msr: msr-check: PASS misc-enable: IA32_MISC_ENABLE = 1801",
                r"msr: msr-check: \d+ passed, 0 failed",
                r"partition msr exited with code 0",
                r"run finished: success"],
        forbid=[r"FAIL", r"stopped: ", r"error:"]),
]

# MMIO forms and string I/O on the Intel path: every row of the guest.
SCENARIOS.append(
    vmx("vmx-mmio-forms",
        smp=1,
        config_text=HEAD + PART % ("forms", "0", "8M",
                                   "guests/mmio-forms.elf"),
        expect=[r"forms: PASS movb load \(a0\)",
                r"forms: PASS addb 0xff to 0x01: CF ZF",
                r"forms: PASS rep movsl 1024 dwords: ECX",
                r"forms: PASS 64-bit mov %sil,\(%rcx\) \(40 88 31\)",
                r"forms: hello from rep outsb",
                r"forms: PASS addr16 rep insb: data",
                r"forms: 0 failed",
                r"partition forms exited with code 0",
                r"run finished: success"],
        forbid=[r"FAIL", r"not emulated", r"stopped: ", r"error:"]))

# docs/guest-interface.md row by row on the Intel path (guests/conformance):
# every row passes, two vCPUs (only the BSP runs; the count is checked in
# CPUID, the MADT and the I/O APIC ID). One run: Bochs is slow.
SCENARIOS.append(
    vmx("vmx-conformance",
        config_text=HEAD + PART % ("conf", "0-1", "8M",
                                   "guests/conformance.elf") +
        'cmdline = "cpus=2"\n',
        expect=[r"partition conf: 2 vCPU\(s\), 8 MiB RAM"] +
        bulkhead_lines("intel", "conf: ") +
        [r"conf: conformance: %d passed, 0 failed" % len(rows("intel")),
         r"partition conf exited with code 0",
         r"run finished: success"],
        forbid=[r"FAIL", r"stopped: ", r"error:"]))

# Time partitions (tests/integration/timepart_scenarios.py): a and b share
# cpu 1 on the same table, solo has the boot CPU; Bochs' clock counts
# instructions (sync=none), as -icount does under QEMU. In the second run
# the neighbour halts with interrupts off: only the timer's external
# interrupt exit takes cpu 1 back.
BOCHS_GAP = 20000  # 200 us of Bochs' 100 MHz TSC
SCENARIOS += [
    vmx("vmx-timepart-two-tickers",
        config_text=config(ticker("b", "1", "seed=2 runs=%d gap=%d" %
                                  (RUNS, BOCHS_GAP)), "0", BOCHS_GAP),
        expect=[r"schedule cpu1: 5 windows in a 20ms frame",
                r"a: done: %d runs, state lost 0 times" % RUNS,
                r"run finished: success"],
        anywhere=[r"b: done: %d runs, state lost 0 times" % RUNS],
        forbid=[r"state lost:", r"stopped: "],
        check=window_check(["a", "b"]), timeout=240),
    vmx("vmx-timepart-neighbour-halts",
        config_text=config(ticker("b", "1", "mode=halt"), "0", BOCHS_GAP),
        expect=[r"schedule cpu1: 5 windows in a 20ms frame",
                r"a: done: %d runs, state lost 0 times" % RUNS],
        forbid=[r"state lost:", r"stopped: "],
        check=window_check(["a"]), exit_status=None, timeout=240),
]


# The chaos guest beside a ticker on the Intel path: every CR0/CR4 bit
# flipped (Bochs raises the #GPs QEMU's TCG does not), INVD exits counted.
SCENARIOS.append(
    vmx("vmx-chaos-neighbour-unbroken",
        config_text=chaos_config(seeds=12, ops=3000, end=10, ticks=30,
                                 spin=600000, chaos_cpu="1",
                                 ticker_cpus="0"),
        expect=CHAOS_EXPECT, anywhere=CHAOS_ANYWHERE,
        forbid=CHAOS_FORBID,
        check=both(no_gap("ticker"), chaos_survived(12), invd_exits)))

# guests/lapic-check with two vCPUs, each on a core of its own
# (tests/integration/lapic_scenarios.py): the cores' LAPICs through the
# filter, TSC-deadline emulated on the one-shot timer, IPIs between the
# vCPUs, on the Intel path. About 20 s.
SCENARIOS.append(
    vmx("vmx-lapic-check-owned-2-vcpus",
        config_text=HEAD + lapic_part("chk", "0-1", "cpus=2"),
        expect=lapic_pass_lines("chk: ", LAPIC_IPI_CHECKS) +
        [r"partition chk exited with code 0", r"run finished: success"],
        forbid=[r"FAIL", r"stopped: ", r"error:"],
        check=both(held_bounded(OWNED_LATE_US, 0),
                   ipi_bounded(OWNED_LATE_US))))

# The software LAPIC of shared cores (issue 14): guests/lapic-check shares
# cpu 1 with a ticker (tests/integration/lapic_scenarios.py); every check
# passes, and deadlines that expire outside its window arrive at the
# next one's start, late by at most the ticker's window.
VMX_SHARED_LAPIC_SCENARIOS = [
    vmx("vmx-lapic-check-shared-core",
        config_text=lapic_shared_config("1", LAPIC_SHARED_ARGS, BOCHS_GAP),
        expect=[r"schedule cpu1: 2 windows in a 20ms frame"] +
        lapic_pass_lines("chk: ", LAPIC_SOLO_CHECKS) +
        [r"partition chk exited with code 0", r"run finished: success"],
        anywhere=[r"t: done: 40 runs, state lost 0 times"],
        forbid=[r"FAIL", r"state lost:", r"stopped: "],
        check=held_bounded(SHARED_LATE_US, 1), timeout=300),
]
SCENARIOS += VMX_SHARED_LAPIC_SCENARIOS
