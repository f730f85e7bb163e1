# SPDX-License-Identifier: BSD-2-Clause
# Benchmarks (docs/performance.md): `make bench` runs every figure and
# rewrites docs/performance.md; `make bench-smoke` runs the same pipeline
# with tiny sizes into a temporary file, checks that every figure came
# out (never a time) and ends with `bench: N passed, N failed`.
# The PCI passthrough figure boots Linux (build/linux/, linux-guest).
# Included by the top-level Makefile.

.PHONY: bench bench-smoke
bench: $(BUILD)/bulkhead.efi $(BUILD)/bulkhead-check guests linux-guest
	$(PYTHON) scripts/bench.py --out docs/performance.md

bench-smoke: $(BUILD)/bulkhead.efi $(BUILD)/bulkhead-check guests \
		linux-guest
	@$(PYTHON) scripts/bench.py --smoke
