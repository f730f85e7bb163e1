#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the VMX scenarios in Bochs. Usage: run.py [--keep] [--linux] [NAME ...]
Ends with `vmx: N passed, N failed` (with --linux, the Linux partition
scenarios instead, which take minutes: `vmx-linux: N passed, N failed`);
exit status 1 on any failure.
The harness is the integration suite's, imported rather than copied."""
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(os.path.dirname(HERE), "integration"))
from harness import main             # noqa: E402
from scenarios import SCENARIOS      # noqa: E402
from linux_scenarios import LINUX_SCENARIOS  # noqa: E402

if __name__ == "__main__":
    if "--linux" in sys.argv:
        sys.exit(main("vmx-linux", LINUX_SCENARIOS, sys.argv[1:]))
    sys.exit(main("vmx", SCENARIOS, sys.argv[1:]))
