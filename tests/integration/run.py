#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the QEMU integration scenarios. Usage: run.py [--keep] [NAME ...]
Ends with `integration: N passed, N failed`; exit status 1 on any failure."""
import sys

sys.dont_write_bytecode = True
from harness import main             # noqa: E402
from scenarios import SCENARIOS      # noqa: E402
from pci_scenarios import PCI_SCENARIOS  # noqa: E402
from msr_scenarios import MSR_SCENARIOS  # noqa: E402

if __name__ == "__main__":
    sys.exit(main("integration", SCENARIOS + PCI_SCENARIOS + MSR_SCENARIOS,
                  sys.argv[1:]))
