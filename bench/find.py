#!/usr/bin/env python3
"""find.py OBJDIR: fsu_find against the host's find and Sleuth Kit's
fls -r on the same tree of 60,000 entries, with hyperfine; prints a
table of medians and the ratio to host find.

The tree: 60,000 files (one in seven a header, *.h) in directories of
500, with a few levels above them, made on the host and put into a UFS1
and a UFS2 image with makefs.  Rows:
  fsu_find IMG / -name '*.h'     a whole process: boot, mount, walk
  find TREE -name '*.h'          the host's find, the tree in its cache
  fls -r IMG                     TSK lists every name of the UFS1 image
                                 (it has no name filter, and reads no
                                 UFS2 image makefs makes; the output goes
                                 through a pipe as for the others)
Target (issue 14): fsu_find within 2x of host find.
Environment: BENCH_RUNS (default 30), BENCH_WORK (scratch directory).
"""
import json, os, random, shutil, subprocess, sys, tempfile

OBJ = sys.argv[1] if len(sys.argv) > 1 else "obj"
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-bench.")
ENTRIES = 60000


def run(*cmd):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE).stdout


def make_tree(root):
    rnd = random.Random(14)
    n = 0
    top = 0
    while n < ENTRIES:
        d = os.path.join(root, "src%02d" % (top // 10), "dir%03d" % top)
        os.makedirs(d)
        n += 1
        for i in range(min(500, ENTRIES - n)):
            name = "f%05d%s" % (n, ".h" if rnd.random() < 1 / 7 else ".c")
            with open(os.path.join(d, name), "wb") as f:
                f.write(b"x" * rnd.randrange(0, 2000))
            n += 1
        top += 1


def hyperfine(cmds):
    out = f"{WORK}/hf.json"
    args = ["hyperfine", "-N", "--warmup", "3", "--runs", str(RUNS),
            "--output=pipe", "--export-json", out]
    for n, argv in cmds.items():
        args += ["-n", n, " ".join(argv)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return {r["command"]: (r["median"] * 1000, r["min"] * 1000)
            for r in json.load(open(out))["results"]}


def main():
    tree = f"{WORK}/tree"
    if not os.path.isdir(tree):
        make_tree(tree)
    imgs = {}
    for v in (1, 2):
        imgs[v] = f"{WORK}/find{v}.img"
        run("makefs", "-t", "ffs", "-s", "256m", "-f", str(ENTRIES + 1000),
            "-o", f"version={v}", imgs[v], tree)
    host = run("find", tree, "-name", "*.h").split()
    cmds = {"find -name '*.h' (host)": ["find", tree, "-name", "'*.h'"]}
    for v in (1, 2):
        fsu = run(f"{BIN}/fsu_find", imgs[v], "/", "-name", "*.h").split()
        if len(fsu) != len(host):
            sys.exit(f"fsu_find found {len(fsu)} headers, find "
                     f"{len(host)}")
        cmds[f"fsu_find -name '*.h' (ufs{v})"] = [
            f"{BIN}/fsu_find", imgs[v], "/", "-name", "'*.h'"]
    if shutil.which("fls"):
        cmds["fls -r (ufs1)"] = ["fls", "-r", imgs[1]]
    res = hyperfine(cmds)
    base = "find -name '*.h' (host)"
    ours = "fsu_find -name '*.h' (ufs2)"
    print(f"\nFind the headers among {ENTRIES} entries "
          f"({len(host)} found)")
    print(f"| {'command':<30} | median ms | min ms | / find (host) |")
    print(f"|{'-' * 32}|-----------|--------|---------------|")
    for n, (med, mn) in sorted(res.items(), key=lambda kv: kv[1][0]):
        print(f"| {n:<30} | {med:9.2f} | {mn:6.2f} | "
              f"{med / res[base][0]:13.2f} |")
    ratio = res[ours][0] / res[base][0]
    print(f"{ours} / {base} = {ratio:.2f} (target <= 2)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
