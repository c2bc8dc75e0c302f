# tests/fuzz/fuzz.mk: the fuzz targets (included by the top Makefile; see
# tests/fuzz/README.md).
#
# Every file system listed here gets a read target fuzz_read_<fs> and,
# unless it is in FUZZ_FS_RDONLY, a read-write target fuzz_rw_<fs>, both
# built from the generic sources with FUZZ_FSTYPE="<fs>", and seeded by
# its recipe tests/fuzz/seeds_<fs>.sh.  Adding a file system: its name
# here and that recipe.
FUZZ_FS = \
	ext2fs \
	ffs \
	msdos
# File systems without write support: a read target only.
FUZZ_FS_RDONLY = \
	cd9660
# File systems with a checker (ukfs_fsck): a target fuzz_fsck_<fs> too.
FUZZ_FS_FSCK = \
	ffs

FUZZ_SECONDS ?= 60
FUZZ_CC	?= clang

FUZZ_FS_TARGETS = $(foreach f,$(FUZZ_FS) $(FUZZ_FS_RDONLY),fuzz_read_$(f)) \
	$(foreach f,$(filter-out $(FUZZ_FS_RDONLY),$(FUZZ_FS)),fuzz_rw_$(f)) \
	$(foreach f,$(FUZZ_FS_FSCK),fuzz_fsck_$(f))
FUZZ_TARGETS = $(FUZZ_FS_TARGETS) fuzz_part

FUZZ_DIR  = $(O)/tests/fuzz
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
FUZZ_SEEDS = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/seeds/%)

# With FUZZER=1 (make fuzz) libFuzzer provides main() and drives the
# targets; otherwise replay_main.c runs them over files (make check).
# The kernel's console is quiet under libFuzzer but for panics.
# The image targets get a mutator of their own there (fuzz_mutate.c).
ifeq ($(FUZZER),1)
FUZZ_MAIN =
FUZZ_LDFLAGS = -fsanitize=fuzzer
FUZZ_FSLINK = -Wl,--wrap=hyp_console_write
FUZZ_FSOBJS = $(FUZZ_DIR)/fuzz_mutate.o
FUZZ_CFLAGS = -DFUZZ_LIBFUZZER
else
FUZZ_MAIN = $(FUZZ_DIR)/replay_main.o
FUZZ_LDFLAGS =
FUZZ_FSLINK =
FUZZ_FSOBJS =
FUZZ_CFLAGS =
endif

$(FUZZ_DIR)/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

# Static patterns: a pattern rule would also offer to make the .d files.
FUZZ_READ_OBJS = $(patsubst %,$(FUZZ_DIR)/%.o,$(filter fuzz_read_%, \
	$(FUZZ_TARGETS)))
FUZZ_RW_OBJS = $(patsubst %,$(FUZZ_DIR)/%.o,$(filter fuzz_rw_%, \
	$(FUZZ_TARGETS)))
FUZZ_FSCK_OBJS = $(patsubst %,$(FUZZ_DIR)/%.o,$(filter fuzz_fsck_%, \
	$(FUZZ_TARGETS)))

$(FUZZ_READ_OBJS): $(FUZZ_DIR)/fuzz_read_%.o: tests/fuzz/fuzz_read.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) $(FUZZ_CFLAGS) -DFUZZ_FSTYPE='"$*"' -c -o $@ $<

$(FUZZ_RW_OBJS): $(FUZZ_DIR)/fuzz_rw_%.o: tests/fuzz/fuzz_rw.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) $(FUZZ_CFLAGS) -DFUZZ_FSTYPE='"$*"' -c -o $@ $<

$(FUZZ_FSCK_OBJS): $(FUZZ_DIR)/fuzz_fsck_%.o: tests/fuzz/fuzz_fsck.c
	@mkdir -p $(@D)
	$(CC) $(HOSTFLAGS) $(FUZZ_CFLAGS) -DFUZZ_FSTYPE='"$*"' -c -o $@ $<

$(FUZZ_FS_TARGETS:%=$(FUZZ_DIR)/%): $(FUZZ_DIR)/%: $(FUZZ_DIR)/%.o \
    $(FUZZ_DIR)/fuzz_util.o $(FUZZ_FSOBJS) $(FUZZ_MAIN) $(LIBUKFS) \
    $(LIBKERN) $(LIBHYP)
	$(CC) $(SANFLAGS) $(FUZZ_LDFLAGS) $(FUZZ_FSLINK) $(LDFLAGS) -o $@ \
	    $^ $(LDLIBS)

$(FUZZ_DIR)/fuzz_part: $(FUZZ_DIR)/fuzz_part.o $(FUZZ_MAIN) $(LIBKERN) \
    $(LIBHYP)
	$(CC) $(SANFLAGS) $(FUZZ_LDFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Seeds, made by the third-party tools the recipes call.  A recipe whose
# tool is missing leaves a .skip file instead (the replay test skips).
fuzz_seed_recipe = tests/fuzz/seeds_$(patsubst fuzz_read_%,%,$(patsubst \
	fuzz_rw_%,%,$(patsubst fuzz_fsck_%,%,$(patsubst fuzz_part,part, \
	$(1))))).sh
.SECONDEXPANSION:
$(FUZZ_SEEDS): $(FUZZ_DIR)/seeds/%: $$(call fuzz_seed_recipe,$$*) \
    tests/fuzz/mkseeds.sh
	@mkdir -p $(@D)
	@sh tests/fuzz/mkseeds.sh $< $@ $(if $(filter fuzz_rw_%,$*),rw)

# The list of targets the replay test (tests/fuzz/t_fuzz) runs.
$(FUZZ_DIR)/targets: tests/fuzz/fuzz.mk
	@mkdir -p $(@D)
	@printf '%s\n' $(FUZZ_TARGETS) >$@

FUZZ_TEST_FILES = $(FUZZ_BINS) $(FUZZ_SEEDS) $(FUZZ_DIR)/targets

# make fuzz: build the targets with clang, libFuzzer and the sanitizers in
# obj-fuzz, then run each for FUZZ_SECONDS seconds.
# make fuzz-build: only build them (and their seeds).
.PHONY: fuzz fuzz-build fuzz-bins fuzz-run
fuzz:
	$(MAKE) FUZZER=1 CC=$(FUZZ_CC) O=obj-fuzz fuzz-run

fuzz-build:
	$(MAKE) FUZZER=1 CC=$(FUZZ_CC) O=obj-fuzz fuzz-bins

fuzz-bins: $(FUZZ_BINS) $(FUZZ_SEEDS)

fuzz-run: fuzz-bins
	@sh tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
