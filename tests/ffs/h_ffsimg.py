#!/usr/bin/env python3
"""h_ffsimg.py: read and patch fields of an FFS image, for the tests that
craft hostile images (tests/cmd/t_hostile.sh, tests/ffs/t_ffs_hostile.c).

An independent, deliberately small reader of the on-disk format (UFS1 and
UFS2, either byte order): it finds the primary superblock, knows where the
cylinder group headers and inodes are, and reads or writes one field at a
time.  It checks nothing; the point is to write values the kernel must
refuse.

Usage: h_ffsimg.py IMG OBJECT ... where OBJECT is one of

  sb FIELD[=VALUE] ...        superblock fields (the primary copy)
  cg C FIELD[=VALUE] ...      header fields of cylinder group C
  ino N FIELD[=VALUE] ...     fields of inode N (db0..db11, ib0..ib2 too)
  ind FRAG IDX[=VALUE] ...    entry IDX of the indirect block at FRAG
  copy FROM TO N              copy N fragments from fragment FROM to TO
  dotdot DIR INO              make the ".." entry of directory inode DIR
                              (the second entry of its first block) name
                              inode INO
  addr WHAT                   a fragment address: sb (the primary
                              superblock), cg:C (header of group C),
                              itable:C (inode table of group C), csum
                              (the summary area), data:C (first data
                              fragment of group C)

A field without =VALUE is printed (one line each); VALUE is a number
(0x... allowed; negative numbers are stored in two's complement).
"""
import struct
import sys

# Superblock fields: name -> (byte offset, size in bytes, signed).
SB = {
    "fs_sblkno": (8, 4, True), "fs_cblkno": (12, 4, True),
    "fs_iblkno": (16, 4, True), "fs_dblkno": (20, 4, True),
    "fs_old_cgoffset": (24, 4, True), "fs_old_cgmask": (28, 4, True),
    "fs_old_size": (36, 4, True), "fs_old_dsize": (40, 4, True),
    "fs_ncg": (44, 4, True), "fs_bsize": (48, 4, True),
    "fs_fsize": (52, 4, True), "fs_frag": (56, 4, True),
    "fs_minfree": (60, 4, True), "fs_maxcontig": (88, 4, True),
    "fs_maxbpg": (92, 4, True), "fs_fragshift": (96, 4, True),
    "fs_fsbtodb": (100, 4, True), "fs_sbsize": (104, 4, True),
    "fs_nindir": (116, 4, True), "fs_inopb": (120, 4, True),
    "fs_old_csaddr": (152, 4, True), "fs_cssize": (156, 4, True),
    "fs_cgsize": (160, 4, True), "fs_old_cpg": (180, 4, True),
    "fs_ipg": (184, 4, True), "fs_fpg": (188, 4, True),
    "fs_fmod": (208, 1, True), "fs_clean": (209, 1, True),
    "fs_old_flags": (211, 1, False), "fs_maxbsize": (860, 4, True),
    "fs_sblockloc": (1000, 8, True), "fs_size": (1080, 8, True),
    "fs_dsize": (1088, 8, True), "fs_csaddr": (1096, 8, True),
    "fs_flags": (1312, 4, False), "fs_contigsumsize": (1316, 4, True),
    "fs_maxsymlinklen": (1320, 4, True), "fs_old_nrpos": (1360, 4, True),
    "fs_magic": (1372, 4, True),
    "cs_ndir": (1008, 8, True), "cs_nbfree": (1016, 8, True),
    "cs_nifree": (1024, 8, True), "cs_nffree": (1032, 8, True),
}

CG = {
    "cg_magic": (4, 4, True), "cg_cgx": (12, 4, True),
    "cg_old_niblk": (18, 2, True), "cg_ndblk": (20, 4, True),
    "cs_ndir": (24, 4, True), "cs_nbfree": (28, 4, True),
    "cs_nifree": (32, 4, True), "cs_nffree": (36, 4, True),
    "cg_rotor": (40, 4, True), "cg_frotor": (44, 4, True),
    "cg_irotor": (48, 4, True),
    "cg_old_btotoff": (84, 4, True), "cg_old_boff": (88, 4, True),
    "cg_iusedoff": (92, 4, True), "cg_freeoff": (96, 4, True),
    "cg_nextfreeoff": (100, 4, True), "cg_clustersumoff": (104, 4, True),
    "cg_clusteroff": (108, 4, True), "cg_nclusterblks": (112, 4, True),
    "cg_niblk": (116, 4, True), "cg_initediblk": (120, 4, True),
}
for _i in range(8):
    CG["cg_frsum%d" % _i] = (52 + 4 * _i, 4, True)

# Inode fields per format: name -> (offset, size, signed).
INO1 = {"mode": (0, 2, False), "nlink": (2, 2, True), "size": (8, 8, False),
        "blocks": (104, 4, True), "gen": (108, 4, True),
        "flags": (100, 4, False)}
INO2 = {"mode": (0, 2, False), "nlink": (2, 2, True), "size": (16, 8, False),
        "blocks": (24, 8, False), "gen": (80, 4, True),
        "flags": (88, 4, False)}
for _i in range(12):
    INO1["db%d" % _i] = (40 + 4 * _i, 4, True)
    INO2["db%d" % _i] = (112 + 8 * _i, 8, True)
for _i in range(3):
    INO1["ib%d" % _i] = (88 + 4 * _i, 4, True)
    INO2["ib%d" % _i] = (208 + 8 * _i, 8, True)

FMT = {1: "b", 2: "h", 4: "i", 8: "q"}


class Image:
    def __init__(self, path):
        self.f = open(path, "r+b")
        for loc in (65536, 8192, 0, 262144):
            self.f.seek(loc + 1372)
            raw = self.f.read(4)
            if len(raw) < 4:
                continue
            for bo in ("<", ">"):
                m = struct.unpack(bo + "i", raw)[0]
                if m in (0x011954, 0x19540119):
                    self.sbloc, self.bo = loc, bo
                    self.ufs2 = m == 0x19540119
                    self._geometry()
                    return
        sys.exit("h_ffsimg: %s: no FFS superblock" % path)

    def get(self, off, size, signed):
        self.f.seek(off)
        fmt = self.bo + (FMT[size] if signed else FMT[size].upper())
        return struct.unpack(fmt, self.f.read(size))[0]

    def put(self, off, size, signed, value):
        bits = 8 * size
        value &= (1 << bits) - 1
        if signed and value >= 1 << (bits - 1):
            value -= 1 << bits
        fmt = self.bo + (FMT[size] if signed else FMT[size].upper())
        self.f.seek(off)
        self.f.write(struct.pack(fmt, value))

    def sb(self, name):
        o, s, sg = SB[name]
        return self.get(self.sbloc + o, s, sg)

    def _geometry(self):
        g = self.sb
        self.fsize, self.frag = g("fs_fsize"), g("fs_frag")
        self.fpg, self.ipg = g("fs_fpg"), g("fs_ipg")
        self.inopb = g("fs_inopb")
        self.isize = 256 if self.ufs2 else 128
        self.psize = 8 if self.ufs2 else 4
        self.bsize = g("fs_bsize")
        flags = g("fs_old_flags")
        if not self.ufs2 and not (flags & 0x80 and g("fs_size") != 0):
            self.csaddr = g("fs_old_csaddr")
        else:
            self.csaddr = g("fs_csaddr")

    def cgstart(self, c):
        base = self.fpg * c
        if self.ufs2:
            return base
        mask = self.sb("fs_old_cgmask") & 0xffffffff
        return base + self.sb("fs_old_cgoffset") * (c & ~mask & 0xffffffff)

    def addr(self, what):
        kind, _, arg = what.partition(":")
        c = int(arg, 0) if arg else 0
        if kind == "sb":
            return self.sbloc // self.fsize
        if kind == "cg":
            return self.cgstart(c) + self.sb("fs_cblkno")
        if kind == "itable":
            return self.cgstart(c) + self.sb("fs_iblkno")
        if kind == "data":
            return self.cgstart(c) + self.sb("fs_dblkno")
        if kind == "csum":
            return self.csaddr
        sys.exit("h_ffsimg: unknown address %s" % what)

    def inode_off(self, ino):
        c, i = divmod(ino, self.ipg)
        blk, slot = divmod(i, self.inopb)
        frag = self.cgstart(c) + self.sb("fs_iblkno") + blk * self.frag
        return frag * self.fsize + slot * self.isize


def fields(img, base, table, args):
    for a in args:
        name, eq, val = a.partition("=")
        if name not in table:
            sys.exit("h_ffsimg: unknown field %s" % name)
        o, s, sg = table[name]
        if eq:
            img.put(base + o, s, sg, int(val, 0))
        else:
            print(img.get(base + o, s, sg))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    img = Image(argv[1])
    what, args = argv[2], argv[3:]
    if what == "sb":
        fields(img, img.sbloc, SB, args)
    elif what == "cg":
        c = int(args[0], 0)
        fields(img, img.addr("cg:%d" % c) * img.fsize, CG, args[1:])
    elif what == "ino":
        fields(img, img.inode_off(int(args[0], 0)),
               INO2 if img.ufs2 else INO1, args[1:])
    elif what == "ind":
        base = int(args[0], 0) * img.fsize
        table = {}
        for a in args[1:]:
            idx = a.partition("=")[0]
            table[idx] = (int(idx, 0) * img.psize, img.psize, True)
        fields(img, base, table, args[1:])
    elif what == "copy":
        src, dst, n = (int(a, 0) for a in args[:3])
        img.f.seek(src * img.fsize)
        data = img.f.read(n * img.fsize)
        img.f.seek(dst * img.fsize)
        img.f.write(data)
    elif what == "dotdot":
        dirino, ino = (int(a, 0) for a in args[:2])
        db0 = img.get(img.inode_off(dirino) + (INO2 if img.ufs2 else
                                               INO1)["db0"][0], img.psize,
                      True)
        # "." takes 12 bytes: d_ino, d_reclen, type/namlen, ".\0\0\0".
        img.put(db0 * img.fsize + 12, 4, False, ino)
    elif what == "addr":
        print(img.addr(args[0]))
    else:
        sys.exit("h_ffsimg: unknown object %s" % what)
    img.f.close()


if __name__ == "__main__":
    main(sys.argv)
