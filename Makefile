# fs-utils: top-level GNU Makefile.
#
#   make                 build libraries and programs into $(O)
#   make tests           build the test programs only
#   make check           build and run the whole test suite (kyua)
#   make check SANITIZE=1  the same under AddressSanitizer + UBSan
#   make fuzz FUZZ_SECONDS=N  run each fuzz target N seconds (clang)
#   make demo            build an FFS image and show fsu_ls / fsu_cat on it
#   make bench           benchmarks against the peer tools
#   make install         install into $(DESTDIR)$(PREFIX)
#
# Layers (see README.md): lib/ (hypercalls) <- kern/ (embedded kernel)
# <- ukfs/ (libukfs) <- cmd/ (shared command code) <- fsu_*/ (programs).

PREFIX	?= /usr/local
DESTDIR	?=
BINDIR	 = $(PREFIX)/bin
LIBDIR	 = $(PREFIX)/lib
INCDIR	 = $(PREFIX)/include
MANDIR	 = $(PREFIX)/share/man

CC	?= cc
AR	?= ar
OPT	?= -O2
CFLAGS	?= $(OPT) -g

ifeq ($(FUZZER),1)
# make fuzz: clang, libFuzzer's coverage and the sanitizers everywhere.
O	?= obj-fuzz
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined \
	   -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SANITIZE),1)
O	?= obj-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
else
O	?= obj
SANFLAGS =
endif

WARNS	 = -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wshadow \
	   -Wpointer-arith -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNS	+= -Werror
endif

BASEFLAGS = -std=c11 -fPIC -MMD -MP $(WARNS) $(SANFLAGS) $(CFLAGS)
HOSTFLAGS = $(BASEFLAGS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# kern/ sees only freestanding headers and lib/hyp.h.
GCCINC	:= $(shell $(CC) -print-file-name=include)
KERNFLAGS = $(BASEFLAGS) -ffreestanding -nostdinc -isystem $(GCCINC) \
	   -fvisibility=hidden
LDFLAGS	?=
LDLIBS	 = -lpthread

# ---------------------------------------------------------------- sources

LIB_SRCS = \
	lib/hyp_errno.c \
	lib/hyp_file.c \
	lib/hyp_misc.c \
	lib/hyp_thread.c

KERN_CORE_SRCS = \
	kern/kern_init.c \
	kern/kern_kmem.c \
	kern/kern_lock.c \
	kern/kern_proc.c \
	kern/kern_subr.c

KERN_BLK_SRCS = \
	kern/dev/blk.c \
	kern/dev/jrnl.c \
	kern/dev/jrnl_recover.c \
	kern/dev/jrnl_subr.c

KERN_PART_SRCS = \
	kern/dev/part.c

KERN_VFS_SRCS = \
	kern/vfs/vfs_bio.c \
	kern/vfs/vfs_disk.c \
	kern/vfs/vfs_init.c \
	kern/vfs/vfs_lookup.c \
	kern/vfs/vfs_mount.c \
	kern/vfs/vfs_page.c \
	kern/vfs/vfs_syscalls.c \
	kern/vfs/vfs_vnode.c \
	kern/vfs/vfs_vnops.c

KERN_ROOTFS_SRCS = \
	kern/fs/rootfs/rootfs_vfsops.c \
	kern/fs/rootfs/rootfs_vnops.c

KERN_FFS_SRCS = \
	kern/fs/ffs/ffs_alloc.c \
	kern/fs/ffs/ffs_balloc.c \
	kern/fs/ffs/ffs_bmap.c \
	kern/fs/ffs/ffs_bswap.c \
	kern/fs/ffs/ffs_dirops.c \
	kern/fs/ffs/ffs_fit.c \
	kern/fs/ffs/ffs_fsck.c \
	kern/fs/ffs/ffs_inode.c \
	kern/fs/ffs/ffs_lookup.c \
	kern/fs/ffs/ffs_namei.c \
	kern/fs/ffs/ffs_newfs.c \
	kern/fs/ffs/ffs_subr.c \
	kern/fs/ffs/ffs_vfsops.c \
	kern/fs/ffs/ffs_vnops.c

KERN_EXT2FS_SRCS = \
	kern/fs/ext2fs/ext2fs_alloc.c \
	kern/fs/ext2fs/ext2fs_bmap.c \
	kern/fs/ext2fs/ext2fs_bswap.c \
	kern/fs/ext2fs/ext2fs_csum.c \
	kern/fs/ext2fs/ext2fs_dirops.c \
	kern/fs/ext2fs/ext2fs_extents.c \
	kern/fs/ext2fs/ext2fs_inode.c \
	kern/fs/ext2fs/ext2fs_journal.c \
	kern/fs/ext2fs/ext2fs_lookup.c \
	kern/fs/ext2fs/ext2fs_namei.c \
	kern/fs/ext2fs/ext2fs_newfs.c \
	kern/fs/ext2fs/ext2fs_subr.c \
	kern/fs/ext2fs/ext2fs_vfsops.c \
	kern/fs/ext2fs/ext2fs_vnops.c

KERN_MSDOSFS_SRCS = \
	kern/fs/msdosfs/msdosfs_alloc.c \
	kern/fs/msdosfs/msdosfs_bmap.c \
	kern/fs/msdosfs/msdosfs_conv.c \
	kern/fs/msdosfs/msdosfs_dirops.c \
	kern/fs/msdosfs/msdosfs_inode.c \
	kern/fs/msdosfs/msdosfs_lookup.c \
	kern/fs/msdosfs/msdosfs_namei.c \
	kern/fs/msdosfs/msdosfs_newfs.c \
	kern/fs/msdosfs/msdosfs_subr.c \
	kern/fs/msdosfs/msdosfs_vfsops.c \
	kern/fs/msdosfs/msdosfs_vnops.c

KERN_CD9660_SRCS = \
	kern/fs/cd9660/cd9660_bmap.c \
	kern/fs/cd9660/cd9660_inode.c \
	kern/fs/cd9660/cd9660_lookup.c \
	kern/fs/cd9660/cd9660_rrip.c \
	kern/fs/cd9660/cd9660_subr.c \
	kern/fs/cd9660/cd9660_vfsops.c \
	kern/fs/cd9660/cd9660_vnops.c

KERN_SRCS = $(KERN_CORE_SRCS) $(KERN_BLK_SRCS) $(KERN_PART_SRCS) \
	$(KERN_VFS_SRCS) $(KERN_ROOTFS_SRCS) $(KERN_FFS_SRCS) \
	$(KERN_EXT2FS_SRCS) $(KERN_MSDOSFS_SRCS) $(KERN_CD9660_SRCS)

UKFS_SRCS = \
	ukfs/ukfs.c

CMD_SRCS = \
	cmd/fsu_attr.c \
	cmd/fsu_dirset.c \
	cmd/fsu_fmt.c \
	cmd/fsu_inoset.c \
	cmd/fsu_json.c \
	cmd/fsu_mode.c \
	cmd/fsu_mount.c \
	cmd/fsu_place.c \
	cmd/fsu_util.c \
	cmd/fsu_walk.c

# File system pages (section 7), installed with the programs' pages.
MAN7 = kern/fs/msdosfs/fsu_msdos.7

# One directory per program; each holds PROG.c (and maybe more) + PROG.1.
PROGS = \
	fsu_batch \
	fsu_cat \
	fsu_chflags \
	fsu_chgrp \
	fsu_chmod \
	fsu_chown \
	fsu_cmp \
	fsu_cp \
	fsu_df \
	fsu_diff \
	fsu_du \
	fsu_ecp \
	fsu_find \
	fsu_fsck \
	fsu_ln \
	fsu_ls \
	fsu_mkdir \
	fsu_mkfifo \
	fsu_mknod \
	fsu_mv \
	fsu_newfs \
	fsu_rm \
	fsu_rmdir \
	fsu_stat \
	fsu_tar \
	fsu_touch \
	fsu_write

fsu_ls_EXTRA = \
	fsu_ls/cmp.c \
	fsu_ls/print.c \
	fsu_ls/util.c

fsu_diff_EXTRA = \
	fsu_diff/text.c

fsu_find_EXTRA = \
	fsu_find/eval.c \
	fsu_find/ls.c \
	fsu_find/parse.c

fsu_stat_EXTRA = \
	fsu_stat/format.c

fsu_ecp_EXTRA = \
	fsu_ecp/ecp_get.c \
	fsu_ecp/ecp_links.c \
	fsu_ecp/ecp_put.c \
	fsu_ecp/ecp_util.c \
	fsu_ecp/ecp_xfer.c

# Other names of programs: hard links to the binary, which looks at the
# name it runs under (fsu_get and fsu_put are fsu_ecp).
PROG_LINKS = \
	fsu_get:fsu_ecp \
	fsu_put:fsu_ecp

fsu_newfs_EXTRA = fsu_newfs/newfs_content.c
fsu_newfs_LIBS = -larchive
fsu_tar_LIBS = -larchive

# Sources shared between programs.
fsu_chown_EXTRA = fsu_chown/chown_common.c
fsu_chgrp_EXTRA = fsu_chown/chown_common.c

# fsu_batch runs the body (struct fsu_prog) of every program that works on
# a mounted image (all but fsu_fsck and fsu_newfs): their main
# sources again, compiled with -DFSU_BATCH (no main), and their extras.
BATCH_PROGS = $(filter-out fsu_batch fsu_fsck fsu_newfs,$(PROGS))
fsu_batch_LIBS = -larchive
fsu_batch_OBJS = $(foreach p,$(BATCH_PROGS),$(O)/batch/$(p)/$(p).o) \
	$(sort $(foreach p,$(BATCH_PROGS),$(addprefix $(O)/,$(patsubst \
	%.c,%.o,$($(p)_EXTRA)))))

# ------------------------------------------------------------------ tests
# C test programs (atf-c): tests/<area>/t_<name>.c linked with the kernel
# archives, and shell tests (atf-sh): tests/<area>/t_<name>.sh.

TESTS_C_KERN = \
	tests/kern/t_kmem

TESTS_C_BLK = \
	tests/blk/t_blk

TESTS_C_PART = \
	tests/part/t_part

TESTS_C_VFS = \
	tests/vfs/t_namei \
	tests/vfs/t_pagecache

TESTS_C_UKFS = \
	tests/ukfs/t_mounts \
	tests/ukfs/t_ukfs

TESTS_C_FFS = \
	tests/ffs/t_ffs \
	tests/ffs/t_ffs_hostile \
	tests/ffs/t_ffs_seek \
	tests/ffs/t_ffs_write

# Tests over the table of file systems (tests/common/fstab).
TESTS_C_FS = \
	tests/fs/t_model

TESTS_C_CMD = \
	tests/cmd/h_fsu_stat \
	tests/cmd/t_fsu_mode

TESTS_C_MSDOSFS = \
	tests/msdosfs/h_mounted

TESTS_C_JOURNAL = \
	tests/journal/h_snap \
	tests/journal/t_jrnl

TESTS_SH = \
	tests/build/t_layering \
	tests/cmd/h_attr \
	tests/cmd/h_names \
	tests/cmd/t_fsu_ls \
	tests/cmd/t_fsu_batch \
	tests/cmd/t_fsu_chflags \
	tests/cmd/t_fsu_chgrp \
	tests/cmd/t_fsu_chmod \
	tests/cmd/t_fsu_chown \
	tests/cmd/t_fsu_cmp \
	tests/cmd/t_fsu_cp \
	tests/cmd/t_fsu_df \
	tests/cmd/t_fsu_diff \
	tests/cmd/t_fsu_du \
	tests/cmd/t_fsu_find \
	tests/cmd/t_fsu_get \
	tests/cmd/t_fsu_ln \
	tests/cmd/t_fsu_mkdir \
	tests/cmd/t_fsu_mknod \
	tests/cmd/t_fsu_mv \
	tests/cmd/t_fsu_put \
	tests/cmd/t_fsu_rm \
	tests/cmd/t_fsu_rmdir \
	tests/cmd/t_fsu_stat \
	tests/cmd/t_fsu_touch \
	tests/cmd/t_fsu_write \
	tests/cmd/t_hostile \
	tests/cmd/t_model \
	tests/cmd/t_readonly \
	tests/cmd/t_two_images \
	tests/cmd/t_walk \
	tests/cd9660/t_cd9660 \
	tests/ext2fs/t_ext2fs \
	tests/msdosfs/t_msdosfs \
	tests/fsck/t_fsu_fsck \
	tests/newfs/t_fsu_newfs \
	tests/tar/t_fsu_tar \
	tests/fuzz/t_fuzz \
	tests/journal/t_journal

TESTS_C = $(TESTS_C_KERN) $(TESTS_C_BLK) $(TESTS_C_PART) $(TESTS_C_VFS) \
	$(TESTS_C_UKFS) $(TESTS_C_FFS) $(TESTS_C_FS) $(TESTS_C_CMD) \
	$(TESTS_C_JOURNAL) $(TESTS_C_MSDOSFS)

# Every test directory has a Kyuafile; tests/Kyuafile includes them.
KYUAFILES = tests/Kyuafile $(addsuffix Kyuafile,$(sort $(dir $(TESTS_C) \
	$(TESTS_SH))))

# ------------------------------------------------------------------ rules

LIB_OBJS  = $(LIB_SRCS:%.c=$(O)/%.o)
KERN_OBJS = $(KERN_SRCS:%.c=$(O)/%.o)
UKFS_OBJS = $(UKFS_SRCS:%.c=$(O)/%.o)
CMD_OBJS  = $(CMD_SRCS:%.c=$(O)/%.o)

LIBHYP	= $(O)/lib/libhyp.a
LIBKERN	= $(O)/kern/libkern.a
LIBUKFS	= $(O)/ukfs/libukfs.a
LIBUKFS_SO = $(O)/ukfs/libukfs.so
LIBFSU	= $(O)/cmd/libfsu.a
KERN_IMPORTS_OK = $(O)/kern/.imports-ok

PROG_BINS = $(PROGS:%=$(O)/bin/%)
link_name = $(firstword $(subst :, ,$(1)))
link_prog = $(lastword $(subst :, ,$(1)))
PROG_LINK_BINS = $(foreach l,$(PROG_LINKS),$(O)/bin/$(call link_name,$(l)))
TEST_BINS = $(TESTS_C:%=$(O)/%) $(TESTS_SH:%=$(O)/%) \
	$(KYUAFILES:%=$(O)/%)

ATF_CFLAGS := $(shell pkg-config --cflags atf-c 2>/dev/null)
ATF_LIBS   := $(shell pkg-config --libs atf-c 2>/dev/null || echo -latf-c)

.PHONY: all tests check demo bench install clean lint
.DEFAULT_GOAL := all

all: $(LIBHYP) $(LIBKERN) $(KERN_IMPORTS_OK) $(if $(UKFS_SRCS),$(LIBUKFS) \
	$(LIBUKFS_SO) $(O)/ukfs/ukfs.pc) $(if $(CMD_SRCS),$(LIBFSU)) \
	$(PROG_BINS) $(PROG_LINK_BINS)

$(O)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) -c -o $@ $<

$(O)/kern/%.o: kern/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNFLAGS) -c -o $@ $<

$(O)/ukfs/%.o: ukfs/%.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) -c -o $@ $<

$(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) -Iukfs -c -o $@ $<

$(O)/fsu_%.o: fsu_%.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) -Iukfs -Icmd -c -o $@ $<

$(O)/batch/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) -DFSU_BATCH -Iukfs -Icmd -c -o $@ $<

$(LIBHYP): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBKERN): $(KERN_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBUKFS): $(UKFS_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBFSU): $(CMD_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The shared library carries the whole stack but exports only ukfs_*.
$(LIBUKFS_SO): $(UKFS_OBJS) $(KERN_OBJS) $(LIB_OBJS) ukfs/ukfs.map
	$(CC) -shared -Wl,-soname,libukfs.so.1 \
	    -Wl,--version-script=ukfs/ukfs.map $(SANFLAGS) -o $@ \
	    $(UKFS_OBJS) $(KERN_OBJS) $(LIB_OBJS) $(LDLIBS)

$(O)/ukfs/ukfs.pc: ukfs/ukfs.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|g' $< > $@

# kern/ may import nothing from the host but hyp_* and pure libc helpers.
$(KERN_IMPORTS_OK): $(KERN_OBJS) tests/check_kern_imports.sh
	sh tests/check_kern_imports.sh $(KERN_OBJS)
	@touch $@

# Programs: fsu_X/fsu_X.c (plus any fsu_X/*.c listed in fsu_X_EXTRA).
# The objects of the extra sources come from a function: a '%' written in
# the rule itself would be replaced by the stem before the second expansion.
prog_extra_objs = $(addprefix $(O)/,$(patsubst %.c,%.o,$($(1)_EXTRA)))
.SECONDEXPANSION:
$(O)/bin/%: $(O)/$$*/$$*.o $$(call prog_extra_objs,$$*) $$($$*_OBJS) \
	    $(LIBFSU) $(LIBUKFS) $(LIBKERN) $(LIBHYP)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBFSU) \
	    $(LIBUKFS) $(LIBKERN) $(LIBHYP) $($*_LIBS) $(LDLIBS)

define prog_link_rule
$(O)/bin/$(call link_name,$(1)): $(O)/bin/$(call link_prog,$(1))
	ln -f $$< $$@
endef
$(foreach l,$(PROG_LINKS),$(eval $(call prog_link_rule,$(l))))

# Tests.
$(O)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) $(ATF_CFLAGS) -c -o $@ $<

$(O)/tests/%: $(O)/tests/%.o $(O)/tests/common/h_util.o \
	    $(if $(UKFS_SRCS),$(LIBUKFS)) $(LIBKERN) $(LIBHYP)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(ATF_LIBS) $(LDLIBS)

$(O)/tests/%: tests/%.sh
	@mkdir -p $(@D)
	cp $< $@
	chmod +x $@

$(KYUAFILES:%=$(O)/%): $(O)/%: %
	@mkdir -p $(@D)
	cp $< $@

.SECONDARY:

# Unit tests of the shared command code link its archive.
$(TESTS_C_CMD:%=$(O)/%): $(LIBFSU)
$(TESTS_C_CMD:%=$(O)/%.o): HOSTFLAGS += -Iukfs -Icmd
$(TESTS_C_MSDOSFS:%=$(O)/%.o): HOSTFLAGS += -Iukfs

# Shell tests source this to find the programs, the sources and the FFS
# oracle (../shared/oracles/ffs_check.py beside the project, or FFS_CHECK).
FFS_CHECK ?= $(firstword $(wildcard $(CURDIR)/../shared/oracles/ffs_check.py))
$(O)/tests/env.sh: Makefile
	@mkdir -p $(@D)
	@printf 'FSU_BIN=%s\nFSU_SRC=%s\nFFS_CHECK=%s\nexport FSU_BIN FSU_SRC FFS_CHECK\n' \
	    '$(abspath $(O))/bin' '$(CURDIR)' '$(FFS_CHECK)' >$@

# Fuzz targets: libFuzzer (make fuzz) and replay programs (make check).
include tests/fuzz/fuzz.mk

# Build the test programs without running them (then: cd obj/tests && kyua
# test area/t_name).
tests: all $(TEST_BINS) $(FUZZ_TEST_FILES) $(O)/tests/env.sh

check: tests
	@sh tests/run.sh $(O)

demo: all
	@sh tests/demo.sh $(O)

bench: all
	@sh bench/run.sh $(O)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
	    $(DESTDIR)$(MANDIR)/man7
	$(if $(PROG_BINS),install -m 755 $(PROG_BINS) $(DESTDIR)$(BINDIR))
	$(if $(UKFS_SRCS),install -m 644 $(LIBUKFS) $(DESTDIR)$(LIBDIR); \
	    install -m 755 $(LIBUKFS_SO) $(DESTDIR)$(LIBDIR)/libukfs.so.1; \
	    ln -sf libukfs.so.1 $(DESTDIR)$(LIBDIR)/libukfs.so; \
	    install -m 644 ukfs/ukfs.h $(DESTDIR)$(INCDIR); \
	    install -m 644 ukfs/ukfs.3 $(DESTDIR)$(MANDIR)/man3; \
	    install -m 644 $(O)/ukfs/ukfs.pc $(DESTDIR)$(LIBDIR)/pkgconfig)
	$(foreach p,$(PROGS),install -m 644 $(p)/$(p).1 $(DESTDIR)$(MANDIR)/man1;)
	$(foreach m,$(MAN7),install -m 644 $(m) $(DESTDIR)$(MANDIR)/man7;)
	$(foreach l,$(PROG_LINKS),ln -f $(DESTDIR)$(BINDIR)/$(call link_prog,$(l)) \
	    $(DESTDIR)$(BINDIR)/$(call link_name,$(l)); \
	    ln -sf $(call link_prog,$(l)).1 \
	    $(DESTDIR)$(MANDIR)/man1/$(call link_name,$(l)).1;)

clean:
	rm -rf obj obj-san obj-fuzz

-include $(shell find $(O) -name '*.d' 2>/dev/null)
