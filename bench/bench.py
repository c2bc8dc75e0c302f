#!/usr/bin/env python3
"""bench.py OBJDIR: time fs-utils side by side with the peer tools, in one
run, with hyperfine, and print a table of medians and ratios.

Rows (each against the same data):
  list:  fsu_ls -l of a directory; host ls -l of the same directory;
         e2ls -l (ext2 image); mdir (FAT image); fls (TSK, UFS1 image).
  cat:   fsu_cat of a 24 MiB file; host cat; icat (TSK); debugfs -R cat;
         mtype.  Output goes through a pipe for every tool.
  memory: peak resident memory of fsu_cat on a 1 GiB file.
Targets (issue 3): fsu_ls -l <= 1.5x host ls -l; fsu_cat 24 MiB <= 2x host
cat and faster than every peer; fsu_cat 1 GiB peak RSS < 64 MiB.
Environment: BENCH_RUNS (default 30), BENCH_WORK (scratch directory).
"""
import json, os, random, re, shutil, subprocess, sys, tempfile

OBJ = sys.argv[1] if len(sys.argv) > 1 else "obj"
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-bench.")
T0 = 1234567890


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, **kw).stdout


def have(prog):
    return shutil.which(prog) is not None


def make_tree(root):
    rnd = random.Random(1)
    os.makedirs(f"{root}/etc", exist_ok=True)
    for i in range(60):
        with open(f"{root}/etc/file{i:02d}.conf", "wb") as f:
            f.write(rnd.randbytes(rnd.randrange(100, 4000)))
    with open(f"{root}/big", "wb") as f:
        f.write(rnd.randbytes(24 * 1024 * 1024))
    for dp, dns, fns in os.walk(root):
        for n in dns + fns:
            os.utime(os.path.join(dp, n), (T0, T0))


def make_images(tree):
    imgs = {}
    imgs["ffs"] = f"{WORK}/ufs1.img"
    run("makefs", "-t", "ffs", "-o", "version=1", imgs["ffs"], tree)
    if have("mke2fs"):
        imgs["ext2"] = f"{WORK}/ext2.img"
        run("mke2fs", "-q", "-F", "-t", "ext2", "-d", tree, imgs["ext2"], "64M")
    if have("mkfs.fat") and have("mcopy"):
        imgs["fat"] = f"{WORK}/fat.img"
        run("mkfs.fat", "-C", "-F", "32", imgs["fat"], str(64 * 1024))
        run("mcopy", "-s", "-i", imgs["fat"], f"{tree}/etc", f"{tree}/big", "::/")
    return imgs


def tsk_inode(img, path):
    """Inode number of path in a UFS1 image, from TSK's fls."""
    out = run("fls", "-r", "-p", img).decode()
    for line in out.splitlines():
        m = re.match(r"^\S+ \**\s*(\d+)(?:-\S+)?:\s+(.*)$", line)
        if m and "/" + m.group(2) == path:
            return m.group(1)
    return None


def hyperfine(cmds):
    """Run hyperfine on {name: argv}; return {name: (median, min)} in ms."""
    out = f"{WORK}/hf.json"
    args = ["hyperfine", "-N", "--warmup", "3", "--runs", str(RUNS),
            "--output=pipe", "--export-json", out]
    names = list(cmds)
    for n in names:
        args += ["-n", n, " ".join(cmds[n])]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    res = json.load(open(out))["results"]
    return {r["command"]: (r["median"] * 1000, r["min"] * 1000) for r in res}


def table(title, res, base, ours, target):
    print(f"\n{title}")
    print(f"| {'command':<40} | median ms | min ms | / {base} |")
    print(f"|{'-' * 42}|-----------|--------|{'-' * (len(base) + 4)}|")
    b = res[base][0]
    for n, (med, mn) in sorted(res.items(), key=lambda kv: kv[1][0]):
        print(f"| {n:<40} | {med:9.2f} | {mn:6.2f} | {med / b:{len(base) + 2}.2f} |")
    ratio = res[ours][0] / b
    print(f"{ours} / {base} = {ratio:.2f} (target {target})")
    return ratio


def peak_rss(argv):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return int(r.stderr.decode().strip().splitlines()[-1])


def loop_script(name, body):
    """A shell script that runs body 200 times with $i set."""
    path = f"{WORK}/{name}.sh"
    with open(path, "w") as f:
        f.write("#!/bin/sh\nset -e\ni=0\nwhile [ $i -lt 200 ]; do\n"
                f"  {body}\n  i=$((i + 1))\ndone\n")
    os.chmod(path, 0o755)
    return [path]


def bench_writes(imgs):
    """200 separate invocations, each writing one small file: the cost of
    a read-write mount per command."""
    runs = max(3, RUNS // 6)
    with open(f"{WORK}/small", "wb") as f:
        f.write(b"x" * 1000)
    cmds = {}
    fresh = {}
    run("makefs", "-t", "ffs", "-s", "16m", "-o", "version=2,density=2048",
        f"{WORK}/w.ffs", f"{WORK}/empty" if os.path.isdir(f"{WORK}/empty")
        else (os.makedirs(f"{WORK}/empty") or f"{WORK}/empty"))
    fresh["ffs"] = f"{WORK}/w.ffs"
    cmds["fsu_write x200 (ffs)"] = loop_script(
        "fsu", f"{BIN}/fsu_write {WORK}/w.ffs /f$i < {WORK}/small")
    if have("e2cp") and "ext2" in imgs:
        cmds["e2cp x200 (ext2)"] = loop_script(
            "e2cp", f"e2cp {WORK}/small {imgs['ext2']}:/f$i")
    if have("mcopy") and "fat" in imgs:
        cmds["mcopy x200 (fat)"] = loop_script(
            "mcopy", f"mcopy -o -i {imgs['fat']} {WORK}/small ::/f$i")
    if have("debugfs") and "ext2" in imgs:
        cmds["debugfs write x200 (ext2)"] = loop_script(
            "debugfs", f"debugfs -w -R 'write {WORK}/small g$i' "
            f"{imgs['ext2']} >/dev/null 2>&1")
    out = f"{WORK}/hfw.json"
    prep = f"{WORK}/prepare.sh"
    with open(prep, "w") as f:
        f.write(f"#!/bin/sh\nrm -f {WORK}/w.ffs\nexec makefs -t ffs -s 16m "
                f"-o version=2,density=2048 {WORK}/w.ffs {WORK}/empty "
                ">/dev/null\n")
    os.chmod(prep, 0o755)
    args = ["hyperfine", "-N", "--runs", str(runs), "--export-json", out,
            "--prepare", prep]
    for n in cmds:
        args += ["-n", n, " ".join(cmds[n])]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    res = {r["command"]: (r["median"] * 1000, r["min"] * 1000)
           for r in json.load(open(out))["results"]}
    base = "fsu_write x200 (ffs)"
    table("Write one small file, 200 separate commands", res, base, base,
          "(per-command cost; no target)")
    print(f"per command: {res[base][0] / 200:.2f} ms")
    return True


def main():
    tree = f"{WORK}/tree"
    make_tree(tree)
    imgs = make_images(tree)
    ffs = imgs["ffs"]
    fsu_ls, fsu_cat = f"{BIN}/fsu_ls", f"{BIN}/fsu_cat"
    ok = True

    cmds = {"fsu_ls -l (ffs)": [fsu_ls, ffs, "-l", "/etc"],
            "ls -l (host)": ["ls", "-l", f"{tree}/etc"]}
    if "ext2" in imgs and have("e2ls"):
        cmds["e2ls -l (ext2)"] = ["e2ls", "-l", imgs["ext2"] + ":/etc"]
    if "fat" in imgs and have("mdir"):
        cmds["mdir (fat)"] = ["mdir", "-i", imgs["fat"], "::/etc"]
    if have("fls"):
        ino = tsk_inode(ffs, "/etc")
        if ino:
            cmds["fls (ufs1)"] = ["fls", ffs, ino]
    res = hyperfine(cmds)
    r = table("List a directory of 60 files", res, "ls -l (host)",
              "fsu_ls -l (ffs)", "<= 1.5")
    ok &= r <= 1.5

    cmds = {"fsu_cat 24 MiB (ffs)": [fsu_cat, ffs, "/big"],
            "cat (host)": ["cat", f"{tree}/big"]}
    if have("icat"):
        ino = tsk_inode(ffs, "/big")
        if ino:
            cmds["icat (ufs1)"] = ["icat", ffs, ino]
    if "ext2" in imgs and have("debugfs"):
        cmds["debugfs -R cat (ext2)"] = ["debugfs", "-R", "'cat /big'",
                                         imgs["ext2"]]
    if "fat" in imgs and have("mtype"):
        cmds["mtype (fat)"] = ["mtype", "-i", imgs["fat"], "::/big"]
    res = hyperfine(cmds)
    r = table("Print a 24 MiB file", res, "cat (host)",
              "fsu_cat 24 MiB (ffs)", "<= 2, faster than every peer")
    mine = res["fsu_cat 24 MiB (ffs)"][0]
    peers = [v[0] for k, v in res.items() if "host" not in k and
             not k.startswith("fsu_")]
    ok &= r <= 2 and all(mine < p for p in peers)

    ok &= bench_writes(imgs)

    with open(f"{WORK}/gig", "wb") as f:
        rnd = random.Random(2)
        chunk = rnd.randbytes(1 << 20)
        for _ in range(1024):
            f.write(chunk)
    os.makedirs(f"{WORK}/gtree", exist_ok=True)
    os.replace(f"{WORK}/gig", f"{WORK}/gtree/gig")
    run("makefs", "-t", "ffs", "-o", "version=2", f"{WORK}/gig.img",
        f"{WORK}/gtree")
    os.remove(f"{WORK}/gtree/gig")
    kb = peak_rss([fsu_cat, f"{WORK}/gig.img", "/gig"])
    print(f"\nPeak RSS of fsu_cat on a 1 GiB file: {kb / 1024:.1f} MiB "
          f"(target < 64 MiB)")
    ok &= kb < 64 * 1024
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    if not os.environ.get("BENCH_WORK"):
        shutil.rmtree(WORK)


main()
