# SPDX-License-Identifier: BSD-2-Clause
"""MMIO instruction forms and string port I/O: guests/mmio-forms in a
partition, every row of it passing (and, bare under QEMU, the rows that
do not depend on sub-dword LAPIC accesses: QEMU's own LAPIC drops them)."""
from common import PART
from harness import Scenario, qemu_exit_status

FORMS = "guests/mmio-forms.elf"
HEAD = "[hypervisor]\nexit_when_done = yes\n"
# Rows every run prints in this order; a FAIL anywhere fails the run.
ROWS = [r"mmio-forms: PASS movb load \(a0\)",
        r"mmio-forms: PASS movb imm store \(c6\)",
        r"mmio-forms: PASS negb \(f6 /3\)",
        r"mmio-forms: PASS addb 0xff to 0x01: CF ZF",
        r"mmio-forms: PASS rep movsl 1024 dwords: ECX",
        r"mmio-forms: PASS std rep movsl: EDI",
        r"mmio-forms: PASS 64-bit mov %sil,\(%rcx\) \(40 88 31\)",
        r"mmio-forms: PASS 64-bit mov %bh,\(%rcx\) \(88 39\)",
        r"mmio-forms: hello from rep outsb",
        r"mmio-forms: PASS rep insb \(f3 6c\) from the scratch register",
        r"mmio-forms: PASS addr16 rep insb: data",
        r"mmio-forms: 0 failed"]

MMIO_SCENARIOS = [
    Scenario(
        name="mmio-forms-svm",
        config_text=HEAD + PART % ("mmio-forms", "0", "8M", FORMS),
        smp=1,
        expect=ROWS + [r"partition mmio-forms exited with code 0",
                       r"run finished: success"],
        forbid=[r"FAIL", r"not emulated", r"stopped: ", r"EXCEPTION"],
        exit_status=qemu_exit_status(0),
    ),
    Scenario(
        name="mmio-forms-bare-qemu",
        engine="qemu-kernel",
        kernel=FORMS,
        smp=1,
        expect=[r"PASS movl store \(89\)",
                r"PASS rep movsl 1024 dwords: version",
                r"hello from rep outsb",
                r"PASS rep outsb \(f3 6e\): ESI",
                r"PASS std rep insb: EDI",
                r"PASS es outsb \(26 6e\): scratch",
                r"PASS addr16 rep insb \(67 f3 6c\): DI, CX",
                r"mmio-forms: \d+ failed"],
    ),
]
