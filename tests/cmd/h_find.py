#!/usr/bin/env python3
"""h_find.py: the host tree of the tests of fsu_find and fsu_du.

  h_find.py tree DIR     make DIR: sources and headers in a few levels of
                         directories, names in several cases, sizes from
                         0 to 3 MiB, modes with set-ID bits, owners that
                         the host's databases know and do not know,
                         symbolic links (to files, to directories, dangling),
                         hard links, a fifo and devices (as root), empty
                         files and directories, and modification times at
                         half-unit ages (0.5, 1.5, 2.5, 10.5 and 100.5 days;
                         1.5 and 5.5 minutes) before now, so that rounding
                         up (BSD) and down (GNU) never meet at a boundary
  h_find.py tree DIR big N
                         a flat-ish tree of N files (for fsu_du)
"""
import os
import stat
import sys
import time

DAY = 86400


def write(path, size, mode=0o644):
    with open(path, "wb") as f:
        f.write(b"x" * size)
    os.chmod(path, mode)


def tree(root):
    now = time.time()
    for d in ("src/lib/sub", "src/include", "doc", "empty", "deep/a/b/c/d",
              "Mixed/Case"):
        os.makedirs(os.path.join(root, d))
    files = {
        "README": 120, "readme.txt": 30, "ReadMe.md": 0, "Makefile": 900,
        "src/main.c": 2048, "src/util.c": 1, "src/util.h": 511,
        "src/lib/a.c": 512, "src/lib/b.c": 513, "src/lib/b.o": 4096,
        "src/lib/sub/x.h": 10000, "src/lib/sub/y.o": 1024,
        "src/include/defs.h": 1025, "doc/big.bin": 3 * 1024 * 1024,
        "doc/notes": 0, "deep/a/b/c/d/leaf.c": 7, "Mixed/Case/File.C": 3,
        "Mixed/Case/file.c": 4, "ref": 5, "new1": 6, "new2": 7,
        "old1": 8, "old2": 9, "ancient": 10, "min1": 11, "min5": 12,
    }
    for name, size in files.items():
        write(os.path.join(root, name), size)
    os.chmod(os.path.join(root, "src/main.c"), 0o4755)
    os.chmod(os.path.join(root, "src/util.c"), 0o2711)
    os.chmod(os.path.join(root, "src/util.h"), 0o600)
    os.chmod(os.path.join(root, "Makefile"), 0o666)
    os.chmod(os.path.join(root, "doc"), 0o1777)
    os.chown(os.path.join(root, "src/lib/a.c"), 1234, 5678)
    os.chown(os.path.join(root, "src/lib/b.c"), 0, 5678)
    os.chown(os.path.join(root, "doc/notes"), 1234, 0)
    os.symlink("README", os.path.join(root, "link_file"))
    os.symlink("src/lib", os.path.join(root, "link_dir"))
    os.symlink("nowhere", os.path.join(root, "link_dangling"))
    os.link(os.path.join(root, "src/util.h"),
            os.path.join(root, "src/include/util_hard.h"))
    os.mkfifo(os.path.join(root, "fifo"), 0o644)
    if os.geteuid() == 0:
        os.mknod(os.path.join(root, "chr"), 0o644 | stat.S_IFCHR,
                 os.makedev(1, 3))
        os.mknod(os.path.join(root, "blk"), 0o600 | stat.S_IFBLK,
                 os.makedev(7, 0))
    # Everything a long time ago, then the files whose ages matter.
    for dirpath, dirs, names in os.walk(root, topdown=False):
        for n in names + dirs:
            os.utime(os.path.join(dirpath, n), (now - 1000 * DAY,
                     now - 1000 * DAY), follow_symlinks=False)
    ages = {"ref": 5 * DAY + DAY / 2, "new1": DAY / 2, "new2": DAY + DAY / 2,
            "old1": 2 * DAY + DAY / 2, "old2": 10 * DAY + DAY / 2,
            "ancient": 100 * DAY + DAY / 2, "min1": 90, "min5": 330,
            "src/main.c": 3 * DAY + DAY / 2, "src/lib/sub/x.h": DAY / 2}
    for name, age in ages.items():
        os.utime(os.path.join(root, name), (now - age, now - age))
    os.utime(root, (now - 1000 * DAY, now - 1000 * DAY))


def big(root, n):
    per = 500
    for i in range(n):
        d = os.path.join(root, "d%03d" % (i // per))
        if i % per == 0:
            os.makedirs(d)
        write(os.path.join(d, "f%05d%s" % (i, ".h" if i % 7 == 0 else ".c")),
              (i * 37) % 9000)


def main():
    if sys.argv[1] == "tree" and len(sys.argv) == 3:
        tree(sys.argv[2])
    elif sys.argv[1] == "tree" and sys.argv[3] == "big":
        big(sys.argv[2], int(sys.argv[4]))
    else:
        sys.exit("usage: h_find.py tree DIR [big N]")


if __name__ == "__main__":
    main()
