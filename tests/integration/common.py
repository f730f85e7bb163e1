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
