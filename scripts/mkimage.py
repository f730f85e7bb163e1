#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Builds a GPT disk image with one EFI System Partition holding
EFI/BOOT/BOOTX64.EFI, bulkhead.cfg and every file the config names (as
build/bulkhead-check, the hypervisor's own parser, reads it).
`dd` of the image to a USB stick gives a stick that UEFI PCs boot.

  mkimage.py --efi EFI --config CFG --out IMG [--search DIR ...]
             [--add ESP_PATH=FILE ...]
  mkimage.py --verify IMG
"""
import argparse
import os
import posixpath
import shutil
import struct
import subprocess
import sys
import tempfile
import uuid
import zlib

SECTOR = 512
MIB = 1024 * 1024
PART_START_LBA = 2048                 # 1 MiB alignment
ENTRY_COUNT = 128
ENTRY_SIZE = 128
ENTRY_SECTORS = ENTRY_COUNT * ENTRY_SIZE // SECTOR
FIRST_USABLE = 2 + ENTRY_SECTORS      # after MBR, header, entry array
HEADER_SIZE = 92
HEADER_FMT = "<8sIIIIQQQQ16sQIII"     # UEFI 2.10 table 5.5, bytes 0-91
MIN_ESP = 64 * MIB                    # FAT32 needs >= 65525 clusters
# UEFI 2.10 5.3.3: EFI System Partition type GUID.
ESP_TYPE = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
BOOT_FILE = "EFI/BOOT/BOOTX64.EFI"
# Debian keeps mkfs.fat in /usr/sbin, which is not on a user's PATH.
TOOL_PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
TOOL_ENV = dict(os.environ, PATH=TOOL_PATH, MTOOLS_SKIP_CHECK="1")
FIX_TOOLS = "install dosfstools and mtools (scripts/deps.sh does)"


class ImageError(Exception):
    pass


class ConfigRejected(ImageError):
    pass


def config_files(config, checker):
    """The files the config names, as the hypervisor's own parser reads
    them (bulkhead-check, built by make). A config it rejects is an error
    here already, before a stick is written."""
    if not os.access(checker, os.X_OK):
        raise ImageError("%s not found: run make first, or give --checker"
                         % checker)
    r = subprocess.run([checker, "--list-files", config], text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode:
        raise ConfigRejected(r.stderr.strip())
    return [line for line in r.stdout.splitlines() if line]


def relative(path, where, hint):
    """path normalised, if it stays below its folder; else an error."""
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\")) or ".." in parts:
        raise ImageError("%s: %s is absolute or has '..'; %s" %
                         (where, path, hint))
    return posixpath.normpath(path)


def collect(args):
    """{upper-case ESP path: (ESP path, host file)}: FAT names ignore case,
    so a later file of the same name (--add) replaces an earlier one."""
    if not os.path.isfile(args.efi):
        raise ImageError("--efi %s: file not found; run make first, or give "
                         "the path of the built hypervisor" % args.efi)
    if not os.path.isfile(args.config):
        raise ImageError("--config %s: file not found; give the path of a "
                         "bulkhead.cfg (e.g. guests/scenarios/default/"
                         "bulkhead.cfg)" % args.config)
    wanted = [(BOOT_FILE, args.efi)]
    if not args.no_config:
        wanted.append(("bulkhead.cfg", args.config))
    # The config's folder first, then each --search folder (built files).
    bases = [os.path.dirname(os.path.abspath(args.config))] + args.search
    try:
        named = config_files(args.config, args.checker)
    except ConfigRejected:
        if not args.bad_config:
            raise
        named = []      # a test of the hypervisor's own config errors
    for path in named:
        where = args.config
        esp = relative(path, where, "name it relative to the config's "
                       "folder, inside that folder")
        hosts = [os.path.join(base, esp) for base in bases]
        found = [host for host in hosts if os.path.isfile(host)]
        if not found and args.skip_missing:
            continue
        if not found:
            raise ImageError("%s: file %s not found (looked for %s); put it "
                             "there or fix the path" %
                             (where, path, ", ".join(hosts)))
        wanted.append((esp, found[0]))
    for item in args.add:
        esp, _, host = item.partition("=")
        if not esp or not os.path.isfile(host):
            raise ImageError("--add %s: give ESP_PATH=FILE of an existing "
                             "file" % item)
        wanted.append((relative(esp, "--add", "give a path on the ESP"),
                       host))
    return {esp.upper(): (esp, host) for esp, host in wanted}


def run(cmd, what=None):
    """Runs a dosfstools/mtools command; raises unless what is None."""
    if not shutil.which(cmd[0], path=TOOL_PATH):
        raise ImageError("%s not found: %s" % (cmd[0], FIX_TOOLS))
    # stdin closed: mtools asks there on a name clash, and must not hang.
    r = subprocess.run(cmd, env=TOOL_ENV, stdin=subprocess.DEVNULL, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode and what:
        raise ImageError("%s: %s failed (%s)" % (what, cmd[0], r.stdout.strip()
                                                 or "exit %d" % r.returncode))
    return r.stdout


def build_fat(files, path):
    """Makes the FAT32 file system of the ESP at path; returns its size."""
    content = sum(os.path.getsize(host) for _, host in files.values())
    size = max(MIN_ESP, 2 * content + 16 * MIB)
    size = (size + MIB - 1) // MIB * MIB
    # -h: the boot sector's hidden sectors give the partition's start, as
    # on a disk partitioned by an OS (some firmware and OSes check it).
    run(["mkfs.fat", "-F", "32", "-n", "BULKHEAD", "-h", str(PART_START_LBA),
         "-C", path, str(size // 1024)], "making the ESP")
    made = set()
    for esp, host in sorted(files.values()):
        parts = esp.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i])
            if folder.upper() not in made:
                run(["mmd", "-i", path, "::" + folder], "ESP folder " + folder)
                made.add(folder.upper())
        run(["mcopy", "-i", path, host, "::" + esp],
            "copying %s to the ESP as %s" % (host, esp))
    return size


def gpt_header(my_lba, alt_lba, entries_lba, last_usable, disk_guid,
               entries_crc):
    fields = [b"EFI PART", 0x00010000, HEADER_SIZE, 0, 0, my_lba, alt_lba,
              FIRST_USABLE, last_usable, disk_guid, entries_lba, ENTRY_COUNT,
              ENTRY_SIZE, entries_crc]
    fields[3] = zlib.crc32(struct.pack(HEADER_FMT, *fields))  # CRC field 0
    return struct.pack(HEADER_FMT, *fields).ljust(SECTOR, b"\0")


def mbr_size(total_sectors):
    return min(total_sectors - 1, 0xFFFFFFFF)


def protective_mbr(total_sectors):
    mbr = bytearray(SECTOR)
    # One partition of type 0xEE from LBA 1 over the disk (UEFI 2.10 5.2.3),
    # CHS start 0/0/2 and end FFFFFF as the spec asks.
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE,
                               b"\xff\xff\xff", 1, mbr_size(total_sectors))
    mbr[510:512] = b"\x55\xaa"
    return bytes(mbr)


def write_disk(fat_path, fat_size, out):
    last_part = PART_START_LBA + fat_size // SECTOR - 1
    total = last_part + 1 + MIB // SECTOR     # 1 MiB slack for the backup
    backup_entries = total - 1 - ENTRY_SECTORS
    last_usable = backup_entries - 1
    entry = struct.pack("<16s16sQQQ72s", ESP_TYPE.bytes_le,
                        uuid.uuid4().bytes_le, PART_START_LBA, last_part, 0,
                        "EFI System".encode("utf-16-le"))
    entries = entry.ljust(ENTRY_COUNT * ENTRY_SIZE, b"\0")
    crc = zlib.crc32(entries)
    disk = uuid.uuid4().bytes_le
    with open(out, "wb") as f:                # gaps stay sparse zeros
        f.write(protective_mbr(total))
        f.write(gpt_header(1, total - 1, 2, last_usable, disk, crc))
        f.write(entries)
        f.seek(PART_START_LBA * SECTOR)
        with open(fat_path, "rb") as fat:
            shutil.copyfileobj(fat, f, MIB)
        f.seek(backup_entries * SECTOR)
        f.write(entries)
        f.write(gpt_header(total - 1, 1, backup_entries, last_usable, disk,
                           crc))


def check(ok, problem):
    if not ok:
        raise ImageError(problem)


def read_at(f, lba, size):
    f.seek(lba * SECTOR)
    return f.read(size).ljust(size, b"\0")    # past the end reads as zeros


def verify_gpt(f, total):
    """Checks the protective MBR and both GPTs; returns the ESP's first LBA."""
    mbr = read_at(f, 0, SECTOR)
    check(mbr[510:512] == b"\x55\xaa", "protective MBR: no 55 AA signature")
    _, _, kind, _, start, size = struct.unpack("<B3sB3sII", mbr[446:462])
    check(kind == 0xEE and start == 1 and size == mbr_size(total) and
          mbr[462:510] == bytes(48), "protective MBR: not one type EE "
          "partition from LBA 1 over the disk")
    tables = []
    for name, lba, alt in (("primary", 1, total - 1),
                           ("backup", total - 1, 1)):
        fields = list(struct.unpack(HEADER_FMT, read_at(f, lba, HEADER_SIZE)))
        check(fields[0] == b"EFI PART" and fields[2] == HEADER_SIZE,
              "%s GPT header: no signature, or size not %d" %
              (name, HEADER_SIZE))
        crc, fields[3] = fields[3], 0
        check(zlib.crc32(struct.pack(HEADER_FMT, *fields)) == crc,
              "%s GPT header: CRC wrong" % name)
        check(fields[5] == lba and fields[6] == alt,
              "%s GPT header: my_lba %d / alternate_lba %d, want %d / %d" %
              (name, fields[5], fields[6], lba, alt))
        check(fields[11:13] == [ENTRY_COUNT, ENTRY_SIZE],
              "%s GPT header: not %d entries of %d bytes" %
              (name, ENTRY_COUNT, ENTRY_SIZE))
        entries = read_at(f, fields[10], ENTRY_COUNT * ENTRY_SIZE)
        check(zlib.crc32(entries) == fields[13],
              "%s GPT entry array: CRC wrong" % name)
        tables.append((fields, entries))
    (primary, entries), (backup, backup_entries) = tables
    # Usable LBAs, disk GUID and entries must be the same in both copies.
    check(entries == backup_entries and primary[7:10] == backup[7:10],
          "primary and backup GPT differ")
    type_guid, _, first, last = struct.unpack("<16s16sQQ", entries[:48])
    check(type_guid == ESP_TYPE.bytes_le,
          "GPT entry 1 is not an EFI System Partition")
    check(primary[7] <= first <= last <= primary[8],
          "ESP LBAs %d-%d outside the usable %d-%d" %
          (first, last, primary[7], primary[8]))
    return first


def verify(image):
    """Checks what a firmware reads; raises ImageError at the first problem."""
    try:
        with open(image, "rb") as f:
            total = f.seek(0, os.SEEK_END) // SECTOR
            check(total > PART_START_LBA, "too small for a GPT disk")
            first = verify_gpt(f, total)
    except OSError as e:
        raise ImageError("cannot read it: %s" % e.strerror)
    listing = run(["mdir", "-b", "-i", "%s@@%d" % (image, first * SECTOR),
                   "::EFI/BOOT"])
    names = [line.strip().upper() for line in listing.splitlines()]
    check("::/" + BOOT_FILE in names, "ESP: no %s" % BOOT_FILE)


def build(args):
    files = collect(args)
    if os.path.exists(args.out) and not os.path.isfile(args.out):
        raise ImageError("--out %s: not a regular file; write the image to a "
                         "file, then dd it to the stick (docs/usb-boot.md)"
                         % args.out)
    outdir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(outdir, exist_ok=True)
    # Build beside the output and rename at the end: a failure never leaves
    # a partial image under the output's name.
    with tempfile.TemporaryDirectory(dir=outdir, prefix=".mkimage-") as tmp:
        fat, disk = os.path.join(tmp, "esp.fat"), os.path.join(tmp, "disk.img")
        write_disk(fat, build_fat(files, fat), disk)
        os.replace(disk, args.out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--efi", help="the hypervisor, put at " + BOOT_FILE)
    p.add_argument("--config", help="bulkhead.cfg, put at the ESP's root")
    p.add_argument("--out", help="the disk image to write")
    p.add_argument("--add", action="append", default=[],
                   metavar="ESP_PATH=FILE", help="one more file on the ESP")
    p.add_argument("--search", action="append", default=[], metavar="DIR",
                   help="look here too for files the config names")
    p.add_argument("--checker", default=os.path.join(
                       os.path.dirname(os.path.dirname(os.path.abspath(
                           __file__))), "build", "bulkhead-check"),
                   help="the bulkhead-check tool that reads the config "
                   "(default: build/bulkhead-check)")
    p.add_argument("--bad-config", action="store_true",
                   help="write a config bulkhead-check rejects, alone "
                   "(tests of the hypervisor's own config errors)")
    p.add_argument("--skip-missing", action="store_true",
                   help="leave out named files that do not exist (tests of "
                   "the hypervisor's own error)")
    p.add_argument("--no-config", action="store_true",
                   help="leave bulkhead.cfg off (tests of that error)")
    p.add_argument("--verify", metavar="IMAGE", help="check an image")
    args = p.parse_args()
    try:
        if args.verify:
            try:
                verify(args.verify)
            except ImageError as e:
                raise ImageError("%s: %s" % (args.verify, e))
            print("ok")
        elif args.efi and args.config and args.out:
            build(args)
        else:
            raise ImageError("give --efi, --config and --out, or --verify "
                             "IMAGE; see --help")
    except ImageError as e:
        print("mkimage: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
