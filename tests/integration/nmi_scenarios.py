# SPDX-License-Identifier: BSD-2-Clause
"""Virtual NMIs (docs/architecture.md, "Guest NMIs"): guests/smp with
nmi=1 sends NMI IPIs to itself and to its second vCPU, and checks the
blocking until IRET: two NMIs sent inside the handler arrive after its
IRET, as one. On SVM under TCG that takes the IRET intercept and the
single step over the IRET."""
from common import NMI_CONFIG, NMI_PASS
from harness import Scenario, qemu_exit_status
from scenarios import LINUX, LINUX_FORBID, PROMPT, READY

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
    # Linux 6.1's sysrq backtrace: the CPU that writes prints its own, and
    # sends NMI IPIs to the others (lib/nmi_backtrace.c); an idle one says
    # it was "skipped: idling". Without guest NMIs cpu 1 never answered.
    Scenario(
        name="linux-sysrq-nmi-backtrace",
        config_text=LINUX % ("linux", "1-2", "192M"),
        smp=3,
        expect=[READY % ("linux", 2),
                r"linux: .*sysrq: Show backtrace of all active CPUs"],
        anywhere=[r"linux: .*Sending NMI from CPU \d to CPUs \d:",
                  r"linux: .*NMI backtrace for cpu 0",
                  r"linux: .*NMI backtrace for cpu 1"],
        send=[(PROMPT % "linux", "echo l > /proc/sysrq-trigger; "
               "sleep 2; echo SYSRQ-DONE\n")],
        forbid=LINUX_FORBID + [r"Uhhuh\. NMI received",
                               r"Dazed and confused"],
        timeout=300,
    ),
]
