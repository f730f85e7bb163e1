# SPDX-License-Identifier: BSD-2-Clause
"""The MSR policy (docs/guest-interface.md, MSRs) seen from a partition:
guests/msr-check does what third-party kernels did at start-up and says
PASS or FAIL for each. Under Bulkhead every check passes; run bare, QEMU's
TCG shows where the emulated CPU itself is not what the manuals say (so
the hypervisor must check, not trust, the emulator)."""
from common import PART
from harness import Scenario, qemu_exit_status

MSR_CHECK = "guests/msr-check.elf"
HEAD = "[hypervisor]\nexit_when_done = yes\n"
# Lines every vendor's run has; QEMU 7.2's "max" CPU is AMD, without
# IA32_TSC_ADJUST in CPUID leaf 7.
AMD_PASS = [r"msr-check: PASS pmu: wrmsr/rdmsr 0xC0010000-7 without #GP",
            r"msr-check: PASS tsc-write: rdtsc moved by 100",
            r"msr-check: PASS tsc-adjust: not advertised in CPUID leaf 7",
            r"msr-check: PASS fs-base: non-canonical 800000000000: #GP; "
            r"canonical reads back ffff800012345000",
            r"msr-check: PASS gs-base: non-canonical 800000000000: #GP",
            r"msr-check: PASS kernel-gs-base: non-canonical 800000000000: #GP",
            r"msr-check: PASS lstar: non-canonical 800000000000: #GP",
            r"msr-check: PASS misc-enable: AMD: rdmsr 0x1A0 #GP",
            r"msr-check: 8 passed, 0 failed"]

MSR_SCENARIOS = [
    # SVM: the partition's MSRs as the manuals say. TCG counts nothing, so
    # the counters read 0 here: only "no #GP" is checked for them.
    Scenario(
        name="msr-policy-svm",
        smp=2,
        config_text=HEAD + PART % ("msr", "1", "8M", MSR_CHECK),
        expect=[r"partition msr: 1 vCPU\(s\), 8 MiB RAM"] +
        ["msr: " + line for line in AMD_PASS] +
        [r"partition msr exited with code 0", r"run finished: success"],
        forbid=[r"FAIL", r"EXCEPTION", r"stopped: ", r"error:"],
        exit_status=qemu_exit_status(0),
    ),
    # The same guest on the emulated CPU alone: TCG ignores TSC writes,
    # does not count, takes non-canonical bases and answers MISC_ENABLE
    # on an AMD CPU. Kept as a record of what the emulator does.
    Scenario(
        name="msr-check-bare-tcg",
        engine="qemu-kernel", kernel=MSR_CHECK, smp=1,
        expect=[r"msr-check: PASS pmu: .* counters sum 0 ",
                r"msr-check: FAIL tsc-write",
                r"msr-check: FAIL fs-base: non-canonical 800000000000: "
                r"accepted",
                r"msr-check: FAIL misc-enable: AMD: rdmsr 0x1A0 read a value",
                r"msr-check: 2 passed, 6 failed"],
        exit_status=qemu_exit_status(6),
    ),
]
