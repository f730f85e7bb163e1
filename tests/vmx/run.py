#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the VMX scenarios in Bochs. Usage: run.py [--keep] [NAME ...]
Ends with `vmx: N passed, N failed`; exit status 1 on any failure.
The harness is the integration suite's, imported rather than copied."""
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(os.path.dirname(HERE), "integration"))
from harness import run_all          # noqa: E402
from scenarios import SCENARIOS      # noqa: E402


def main(argv):
    keep = "--keep" in argv
    only = [a for a in argv if not a.startswith("--")]
    passed, failed = run_all(SCENARIOS, only, keep)
    print("vmx: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
