#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Chooses QEMU's accelerator for Bulkhead: KVM only where it can nest.

Bulkhead needs VMX or SVM inside its virtual machine. Under KVM that means
the host CPU offers VMX/SVM (its /proc/cpuinfo flags), nesting is on in
kvm_intel/kvm_amd (their `nested` parameter, where it is readable) and
/dev/kvm opens for reading and writing. A /dev/kvm alone proves nothing: a
cloud VM without nested virtualization has one, and QEMU aborts there.
Anything else boots under TCG, whose SVM CPU Bulkhead always runs on.

QEMU_ACCEL=tcg or QEMU_ACCEL=kvm forces either; a forced KVM that cannot
work fails with the reason. `make run` (through qemu-args.sh), the
integration tests and `make bench` all decide here.

As a command it prints QEMU's accelerator and CPU arguments on standard
output and one line saying why on standard error; exit status 2 when
QEMU_ACCEL asks for something impossible. ACCEL_CPUINFO, ACCEL_SYSFS and
ACCEL_KVM_DEV replace /proc/cpuinfo, /sys/module and /dev/kvm (tests).
"""
import collections
import os
import sys

# QEMU 7.2 with a newer host kernel cannot set IA32_ARCH_CAPABILITIES
# (MSR 0x10A) from `-cpu host` and aborts in kvm_buf_set_msrs; Bulkhead
# does not need the MSR, so the KVM CPU leaves it out.
KVM_CPU = "host,-arch-capabilities"
TCG_CPU = "max"             # AMD SVM with nested paging under TCG
NESTED_OFF = ("N", "0")     # how kvm_intel/kvm_amd print nested=off

Choice = collections.namedtuple("Choice", "accel args message error")


def cpu_flags(cpuinfo_text):
    """The flags of the first CPU in a /proc/cpuinfo text."""
    for line in cpuinfo_text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return set()


def why_not_kvm(flags, nested, kvm_problem):
    """None when KVM can run Bulkhead, else the reason it cannot.

    flags: the host CPU's flags; nested: {module: value of its nested
    parameter, or None when unreadable}; kvm_problem: None when /dev/kvm
    opens, else why it does not."""
    if kvm_problem:
        return kvm_problem
    if "vmx" in flags:
        module = "kvm_intel"
    elif "svm" in flags:
        module = "kvm_amd"
    else:
        return "KVM found, but this CPU offers no nested VMX/SVM"
    if (nested.get(module) or "").strip() in NESTED_OFF:
        return ("KVM found, but nested virtualization is off in %s "
                "(/sys/module/%s/parameters/nested)" % (module, module))
    return None


def kvm_args():
    return ["-enable-kvm", "-cpu", KVM_CPU]


def tcg_args(cpu=TCG_CPU):
    return ["-accel", "tcg", "-cpu", cpu]


def choose(flags, nested, kvm_problem, forced=""):
    """The accelerator for these host facts and QEMU_ACCEL's value."""
    forced = (forced or "auto").strip().lower()
    if forced not in ("auto", "tcg", "kvm"):
        return Choice(None, None, None, "QEMU_ACCEL=%s: use tcg, kvm or "
                      "leave it unset to choose automatically" % forced)
    if forced == "tcg":
        return Choice("tcg", tcg_args(), "QEMU_ACCEL=tcg: booting under "
                      "TCG with an SVM CPU", None)
    reason = why_not_kvm(flags, nested, kvm_problem)
    if reason and forced == "kvm":
        return Choice(None, None, None, "QEMU_ACCEL=kvm cannot work: %s "
                      "(unset QEMU_ACCEL to boot under TCG)" % reason)
    if reason:
        return Choice("tcg", tcg_args(), reason + ": booting under TCG "
                      "with an SVM CPU (slower)", None)
    return Choice("kvm", kvm_args(), "KVM with nested VMX/SVM: booting "
                  "with -cpu " + KVM_CPU, None)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def kvm_device_problem(path):
    if not os.path.exists(path):
        return "no %s" % path
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as e:
        return "%s does not open for reading and writing (%s)" % (
            path, e.strerror)
    return None


def host_choice(env=os.environ):
    """choose() for this machine and the environment's QEMU_ACCEL."""
    sysfs = env.get("ACCEL_SYSFS", "/sys/module")
    nested = {m: read(os.path.join(sysfs, m, "parameters", "nested"))
              for m in ("kvm_intel", "kvm_amd")}
    flags = cpu_flags(read(env.get("ACCEL_CPUINFO", "/proc/cpuinfo")) or "")
    problem = kvm_device_problem(env.get("ACCEL_KVM_DEV", "/dev/kvm"))
    return choose(flags, nested, problem, env.get("QEMU_ACCEL", ""))


def main():
    c = host_choice()
    if c.error:
        print("accel: " + c.error, file=sys.stderr)
        return 2
    print("accel: " + c.message, file=sys.stderr)
    print(" ".join(c.args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
