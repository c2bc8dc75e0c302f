#!/usr/bin/env python3
"""iso.py OBJDIR: the ISO 9660 rows (issue 13), timed with hyperfine
against the peer readers: bsdtar (libarchive) and xorriso -osirrox.

Rows, each on one image made by xorriso -as mkisofs -R -J of a tree of
put.py's 1,500 files (40 MiB) and a 24 MiB file:
  list:   fsu_ls -lR /; bsdtar -tvf; xorriso -lsl of the whole tree
          (-find / -exec lsdl).
  cat:    fsu_cat of the 24 MiB file; bsdtar -xOf; xorriso -osirrox on
          -extract to /dev/stdout.  Output goes through a pipe.
Environment: BENCH_RUNS (default 20), BENCH_WORK (scratch directory).
Target: fsu_* faster than both peers on each row.
"""
import os, random, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import put  # noqa: E402  (its tree of 1,500 files)
from ext import hyperfine, table  # noqa: E402

OBJ = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "obj")
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "20"))
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-iso.")


def main():
    for tool in ("hyperfine", "xorriso", "bsdtar"):
        if shutil.which(tool) is None:
            sys.exit("iso.py: %s is missing" % tool)
    import ext
    ext.WORK = WORK
    print("work directory: %s" % WORK)
    tree = os.path.join(WORK, "tree")
    put.make_tree(tree)
    with open(os.path.join(tree, "big"), "wb") as f:
        f.write(random.Random(1).randbytes(24 * 1024 * 1024))
    img = os.path.join(WORK, "r.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J",
                    "-o", img, tree], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = True
    cmds = {"fsu_ls -lR (iso)": "%s/fsu_ls %s -lR /" % (BIN, img),
            "bsdtar -tvf (iso)": "bsdtar -tvf %s" % img,
            "xorriso -find -exec lsdl (iso)":
            "xorriso -indev %s -find / -exec lsdl" % img}
    ok &= table("List the whole tree (1,500 files)", hyperfine(cmds, RUNS),
                "fsu_ls -lR (iso)")
    cmds = {"fsu_cat 24 MiB (iso)": "%s/fsu_cat %s /big" % (BIN, img),
            "bsdtar -xOf (iso)": "bsdtar -xOf %s big" % img,
            "xorriso -osirrox extract (iso)":
            "xorriso -osirrox on -indev %s -extract /big /dev/stdout" % img}
    ok &= table("Print a 24 MiB file", hyperfine(cmds, RUNS),
                "fsu_cat 24 MiB (iso)")
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    if not os.environ.get("BENCH_WORK"):
        shutil.rmtree(WORK)


if __name__ == "__main__":
    main()
