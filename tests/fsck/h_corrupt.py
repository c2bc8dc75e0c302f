#!/usr/bin/env python3
"""h_corrupt.py IMAGE KIND: damage an FFS image made by makefs from the tree
of t_fsu_fsck.sh in one known way (the kinds are listed by --list).

The image is read through its superblock (UFS1 or UFS2, either byte order);
files are found by path through the directory entries.  Test helper only:
it trusts the image, which makefs just made.
"""
import struct
import sys

SB_OFFSETS = (65536, 8192, 0, 262144)
UFS1_MAGIC, UFS2_MAGIC, CG_MAGIC = 0x011954, 0x19540119, 0x090255


class Img:
    def __init__(self, path):
        self.f = open(path, 'r+b')
        for off in SB_OFFSETS:
            raw = self.rd(off, 1376)
            for e in '<>':
                magic = struct.unpack_from(e + 'i', raw, 1372)[0]
                if magic in (UFS1_MAGIC, UFS2_MAGIC):
                    self.e, self.sbloc, self.ufs2 = e, off, magic == UFS2_MAGIC
                    break
            else:
                continue
            break
        else:
            sys.exit("no superblock")
        g = lambda fmt, o: struct.unpack_from(self.e + fmt, self.rd(self.sbloc, 1376), o)[0]
        self.sblkno, self.cblkno, self.iblkno, self.dblkno = (g('i', o) for o in (8, 12, 16, 20))
        self.cgoffset, self.cgmask = g('i', 24), g('i', 28)
        self.ncg, self.bsize, self.fsize, self.frag = g('i', 44), g('i', 48), g('i', 52), g('i', 56)
        self.ipg, self.fpg, self.inopb = g('i', 184), g('i', 188), g('i', 120)
        self.nindir = g('i', 116)
        self.cgsize = g('i', 160)
        self.size = g('q', 1080) if self.ufs2 else g('i', 36)
        self.csaddr = g('q', 1096) if self.ufs2 else g('i', 152)
        self.isize = 256 if self.ufs2 else 128
        self.dbo = 112 if self.ufs2 else 40          # di_db offset
        self.ibo = 208 if self.ufs2 else 88
        self.p = 'q' if self.ufs2 else 'i'
        self.psz = 8 if self.ufs2 else 4

    def rd(self, off, n):
        self.f.seek(off)
        return self.f.read(n)

    def wr(self, off, data):
        self.f.seek(off)
        self.f.write(data)

    def u(self, fmt, off):
        return struct.unpack_from(self.e + fmt, self.rd(off, struct.calcsize(self.e + fmt)))[0]

    def put(self, fmt, off, v):
        self.wr(off, struct.pack(self.e + fmt, v))

    # --- layout
    def cgstart(self, c):
        base = c * self.fpg
        return base if self.ufs2 else base + self.cgoffset * (c & ~self.cgmask)

    def cgoff(self, c):
        return (self.cgstart(c) + self.cblkno) * self.fsize

    def ioff(self, ino):
        c, i = divmod(ino, self.ipg)
        return (self.cgstart(c) + self.iblkno) * self.fsize + i * self.isize

    # --- inodes
    def mode(self, ino):
        return self.u('H', self.ioff(ino))

    def fsize_of(self, ino):
        return self.u('Q', self.ioff(ino) + (16 if self.ufs2 else 8))

    def db(self, ino, i):
        return self.u(self.p, self.ioff(ino) + self.dbo + i * self.psz)

    def set_db(self, ino, i, v):
        self.put(self.p, self.ioff(ino) + self.dbo + i * self.psz, v)

    def ib(self, ino, i):
        return self.u(self.p, self.ioff(ino) + self.ibo + i * self.psz)

    def set_ib(self, ino, i, v):
        self.put(self.p, self.ioff(ino) + self.ibo + i * self.psz, v)

    def nlink_off(self, ino):
        return self.ioff(ino) + 2

    def blocks_off(self, ino):
        return self.ioff(ino) + (24 if self.ufs2 else 104)

    # --- directories: (offset in image, ino, reclen, type, name) of each entry
    def entries(self, dino):
        size = self.fsize_of(dino)
        out = []
        for lbn in range((size + self.bsize - 1) // self.bsize):
            blk = self.db(dino, lbn)
            n = min(self.bsize, size - lbn * self.bsize)
            base = blk * self.fsize
            data = self.rd(base, n)
            for co in range(0, n, 512):
                pos = 0
                while pos < 512:
                    ino, reclen = struct.unpack_from(self.e + 'IH', data, co + pos)
                    typ, namlen = data[co + pos + 6], data[co + pos + 7]
                    name = data[co + pos + 8:co + pos + 8 + namlen].decode()
                    out.append((base + co + pos, ino, reclen, typ, name))
                    if reclen == 0:
                        break
                    pos += reclen
        return out

    def lookup(self, path):
        ino = 2
        for comp in [c for c in path.split('/') if c]:
            for off, i, rl, t, name in self.entries(ino):
                if i and name == comp:
                    ino = i
                    break
            else:
                sys.exit(f"no {path}")
        return ino

    def entry(self, path):
        parent, _, last = path.rstrip('/').rpartition('/')
        for ent in self.entries(self.lookup(parent or '/')):
            if ent[1] and ent[4] == last:
                return ent
        sys.exit(f"no entry {path}")

    def free_inode(self):
        for ino in range(3, self.ncg * self.ipg):
            if self.mode(ino) == 0 and ino % self.ipg < self.ipg // 2:
                return ino
        sys.exit("no free inode")

    def sbfield(self, fmt, off, delta):
        self.put(fmt, self.sbloc + off, self.u(fmt, self.sbloc + off) + delta)

    def cgfield(self, c, fmt, off, delta):
        self.put(fmt, self.cgoff(c) + off, self.u(fmt, self.cgoff(c) + off) + delta)

    def cgmap(self, c, which):
        return self.u('i', self.cgoff(c) + {'iused': 92, 'free': 96, 'clsum': 104, 'cl': 108}[which])

    def flipbit(self, off, bit):
        b = self.rd(off + bit // 8, 1)[0]
        self.wr(off + bit // 8, bytes([b ^ (1 << (bit % 8))]))


def new_inode(img, mode, size=0, nlink=1):
    ino = img.free_inode()
    raw = bytearray(img.isize)
    struct.pack_into(img.e + 'H', raw, 0, mode)
    struct.pack_into(img.e + 'h', raw, 2, nlink)
    struct.pack_into(img.e + 'Q', raw, 16 if img.ufs2 else 8, size)
    img.wr(img.ioff(ino), bytes(raw))
    # mark it used in its group's inode map, so only the missing name is wrong
    c, i = divmod(ino, img.ipg)
    img.flipbit(img.cgoff(c) + img.cgmap(c, 'iused'), i)
    return ino


KINDS = {}


def kind(fn):
    KINDS[fn.__name__.replace('_', '-')] = fn
    return fn


@kind
def sb_ndir(img): img.sbfield('q', 1008, 3); img.sbfield('i', 192, 3)
@kind
def sb_nbfree(img): img.sbfield('q', 1016, -5); img.sbfield('i', 196, -5)
@kind
def sb_nifree(img): img.sbfield('q', 1024, 7); img.sbfield('i', 200, 7)
@kind
def sb_nffree(img): img.sbfield('q', 1032, 2); img.sbfield('i', 204, 2)
@kind
def csum_ndir(img): img.put('i', img.csaddr * img.fsize, img.u('i', img.csaddr * img.fsize) + 1)
@kind
def csum_nbfree(img): img.put('i', img.csaddr * img.fsize + 4, 0)
@kind
def cg_nifree(img): img.cgfield(0, 'i', 32, -1)
@kind
def cg_nbfree(img): img.cgfield(0, 'i', 28, 4)
@kind
def cg_nffree(img): img.cgfield(0, 'i', 36, 9)
@kind
def cg_frsum(img): img.cgfield(0, 'i', 52 + 4, 3)
@kind
def imap_used_marked_free(img):
    ino = img.lookup('/d1/f3'); c, i = divmod(ino, img.ipg)
    img.flipbit(img.cgoff(c) + img.cgmap(c, 'iused'), i)
@kind
def imap_free_marked_used(img):
    ino = img.free_inode(); c, i = divmod(ino, img.ipg)
    img.flipbit(img.cgoff(c) + img.cgmap(c, 'iused'), i)
@kind
def fmap_used_marked_free(img):
    blk = img.db(img.lookup('/d1/f20'), 0); c = blk // img.fpg
    img.flipbit(img.cgoff(c) + img.cgmap(c, 'free'), blk - c * img.fpg)
@kind
def fmap_free_marked_used(img):
    c = img.ncg - 1
    off = img.cgoff(c) + img.cgmap(c, 'free')
    nbits = min(img.fpg, img.size - c * img.fpg)
    for b in range(nbits - 1, 0, -1):
        if img.rd(off + b // 8, 1)[0] >> (b % 8) & 1:
            img.flipbit(off, b)
            return
    sys.exit("no free fragment")
@kind
def cluster_map(img):
    c = img.ncg - 1
    if img.cgmap(c, 'cl') == 0:
        sys.exit("no cluster map")
    img.flipbit(img.cgoff(c) + img.cgmap(c, 'cl'), 0)
@kind
def cluster_sum(img):
    c = img.ncg - 1
    img.cgfield(c, 'i', img.cgmap(c, 'clsum') + 4, 2)
@kind
def di_blocks(img): img.put('I', img.blocks_off(img.lookup('/d1/f7')), 12345)
@kind
def nlink_high(img): img.put('h', img.nlink_off(img.lookup('/d1/f8')), 3)
@kind
def nlink_low(img): img.put('h', img.nlink_off(img.lookup('/d1/f1')), 1)
@kind
def dir_nlink(img): img.put('h', img.nlink_off(img.lookup('/d1')), 9)
@kind
def unref_empty_file(img): new_inode(img, 0o100644)
@kind
def unref_file_with_data(img):
    off, ino, rl, t, name = img.entry('/d1/f9')
    img.put('I', off, 0)
@kind
def wrong_dtype(img):
    off, ino, rl, t, name = img.entry('/d1/f10')
    img.wr(off + 6, bytes([4]))
@kind
def free_inode_junk(img):
    ino = img.free_inode()
    img.put('Q', img.ioff(ino) + (16 if img.ufs2 else 8), 4096)
@kind
def not_clean(img): img.wr(img.sbloc + 209, b'\0')
@kind
def needs_fsck(img):
    # FS_NEEDSFSCK (0x04) in fs_old_flags (byte 211) and, where the
    # superblock has them (UFS2, or UFS1 with FS_FLAGS_UPDATED 0x80), in
    # the 32-bit fs_flags at 1312.
    old = img.rd(img.sbloc + 211, 1)[0]
    img.wr(img.sbloc + 211, bytes([old | 0x04]))
    if img.ufs2 or old & 0x80:
        img.put('I', img.sbloc + 1312, img.u('I', img.sbloc + 1312) | 0x04)
@kind
def entry_to_free_inode(img):
    off, ino, rl, t, name = img.entry('/d1/f11')
    img.put('I', off, img.free_inode())
@kind
def entry_out_of_range(img):
    off, ino, rl, t, name = img.entry('/d1/f12')
    img.put('I', off, img.ncg * img.ipg + 5)
@kind
def duplicate_block(img):
    a, b = img.lookup('/d1/f40'), img.lookup('/d1/f41')
    img.set_db(b, 1, img.db(a, 1))
@kind
def pointer_into_superblock(img):
    img.set_db(img.lookup('/d1/f13'), 0, img.sbloc // img.fsize)
@kind
def pointer_into_inode_table(img):
    img.set_db(img.lookup('/d1/f14'), 1, img.cgstart(0) + img.iblkno)
@kind
def pointer_outside(img):
    img.set_db(img.lookup('/d1/f15'), 2, img.size + 100)
@kind
def indirect_self(img):
    ino = img.lookup('/d1/big')
    ind = img.ib(ino, 0)
    img.put(img.p, ind * img.fsize + 3 * img.psz, ind)
@kind
def pointer_past_eof(img):
    ino = img.lookup('/d1/f2')
    img.set_db(ino, 8, img.db(img.lookup('/d1/f16'), 0))
@kind
def bad_dotdot(img):
    d3 = img.lookup('/d1/d2/d3')
    ents = img.entries(d3)
    img.put('I', ents[1][0], img.lookup('/e'))
@kind
def bad_dot(img):
    d2 = img.lookup('/d1/d2')
    img.put('I', img.entries(d2)[0][0], img.lookup('/e'))
@kind
def root_dotdot(img):
    img.put('I', img.entries(2)[1][0], img.lookup('/e'))
@kind
def unreachable_dir(img):
    off, ino, rl, t, name = img.entry('/d1/d2')
    img.put('I', off, 0)
@kind
def hardlinked_dir(img):
    off, ino, rl, t, name = img.entry('/e/hard')
    img.put('I', off, img.lookup('/d1/d2/d3'))
    img.wr(off + 6, bytes([4]))
@kind
def unknown_type(img):
    img.put('H', img.ioff(img.lookup('/d1/f17')), 0o170644)
@kind
def corrupt_reclen(img):
    ents = img.entries(img.lookup('/d1'))
    img.put('H', ents[5][0] + 4, 3)
@kind
def dir_size_odd(img):
    ino = img.lookup('/d1/d2/d3')
    img.put('Q', img.ioff(ino) + (16 if img.ufs2 else 8), 700)
@kind
def cg_bad_magic(img): img.put('i', img.cgoff(img.ncg - 1) + 4, 0x1234)
@kind
def fifo_with_blocks(img):
    img.set_db(img.lookup('/e/fifo'), 3, img.db(img.lookup('/d1/f18'), 0))


# Paths a kind damages (a shell pattern each): after repair they may be
# gone from where they were (into /lost+found) or cut short; every other
# file must read back as it was.
DAMAGED = {
    'unref-file-with-data': '/d1/f9',
    'entry-to-free-inode': '/d1/f11',
    'entry-out-of-range': '/d1/f12',
    'duplicate-block': '/d1/f41',
    'pointer-into-superblock': '/d1/f13',
    'pointer-into-inode-table': '/d1/f14',
    'pointer-outside': '/d1/f15',
    'indirect-self': '/d1/big',
    'unreachable-dir': '/d1/d2/*',
    'hardlinked-dir': '/e/hard',
    'unknown-type': '/d1/f17',
    'corrupt-reclen': '/d1/*',
}


def main():
    if sys.argv[1:] == ['--list']:
        print('\n'.join(KINDS))
        return
    if sys.argv[1] == '--damaged':
        print(DAMAGED.get(sys.argv[2], ''))
        return
    img = Img(sys.argv[1])
    KINDS[sys.argv[2]](img)
    img.f.close()


if __name__ == '__main__':
    main()
