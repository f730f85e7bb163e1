#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# tests/fuzz/run.sh SECONDS NAME...: runs each built target for SECONDS
# from its seeds and corpus; one test per target, which fails on a crash,
# a sanitizer report or a broken invariant (libFuzzer's exit status).
# Ends with `fuzz: N passed, N failed`.
set -u
BUILD=${BUILD:-build}
seconds=$1
shift
passed=0
failed=0
for name in "$@"; do
	bin="$BUILD/fuzz/fuzz_$name"
	corpus="$BUILD/fuzz/corpus/$name"
	crashes="$BUILD/fuzz/crashes/$name"
	log="$BUILD/fuzz/fuzz_$name.log"
	mkdir -p "$corpus" "$crashes"
	set -- "$corpus"
	[ -d "tests/fuzz/seeds/$name" ] && set -- "$@" "tests/fuzz/seeds/$name"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086 # an empty $dict is meant to vanish
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/" $dict \
		"$@" >"$log" 2>&1
	rc=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "fuzz_$name: PASS (${runs:-?} runs in ${seconds}s, ${cov:-cov: ?})"
	else
		failed=$((failed + 1))
		echo "fuzz_$name: FAIL (exit $rc): the input is in $crashes/, the log in $log"
		grep -E 'invariant broken|ERROR: |runtime error|SUMMARY' "$log" | head -n 5
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
