# SPDX-License-Identifier: BSD-2-Clause
"""Linux on the Intel path: Debian's kernel and the busybox initramfs in a
2-vCPU partition under Bochs with VMX, as linux-1-and-2-vcpus-reach-their-
shells boots them under QEMU with SVM. Bochs takes minutes for this (see
docs/testing.md, "Linux on VMX"), so these run apart from the VMX suite:
`make test-vmx-linux`, or `tests/vmx/run.py --linux`.

Typing needs a two-way COM1: the harness gives Bochs a pty (PtyConsole).
Bochs' OVMF has no ACPI tables, hence no I/O APIC for the hypervisor: it
reads what is typed when the partition's CPU exits, which an idle Linux
does at every timer tick."""
from common import (ASK, LINUX, LINUX_FORBID, PROMPT, READY, both,
                    mem_kib_between, tsc_agrees)
from scenarios import HEAD, vmx

# Wall-clock seconds: the boot alone took 4-5 minutes here (docs/testing.md).
LINUX_TIMEOUT = 1500

LINUX_SCENARIOS = [
    # CPUs 0-1: Bochs runs every emulated CPU on one host thread, so the
    # machine has only the partition's two.
    vmx("vmx-linux-2-vcpus-reach-the-shell",
        config_text=HEAD + LINUX % ("linux", "0-1", "192M"),
        expect=[r"partition linux: 2 vCPU\(s\), 192 MiB RAM",
                READY % ("linux", 2),
                r"linux: CPUS=2 MEM=\d+ kB",
                r"partition linux powered off",
                r"partition linux: exits: ",
                r"  linux: exit code 0",
                r"run finished: success"],
        send=[(PROMPT % "linux", ASK),
              (r"linux: CPUS=2 MEM=", "poweroff -f\n")],
        forbid=LINUX_FORBID + [r"restarting"],
        check=both(mem_kib_between("linux", 130000, 196608), tsc_agrees),
        timeout=LINUX_TIMEOUT),
]
