#!/usr/bin/env python3
"""fsck.py OBJDIR: time fsu_fsck -n of an FFS image against e2fsck -fn of
an ext4 image holding the same tree, with hyperfine.

The tree is BENCH_TREE (default /usr/share: about 66,000 entries here).
The FFS image is made with fsu_put -R into an empty image from makefs
(makefs itself, given /usr/share, writes directory entries naming
unallocated inodes for some dangling symbolic links: fsu_fsck and
ffs_check.py both report them), the ext4 image with mke2fs -d, both with
room to spare; each is checked once first (both must say clean).
Environment: BENCH_RUNS (default 5), BENCH_TREE, BENCH_WORK (scratch).
Target (issue 11): fsu_fsck -n within 2x of e2fsck -fn.
"""
import json, os, shutil, subprocess, sys, tempfile

OBJ = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "obj")
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TREE = os.environ.get("BENCH_TREE", "/usr/share")
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-fsck.")


def run(*cmd, ok=(0,)):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode not in ok:
        sys.exit("%s: exit %d: %s" % (cmd[0], p.returncode,
                                      p.stdout.decode()[-400:]))
    return p.stdout.decode()


def main():
    for tool in ("hyperfine", "makefs", "mke2fs", "e2fsck"):
        if shutil.which(tool) is None:
            sys.exit("fsck.py: %s is missing" % tool)
    out = run("du", "-sk", "--apparent-size", TREE)
    kib = int(out.split()[0])
    nent = sum(len(d) + len(f) for _, d, f in os.walk(TREE))
    size_mib = kib * 3 // 2 // 1024 + 256
    ffs = os.path.join(WORK, "ffs.img")
    ext = os.path.join(WORK, "ext4.img")
    empty = os.path.join(WORK, "empty")
    os.makedirs(empty, exist_ok=True)
    run("makefs", "-t", "ffs", "-s", "%dm" % size_mib, "-f",
        str(nent + 1000), "-o", "version=2", ffs, empty)
    run(os.path.join(BIN, "fsu_put"), ffs, "-R", TREE + "/.", "/")
    run("mke2fs", "-q", "-F", "-t", "ext4", "-d", TREE, ext,
        "%dM" % size_mib)
    print(run(os.path.join(BIN, "fsu_fsck"), ffs, "-n").strip().splitlines()[-1])
    run("e2fsck", "-fn", ext)
    res = os.path.join(WORK, "fsck.json")
    run("hyperfine", "-N", "-w", "1", "-r", str(RUNS), "--export-json", res,
        "-n", "fsu_fsck -n (ffs)", "%s %s -n" % (os.path.join(BIN, "fsu_fsck"), ffs),
        "-n", "e2fsck -fn (ext4)", "e2fsck -fn %s" % ext)
    with open(res) as f:
        rows = json.load(f)["results"]
    base = rows[1]["median"]
    print("\nCheck an image of %s (%d entries, %d MiB), %d runs:\n"
          % (TREE, nent, kib // 1024, RUNS))
    print("| command | median s | / e2fsck -fn |")
    print("|---|---|---|")
    for r in rows:
        print("| `%s` | %.3f | %.2f |" % (r["command"], r["median"],
                                        r["median"] / base))
    if not os.environ.get("BENCH_WORK"):
        shutil.rmtree(WORK)


if __name__ == "__main__":
    main()
