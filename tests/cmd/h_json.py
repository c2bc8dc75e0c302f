#!/usr/bin/env python3
"""h_json.py: checks of the JSON output of fsu_stat --json and fsu_ls
--json (one object per line).

  h_json.py names DIR        make files in DIR whose names are not
                             UTF-8, are UTF-8 beyond ASCII, or hold
                             quotes, backslashes and control characters
  h_json.py roundtrip DIR PREFIX CMD...
                             run CMD with PREFIX and each name of DIR as
                             arguments, or, when PREFIX is "-", alone
                             (it lists DIR itself), one object a file;
                             every name must come back, byte for byte,
                             through the documented escape
                             (surrogateescape), and every line must be
                             UTF-8 JSON
  h_json.py fields FILE      the objects fsu_stat --json printed for
                             /tree/big /tree/link /tree/cdev /tree/sticky
                             of the tree of h_stat.py
"""
import json
import os
import subprocess
import sys

KEYS = ["name", "path", "type", "mode", "nlink", "uid", "gid", "size",
        "blocks", "blksize", "atime_ns", "mtime_ns", "ctime_ns",
        "birthtime_ns", "flags", "inode", "target", "major", "minor"]

NAMES = [b"caf\xe9", b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80",
         b"\xf4\x90\x80\x80", b"\xc0\xaf",
         "\u00fc\u4e2d\U0001f600".encode(), b'q"uo\\te', b"tab\there",
         b"nl\nhere", b"\x01\x1f\x7f", b"ok"]


def names(top):
    os.makedirs(top)
    for n in NAMES:
        open(os.path.join(top.encode(), n), "w").close()


def unescape(s):
    return s.encode("utf-8", "surrogateescape")


def roundtrip(top, prefix, cmd):
    want = set(os.listdir(top.encode()))
    if prefix != "-":
        cmd = cmd + [prefix.encode() + n for n in sorted(want)]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    got = set()
    for line in out.split(b"\n")[:-1]:
        line.decode("utf-8")          # the output itself is UTF-8
        o = json.loads(line)
        assert list(o) == KEYS, list(o)
        name = unescape(o["name"])
        assert unescape(o["path"]).endswith(b"/" + name), o
        got.add(name)
    assert got == want, (sorted(got), sorted(want))


def fields(path):
    objs = [json.loads(line) for line in open(path)]
    for o in objs:
        assert list(o) == KEYS, list(o)
    big, link, cdev, sticky = objs
    assert big["name"] == "big" and big["path"] == "/tree/big", big
    assert big["type"] == "file" and big["mode"] == 0o444, big
    assert (big["uid"], big["gid"], big["size"]) == (1234, 5678, 100000)
    assert big["nlink"] == 1 and big["blocks"] > 0, big
    assert big["target"] is None and big["major"] is None, big
    assert big["mtime_ns"] == 1234567890123456789, big["mtime_ns"]
    assert big["atime_ns"] == (1234567890 - 86400) * 10**9 + 5, big
    assert link["type"] == "symlink" and link["target"] == "one", link
    assert link["gid"] == 5 and link["mode"] == 0o777, link
    assert cdev["type"] == "chardev", cdev
    assert (cdev["major"], cdev["minor"]) == (4, 64), cdev
    assert sticky["type"] == "dir" and sticky["mode"] == 0o1777, sticky


def main():
    if sys.argv[1] == "names":
        names(sys.argv[2])
    elif sys.argv[1] == "roundtrip":
        roundtrip(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif sys.argv[1] == "fields":
        fields(sys.argv[2])
    else:
        sys.exit("usage: h_json.py names|roundtrip|fields ...")


if __name__ == "__main__":
    main()
