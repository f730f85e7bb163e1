# SPDX-License-Identifier: BSD-2-Clause
"""What the QEMU (SVM) and Bochs (VMX) suites both expect: one scenario,
one back end or the other, the same lines."""

MINIMAL = "guests/scenarios/minimal/bulkhead.cfg"
BANNER = r"Bulkhead \S+: static partitioning hypervisor, UEFI stage"
PART = "[partition %s]\ncpus = %s\nmemory = %s\nkernel = %s\n"
HELLO = "guests/hello.elf"

# guests/crash with crashes=2 and on_fault = restart: two triple faults,
# each contained and restarted from the image, then a clean exit.
CRASH_RESTARTS = [r"crash: boot 0",
                  r"partition crash stopped: triple fault \(shutdown\) on "
                  r"vCPU 0 at RIP 0x",
                  r"partition crash: restarting \(restart 1\)",
                  r"crash: boot 1",
                  r"partition crash: restarting \(restart 2\)",
                  r"crash: boot 2",
                  r"crash: survived 2 restarts",
                  r"partition crash exited with code 0",
                  r"run finished: success"]

# guests/smp nmi=1 in a 2-vCPU partition, and what it prints when every
# NMI check passes (tests/integration/nmi_scenarios.py, tests/vmx).
NMI_CONFIG = ("[hypervisor]\nexit_when_done = yes\n" +
              PART % ("nmi", "0-1", "8M", "guests/smp.elf") +
              'cmdline = "nmi=1"\n')
NMI_PASS = [r"NMI to self: 1 taken; to APIC ID 1: 1 taken",
            r"NMI blocking: 2 sent in the handler, 0 taken before its "
            r"IRET, 1 after, 0 nested"]
