# SPDX-License-Identifier: BSD-2-Clause
"""scripts/accel.py: which accelerator QEMU gets for given host facts, and
that qemu-args.sh (make run, the tests, make bench) follows that choice."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import accel  # noqa: E402

NO_NESTED = {"kvm_intel": None, "kvm_amd": None}
CPUINFO = "processor\t: 0\nflags\t\t: fpu %s lm\n\nprocessor\t: 1\n"


class Choose(unittest.TestCase):
    def test_flags_of_first_cpu(self):
        self.assertEqual(accel.cpu_flags(CPUINFO % "svm"),
                         {"fpu", "svm", "lm"})
        self.assertEqual(accel.cpu_flags("no flags here"), set())

    def test_kvm_without_vmx_or_svm_is_tcg(self):
        c = accel.choose({"fpu", "lm"}, NO_NESTED, None)
        self.assertEqual(c.accel, "tcg")
        self.assertEqual(c.args, ["-accel", "tcg", "-cpu", "max"])
        self.assertIn("KVM found, but this CPU offers no nested VMX/SVM",
                      c.message)
        self.assertIn("booting under TCG", c.message)

    def test_svm_with_nesting_is_kvm_without_arch_capabilities(self):
        c = accel.choose({"svm"}, {"kvm_amd": "1\n", "kvm_intel": None},
                         None)
        self.assertEqual(c.accel, "kvm")
        self.assertEqual(c.args, ["-enable-kvm", "-cpu",
                                  "host,-arch-capabilities"])

    def test_vmx_with_nesting_off_is_tcg(self):
        for off in ("N\n", "0\n"):
            c = accel.choose({"vmx"}, {"kvm_intel": off, "kvm_amd": None},
                             None)
            self.assertEqual(c.accel, "tcg")
            self.assertIn("nested virtualization is off in kvm_intel",
                          c.message)

    def test_nesting_parameter_of_other_vendor_ignored(self):
        c = accel.choose({"vmx"}, {"kvm_intel": "Y\n", "kvm_amd": "0\n"},
                         None)
        self.assertEqual(c.accel, "kvm")

    def test_unreadable_nested_parameter_trusts_the_flags(self):
        self.assertEqual(accel.choose({"vmx"}, NO_NESTED, None).accel, "kvm")

    def test_device_problem_is_tcg(self):
        c = accel.choose({"svm"}, NO_NESTED, "no /dev/kvm")
        self.assertEqual(c.accel, "tcg")
        self.assertTrue(c.message.startswith("no /dev/kvm: booting under"))

    def test_forced_tcg(self):
        c = accel.choose({"svm"}, NO_NESTED, None, "tcg")
        self.assertEqual(c.accel, "tcg")

    def test_forced_kvm_that_cannot_work_fails_with_reason(self):
        c = accel.choose(set(), NO_NESTED, None, "kvm")
        self.assertIsNone(c.accel)
        self.assertIn("QEMU_ACCEL=kvm cannot work: KVM found, but this "
                      "CPU offers no nested VMX/SVM", c.error)

    def test_forced_kvm_that_works(self):
        self.assertEqual(accel.choose({"svm"}, NO_NESTED, None, "KVM").accel,
                         "kvm")

    def test_unknown_forced_value(self):
        c = accel.choose({"svm"}, NO_NESTED, None, "hvf")
        self.assertIn("QEMU_ACCEL=hvf: use tcg, kvm", c.error)


class QemuArgs(unittest.TestCase):
    """The shell path: qemu-args.sh on a fake host."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        d = self.dir.name
        self.env = dict(os.environ, ACCEL_CPUINFO=os.path.join(d, "cpuinfo"),
                        ACCEL_SYSFS=os.path.join(d, "module"),
                        ACCEL_KVM_DEV=os.path.join(d, "kvm"))
        self.env.pop("QEMU_ACCEL", None)
        os.makedirs(os.path.join(d, "module", "kvm_amd", "parameters"))
        open(self.env["ACCEL_KVM_DEV"], "w").close()

    def tearDown(self):
        self.dir.cleanup()

    def host(self, flags, nested):
        with open(self.env["ACCEL_CPUINFO"], "w") as f:
            f.write(CPUINFO % flags)
        with open(os.path.join(self.env["ACCEL_SYSFS"], "kvm_amd",
                               "parameters", "nested"), "w") as f:
            f.write(nested + "\n")

    def qemu_args(self, *args, **env):
        return subprocess.run([os.path.join(ROOT, "scripts", "qemu-args.sh"),
                               "disk.img", "2"] + list(args),
                              env=dict(self.env, **env), text=True,
                              capture_output=True)

    def test_nesting_host_boots_kvm(self):
        self.host("svm", "1")
        r = self.qemu_args()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(" -enable-kvm -cpu host,-arch-capabilities ", r.stdout)
        self.assertIn("KVM with nested VMX/SVM", r.stderr)

    def test_non_nesting_host_boots_tcg_and_says_why(self):
        self.host("sse2", "1")
        r = self.qemu_args()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(" -accel tcg -cpu max ", r.stdout)
        self.assertNotIn("kvm", r.stdout)
        self.assertIn("offers no nested VMX/SVM: booting under TCG", r.stderr)

    def test_forced_kvm_on_non_nesting_host_fails(self):
        self.host("svm", "0")
        r = self.qemu_args(QEMU_ACCEL="kvm")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stdout, "")
        self.assertIn("nested virtualization is off in kvm_amd", r.stderr)

    def test_named_cpu_stays_on_tcg(self):
        self.host("svm", "1")
        r = self.qemu_args("qemu64,+svm")
        self.assertIn(" -accel tcg -cpu qemu64,+svm ", r.stdout)


if __name__ == "__main__":
    unittest.main()
