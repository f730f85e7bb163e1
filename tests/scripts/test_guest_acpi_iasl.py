# SPDX-License-Identifier: BSD-2-Clause
"""loader/guest_acpi.c's tables as ACPICA sees them: a host build of the
loader (tests/scripts/acpi_dump.c) writes a PCI partition's DSDT, MCFG,
FADT and MADT, and `iasl -d` (Debian acpica-tools) must disassemble each
with no error and find the PCI root bridge and its resources. The same
partition booted through loader/multiboot.c must have them all, found by
the BIOS-area search for the RSDP a Multiboot kernel does."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def compile_dumper(out):
    subprocess.run(["gcc", "-std=gnu11", "-O1", "-Wall", "-Wextra",
                    "-Werror", "-I", ROOT, "-o", out,
                    os.path.join(ROOT, "tests/scripts/acpi_dump.c"),
                    os.path.join(ROOT, "loader/guest_acpi.c"),
                    os.path.join(ROOT, "loader/multiboot.c"),
                    os.path.join(ROOT, "lib/format.c")], check=True)


def disassemble(path):
    """Runs iasl -d; returns (its output, the .dsl text)."""
    r = subprocess.run(["iasl", "-d", path], cwd=os.path.dirname(path),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        raise AssertionError("iasl -d %s failed:\n%s" % (path, r.stdout))
    with open(os.path.splitext(path)[0] + ".dsl") as f:
        return r.stdout, f.read()


def recompile(dsl):
    """iasl compiles a disassembled table back: returns its output."""
    r = subprocess.run(["iasl", "-p", dsl + "-again", dsl],
                       cwd=os.path.dirname(dsl), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise AssertionError("iasl %s failed:\n%s" % (dsl, r.stdout))
    return r.stdout


class GuestAcpiIasl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A missing tool fails the tests: make test installs it first.
        if not shutil.which("iasl"):
            raise AssertionError("no iasl: install acpica-tools "
                                 "(scripts/deps.sh)")
        cls.dir = tempfile.mkdtemp(prefix="bulkhead-acpi-")
        cls.dumper = os.path.join(cls.dir, "acpi_dump")
        compile_dumper(cls.dumper)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def tables(self, *args):
        d = tempfile.mkdtemp(dir=self.dir)
        subprocess.run([self.dumper, d] + list(args), check=True)
        return d

    def clean(self, out):
        self.assertNotRegex(out, r"(?i)\berror\b|warning|remark",
                            "iasl complained:\n" + out)

    def test_pci_dsdt(self):
        path = os.path.join(self.tables(), "dsdt.dat")
        out, dsl = disassemble(path)
        self.clean(out)
        out = recompile(os.path.splitext(path)[0] + ".dsl")
        self.assertRegex(out, r"Compilation successful. 0 Errors, 0 Warnings")
        for want in [r'Name \(_S5, Package \(0x04\)',
                     r"Scope \(\\_SB\)", r"Device \(PCI0\)",
                     r'Name \(_HID, EisaId \("PNP0A08"\)',
                     r'Name \(_CID, EisaId \("PNP0A03"\)',
                     r"Name \(_UID, Zero\)", r"Name \(_SEG, Zero\)",
                     r"Name \(_BBN, Zero\)",
                     r"Name \(_CRS, ResourceTemplate \(\)",
                     r"WordBusNumber \(ResourceProducer, MinFixed, "
                     r"MaxFixed, PosDecode",
                     r"IO \(Decode16,\s+0x0CF8, +// Range Minimum\s+0x0CF8, +// Range "
                     r"Maximum\s+0x01, +// Alignment\s+0x08, +// Length",
                     # 0xc0000000+16K and +4K merged into one window.
                     r"DWordMemory \(ResourceProducer, PosDecode, MinFixed,"
                     r" MaxFixed, NonCacheable, ReadWrite",
                     r"0xC0000000,\s+// Range Minimum",
                     r"0xC0004FFF,\s+// Range Maximum",
                     r"QWordMemory \(ResourceProducer",
                     r"0x000000E000003FFF,\s+// Range Maximum",
                     r"WordIO \(ResourceProducer, MinFixed, MaxFixed, "
                     r"PosDecode, EntireRange",
                     r"0x601F,\s+// Range Maximum",
                     # _PRT: source 0, so each entry names its GSI.
                     r"Name \(_PRT, Package \(0x02\)",
                     r"Package \(0x04\)\s*\{\s*0x0004FFFF,\s*Zero,\s*"
                     r"Zero,\s*0x14\s*\}",
                     r"Package \(0x04\)\s*\{\s*0x0005FFFF,\s*One,\s*"
                     r"Zero,\s*0x10\s*\}",
                     r"Device \(MRES\)",
                     r'Name \(_HID, EisaId \("PNP0C02"\)',
                     r"DWordMemory \(ResourceConsumer",
                     r"0xBFFFFFFF,\s+// Range Maximum"]:
            self.assertRegex(dsl, want)
        self.assertEqual(len(re.findall(r"Memory \(ResourceProducer", dsl)),
                         2, "one window per merged BAR range")

    def test_mcfg(self):
        out, dsl = disassemble(os.path.join(self.tables(), "mcfg.dat"))
        self.clean(out)
        self.assertRegex(dsl, r'Signature : "MCFG"')
        self.assertRegex(dsl, r"Base Address : 00000000B0000000")
        self.assertRegex(dsl, r"Segment Group Number : 0000")
        self.assertRegex(dsl, r"Start Bus Number : 00")
        self.assertRegex(dsl, r"End Bus Number : FF")

    def test_fadt_and_madt(self):
        d = self.tables()
        for name in ("facp", "apic"):
            out, dsl = disassemble(os.path.join(d, name + ".dat"))
            self.clean(out)
            self.assertNotIn("Invalid", dsl)

    def test_plain_partition_has_no_pci(self):
        d = self.tables("plain")
        self.assertFalse(os.path.exists(os.path.join(d, "mcfg.dat")))
        out, dsl = disassemble(os.path.join(d, "dsdt.dat"))
        self.clean(out)
        self.assertIn("_S5", dsl)
        self.assertNotIn("PCI0", dsl)

    def test_multiboot_layout(self):
        """Every table of a Multiboot partition, from the RSDP on."""
        d = self.tables("multiboot")
        names = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".dat"))
        self.assertEqual(names, ["apic", "dsdt", "facp", "facs", "mcfg",
                                 "rsdp", "xsdt"])
        # iasl -d takes no RSDP from a file (not a table header): it is
        # checked here, byte by byte (ACPI 6.4 5.2.5.3).
        with open(os.path.join(d, "rsdp.dat"), "rb") as f:
            rsdp = f.read()
        self.assertEqual(len(rsdp), 36)
        self.assertEqual(rsdp[:8], b"RSD PTR ")
        self.assertEqual(sum(rsdp[:20]) % 256, 0)
        self.assertEqual(sum(rsdp) % 256, 0)
        self.assertEqual(rsdp[15], 2)
        self.assertEqual(int.from_bytes(rsdp[24:32], "little") >> 12, 0xF0)
        want = {"xsdt": r"ACPI Table Address   2 : 00000000000F0",
                "facp": r"FACS Address : 000F0",
                "facs": r'Signature : "FACS"',
                "apic": r"Local Apic ID : 01",
                "mcfg": r"Base Address : 00000000B0000000"}
        for name in names:
            if name == "rsdp":
                continue
            out, dsl = disassemble(os.path.join(d, name + ".dat"))
            self.clean(out)
            self.assertNotIn("Invalid", dsl)
            if name == "dsdt":
                self.assertIn("Device (PCI0)", dsl)
            else:
                self.assertRegex(dsl, want[name])


if __name__ == "__main__":
    unittest.main()
