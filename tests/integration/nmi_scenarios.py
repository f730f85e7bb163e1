# SPDX-License-Identifier: BSD-2-Clause
"""Virtual NMIs (docs/architecture.md, "Guest NMIs"): guests/smp with
nmi=1 sends NMI IPIs to itself and to its second vCPU, and checks the
blocking until IRET: two NMIs sent inside the handler arrive after its
IRET, as one. On SVM under TCG that takes the IRET intercept and the
single step over the IRET."""
from common import PART
from harness import Scenario, qemu_exit_status

HEAD = "[hypervisor]\nexit_when_done = yes\n"
SMP = "guests/smp.elf"
# What guests/smp prints when every NMI check passes (shared with VMX).
NMI_PASS = [r"NMI to self: 1 taken; to APIC ID 1: 1 taken",
            r"NMI blocking: 2 sent in the handler, 0 taken before its "
            r"IRET, 1 after, 0 nested"]
NMI_CONFIG = HEAD + PART % ("nmi", "0-1", "8M", SMP) + 'cmdline = "nmi=1"\n'

NMI_SCENARIOS = [
    Scenario(
        name="nmi-ipis-svm",
        smp=2,
        config_text=NMI_CONFIG,
        expect=[r"partition nmi: 2 vCPU\(s\), 8 MiB RAM",
                r"nmi: all 2 vCPUs up"] +
        ["nmi: " + line for line in NMI_PASS] +
        [r"partition nmi exited with code 0", r"run finished: success"],
        forbid=[r"EXCEPTION", r"stopped: ", r"error:"],
        exit_status=qemu_exit_status(0),
    ),
]
