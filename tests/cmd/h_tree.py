#!/usr/bin/env python3
"""h_tree.py: host trees for the tests of fsu_put, fsu_get and fsu_ecp.

  h_tree.py make DIR      a tree with every kind of file (devices only as
                          root): regular files (empty, small, 5 MiB,
                          sparse), directories (empty, 2000 entries, 40
                          levels deep),
                          symbolic links (relative, absolute, dangling),
                          hard links (inside a directory and across
                          directories), a fifo, long names, set-ID modes,
                          odd modes, and fixed times
  h_tree.py list DIR [PREFIX]
                          one line per file, sorted, in the format of
                          h_fsu_stat: path type mode uid gid nlink size
                          flags rdev mtime atime [-> target]; paths are
                          PREFIX plus the path below DIR; directory sizes
                          are "-" (they differ between file systems) and
                          flags 0
  h_tree.py deep DIR N    a chain of N directories with a file at the
                          bottom (N = 120 goes past the kernel's 1024-byte
                          path limit)
  h_tree.py sums DIR      "sha256 path" of every regular file, sorted
"""
import hashlib, os, random, stat, sys

T_M = 981173106      # 2001-02-03 04:05:06, modification times
T_A = 1000000000     # 2001-09-09, access times


def write(path, data, mode=0o644):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def make(root):
    rnd = random.Random(7)
    os.makedirs(root)
    os.makedirs(f"{root}/empty_dir")
    write(f"{root}/empty", b"")
    write(f"{root}/small", b"hello, image\n")
    write(f"{root}/big", rnd.randbytes(5 * 1024 * 1024))
    with open(f"{root}/sparse", "wb") as f:
        f.seek(3 * 1024 * 1024)
        f.write(b"middle")
        f.truncate(6 * 1024 * 1024)
    write(f"{root}/setuid", b"#!/bin/sh\n", 0o4755)
    write(f"{root}/setgid", b"#!/bin/sh\n", 0o2711)
    write(f"{root}/odd", b"odd\n", 0o1604)
    write(f"{root}/" + "L" * 255, b"long name\n")
    os.makedirs(f"{root}/links/sub")
    os.symlink("../small", f"{root}/links/rel")
    os.symlink("/etc/passwd", f"{root}/links/abs")
    os.symlink("nowhere/at/all", f"{root}/links/dangling")
    os.symlink("sub", f"{root}/links/todir")
    os.link(f"{root}/small", f"{root}/links/hard")
    os.link(f"{root}/small", f"{root}/links/sub/hard2")
    write(f"{root}/links/pair1", b"pair\n", 0o600)
    os.link(f"{root}/links/pair1", f"{root}/links/pair2")
    os.mkfifo(f"{root}/fifo", 0o640)
    if os.geteuid() == 0:
        os.makedirs(f"{root}/dev")
        os.mknod(f"{root}/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        os.mknod(f"{root}/dev/disk", 0o640 | stat.S_IFBLK,
                 os.makedev(8, 17))
    wide = f"{root}/wide"
    os.makedirs(wide)
    for i in range(2000):
        write(f"{wide}/entry-{i:05d}", b"%d\n" % i)
    make_deep(f"{root}/deep", 40)
    os.chmod(f"{root}/links/sub", 0o555)
    for dp, dns, fns in os.walk(root, topdown=False):
        for n in dns + fns:
            os.utime(os.path.join(dp, n), (T_A, T_M), follow_symlinks=False)
    os.utime(root, (T_A, T_M))


def make_deep(root, n):
    deep = root
    for i in range(n):
        deep += "/level%03d" % i
    os.makedirs(deep)
    write(f"{deep}/bottom", b"bottom\n")


def type_char(m):
    for test, c in ((stat.S_ISDIR, "d"), (stat.S_ISLNK, "l"),
                    (stat.S_ISBLK, "b"), (stat.S_ISCHR, "c"),
                    (stat.S_ISFIFO, "p"), (stat.S_ISSOCK, "s")):
        if test(m):
            return c
    return "-"


def line(path, full):
    st = os.lstat(full)
    m = st.st_mode
    rdev = "-"
    if stat.S_ISBLK(m) or stat.S_ISCHR(m):
        rdev = "%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
    size = "-" if stat.S_ISDIR(m) else str(st.st_size)
    s = "%s %s %04o %d %d %d %s 0 %s %d %d" % (
        path, type_char(m), stat.S_IMODE(m), st.st_uid, st.st_gid,
        st.st_nlink, size, rdev, int(st.st_mtime), int(st.st_atime))
    if stat.S_ISLNK(m):
        s += " -> " + os.readlink(full)
    return s


def walk(root):
    yield "", root
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            full = os.path.join(dp, n)
            yield os.path.relpath(full, root), full


def listing(root, prefix):
    out = []
    for rel, full in walk(root):
        path = prefix if rel == "" else prefix.rstrip("/") + "/" + rel
        out.append(line(path or "/", full))
    for s in sorted(out):
        print(s)


def sums(root):
    out = []
    for rel, full in walk(root):
        if stat.S_ISREG(os.lstat(full).st_mode):
            with open(full, "rb") as f:
                out.append("%s %s" % (hashlib.sha256(f.read()).hexdigest(),
                                      rel))
    for s in sorted(out):
        print(s)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2])
    elif cmd == "list":
        listing(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
    elif cmd == "deep":
        make_deep(sys.argv[2], int(sys.argv[3]))
    elif cmd == "sums":
        sums(sys.argv[2])
    else:
        sys.exit("usage: h_tree.py make|list|sums DIR [PREFIX]")
