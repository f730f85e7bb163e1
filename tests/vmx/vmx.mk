# SPDX-License-Identifier: BSD-2-Clause
# The Intel VMX path under Bochs, for machines without Intel hardware.
#   make test-vmx                 the VMX scenarios (tests/vmx/scenarios.py)
#   make test-vmx-linux           a 2-vCPU Debian partition to its shell
#                                 (tests/vmx/linux_scenarios.py); minutes,
#                                 so not part of `make test`
#   make run-vmx                  boots $(CONFIG) in Bochs, console here
#   make run-vmx VMX_CPUS=2 VMX_SERIAL=out.txt
# The default scenario pins partitions to CPUs 1-3, hence 4 CPUs; Bochs
# boots it in about 40 s.

VMX_CPUS   ?= 4
VMX_SERIAL ?=

.PHONY: test-vmx test-vmx-linux run-vmx
test-vmx: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tests/vmx/run.py

test-vmx-linux: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) tests/vmx/run.py --linux

run-vmx: deps $(BUILD)/bulkhead.img
	scripts/run-bochs.sh $(BUILD)/bulkhead.img $(VMX_CPUS) $(VMX_SERIAL)
