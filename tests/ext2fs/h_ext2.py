#!/usr/bin/env python3
"""h_ext2.py: damage ext2/ext3/ext4 images in precise ways, for the tests of
the ext2fs driver.  Locations come from the superblock and from debugfs
(imap, bmap, stat); checksums (crc32c, as metadata_csum defines them) are
recomputed where a test wants only one thing wrong.

  h_ext2.py IMG magic             zero the superblock magic
  h_ext2.py IMG sbcsum            break the superblock checksum
  h_ext2.py IMG incompat BIT      set incompatible feature bit BIT (0..31)
  h_ext2.py IMG rocompat BIT      set read-only compatible feature bit BIT
  h_ext2.py IMG blocks N          claim N blocks
  h_ext2.py IMG state N           set s_state
  h_ext2.py IMG gdcsum G          break group G's descriptor checksum
  h_ext2.py IMG inodecsum PATH    break the checksum of PATH's inode
  h_ext2.py IMG extmagic PATH     break the extent header of PATH's inode
                                  (the inode checksum stays right)
  h_ext2.py IMG extlen PATH N     make PATH's first extent N blocks long
                                  (the inode checksum stays right)
  h_ext2.py IMG dircsum PATH      break the checksum of directory PATH's
                                  first block
  h_ext2.py IMG bbitmap G         flip a bit of group G's block bitmap
  h_ext2.py IMG recover           set needs_recovery
"""
import re, struct, subprocess, sys

SB = 1024


def crc32c(crc, data):
    global TAB
    if "TAB" not in globals():
        TAB = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            TAB.append(c)
    for b in data:
        crc = TAB[(crc ^ b) & 0xff] ^ (crc >> 8)
    return crc


class Img:
    def __init__(self, path):
        self.path = path
        self.f = open(path, "r+b")
        self.sb = bytearray(self.read(SB, 1024))
        self.bsize = 1024 << self.u32(self.sb, 0x18)
        self.incompat = self.u32(self.sb, 0x60)
        self.rocompat = self.u32(self.sb, 0x64)
        self.csum = bool(self.rocompat & 0x400)
        self.isize = self.u16(self.sb, 0x58) if self.u32(self.sb, 0x4c) else 128
        self.descsize = self.u16(self.sb, 0xfe) if self.incompat & 0x80 else 32
        self.first = self.u32(self.sb, 0x14)
        if self.incompat & 0x2000:
            self.seed = self.u32(self.sb, 0x270)
        else:
            self.seed = crc32c(0xffffffff, self.sb[0x68:0x78])

    @staticmethod
    def u16(b, o):
        return struct.unpack_from("<H", b, o)[0]

    @staticmethod
    def u32(b, o):
        return struct.unpack_from("<I", b, o)[0]

    def read(self, off, n):
        self.f.seek(off)
        return self.f.read(n)

    def write(self, off, data):
        self.f.seek(off)
        self.f.write(data)

    def put_sb(self):
        if self.csum:
            struct.pack_into("<I", self.sb, 0x3fc,
                             crc32c(0xffffffff, self.sb[:0x3fc]))
        self.write(SB, self.sb)

    def flip(self, off):
        b = self.read(off, 1)[0]
        self.write(off, bytes([b ^ 0xff]))

    def debugfs(self, req):
        self.f.flush()
        return subprocess.run(["debugfs", "-R", req, self.path],
                              capture_output=True, text=True).stdout

    def inode_loc(self, path):
        out = self.debugfs(f'imap "{path}"')
        m = re.search(r"located at block (\d+), offset 0x([0-9a-f]+)", out)
        if not m:
            sys.exit(f"h_ext2.py: cannot locate the inode of {path}: {out}")
        ino = int(self.debugfs(f'stat "{path}"').split()[1])
        return ino, int(m.group(1)) * self.bsize + int(m.group(2), 16)

    def inode_csum_fix(self, ino, off):
        raw = bytearray(self.read(off, self.isize))
        if not self.csum:
            return
        gen = self.u32(raw, 0x64)
        s = crc32c(crc32c(self.seed, struct.pack("<I", ino)),
                   struct.pack("<I", gen))
        struct.pack_into("<H", raw, 0x7c, 0)
        hi = self.isize > 128 and self.u16(raw, 0x80) >= 4
        if hi:
            struct.pack_into("<H", raw, 0x82, 0)
        c = crc32c(s, raw)
        struct.pack_into("<H", raw, 0x7c, c & 0xffff)
        if hi:
            struct.pack_into("<H", raw, 0x82, c >> 16)
        self.write(off, raw)

    def gd_off(self, g):
        per = self.bsize // self.descsize
        return (self.first + 1 + g // per) * self.bsize + \
            (g % per) * self.descsize


def main():
    img, what, args = Img(sys.argv[1]), sys.argv[2], sys.argv[3:]
    if what == "magic":
        img.sb[0x38:0x3a] = b"\0\0"
        img.write(SB, img.sb)
    elif what == "sbcsum":
        img.flip(SB + 0x3fc)
    elif what in ("incompat", "rocompat"):
        o = 0x60 if what == "incompat" else 0x64
        struct.pack_into("<I", img.sb, o,
                         img.u32(img.sb, o) | 1 << int(args[0]))
        img.put_sb()
    elif what == "blocks":
        n = int(args[0])
        struct.pack_into("<I", img.sb, 0x4, n & 0xffffffff)
        if img.incompat & 0x80:
            struct.pack_into("<I", img.sb, 0x150, n >> 32)
        img.put_sb()
    elif what == "state":
        struct.pack_into("<H", img.sb, 0x3a, int(args[0]))
        img.put_sb()
    elif what == "recover":
        struct.pack_into("<I", img.sb, 0x60, img.u32(img.sb, 0x60) | 4)
        img.put_sb()
    elif what == "gdcsum":
        img.flip(img.gd_off(int(args[0])) + 0x1e)
    elif what == "inodecsum":
        ino, off = img.inode_loc(args[0])
        img.flip(off + 0x7c)
    elif what in ("extmagic", "extlen"):
        ino, off = img.inode_loc(args[0])
        if what == "extmagic":
            img.write(off + 0x28, b"\x0b\xad")
        else:
            img.write(off + 0x28 + 12 + 4, struct.pack("<H", int(args[1])))
        img.inode_csum_fix(ino, off)
    elif what == "dircsum":
        out = img.debugfs(f'bmap "{args[0]}" 0')
        img.flip(int(out.split()[0]) * img.bsize + img.bsize - 1)
    elif what == "bbitmap":
        g = int(args[0])
        blk = img.u32(img.read(img.gd_off(g), 4), 0)
        img.flip(blk * img.bsize + 100)
    else:
        sys.exit(f"h_ext2.py: unknown damage {what}")
    img.f.close()


main()
