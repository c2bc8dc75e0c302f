#!/usr/bin/env python3
"""h_fat.py: look at and damage FAT volumes for tests/msdosfs/t_msdosfs.

Reads the boot sector with its own code (independent of the driver), from
the on-disk format as the FAT specification gives it.

  h_fat.py type IMG             12, 16 or 32 (by the count of clusters)
  h_fat.py fats IMG             "identical", or where the FATs differ
  h_fat.py fsinfo IMG           "fsinfo=N counted=M next=ok" (FAT32; the
                                next-free hint in range, or its value)
  h_fat.py free IMG             free bytes, counted in the FAT
  h_fat.py clean IMG            "clean", "dirty" or "none" (FAT12: no bit)
  h_fat.py start IMG NAME       first cluster of the root entry whose
                                8.3 name is NAME ("FOO     TXT")
  h_fat.py ino IMG NAME         byte offset of that entry / 32
  h_fat.py chain IMG NAME       its clusters, blank-separated
  h_fat.py setfat IMG N VALUE   FAT entry N := VALUE in every FAT
  h_fat.py loop IMG NAME        the chain's last entry points at its first
  h_fat.py loopmid IMG NAME     its middle entry points at its first (a
                                loop inside what the size needs)
  h_fat.py outside IMG NAME     the chain's first entry points past the
                                volume's last cluster
"""
import struct
import sys


class Fat:
    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = bytearray(f.read())
        b = self.data
        (self.bps, self.spc, self.rsvd, self.nfats, self.rootents,
         tot16, _media, fsz16) = struct.unpack_from("<HBHBHHBH", b, 11)
        tot32, = struct.unpack_from("<I", b, 32)
        fsz32, = struct.unpack_from("<I", b, 36)
        self.fatsz = fsz16 if fsz16 else fsz32
        tot = tot16 if tot16 else tot32
        rootsecs = (self.rootents * 32 + self.bps - 1) // self.bps
        self.datasec = self.rsvd + self.nfats * self.fatsz + rootsecs
        self.nclust = (tot - self.datasec) // self.spc
        if self.nclust < 4085:
            self.type = 12
        elif self.nclust < 65525:
            self.type = 16
        else:
            self.type = 32
        self.maxclust = self.nclust + 1
        self.csize = self.bps * self.spc
        if self.type == 32:
            self.rootclust, = struct.unpack_from("<I", b, 44)
            self.fsinfo, = struct.unpack_from("<H", b, 48)
        else:
            self.rootclust = 0
            self.fsinfo = 0

    def fat_off(self, i):
        return (self.rsvd + i * self.fatsz) * self.bps

    def get(self, n, fat=0):
        base = self.fat_off(fat)
        b = self.data
        if self.type == 12:
            v, = struct.unpack_from("<H", b, base + n + n // 2)
            return v >> 4 if n & 1 else v & 0xfff
        if self.type == 16:
            return struct.unpack_from("<H", b, base + 2 * n)[0]
        return struct.unpack_from("<I", b, base + 4 * n)[0] & 0x0fffffff

    def put(self, n, val):
        b = self.data
        for fat in range(self.nfats):
            base = self.fat_off(fat)
            if self.type == 12:
                o = base + n + n // 2
                v, = struct.unpack_from("<H", b, o)
                if n & 1:
                    v = (v & 0x000f) | ((val & 0xfff) << 4)
                else:
                    v = (v & 0xf000) | (val & 0xfff)
                struct.pack_into("<H", b, o, v)
            elif self.type == 16:
                struct.pack_into("<H", b, base + 2 * n, val & 0xffff)
            else:
                o = base + 4 * n
                old, = struct.unpack_from("<I", b, o)
                struct.pack_into("<I", b, o, (old & 0xf0000000) |
                                 (val & 0x0fffffff))

    def save(self):
        with open(self.path, "r+b") as f:
            f.write(self.data)

    def eoc(self, v):
        return v >= {12: 0xff8, 16: 0xfff8, 32: 0x0ffffff8}[self.type]

    def chain(self, start):
        out, seen, c = [], set(), start
        while 2 <= c <= self.maxclust and c not in seen:
            out.append(c)
            seen.add(c)
            c = self.get(c)
        return out

    def root_entries(self):
        if self.type == 32:
            for c in self.chain(self.rootclust):
                off = (self.datasec + (c - 2) * self.spc) * self.bps
                for i in range(self.csize // 32):
                    yield off + 32 * i
        else:
            off = (self.rsvd + self.nfats * self.fatsz) * self.bps
            for i in range(self.rootents):
                yield off + 32 * i

    def entry(self, name):
        want = name.encode("ascii").ljust(11)[:11]
        for o in self.root_entries():
            e = self.data[o:o + 32]
            if e[0] == 0:
                break
            if e[0] != 0xe5 and e[11] != 0x0f and bytes(e[0:11]) == want:
                return o
        sys.exit("h_fat: %s: no root entry %r" % (self.path, name))

    def start(self, name):
        want = name.encode("ascii").ljust(11)[:11]
        for o in self.root_entries():
            e = self.data[o:o + 32]
            if e[0] == 0:
                break
            if e[0] == 0xe5 or e[11] == 0x0f:
                continue
            if bytes(e[0:11]) == want:
                hi, = struct.unpack_from("<H", e, 20)
                lo, = struct.unpack_from("<H", e, 26)
                return (hi << 16 | lo) if self.type == 32 else lo
        sys.exit("h_fat: %s: no root entry %r" % (self.path, name))


def main():
    cmd, img = sys.argv[1], sys.argv[2]
    f = Fat(img)
    if cmd == "type":
        print(f.type)
    elif cmd == "fats":
        n = f.fatsz * f.bps
        first = f.data[f.fat_off(0):f.fat_off(0) + n]
        for i in range(1, f.nfats):
            other = f.data[f.fat_off(i):f.fat_off(i) + n]
            if other != first:
                at = next(j for j in range(n) if other[j] != first[j])
                print("FAT %d differs from FAT 0 at byte %d" % (i, at))
                return 1
        print("identical")
    elif cmd == "fsinfo":
        if f.type != 32:
            sys.exit("h_fat: not FAT32")
        free, nxt = struct.unpack_from("<II", f.data, f.fsinfo * f.bps + 488)
        counted = sum(1 for c in range(2, f.maxclust + 1) if f.get(c) == 0)
        ok = nxt == 0xffffffff or 2 <= nxt <= f.maxclust
        print("fsinfo=%d counted=%d next=%s" % (free, counted,
                                                "ok" if ok else nxt))
    elif cmd == "free":
        counted = sum(1 for c in range(2, f.maxclust + 1) if f.get(c) == 0)
        print(counted * f.csize)
    elif cmd == "clean":
        if f.type == 12:
            print("none")
        else:
            bit = 0x8000 if f.type == 16 else 0x08000000
            print("clean" if f.get(1) & bit else "dirty")
    elif cmd == "ino":
        print(f.entry(sys.argv[3]) // 32)
    elif cmd == "start":
        print(f.start(sys.argv[3]))
    elif cmd == "chain":
        print(" ".join(str(c) for c in f.chain(f.start(sys.argv[3]))))
    elif cmd == "setfat":
        f.put(int(sys.argv[3], 0), int(sys.argv[4], 0))
        f.save()
    elif cmd == "loop":
        ch = f.chain(f.start(sys.argv[3]))
        f.put(ch[-1], ch[0])
        f.save()
    elif cmd == "loopmid":
        ch = f.chain(f.start(sys.argv[3]))
        f.put(ch[len(ch) // 2], ch[0])
        f.save()
    elif cmd == "outside":
        ch = f.chain(f.start(sys.argv[3]))
        f.put(ch[0], f.maxclust + 1)
        f.save()
    else:
        sys.exit("h_fat: unknown command " + cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
