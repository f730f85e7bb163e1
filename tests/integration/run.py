#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs the QEMU integration scenarios. Usage: run.py [--keep] [NAME ...]
Ends with `integration: N passed, N failed`; exit status 1 on any failure."""
import sys

sys.dont_write_bytecode = True
from harness import main             # noqa: E402
from scenarios import SCENARIOS      # noqa: E402
from pci_scenarios import PCI_SCENARIOS  # noqa: E402
from iommu_amd_scenarios import IOMMU_AMD_SCENARIOS  # noqa: E402
from iommu_vtd_scenarios import IOMMU_VTD_SCENARIOS  # noqa: E402
from linux_pci_scenarios import LINUX_PCI_SCENARIOS  # noqa: E402
from mmio_scenarios import MMIO_SCENARIOS  # noqa: E402
from msr_scenarios import MSR_SCENARIOS  # noqa: E402
from conformance_scenarios import CONFORMANCE_SCENARIOS  # noqa: E402
from nmi_scenarios import NMI_SCENARIOS  # noqa: E402
from watchdog_scenarios import WATCHDOG_SCENARIOS  # noqa: E402
from timepart_scenarios import TIMEPART_SCENARIOS  # noqa: E402
from timepart_msi_scenarios import TIMEPART_MSI_SCENARIOS  # noqa: E402
from chaos_scenarios import CHAOS_SCENARIOS  # noqa: E402
from lapic_scenarios import LAPIC_SCENARIOS  # noqa: E402
from linux_timepart_scenarios import LINUX_TIMEPART_SCENARIOS  # noqa: E402

ALL = (SCENARIOS + PCI_SCENARIOS + IOMMU_AMD_SCENARIOS + IOMMU_VTD_SCENARIOS +
       LINUX_PCI_SCENARIOS + MMIO_SCENARIOS + MSR_SCENARIOS +
       CONFORMANCE_SCENARIOS + NMI_SCENARIOS + WATCHDOG_SCENARIOS +
       TIMEPART_SCENARIOS + TIMEPART_MSI_SCENARIOS + CHAOS_SCENARIOS +
       LAPIC_SCENARIOS + LINUX_TIMEPART_SCENARIOS)

if __name__ == "__main__":
    sys.exit(main("integration", ALL, sys.argv[1:]))
