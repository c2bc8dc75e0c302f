#!/usr/bin/env python3
"""h_diff.py: trees and files for the tests of fsu_diff.

  h_diff.py trees A B    make two trees that differ in every way fsu_diff
                         reports, once each, and print the differences
                         planted, one a line, in fsu_diff's words with A
                         and B as the names of the trees:
                         content, mode, owner, type, link target, an
                         entry on one side only, device numbers, binary
                         content; the rest is the same on both sides
  h_diff.py edit SEED A B
                         make text file A and B, a random edit of it
                         (lines inserted, deleted and changed here and
                         there, the last newline maybe missing)
"""
import os
import random
import stat
import sys

T = 1234567890


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def common(root):
    os.makedirs(f"{root}/sub/deeper")
    os.makedirs(f"{root}/same_dir")
    write(f"{root}/same", b"same\n")
    write(f"{root}/sub/deeper/same", b"deep\n" * 100)
    os.symlink("same", f"{root}/same_link")
    os.mkfifo(f"{root}/fifo")


def trees(a, b):
    planted = []
    for r in (a, b):
        common(r)
    lines = b"".join(b"line %d\n" % i for i in range(40))
    write(f"{a}/text", lines)
    write(f"{b}/text", lines.replace(b"line 20\n", b"line twenty\n"))
    planted.append(f"diff -r {a}/text {b}/text")
    write(f"{a}/sub/deeper/text", b"x\ny\n")
    write(f"{b}/sub/deeper/text", b"x\ny\nz\n")
    planted.append(f"diff -r {a}/sub/deeper/text {b}/sub/deeper/text")
    write(f"{a}/bin", b"\0\1\2\3" * 10)
    write(f"{b}/bin", b"\0\1\2\4" * 10)
    planted.append(f"Binary files {a}/bin and {b}/bin differ")
    write(f"{a}/mode", b"m\n", 0o644)
    write(f"{b}/mode", b"m\n", 0o4755)
    planted.append(f"Modes of {a}/mode and {b}/mode differ (0644, 4755)")
    os.makedirs(f"{a}/dirmode", 0o755)
    os.makedirs(f"{b}/dirmode", 0o700)
    os.chmod(f"{b}/dirmode", 0o700)
    planted.append(f"Modes of {a}/dirmode and {b}/dirmode differ "
                   "(0755, 0700)")
    for r in (a, b):
        write(f"{r}/owner", b"o\n")
    os.chown(f"{b}/owner", 1234, 5678)
    planted.append(f"Owners of {a}/owner and {b}/owner differ "
                   "(0:0, 1234:5678)")
    write(f"{a}/type", b"t\n")
    os.makedirs(f"{b}/type")
    planted.append(f"File {a}/type is a regular file while file {b}/type "
                   "is a directory")
    os.symlink("same", f"{a}/link")
    os.symlink("text", f"{b}/link")
    planted.append(f"Symbolic links {a}/link and {b}/link differ")
    write(f"{a}/only_a", b"a\n")
    planted.append(f"Only in {a}: only_a")
    os.makedirs(f"{b}/sub/only_b/inside")
    planted.append(f"Only in {b}/sub: only_b")
    if os.geteuid() == 0:
        os.mknod(f"{a}/dev", 0o644 | stat.S_IFCHR, os.makedev(4, 64))
        os.mknod(f"{b}/dev", 0o644 | stat.S_IFCHR, os.makedev(4, 65))
        planted.append(f"Device numbers of {a}/dev and {b}/dev differ "
                       "(4,64, 4,65)")
    for r in (a, b):
        for dirpath, dirs, names in os.walk(r):
            for n in dirs + names:
                os.utime(os.path.join(dirpath, n), (T, T),
                         follow_symlinks=False)
    for p in planted:
        print(p)


def edit(seed, a, b):
    rnd = random.Random(seed)
    n = rnd.randrange(0, 300)
    old = [b"l%d %s\n" % (i, rnd.choice([b"x", b"y", b"zz", b""]))
           for i in range(n)]
    new = list(old)
    for _ in range(rnd.randrange(0, 12)):
        op = rnd.choice("idc")
        pos = rnd.randrange(0, len(new) + 1)
        k = rnd.randrange(1, 6)
        if op == "i":
            new[pos:pos] = [b"new %d\n" % rnd.randrange(1000)
                            for _ in range(k)]
        elif op == "d":
            del new[pos:pos + k]
        else:
            new[pos:pos + k] = [b"chg %d\n" % rnd.randrange(1000)
                                for _ in range(rnd.randrange(1, 6))]
    da, db = b"".join(old), b"".join(new)
    if rnd.random() < 0.3 and da:
        da = da[:-1]
    if rnd.random() < 0.3 and db:
        db = db[:-1]
    write(a, da)
    write(b, db)


def main():
    if sys.argv[1] == "trees":
        trees(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "edit":
        edit(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: h_diff.py trees A B | edit SEED A B")


if __name__ == "__main__":
    main()
