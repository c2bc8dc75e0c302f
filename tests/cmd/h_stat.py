#!/usr/bin/env python3
"""h_stat.py: what BSD stat(1) prints for files of a host tree, the
oracle of the tests of fsu_stat (GNU stat's formats differ from BSD's).

  h_stat.py tree DIR         make the tree of the tests in DIR, and
                             DIR.snap, the attributes of its files (by
                             their paths in an image holding DIR at its
                             root, /DIR/...) before anything reads them:
                             reading changes access times on the host
  h_stat.py formats          the formats the oracle knows, one a line
  h_stat.py expect SNAP FMT PATH...
                             for each PATH (a path of the image), what
                             "fsu_stat IMG -f FMT PATH" prints, from the
                             attributes in the snapshot SNAP

Each format is one conversion whose value is the same on the host and
in an image that fsu_put -Rp made of the tree (inode numbers, block
counts, change times and devices of the file system differ and are
tested elsewhere).  Times are printed in UTC.
"""
import grp, os, pickle, pwd, stat, sys, time

T_M = 1234567890     # 2009-02-13 23:31:30
T_NS = 123456789


def tree(root):
    os.makedirs(f"{root}/dir/sub")
    os.makedirs(f"{root}/sticky")
    for name, size, mode in (("empty", 0, 0o644), ("one", 1, 0o600),
                             ("setuid", 1025, 0o4755), ("setgid", 8192, 0o2710),
                             ("big", 100000, 0o444), ("dir/inner", 7, 0o640)):
        with open(f"{root}/{name}", "wb") as f:
            f.write(b"x" * size)
        os.chmod(f"{root}/{name}", mode)
    os.chmod(f"{root}/sticky", 0o1777)
    os.symlink("one", f"{root}/link")
    os.symlink("no/such/target", f"{root}/dangling")
    os.symlink("dir", f"{root}/dirlink")
    os.link(f"{root}/one", f"{root}/dir/hard")
    os.mkfifo(f"{root}/fifo", 0o620)
    os.mknod(f"{root}/cdev", 0o644 | stat.S_IFCHR, os.makedev(4, 64))
    os.mknod(f"{root}/bdev", 0o640 | stat.S_IFBLK, os.makedev(8, 1))
    os.chown(f"{root}/big", 1234, 5678)
    os.lchown(f"{root}/link", 0, 5)
    os.chmod(f"{root}/setuid", 0o4755)
    os.chmod(f"{root}/setgid", 0o2710)
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            os.utime(p, ns=(T_M * 10**9 - 86400 * 10**9 + 5,
                            T_M * 10**9 + T_NS), follow_symlinks=False)
    snap = {}
    top = os.path.dirname(os.path.abspath(root))
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            snap["/" + os.path.relpath(os.path.abspath(p), top)] = Snap(p)
    with open(root.rstrip("/") + ".snap", "wb") as f:
        pickle.dump(snap, f)


class Snap:
    """The fields of os.lstat the oracle uses, and a link's target."""
    def __init__(self, path):
        st = os.lstat(path)
        for k in ("st_mode", "st_nlink", "st_uid", "st_gid", "st_rdev",
                  "st_size", "st_atime", "st_mtime", "st_mtime_ns"):
            setattr(self, k, getattr(st, k))
        self.target = os.readlink(path) if stat.S_ISLNK(st.st_mode) else ""


def mode_str(m):
    return stat.filemode(m)


def tstr(sec, fmt="%b %e %H:%M:%S %Y"):
    return time.strftime(fmt, time.gmtime(sec))


def uname(uid):
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return "(%d)" % uid


def gname(gid):
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return "(%d)" % gid


def type_long(m):
    return {stat.S_IFIFO: "Fifo File", stat.S_IFCHR: "Character Device",
            stat.S_IFDIR: "Directory", stat.S_IFBLK: "Block Device",
            stat.S_IFREG: "Regular File", stat.S_IFLNK: "Symbolic Link",
            stat.S_IFSOCK: "Socket"}.get(stat.S_IFMT(m), "???")


def type_char(m):
    if stat.S_ISREG(m):
        return "*" if m & 0o111 else ""
    return {stat.S_IFIFO: "|", stat.S_IFDIR: "/", stat.S_IFLNK: "@",
            stat.S_IFSOCK: "="}.get(stat.S_IFMT(m), "")


def target(p, st):
    return st.target


def sizerdev(st):
    if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        return "%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
    return "%d" % st.st_size


def frac(ns, prec):
    sec, rest = divmod(ns, 10**9)
    return "%d.%s" % (sec, ("%09d" % rest)[:prec])


# format -> function(host path, name given, lstat result)
FORMATS = {
    "%p": lambda p, n, s: "%o" % s.st_mode,
    "%#p": lambda p, n, s: "0%o" % s.st_mode,
    "%Sp": lambda p, n, s: mode_str(s.st_mode),
    "%SHp": lambda p, n, s: mode_str(s.st_mode)[1:4],
    "%SMp": lambda p, n, s: mode_str(s.st_mode)[4:7],
    "%SLp": lambda p, n, s: mode_str(s.st_mode)[7:10],
    "%OHp": lambda p, n, s: "%o" % (s.st_mode >> 12),
    "%OMp": lambda p, n, s: "%o" % ((s.st_mode >> 9) & 7),
    "%03OLp": lambda p, n, s: "%03o" % (s.st_mode & 0o777),
    "%Xp": lambda p, n, s: "%x" % s.st_mode,
    "%#Xp": lambda p, n, s: "0x%x" % s.st_mode,
    "%Dp": lambda p, n, s: "%d" % s.st_mode,
    "%.10Sp": lambda p, n, s: mode_str(s.st_mode),
    "%.4Sp": lambda p, n, s: mode_str(s.st_mode)[:4],
    "%l": lambda p, n, s: "%d" % s.st_nlink,
    "%5l": lambda p, n, s: "%5d" % s.st_nlink,
    "%-5l|": lambda p, n, s: "%-5d|" % s.st_nlink,
    "%05l": lambda p, n, s: "%05d" % s.st_nlink,
    "%u": lambda p, n, s: "%d" % s.st_uid,
    "%g": lambda p, n, s: "%d" % s.st_gid,
    "%Su": lambda p, n, s: uname(s.st_uid),
    "%Sg": lambda p, n, s: gname(s.st_gid),
    "%8Su|": lambda p, n, s: "%8s|" % uname(s.st_uid),
    "%-8Sg|": lambda p, n, s: "%-8s|" % gname(s.st_gid),
    "%Hr": lambda p, n, s: "%d" % (os.major(s.st_rdev)
                                   if stat.S_ISCHR(s.st_mode) or stat.S_ISBLK(s.st_mode) else 0),
    "%Lr": lambda p, n, s: "%d" % (os.minor(s.st_rdev)
                                   if stat.S_ISCHR(s.st_mode) or stat.S_ISBLK(s.st_mode) else 0),
    "%z": lambda p, n, s: "%d" % s.st_size,
    "%#Oz": lambda p, n, s: "0%o" % s.st_size if s.st_size else "0",
    "%Xz": lambda p, n, s: "%x" % s.st_size,
    "%m": lambda p, n, s: "%d" % int(s.st_mtime),
    "%a": lambda p, n, s: "%d" % int(s.st_atime),
    "%+Dm": lambda p, n, s: "%+d" % int(s.st_mtime),
    "%Sm": lambda p, n, s: tstr(s.st_mtime),
    "%Sa": lambda p, n, s: tstr(s.st_atime),
    "%Fm": lambda p, n, s: frac(s.st_mtime_ns, 9),
    "%.3Fm": lambda p, n, s: frac(s.st_mtime_ns, 3),
    "%.0Fm": lambda p, n, s: "%d" % int(s.st_mtime),
    "%.12Fm": lambda p, n, s: frac(s.st_mtime_ns, 9) + "000",
    "%N": lambda p, n, s: n,
    "%-12N|": lambda p, n, s: "%-12s|" % n,
    "%T": lambda p, n, s: type_char(s.st_mode),
    "%HT": lambda p, n, s: type_long(s.st_mode),
    "%LT": lambda p, n, s: type_char(s.st_mode),
    "%Y": lambda p, n, s: target(p, s),
    "%SY": lambda p, n, s: (" -> " + target(p, s)) if target(p, s) else "",
    "%Z": lambda p, n, s: sizerdev(s),
    "%N%T%SY": lambda p, n, s: n + type_char(s.st_mode) +
    ((" -> " + target(p, s)) if target(p, s) else ""),
    "%@:%%:%t:%n": lambda p, n, s: "@:%:\t:\n",
    "[%Sp %l %Su %Sg %Sm %N]": lambda p, n, s: "[%s %d %s %s %s %s]" % (
        mode_str(s.st_mode), s.st_nlink, uname(s.st_uid), gname(s.st_gid),
        tstr(s.st_mtime), n),
}
# Directory sizes depend on the file system: %z, %Z and their forms are
# asked only of files that are not directories (see the test).
SIZE_FORMATS = {"%z", "%#Oz", "%Xz", "%Z"}


def main():
    if sys.argv[1] == "tree":
        tree(sys.argv[2])
    elif sys.argv[1] == "formats":
        for f in FORMATS:
            print(("size " if f in SIZE_FORMATS else "any ") + f)
    elif sys.argv[1] == "expect":
        fmt = sys.argv[3]
        with open(sys.argv[2], "rb") as f:
            snap = pickle.load(f)
        for i, name in enumerate(sys.argv[4:]):
            p, s = name, snap[name]
            out = FORMATS[fmt](p, name, s).replace("@", str(i + 1)) \
                if fmt.startswith("%@") else FORMATS[fmt](p, name, s)
            sys.stdout.write(out if out.endswith("\n") else out + "\n")
    else:
        sys.exit("usage: h_stat.py tree|formats|expect ...")


if __name__ == "__main__":
    main()
