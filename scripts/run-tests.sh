#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs every test suite and ends with one line: `N passed, N failed`.
# Unit tests count per cmocka test case, fuzz targets one each,
# integration tests per scenario.
set -u
BUILD=${BUILD:-build}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() {	# adds the "N passed, N failed" found on the last such line of $log
	line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	passed=$((passed + p))
	failed=$((failed + f))
}

echo "== unit tests (cmocka, host)"
if make --no-print-directory -s unit-tests >"$log" 2>&1; then
	up=0
	uf=0
	for t in "$BUILD"/unit/test_*; do
		case "$t" in *.d) continue ;; esac
		out=$("$t" 2>&1)
		rc=$?
		p=$(echo "$out" | sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p')
		f=$(echo "$out" | sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p')
		p=${p:-0}
		f=${f:-0}
		# A crash before cmocka's summary still counts as a failure.
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
		[ "$f" -ne 0 ] && echo "$out"
		echo "$(basename "$t"): $p passed, $f failed"
		up=$((up + p))
		uf=$((uf + f))
	done
	echo "unit: $up passed, $uf failed" | tee "$log"
else
	cat "$log"
	echo "unit: 0 passed, 1 failed (build failed)" | tee "$log"
fi
count

echo "== fuzz targets (libFuzzer, ASan, UBSan: a short pass of each)"
make --no-print-directory -s fuzz-smoke 2>&1 | tee "$log"
count

echo "== tooling tests (accelerator choice, Python)"
/usr/bin/python3 tests/scripts/run.py 2>&1 | tee "$log"
count

echo "== layers (include directions)"
make --no-print-directory -s check-layers 2>&1 | tee "$log"
count

echo "== integration tests (QEMU, OVMF, TCG)"
/usr/bin/python3 tests/integration/run.py | tee "$log"
count

if [ -f tests/vmx/run.py ]; then
	echo "== VMX tests (Bochs, OVMF)"
	/usr/bin/python3 tests/vmx/run.py | tee "$log"
	count
fi

if [ -f scripts/bench.mk ]; then
	echo "== benchmark smoke run (tiny N, no timing asserted)"
	make --no-print-directory bench-smoke 2>&1 | tee "$log"
	count
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
