#!/usr/bin/env python3
"""image.py OBJDIR: time image building from a tree and from an archive,
and archiving an image, against makefs and bsdtar, with hyperfine.

The tree is put.py's: 1,500 files in 80 directories, 40 MiB.  Rows:
  newfs + put:      fsu_newfs -s 64m, then fsu_put -R of the tree;
  newfs -F + put:   fsu_newfs -F tree (size to fit), then fsu_put -R;
  makefs:           makefs -s 64m of the tree (UFS2), from scratch;
  makefs (fit):     makefs of the tree with no size (it fits it);
  newfs + tar -x:   fsu_newfs -s 64m, then fsu_tar -x of tree.tar.gz;
  bsdtar -x + makefs: bsdtar -x of tree.tar.gz onto the host (into an
                    empty directory), then makefs -s 64m of the result;
  tar -c:           fsu_tar -c of the image's tree to a file (pax);
  bsdtar -c:        bsdtar -c of the host tree (in the page cache).
The images are checked with ffs_check.py, and the archive fsu_tar writes
with bsdtar (the same names and data as the tree).
Environment: BENCH_RUNS (default 20), BENCH_WORK (scratch directory).
Targets (issue 12): newfs + put faster than makefs; tar -x within 1.5x
of bsdtar -x + makefs; tar -c within 1.5x of bsdtar -c.
"""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import put  # noqa: E402  (its tree)

OBJ = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "obj")
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-img.")
FFS_CHECK = put.FFS_CHECK
MAKEFS = "makefs -t ffs -s 64m -f 4000 -o version=2"


def run(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE).stdout


def oracle(img):
    if os.path.exists(FFS_CHECK):
        out = run("python3", FFS_CHECK, img)
        if not out.startswith(b"OK"):
            sys.exit("image.py: ffs_check %s: %s" % (img, out.decode()))


def hyperfine(name, rows, prepare=None):
    cmd = ["hyperfine", "-N", "-w", "2", "-r", str(RUNS),
           "--export-json", name + ".json"]
    if prepare:
        cmd += ["--prepare", prepare]
    for n, c in rows:
        cmd += ["-n", n, c]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.load(open(name + ".json"))["results"]


def table(title, res, base):
    b = [r for r in res if r["command"] == base][0]["median"]
    print("\n%s\n" % title)
    print("| command | median ms | min ms | user ms | sys ms | / %s |" % base)
    print("|---|---|---|---|---|---|")
    for r in res:
        print("| %s | %.1f | %.1f | %.1f | %.1f | %.2f |" % (
            r["command"], r["median"] * 1e3, r["min"] * 1e3,
            r["user"] * 1e3, r["system"] * 1e3, r["median"] / b))


def sh(s):
    return "sh -c '%s'" % s


def main():
    os.chdir(WORK)
    if not os.path.isdir("tree"):
        put.make_tree("tree")
    run("bsdtar", "-czf", "tree.tar.gz", "-C", "tree", ".")
    B = BIN
    res = hyperfine("build", [
        ("newfs + put", sh("%s/fsu_newfs -q -s 64m a.img && "
                           "%s/fsu_put a.img -R tree/. /" % (B, B))),
        ("newfs -F + put", sh("%s/fsu_newfs -q -F tree f.img && "
                              "%s/fsu_put f.img -R tree/. /" % (B, B))),
        ("makefs", "%s mk.img tree" % MAKEFS),
        ("makefs (fit)", "makefs -t ffs -o version=2 mkf.img tree"),
    ], prepare="rm -f a.img f.img mk.img mkf.img")
    run(os.path.join(B, "fsu_newfs"), "-q", "-s", "64m", "a.img")
    run(os.path.join(B, "fsu_put"), "a.img", "-R", "tree/.", "/")
    oracle("a.img")
    table("Build an image of the 1,500-file tree:", res, "makefs")

    res = hyperfine("untar", [
        ("newfs + tar -x", sh("%s/fsu_newfs -q -s 64m t.img && "
                              "%s/fsu_tar t.img -x -f tree.tar.gz" % (B, B))),
        ("bsdtar -x + makefs", sh("mkdir x && bsdtar -xf tree.tar.gz -C x "
                                  "&& %s x.img x" % MAKEFS)),
    ], prepare="rm -rf t.img x.img x")
    run("rm", "-f", "t.img")
    run(os.path.join(B, "fsu_newfs"), "-q", "-s", "64m", "t.img")
    run(os.path.join(B, "fsu_tar"), "t.img", "-x", "-f", "tree.tar.gz")
    oracle("t.img")
    table("Unpack a 40 MiB .tar.gz into a new image:", res,
          "bsdtar -x + makefs")

    res = hyperfine("tar", [
        ("fsu_tar -c", "%s/fsu_tar t.img -c -f out.tar -C / ." % B),
        ("bsdtar -c", "bsdtar -cf host.tar -C tree ."),
    ])
    a = run("bsdtar", "-tf", "out.tar").split()
    h = run("bsdtar", "-tf", "host.tar").split()
    if sorted(a) != sorted(h):
        sys.exit("image.py: fsu_tar -c and bsdtar -c list other names")
    table("Archive the tree (pax, uncompressed):", res, "bsdtar -c")
    print("\nwork directory: %s" % WORK)


if __name__ == "__main__":
    main()
