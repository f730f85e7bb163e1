#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the tests of the Python and shell tooling (tests/scripts/test_*.py).
Ends with `scripts: N passed, N failed`; exit status 1 on any failure."""
import os
import sys
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == "__main__":
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py")
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("scripts: %d passed, %d failed" % (result.testsRun - failed,
                                              failed))
    sys.exit(1 if failed else 0)
