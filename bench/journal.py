#!/usr/bin/env python3
"""journal.py OBJDIR: the cost of the journal and the speed of fsu_batch.

Rows (each command a whole process, as a user runs it):
  put -R:     fsu_put -R of the 40 MiB tree of put.py into an empty 64 MiB
              UFS2 image, with FSU_JOURNAL=off and with the journal (on);
  200 writes: 200 separate fsu_write commands of a 1000-byte file each
              into an empty image, off and on;
  1000 writes: 1,000 small files (100-1000 bytes) written by one
              fsu_batch, and by 1,000 fsu_write commands.
The variants of a row run alternately, BENCH_RUNS rounds (default 15),
so that the machine's load drifts over both alike; medians are reported.
Environment: BENCH_RUNS, BENCH_WORK (scratch directory; its file system
matters, since every write command syncs: /dev/shm takes the disk out).
Targets (issue 10): the journal costs at most 15% on put -R and on 200
writes; a batch of 1,000 writes is at least 20 times faster than 1,000
fsu_write runs.
"""
import os, random, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import put  # noqa: E402  (the tree of the put benchmark)

OBJ = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "obj")
BIN = os.path.join(OBJ, "bin")
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
WORK = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(prefix="fsu-jnl.")
MAKEFS = ["makefs", "-t", "ffs", "-o", "version=2"]


def env_with(journal):
    e = dict(os.environ)
    e.pop("FSU_JOURNAL", None)
    if journal is not None:
        e["FSU_JOURNAL"] = journal
    return e


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def put_run(journal):
    shutil.copyfile("empty64.img", "p.img")
    for f in ("p.img.fsu-journal",):
        if os.path.exists(f):
            os.unlink(f)
    return timed(lambda: subprocess.run(
        [BIN + "/fsu_put", "p.img", "-R", "tree/.", "/"],
        env=env_with(journal), check=True))


def writes_run(journal, n):
    shutil.copyfile("empty16.img", "w.img")
    env = env_with(journal)

    def go():
        for i in range(n):
            with open("small/%d" % (i % 10), "rb") as f:
                subprocess.run([BIN + "/fsu_write", "w.img", "/f%d" % i],
                               stdin=f, env=env, check=True)
    return timed(go)


def batch_run():
    shutil.copyfile("empty16.img", "b.img")
    with open("batch1000", "rb") as f:
        return timed(lambda: subprocess.run(
            [BIN + "/fsu_batch", "b.img"], stdin=f, check=True))


def rounds(variants, runs=None):
    res = {name: [] for name, _ in variants}
    for r in range(runs or RUNS):
        for name, fn in variants:
            res[name].append(fn() * 1e3)
    return res


def table(title, res, base, unit=1):
    print("\n%s\n" % title)
    print("| variant | median ms | min ms | / %s |" % base)
    print("|---------|-----------|--------|------|")
    b = statistics.median(res[base])
    for name, v in res.items():
        m = statistics.median(v)
        print("| %s | %9.1f | %6.1f | %4.2f |" % (name, m / unit,
                                                 min(v) / unit, m / b))


def main():
    os.chdir(WORK)
    if not os.path.isdir("tree"):
        put.make_tree("tree")
    os.makedirs("empty", exist_ok=True)
    subprocess.run(MAKEFS + ["-s", "64m", "-f", "4000", "empty64.img",
                             "empty"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(MAKEFS + ["-s", "16m", "-f", "4000", "empty16.img",
                             "empty"], check=True, stdout=subprocess.DEVNULL)
    os.makedirs("small", exist_ok=True)
    rnd = random.Random(7)
    for i in range(10):
        with open("small/%d" % i, "wb") as f:
            f.write(rnd.randbytes(1000))
    with open("batch1000", "w") as f:
        for i in range(1000):
            f.write("write /f%d <<EOF\n%s\nEOF\n" % (
                i, "x" * rnd.randrange(100, 1000)))
    print("work directory: %s (%s), %d rounds" % (
        WORK, subprocess.run(["stat", "-f", "-c", "%T", WORK],
                             stdout=subprocess.PIPE, text=True
                             ).stdout.strip(), RUNS))
    res = rounds([("put -R, journal off", lambda: put_run("off")),
                  ("put -R, journal on", lambda: put_run(None))])
    table("fsu_put -R of 40 MiB (1,500 files) into an empty image", res,
          "put -R, journal off")
    res = rounds([("200 fsu_write, journal off",
                   lambda: writes_run("off", 200)),
                  ("200 fsu_write, journal on",
                   lambda: writes_run(None, 200))])
    table("200 separate fsu_write commands of 1000 bytes", res,
          "200 fsu_write, journal off")
    res = rounds([("1000 fsu_write", lambda: writes_run(None, 1000)),
                  ("fsu_batch of 1000 writes", batch_run)],
                 max(3, RUNS // 5))
    table("1,000 small writes: separate commands and one batch", res,
          "1000 fsu_write")
    a = statistics.median(res["1000 fsu_write"])
    b = statistics.median(res["fsu_batch of 1000 writes"])
    print("\nfsu_batch is %.0fx faster than 1,000 fsu_write runs" % (a / b))


if __name__ == "__main__":
    main()
