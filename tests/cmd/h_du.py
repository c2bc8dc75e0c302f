#!/usr/bin/env python3
"""h_du.py: what BSD du(1) prints for a tree of an image, the oracle of
the tests of fsu_du.

  h_du.py expect LIST STATS [-a] [-s] [-d N] [-c] [-k | -m | -h] [-A]
          [path ...]

LIST is what the independent FFS checker prints with --list ("inode TAB
path", every entry of the image in the order of a depth-first walk that
takes each directory's entries in their order on disk): it gives the
tree, the order of the walk (which decides which name of a file with
several links is counted) and the inode numbers that tell hard links
apart.  STATS holds "blocks size type path" for every path (blocks in
512-byte units, from fsu_stat, whose st_blocks the checker verified
against the blocks the inodes own).  Blocks are summed here, by the
rules of BSD du: a directory counts its own blocks and everything below
it, a file with several links counts once (the first time the walk
meets it), -a lists files too, -s and -d limit the depth of the lines,
-c adds a total, -k/-m/-h choose the unit (512 bytes by default, numbers
rounded up), -A counts sizes (rounded up to 512 bytes) instead of
blocks.  Paths default to /.
"""
import sys


def humanize(n):
    if n < 1000:
        return "%dB" % n
    div = 1024.0
    for unit in "KMGTPE":
        tenths = int(n * 10.0 / div + 0.5)
        if tenths < 100:
            return "%d.%d%s" % (tenths // 10, tenths % 10, unit)
        r = int(n / div + 0.5)
        if r < 1000 or unit == "E":
            return "%d%s" % (r, unit)
        div *= 1024.0


def main():
    args = sys.argv[4:]
    with open(sys.argv[2]) as f:
        order = [line.rstrip("\n").split("\t") for line in f
                 if "\t" in line]
    stats = {}
    with open(sys.argv[3]) as f:
        for line in f:
            b, s, t, p = line.rstrip("\n").split(" ", 3)
            stats[p] = (int(b), int(s), t)
    children, ino = {"/": []}, {"/": None}
    for i, p in order:
        p = "/" + p
        ino[p] = int(i)
        children.setdefault(p, [])
        children.setdefault(p.rsplit("/", 1)[0] or "/", []).append(p)
    nlinks = {}
    for p, i in ino.items():
        nlinks[i] = nlinks.get(i, 0) + 1
    opts = {"a": False, "d": -1, "c": False, "unit": 512, "h": False,
            "A": False}
    paths = []
    it = iter(args)
    for a in it:
        if a == "-a":
            opts["a"] = True
        elif a == "-s":
            opts["d"] = 0
        elif a == "-d":
            opts["d"] = int(next(it))
        elif a == "-c":
            opts["c"] = True
        elif a == "-k":
            opts["unit"], opts["h"] = 1024, False
        elif a == "-m":
            opts["unit"], opts["h"] = 1024 * 1024, False
        elif a == "-h":
            opts["h"] = True
        elif a == "-A":
            opts["A"] = True
        else:
            paths.append(a)
    seen = set()
    out = []

    def show(blocks, path):
        if opts["h"]:
            out.append("%s\t%s" % (humanize(blocks * 512), path))
        else:
            u = opts["unit"]
            out.append("%d\t%s" % ((blocks * 512 + u - 1) // u, path))

    def count(p):
        b, s, t = stats[p]
        return (s + 511) // 512 if opts["A"] else b

    def shown(depth):
        return opts["d"] < 0 or depth <= opts["d"]

    def walk(p, depth):
        t = stats[p][2]
        if t != "d":
            if nlinks[ino[p]] > 1:
                if ino[p] in seen:
                    return 0
                seen.add(ino[p])
            if depth == 0 or (opts["a"] and shown(depth)):
                show(count(p), p)
            return count(p)
        total = count(p)
        for c in children[p]:
            total += walk(c, depth + 1)
        if shown(depth):
            show(total, p)
        return total

    grand = 0
    for p in paths or ["/"]:
        grand += walk(p, 0)
    if opts["c"]:
        show(grand, "total")
    for line in out:
        print(line)


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] != "expect":
        sys.exit("usage: h_du.py expect LIST STATS [options] [path ...]")
    main()
