#!/usr/bin/env python3
"""put.py OBJDIR: time fsu_put -R, the bulk path of image building,
against makefs building the same tree, with hyperfine.

The tree: 1,500 files and 80 directories, 40 MiB in all (most files
0.1-12 KB, some up to 160 KB, a few of 0.5-2.5 MiB), fixed times.
Rows:
  fsu_put:        fsu_put -R of the tree into an empty 64 MiB UFS2 image
                  made by makefs beforehand (hyperfine --prepare copies
                  it in place, outside the timing);
  makefs:         makefs -s 64m building the same image from the tree;
  makefs + put:   both steps, makefs of an empty directory then fsu_put
                  (through sh -c).
The two images are checked to list the same (fsu_ls -lnAR) and, when
the FFS oracle is there, fsu_put's image to be consistent.
Environment: BENCH_RUNS (default 30), BENCH_WORK (scratch directory: its
file system matters, since fsu_put syncs the image to disk at the end and
makefs does not; /dev/shm takes the disk out).
Target (issue of fsu_ecp): fsu_put within 1.5x of makefs.
"""
import json, os, random, shutil, subprocess, sys, tempfile

OBJ = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "obj")
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-put.")
FFS_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                         "..", "shared", "oracles", "ffs_check.py")
T0 = 1234567890
MAKEFS = ["makefs", "-t", "ffs", "-s", "64m", "-f", "4000", "-o", "version=2"]


def run(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE).stdout


def make_tree(root):
    rnd = random.Random(42)
    dirs = [root]
    os.makedirs(root)
    for i in range(80):
        d = os.path.join(rnd.choice(dirs), "d%02d" % i)
        os.makedirs(d)
        dirs.append(d)
    sizes = []
    for i in range(1500):
        r = rnd.random()
        if r < 0.80:
            sizes.append(rnd.randrange(100, 12000))
        elif r < 0.98:
            sizes.append(rnd.randrange(12000, 160000))
        else:
            sizes.append(rnd.randrange(500000, 2500000))
    scale = 40 * 1024 * 1024 / sum(sizes)
    for i, s in enumerate(sizes):
        with open(os.path.join(rnd.choice(dirs), "f%04d" % i), "wb") as f:
            f.write(rnd.randbytes(int(s * scale)))
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            os.utime(os.path.join(dp, n), (T0, T0))


def check(put_img, mk_img):
    ls = os.path.join(BIN, "fsu_ls")
    a = run(ls, put_img, "-lnAR", "/")
    b = run(ls, mk_img, "-lnAR", "/")
    strip = lambda s: [l for l in s.splitlines() if not l.startswith(b"total")]
    if strip(a) != strip(b):
        sys.exit("put.py: the images of fsu_put and makefs differ")
    if os.path.exists(FFS_CHECK):
        out = run("python3", FFS_CHECK, put_img)
        if not out.startswith(b"OK"):
            sys.exit("put.py: ffs_check: " + out.decode())


def main():
    os.chdir(WORK)
    if not os.path.isdir("tree"):
        make_tree("tree")
    os.makedirs("empty", exist_ok=True)
    run(*MAKEFS, "empty.img", "empty")
    put = "%s/fsu_put put.img -R tree/. /" % BIN
    mk = " ".join(MAKEFS + ["mk.img", "tree"])
    both = "sh -c '%s both.img empty && %s/fsu_put both.img -R tree/. /'" % (
        " ".join(MAKEFS), BIN)
    subprocess.run(["hyperfine", "-N", "-w", "3", "-r", str(RUNS),
                    "--prepare", "cp empty.img put.img",
                    "--export-json", "put.json", "-n", "fsu_put", put,
                    "-n", "makefs", mk, "-n", "makefs + put", both],
                   check=True, stdout=subprocess.DEVNULL)
    # --prepare ran before every row: put.img is empty again.
    shutil.copyfile("empty.img", "put.img")
    run(os.path.join(BIN, "fsu_put"), "put.img", "-R", "tree/.", "/")
    check("put.img", "mk.img")
    res = json.load(open("put.json"))["results"]
    base = [r for r in res if r["command"] == "makefs"][0]["median"]
    print("work directory: %s" % WORK)
    print("| command      | median ms | mean ms | min ms | user ms | sys ms "
          "| / makefs |")
    print("|--------------|-----------|---------|--------|---------|--------"
          "|----------|")
    for r in res:
        print("| %-12s | %9.1f | %7.1f | %6.1f | %7.1f | %6.1f | %8.2f |" % (
            r["command"], r["median"] * 1e3, r["mean"] * 1e3,
            r["min"] * 1e3, r["user"] * 1e3, r["system"] * 1e3,
            r["median"] / base))


if __name__ == "__main__":
    main()
