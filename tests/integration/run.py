#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the QEMU integration scenarios. Usage: run.py [--keep] [NAME ...]
Ends with `integration: N passed, N failed`; exit status 1 on any failure."""
import sys

sys.dont_write_bytecode = True
from harness import run_all          # noqa: E402
from scenarios import SCENARIOS      # noqa: E402


def main(argv):
    keep = "--keep" in argv
    only = [a for a in argv if not a.startswith("--")]
    passed, failed = run_all(SCENARIOS, only, keep)
    print("integration: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
