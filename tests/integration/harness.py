# SPDX-License-Identifier: BSD-2-Clause
"""Boots the real bulkhead image under QEMU and judges a run by its serial
console: every expected line must appear, in order, and the run must end
with the expected exit status. A run that does not get there in time fails.
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import tempfile
import threading
import time
import tty
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
EFI = os.path.join(BUILD, "bulkhead.efi")
# OVMF mirrors its text console to COM1 with terminal escapes.
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][AB012]|\x1b[=>78c]")
POLL_SECONDS = 0.2


def qemu_exit_status(code):
    """What QEMU returns after the guest writes `code` to isa-debug-exit."""
    return (code << 1) | 1


@dataclass
class Scenario:
    name: str
    expect: list                   # regexes, matched line by line, in order
    anywhere: list = field(default_factory=list)  # each somewhere, any order
    config: str = "guests/scenarios/default/bulkhead.cfg"
    config_text: str = None        # a config written for this run instead
    hooks: str = None              # contents of bulkhead.test, if any
    smp: int = 4
    cpu: str = "max"
    exit_status: int = None        # None: stop QEMU once all lines are seen
    forbid: list = field(default_factory=list)
    timeout: int = 60
    omit_config: bool = False
    skip_missing: bool = False     # a config naming files the stick lacks
    bad_config: bool = False       # a config bulkhead-check rejects
    engine: str = "qemu"           # or "bochs": Intel VMX with EPT
    # (regex, text): once a line matches, `text` is typed on the console.
    send: list = field(default_factory=list)
    # A bare run without Bulkhead (engine "qemu-kernel"): QEMU's -kernel.
    kernel: str = None
    initrd: str = None
    append: str = ""
    # check(serial text) -> None, or why the run is wrong.
    check: object = None
    # timed_check(serial text, line times) -> None, or why the run is
    # wrong; line_times[i] is the host's time.monotonic() at which the
    # harness first saw complete line i of the text (its lines split as
    # by str.splitlines), late by up to poll_seconds.
    timed_check: object = None
    # How often the serial log is read: finer for runs that time lines.
    poll_seconds: float = POLL_SECONDS
    # More QEMU arguments: devices to pass through, an IOMMU.
    qemu_extra: list = field(default_factory=list)
    # prepare(scenario, workdir) -> None, or why the run cannot start; it
    # may fill in config_text from a probe run (addresses known only then).
    prepare: object = None
    # qemu_extra_fn(workdir) -> more QEMU arguments, made just before the
    # run (a disk image for a device, say).
    qemu_extra_fn: object = None


def clean(text):
    return ANSI.sub("", text).replace("\r", "")


def build_image(s, workdir):
    image = os.path.join(workdir, s.name + ".img")
    config = os.path.join(ROOT, s.config)
    if s.config_text is not None:
        config = os.path.join(workdir, s.name + ".cfg")
        with open(config, "w") as f:
            f.write(s.config_text)
    # Guest kernels named by the configs are built into build/guests/.
    cmd = ["/usr/bin/python3", os.path.join(ROOT, "scripts/mkimage.py"),
           "--efi", EFI, "--config", config, "--search", BUILD,
           "--out", image]
    if s.hooks is not None:
        hooks = os.path.join(workdir, s.name + ".test")
        with open(hooks, "w") as f:
            f.write(s.hooks)
        cmd += ["--add", "bulkhead.test=" + hooks]
    if s.omit_config:
        cmd += ["--no-config"]
    if s.skip_missing:
        cmd += ["--skip-missing"]
    if s.bad_config:
        cmd += ["--bad-config"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return image


# Unless a scenario expects it, the hypervisor giving up ends the test.
GAVE_UP = r"Bulkhead did not start; returning to the firmware"


class Matcher:
    def __init__(self, s):
        self.pending = [re.compile(e) for e in s.expect]
        # Partitions run side by side: their lines interleave freely.
        self.unordered = [re.compile(e) for e in s.anywhere]
        forbid = list(s.forbid)
        if not any(re.search(e, GAVE_UP) for e in s.expect):
            forbid.append(GAVE_UP)
        self.forbid = [re.compile(f) for f in forbid]
        self.violation = None

    def feed(self, lines):
        for line in lines:
            for f in self.forbid:
                if f.search(line) and not self.violation:
                    self.violation = "forbidden line: " + line.strip()
            if self.pending and self.pending[0].search(line):
                self.pending.pop(0)
            self.unordered = [u for u in self.unordered
                              if not u.search(line)]

    @property
    def done(self):
        return not self.pending and not self.unordered

    @property
    def waiting_for(self):
        return (self.pending or self.unordered)[0].pattern


def console_args(s, serial):
    if not s.send:
        return ["-serial", "file:" + serial]
    # Typing needs a two-way line: a socket, with the output logged.
    return [
        "-chardev", "socket,id=con,path=%s.sock,server=on,wait=off,"
        "logfile=%s" % (serial, serial), "-serial", "chardev:con"]


def qemu_command(s, image, serial, extra=()):
    args = subprocess.run([os.path.join(ROOT, "scripts/qemu-args.sh"), image,
                           str(s.smp), s.cpu], check=True, text=True,
                          stdout=subprocess.PIPE).stdout
    args = shlex.split(args) + s.qemu_extra + list(extra)
    return args + console_args(s, serial)


class Keyboard:
    """Types on the serial console of a run started with `send` steps."""

    def __init__(self, s, serial):
        self.steps = [(re.compile(p), text) for p, text in s.send]
        self.path = serial + ".sock"
        self.sock = None
        self.consumed = 0

    def connect(self):
        if self.sock or not self.steps or not os.path.exists(self.path):
            return
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
        # QEMU echoes the console to us too: read it so it never stalls.
        threading.Thread(target=self.drain, daemon=True).start()

    def drain(self):
        try:
            while self.sock.recv(4096):
                pass
        except OSError:
            pass

    def feed(self, text):
        """Each step waits for its pattern in the output after the last
        match, unfinished last line included (a prompt has no newline)."""
        while self.sock and self.steps:
            m = self.steps[0][0].search(text, self.consumed)
            if not m:
                return
            self.consumed = m.end()
            self.sock.sendall(self.steps.pop(0)[1].encode())

    def close(self):
        if self.sock:
            self.sock.close()


class PtyConsole:
    """A two-way COM1 for Bochs, whose only such mode is a terminal: a
    pty whose far end Bochs opens ("term" mode), its output copied to the
    serial log the matcher reads; Keyboard types into it."""

    def __init__(self, serial):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)          # no echo, no CR/LF translation
        self.path = os.ttyname(self.slave)
        self.log = open(serial, "ab", buffering=0)
        threading.Thread(target=self.copy, daemon=True).start()

    def copy(self):
        try:
            while True:
                data = os.read(self.master, 4096)
                if not data:
                    break
                self.log.write(data)
        except OSError:
            pass

    def sendall(self, data):
        os.write(self.master, data)

    def close(self):
        for fd in (self.slave, self.master):
            try:
                os.close(fd)
            except OSError:
                pass


def bare_command(s, serial, extra=()):
    """The same QEMU machine, booting the kernel directly: the baseline."""
    args = subprocess.run([os.path.join(ROOT, "scripts/qemu-args.sh"),
                           "/dev/null", str(s.smp), s.cpu], check=True,
                          text=True, stdout=subprocess.PIPE).stdout.split()
    # Keep the machine, CPU and memory; drop the firmware and the stick.
    keep = []
    skip = {"-bios", "-drive", "-device"}
    i = 0
    while i < len(args):
        if args[i] in skip and not args[i + 1].startswith("isa-debug-exit"):
            i += 2
            continue
        keep.append(args[i])
        i += 1
    cmd = keep + s.qemu_extra + list(extra) + [
        "-kernel", os.path.join(BUILD, s.kernel), "-append", s.append]
    if s.initrd:
        cmd += ["-initrd", os.path.join(BUILD, s.initrd)]
    return cmd + console_args(s, serial)


def bochs_command(s, image, serial):
    return [os.path.join(ROOT, "scripts/run-bochs.sh"), image, str(s.smp),
            serial]


def run(s, workdir):
    """Returns (passed, reason, serial text, seconds)."""
    serial = os.path.join(workdir, s.name + ".serial")
    if s.prepare:
        why = s.prepare(s, workdir)
        if why:
            return False, why, "", 0
    try:
        image = build_image(s, workdir) if s.engine != "qemu-kernel" else None
    except subprocess.CalledProcessError:
        return False, "the image could not be built (mkimage said why)", "", 0
    extra = s.qemu_extra_fn(workdir) if s.qemu_extra_fn else []
    pty = None
    if s.engine == "qemu-kernel":
        cmd = bare_command(s, serial, extra)
    elif s.engine == "bochs" and s.send:
        pty = PtyConsole(serial)
        cmd = bochs_command(s, image, pty.path)
    elif s.engine == "bochs":
        cmd = bochs_command(s, image, serial)
    else:
        cmd = qemu_command(s, image, serial, extra)
    start = time.monotonic()
    # Its own process group: stopping a runner script stops the emulator.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    matcher = Matcher(s)
    keyboard = Keyboard(s, serial)
    if pty:
        keyboard.sock = pty
    seen = 0
    line_times = []
    read_size = -1
    text = ""
    status = None
    while True:
        status = proc.poll()
        if os.path.exists(serial):
            # Read again only what grew: fast polls stay cheap.
            size = os.path.getsize(serial)
            if size != read_size:
                read_size = size
                with open(serial, "rb") as f:
                    text = clean(f.read().decode("utf-8", "replace"))
                now = time.monotonic()
                complete = text[:text.rfind("\n") + 1]
                lines = complete.splitlines()
                line_times += [now] * (len(lines) - seen)
                matcher.feed(lines[seen:])
                seen = len(lines)
            keyboard.connect()
            keyboard.feed(text)
        elapsed = time.monotonic() - start
        if status is not None:
            break
        # A forbidden line decides the run: no need to wait any longer.
        if matcher.violation or (matcher.done and s.exit_status is None):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        if elapsed > s.timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            keyboard.close()
            return False, "timeout after %d s, still waiting for /%s/" % (
                s.timeout, matcher.waiting_for if not matcher.done
                else "QEMU to exit"), text, elapsed
        time.sleep(s.poll_seconds)
    keyboard.close()
    if text and not text.endswith("\n"):
        matcher.feed([text[text.rfind("\n") + 1:]])
    if matcher.violation:
        return False, matcher.violation, text, elapsed
    if not matcher.done:
        return False, "QEMU ended (status %s) before /%s/" % (
            status, matcher.waiting_for), text, elapsed
    if s.exit_status is not None and status != s.exit_status:
        return False, "exit status %s, expected %s" % (
            status, s.exit_status), text, elapsed
    wrong = s.check(text) if s.check else None
    if not wrong and s.timed_check:
        wrong = s.timed_check(text, line_times)
    if wrong:
        return False, wrong, text, elapsed
    return True, "", text, elapsed


def run_all(scenarios, only=None, keep=False):
    passed = failed = 0
    workdir = tempfile.mkdtemp(prefix="bulkhead-it-")
    for s in scenarios:
        if only and s.name not in only:
            continue
        ok, reason, text, secs = run(s, workdir)
        if ok:
            passed += 1
            print("PASS %s (%.1f s)" % (s.name, secs), flush=True)
        else:
            failed += 1
            print("FAIL %s (%.1f s): %s" % (s.name, secs, reason), flush=True)
            tail = text.splitlines()[-25:]
            print("  serial output (last %d lines):" % len(tail))
            for line in tail:
                print("  | " + line)
    if not keep:
        subprocess.run(["rm", "-rf", workdir])
    else:
        print("kept the images and serial logs in " + workdir)
    return passed, failed


def main(suite, scenarios, argv):
    """A suite's runner: run.py [--keep] [NAME ...]; ends with
    `SUITE: N passed, N failed`; returns the exit status."""
    keep = "--keep" in argv
    only = [a for a in argv if not a.startswith("--")]
    passed, failed = run_all(scenarios, only, keep)
    print("%s: %d passed, %d failed" % (suite, passed, failed))
    return 1 if failed else 0
