#!/usr/bin/env python3
"""h_dag.py: images whose directories are linked from two entries.

No file system interface makes a second link to a directory, so the test
builds a plain tree, puts it into an image with makefs and then patches
the image's directory entries:

  h_dag.py tree DIR LEVELS     make DIR/dag_a_00/dag_a_01/... (LEVELS
                               deep); the directory of level i holds
                               dag_a_<i> and an empty dag_b_<i>, and a
                               file f
  h_dag.py link IMG LEVELS     point every dag_b_<i> at the inode of
                               dag_a_<i>: 2^LEVELS paths lead to the
                               deepest directory
  h_dag.py cycle IMG NAME      point the entry NAME (a directory) at
                               the root directory (inode 2)

An FFS directory entry (struct direct, little-endian as makefs writes it
on this host) is d_ino (4 bytes), d_reclen (2), d_type (1), d_namlen (1)
and the name; the names used here occur once in the image, so the entry
is found by its type, length and name bytes.
"""
import os
import struct
import sys

DT_DIR = 4


def entry_offset(data, name):
    pat = bytes([DT_DIR, len(name)]) + name.encode() + b"\0"
    pos = data.find(pat)
    if pos < 0 or data.find(pat, pos + 1) >= 0:
        sys.exit("h_dag.py: entry %s not found once" % name)
    return pos - 6


def tree(top, levels):
    d = top
    for i in range(levels):
        os.makedirs(os.path.join(d, "dag_b_%02d" % i))
        with open(os.path.join(d, "f"), "w") as f:
            f.write("%d\n" % i)
        d = os.path.join(d, "dag_a_%02d" % i)
        os.makedirs(d)


def patch(img, pairs):
    with open(img, "r+b") as f:
        data = f.read()
        for name, ino in pairs:
            off = entry_offset(data, name)
            f.seek(off)
            f.write(struct.pack("<I", ino))


def link(img, levels):
    with open(img, "rb") as f:
        data = f.read()
    pairs = []
    for i in range(levels):
        a = entry_offset(data, "dag_a_%02d" % i)
        ino = struct.unpack_from("<I", data, a)[0]
        pairs.append(("dag_b_%02d" % i, ino))
    patch(img, pairs)


def main():
    cmd, arg = sys.argv[1], sys.argv[2]
    if cmd == "tree":
        tree(arg, int(sys.argv[3]))
    elif cmd == "link":
        link(arg, int(sys.argv[3]))
    elif cmd == "cycle":
        patch(arg, [(sys.argv[3], 2)])
    else:
        sys.exit("usage: h_dag.py tree|link|cycle ...")


if __name__ == "__main__":
    main()
