#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Builds a GPT disk image with one EFI System Partition holding
EFI/BOOT/BOOTX64.EFI, bulkhead.cfg and every file the config names.
`dd` of the image to a USB stick gives a stick that UEFI PCs boot.

  mkimage.py --efi EFI --config CFG --out IMG [--add ESP_PATH=FILE ...]
  mkimage.py --verify IMG
"""
import argparse
import os
import re
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
HEADER_SIZE = 92
MIN_ESP = 64 * MIB                    # FAT32 needs at least ~33 MiB
# UEFI 2.10 5.3.3: EFI System Partition type GUID.
ESP_TYPE = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
FILE_KEYS = ("kernel", "initrd", "modules")


class ImageError(Exception):
    pass


def config_files(config):
    """(line, path) of each file the config names.

    Until the hypervisor's own parser is built into a host tool, this reads
    `key = value` lines for the keys that name files."""
    found = []
    with open(config, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            m = re.match(r"\s*([A-Za-z_]+)\s*=\s*(.*)", line)
            if not m or m.group(1) not in FILE_KEYS:
                continue
            value = re.sub(r"\s+#.*$", "", m.group(2)).strip().strip('"')
            for path in filter(None, (p.strip() for p in value.split(","))):
                found.append((lineno, path))
    return found


def collect(args):
    """Map of ESP path -> host file."""
    for path, what in ((args.efi, "hypervisor"), (args.config, "config")):
        if not os.path.isfile(path):
            raise ImageError("%s file %s not found (run make first?)" %
                             (what, path))
    files = {"EFI/BOOT/BOOTX64.EFI": args.efi}
    if not args.no_config:
        files["bulkhead.cfg"] = args.config
    base = os.path.dirname(os.path.abspath(args.config))
    for lineno, path in config_files(args.config):
        if path.startswith("/") or ".." in path.split("/"):
            raise ImageError("%s:%d: %s: use a path relative to the config's "
                             "folder, without '..'" % (args.config, lineno, path))
        host = os.path.join(base, path)
        if not os.path.isfile(host):
            raise ImageError("%s:%d: file %s not found (looked for %s)" %
                             (args.config, lineno, path, host))
        files[path] = host
    for item in args.add:
        esp, _, host = item.partition("=")
        if not host or not os.path.isfile(host):
            raise ImageError("--add %s: give ESP_PATH=FILE of an existing file"
                             % item)
        files[esp] = host
    return files


def run(cmd, image=None):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    try:
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise ImageError("%s not found: install dosfstools and mtools "
                         "(scripts/deps.sh does)" % cmd[0])
    except subprocess.CalledProcessError as e:
        raise ImageError("%s failed: %s" % (" ".join(cmd),
                                             e.stderr.decode().strip()))


def build_fat(files, path):
    content = sum(os.path.getsize(h) for h in files.values())
    size = max(MIN_ESP, 2 * content + 16 * MIB)
    size = (size + MIB - 1) // MIB * MIB
    run(["mkfs.fat", "-F", "32", "-n", "BULKHEAD", "-C", path,
         str(size // 1024)])
    dirs = set()
    for esp in sorted(files):
        parts = esp.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in dirs:
                run(["mmd", "-i", path, "::" + d])
                dirs.add(d)
        run(["mcopy", "-i", path, files[esp], "::" + esp])
    return size


def gpt_header(my_lba, alt_lba, entries_lba, last_usable, disk_guid,
               entries_crc):
    fields = [b"EFI PART", 0x00010000, HEADER_SIZE, 0, 0, my_lba, alt_lba,
              34, last_usable, disk_guid, entries_lba, ENTRY_COUNT,
              ENTRY_SIZE, entries_crc]
    fmt = "<8sIIIIQQQQ16sQIII"
    crc = zlib.crc32(struct.pack(fmt, *fields))
    fields[3] = crc
    return struct.pack(fmt, *fields).ljust(SECTOR, b"\0")


def protective_mbr(total_sectors):
    mbr = bytearray(SECTOR)
    size = min(total_sectors - 1, 0xFFFFFFFF)
    # One partition of type 0xEE from LBA 1 over the disk (UEFI 2.10 5.2.3).
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE,
                               b"\xff\xff\xff", 1, size)
    mbr[510:512] = b"\x55\xaa"
    return bytes(mbr)


def write_disk(fat_path, fat_size, out):
    part_sectors = fat_size // SECTOR
    last_part = PART_START_LBA + part_sectors - 1
    total = PART_START_LBA + part_sectors + MIB // SECTOR
    backup_entries = total - 1 - ENTRY_SECTORS
    entry = struct.pack("<16s16sQQQ72s", ESP_TYPE.bytes_le,
                        uuid.uuid4().bytes_le, PART_START_LBA, last_part, 0,
                        "EFI System".encode("utf-16-le"))
    entries = entry.ljust(ENTRY_COUNT * ENTRY_SIZE, b"\0")
    crc = zlib.crc32(entries)
    disk = uuid.uuid4().bytes_le
    last_usable = backup_entries - 1
    with open(out, "wb") as f:
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


def verify(image):
    with open(image, "rb") as f:
        data = f.read(34 * SECTOR)
        f.seek(0, 2)
        total = f.tell() // SECTOR
        if data[510:512] != b"\x55\xaa" or data[450] != 0xEE:
            raise ImageError("no protective MBR")
        for lba in (1, total - 1):
            f.seek(lba * SECTOR)
            hdr = f.read(HEADER_SIZE)
            fields = list(struct.unpack("<8sIIIIQQQQ16sQIII", hdr))
            if fields[0] != b"EFI PART" or fields[5] != lba:
                raise ImageError("bad GPT header at LBA %d" % lba)
            crc, fields[3] = fields[3], 0
            if zlib.crc32(struct.pack("<8sIIIIQQQQ16sQIII", *fields)) != crc:
                raise ImageError("GPT header CRC wrong at LBA %d" % lba)
            f.seek(fields[10] * SECTOR)
            if zlib.crc32(f.read(ENTRY_COUNT * ENTRY_SIZE)) != fields[13]:
                raise ImageError("GPT entry array CRC wrong (LBA %d)" % lba)
        f.seek(2 * SECTOR)
        type_guid, _, first, last = struct.unpack("<16s16sQQ", f.read(48))
    if type_guid != ESP_TYPE.bytes_le:
        raise ImageError("first partition is not an EFI System Partition")
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    listing = subprocess.run(["mdir", "-b", "-i",
                              "%s@@%d" % (image, first * SECTOR),
                              "::EFI/BOOT"], env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if "BOOTX64.EFI" not in listing.stdout.upper():
        raise ImageError("EFI/BOOT/BOOTX64.EFI missing from the ESP")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--efi")
    p.add_argument("--config")
    p.add_argument("--out")
    p.add_argument("--add", action="append", default=[],
                   metavar="ESP_PATH=FILE")
    p.add_argument("--no-config", action="store_true",
                   help="leave bulkhead.cfg off (tests of that error)")
    p.add_argument("--verify", metavar="IMAGE")
    args = p.parse_args()
    try:
        if args.verify:
            verify(args.verify)
            print("ok")
            return 0
        if not (args.efi and args.config and args.out):
            p.error("--efi, --config and --out are required")
        files = collect(args)
        outdir = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(outdir, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=outdir) as tmp:
            fat = os.path.join(tmp, "esp.fat")
            size = build_fat(files, fat)
            disk = os.path.join(tmp, "disk.img")
            write_disk(fat, size, disk)
            os.replace(disk, args.out)
    except ImageError as e:
        print("mkimage: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
