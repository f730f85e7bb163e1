#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# `make check-layers`: every #include "..." points the way the layers allow
# (docs/architecture.md, "Layers"): lib/ depends on nothing, config/ and
# loader/ never reach into the hypervisor proper, device models are pure.
# One PASS/FAIL line per rule, the offending includes, and a last line
# `layers: N passed, N failed`. Exits non-zero when a rule fails.
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0

# rule TEXT FOLDER ALLOWED: every quoted include of a .c, .h or .S file
# under FOLDER names a path matching ALLOWED (an extended regex).
rule() {
	bad=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
		--include='*.c' --include='*.h' --include='*.S' "$2" |
		grep -vE "#[[:space:]]*include[[:space:]]*\"($3)\"")
	if [ -n "$bad" ]; then
		echo "FAIL $1"
		echo "$bad" | sed 's/^/  /'
		failed=$((failed + 1))
	else
		echo "PASS $1"
		passed=$((passed + 1))
	fi
}

rule "lib/ includes only lib/" lib 'lib/[^"]*'
rule "config/ includes only lib/ and config/" config '(lib|config)/[^"]*'
rule "loader/ does not include kernel/ or boot/" loader \
	'(lib|config|loader|arch|drivers)/[^"]*'
# Device models (and the PCI config-space filter) stay host-testable:
# lib/, their own folder, arch/x86 headers of register constants and the
# PCI definitions (drivers/pci/pci.h: registers and the inventory).
rule "drivers/emul/ includes only lib/, drivers/emul/, arch/x86/*_regs.h, drivers/pci/pci.h" \
	drivers/emul '(lib|drivers/emul)/[^"]*|arch/x86/[a-z0-9_]*_regs\.h|drivers/pci/pci\.h'
rule "kernel/ reaches VMX, SVM and the IOMMU drivers only through arch/x86/virt.h and arch/x86/iommu/iommu*.h" \
	kernel '(lib|config|loader|kernel|drivers|boot)/[^"]*|arch/x86/[^/"]*|arch/x86/iommu/iommu[a-z_]*\.h'

echo "layers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
