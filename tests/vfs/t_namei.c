/*
 * t_namei.c: path name lookup on the root file system, through the
 * kernel's system-call layer: absolute and relative paths, "." and "..",
 * symbolic links (relative, absolute, chains, loops), trailing slashes,
 * over-long names, and a chroot that ".." cannot leave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "../../kern/sys.h"
#include "../../lib/hyp_errno.h"

static struct kproc *p;

static void
setup(void)
{
	ATF_REQUIRE_EQ(ksys_boot(), 0);
	ATF_REQUIRE_EQ(ksys_proc_create(&p), 0);
	ATF_REQUIRE_EQ(ksys_mkdir(p, "/a", 0755), 0);
	ATF_REQUIRE_EQ(ksys_mkdir(p, "/a/b", 0755), 0);
	ATF_REQUIRE_EQ(ksys_mkdir(p, "/a/b/c", 0755), 0);
	ATF_REQUIRE_EQ(ksys_mknod(p, "/a/b/file", 0100644, 0), 0);
}

static void
teardown(void)
{
	ksys_proc_destroy(p);
	ksys_halt();
}

static uint64_t
ino(const char *path, int flags)
{
	struct kstat st;
	int error;

	error = ksys_stat(p, path, flags, &st);
	ATF_REQUIRE_MSG(error == 0, "stat %s: error %d", path, error);
	return st.st_ino;
}

static int
stat_err(const char *path, int flags)
{
	struct kstat st;

	return ksys_stat(p, path, flags, &st);
}

ATF_TC(dots);
ATF_TC_HEAD(dots, tc)
{
	atf_tc_set_md_var(tc, "descr", "absolute and relative paths, . and "
	    ".., repeated slashes, .. at the root");
}
ATF_TC_BODY(dots, tc)
{
	setup();
	ATF_REQUIRE_EQ(ino("/a/b/c", 0), ino("//a///b/./c/", 0));
	ATF_REQUIRE_EQ(ino("/a", 0), ino("/a/b/..", 0));
	ATF_REQUIRE_EQ(ino("/a", 0), ino("/a/b/c/../..", 0));
	ATF_REQUIRE_EQ(ino("/", 0), ino("/..", 0));
	ATF_REQUIRE_EQ(ino("/", 0), ino("/../../..", 0));
	ATF_REQUIRE_EQ(ksys_chdir(p, "/a/b"), 0);
	ATF_REQUIRE_EQ(ino("c", 0), ino("/a/b/c", 0));
	ATF_REQUIRE_EQ(ino("..", 0), ino("/a", 0));
	ATF_REQUIRE_EQ(ino(".", 0), ino("/a/b", 0));
	ATF_REQUIRE_EQ(ino("../../a/b/file", 0), ino("/a/b/file", 0));
	ATF_REQUIRE_EQ(stat_err("", 0), HYP_ENOENT);
	ATF_REQUIRE_EQ(stat_err("nosuch/c", 0), HYP_ENOENT);
	ATF_REQUIRE_EQ(stat_err("file/x", 0), HYP_ENOTDIR);
	teardown();
}

ATF_TC(trailing_slash);
ATF_TC_HEAD(trailing_slash, tc)
{
	atf_tc_set_md_var(tc, "descr", "a trailing slash requires a "
	    "directory, for lookups and for creation");
}
ATF_TC_BODY(trailing_slash, tc)
{
	int fd;

	setup();
	ATF_REQUIRE_EQ(ino("/a/b/", 0), ino("/a/b", 0));
	ATF_REQUIRE_EQ(stat_err("/a/b/file/", 0), HYP_ENOTDIR);
	ATF_REQUIRE_EQ(ksys_mkdir(p, "/a/newdir/", 0755), 0);
	ATF_REQUIRE_EQ(ksys_open(p, "/a/newfile/", KO_CREAT | KO_WRONLY,
	    0644, &fd), HYP_EISDIR);
	ATF_REQUIRE_EQ(ksys_mknod(p, "/a/fifo/", 0010644, 0), HYP_ENOENT);
	ATF_REQUIRE_EQ(ksys_rmdir(p, "/a/newdir/"), 0);
	ATF_REQUIRE_EQ(ksys_unlink(p, "/a/b/file/"), HYP_ENOTDIR);
	ATF_REQUIRE_EQ(ksys_symlink(p, "b", "/a/lnk"), 0);
	/* "lnk/" names the directory the link points to. */
	ATF_REQUIRE_EQ(ino("/a/lnk/", KAT_SYMLINK_NOFOLLOW), ino("/a/b", 0));
	teardown();
}

ATF_TC(symlinks);
ATF_TC_HEAD(symlinks, tc)
{
	atf_tc_set_md_var(tc, "descr", "relative and absolute symlinks, in "
	    "the middle and at the end, followed or not");
}
ATF_TC_BODY(symlinks, tc)
{
	char buf[64];
	size_t n;

	setup();
	ATF_REQUIRE_EQ(ksys_symlink(p, "b/c", "/a/rel"), 0);
	ATF_REQUIRE_EQ(ksys_symlink(p, "/a/b", "/abs"), 0);
	ATF_REQUIRE_EQ(ksys_symlink(p, "../file", "/a/b/c/up"), 0);
	ATF_REQUIRE_EQ(ino("/a/rel", 0), ino("/a/b/c", 0));
	ATF_REQUIRE_EQ(ino("/abs/c", 0), ino("/a/b/c", 0));
	ATF_REQUIRE_EQ(ino("/a/rel/up", 0), ino("/a/b/file", 0));
	ATF_REQUIRE_EQ(ino("/abs/c/up", 0), ino("/a/b/file", 0));
	ATF_REQUIRE(ino("/a/rel", KAT_SYMLINK_NOFOLLOW) != ino("/a/b/c", 0));
	ATF_REQUIRE_EQ(ksys_readlink(p, "/a/rel", buf, sizeof(buf), &n), 0);
	ATF_REQUIRE_EQ(n, 3);
	ATF_REQUIRE(memcmp(buf, "b/c", 3) == 0);
	ATF_REQUIRE_EQ(ksys_readlink(p, "/a/b", buf, sizeof(buf), &n),
	    HYP_EINVAL);
	/* Dangling link: lstat works, stat does not. */
	ATF_REQUIRE_EQ(ksys_symlink(p, "nowhere", "/dangle"), 0);
	ATF_REQUIRE_EQ(stat_err("/dangle", 0), HYP_ENOENT);
	ATF_REQUIRE_EQ(stat_err("/dangle", KAT_SYMLINK_NOFOLLOW), 0);
	ATF_REQUIRE_EQ(ksys_symlink(p, "", "/empty"), HYP_ENOENT);
	teardown();
}

ATF_TC(symlink_loops);
ATF_TC_HEAD(symlink_loops, tc)
{
	atf_tc_set_md_var(tc, "descr", "ELOOP for link cycles and for "
	    "chains longer than 32 links; 32 links still resolve");
}
ATF_TC_BODY(symlink_loops, tc)
{
	char from[32], to[32];
	int i;

	setup();
	ATF_REQUIRE_EQ(ksys_symlink(p, "loop2", "/loop1"), 0);
	ATF_REQUIRE_EQ(ksys_symlink(p, "loop1", "/loop2"), 0);
	ATF_REQUIRE_EQ(stat_err("/loop1", 0), HYP_ELOOP);
	ATF_REQUIRE_EQ(stat_err("/loop1/x", KAT_SYMLINK_NOFOLLOW), HYP_ELOOP);
	ATF_REQUIRE_EQ(ksys_symlink(p, "self", "/self"), 0);
	ATF_REQUIRE_EQ(stat_err("/self", 0), HYP_ELOOP);
	/* l0 -> l1 -> ... -> l31 -> /a: 32 links. */
	for (i = 0; i < 32; i++) {
		snprintf(from, sizeof(from), "/l%d", i);
		if (i == 31)
			snprintf(to, sizeof(to), "/a");
		else
			snprintf(to, sizeof(to), "l%d", i + 1);
		ATF_REQUIRE_EQ(ksys_symlink(p, to, from), 0);
	}
	ATF_REQUIRE_EQ(ino("/l0", 0), ino("/a", 0));
	ATF_REQUIRE_EQ(ksys_symlink(p, "l0", "/l-1"), 0);
	ATF_REQUIRE_EQ(stat_err("/l-1", 0), HYP_ELOOP);
	teardown();
}

ATF_TC(nametoolong);
ATF_TC_HEAD(nametoolong, tc)
{
	atf_tc_set_md_var(tc, "descr", "ENAMETOOLONG for a component over "
	    "255 bytes and a path of 1024 bytes; 255 is fine");
}
ATF_TC_BODY(nametoolong, tc)
{
	char name[300], path[1100];

	setup();
	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[256] = '\0';	/* 255-byte component */
	ATF_REQUIRE_EQ(ksys_mkdir(p, name, 0755), 0);
	ATF_REQUIRE_EQ(stat_err(name, 0), 0);
	name[256] = 'n';
	name[257] = '\0';	/* 256 bytes */
	ATF_REQUIRE_EQ(ksys_mkdir(p, name, 0755), HYP_ENAMETOOLONG);
	ATF_REQUIRE_EQ(stat_err(name, 0), HYP_ENAMETOOLONG);
	memset(path, '/', sizeof(path));
	path[1024] = '\0';
	ATF_REQUIRE_EQ(stat_err(path, 0), HYP_ENAMETOOLONG);
	path[1023] = '\0';
	ATF_REQUIRE_EQ(stat_err(path, 0), 0);
	/* A link whose target makes the path too long. */
	memset(path, 'x', sizeof(path));
	path[1000] = '\0';
	ATF_REQUIRE_EQ(ksys_symlink(p, path, "/longlink"), 0);
	ATF_REQUIRE_EQ(stat_err("/longlink/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa", 0), HYP_ENAMETOOLONG);
	teardown();
}

ATF_TC(chroot);
ATF_TC_HEAD(chroot, tc)
{
	atf_tc_set_md_var(tc, "descr", "after chroot, neither .. nor "
	    "absolute symlinks reach outside the new root");
}
ATF_TC_BODY(chroot, tc)
{
	struct kproc *jp;

	setup();
	ATF_REQUIRE_EQ(ksys_mknod(p, "/outside", 0100644, 0), 0);
	ATF_REQUIRE_EQ(ksys_mknod(p, "/a/inside", 0100644, 0), 0);
	ATF_REQUIRE_EQ(ksys_symlink(p, "/inside", "/a/b/abs"), 0);
	ATF_REQUIRE_EQ(ksys_symlink(p, "../../../outside", "/a/b/rel"), 0);
	ATF_REQUIRE_EQ(ksys_proc_create(&jp), 0);
	ATF_REQUIRE_EQ(ksys_chroot(jp, "/a"), 0);
	{
		struct kstat st1, st2;

		ATF_REQUIRE_EQ(ksys_stat(jp, "/", 0, &st1), 0);
		ATF_REQUIRE_EQ(ksys_stat(jp, "/../../..", 0, &st2), 0);
		ATF_REQUIRE_EQ(st1.st_ino, st2.st_ino);
		ATF_REQUIRE_EQ(ksys_stat(jp, "/b/c/../../..", 0, &st2), 0);
		ATF_REQUIRE_EQ(st1.st_ino, st2.st_ino);
		ATF_REQUIRE_EQ(ksys_stat(jp, "/../outside", 0, &st2),
		    HYP_ENOENT);
		ATF_REQUIRE_EQ(ksys_stat(jp, "/b/abs", 0, &st2), 0);
		ATF_REQUIRE_EQ(st2.st_ino, ino("/a/inside", 0));
		ATF_REQUIRE_EQ(ksys_stat(jp, "/b/rel", 0, &st2), HYP_ENOENT);
	}
	ksys_proc_destroy(jp);
	teardown();
}

ATF_TC(namespace_ops);
ATF_TC_HEAD(namespace_ops, tc)
{
	atf_tc_set_md_var(tc, "descr", "errors of mkdir, rmdir, unlink, link "
	    "and rename on rootfs: EEXIST, ENOTEMPTY, EISDIR, EPERM, EINVAL");
}
ATF_TC_BODY(namespace_ops, tc)
{
	struct kstat st;

	setup();
	ATF_REQUIRE_EQ(ksys_mkdir(p, "/a", 0755), HYP_EEXIST);
	ATF_REQUIRE_EQ(ksys_mkdir(p, "/", 0755), HYP_EEXIST);
	ATF_REQUIRE_EQ(ksys_rmdir(p, "/a/b"), HYP_ENOTEMPTY);
	ATF_REQUIRE_EQ(ksys_rmdir(p, "/a/b/file"), HYP_ENOTDIR);
	ATF_REQUIRE_EQ(ksys_rmdir(p, "/a/b/."), HYP_EINVAL);
	ATF_REQUIRE_EQ(ksys_rmdir(p, "/"), HYP_EBUSY);
	ATF_REQUIRE_EQ(ksys_unlink(p, "/a/b"), HYP_EISDIR);
	ATF_REQUIRE_EQ(ksys_link(p, "/a/b", "/dirlink"), HYP_EPERM);
	ATF_REQUIRE_EQ(ksys_link(p, "/a/b/file", "/a/b/c"), HYP_EEXIST);
	ATF_REQUIRE_EQ(ksys_link(p, "/a/b/file", "/hard"), 0);
	ATF_REQUIRE_EQ(ksys_stat(p, "/hard", 0, &st), 0);
	ATF_REQUIRE_EQ(st.st_nlink, 2);
	/* A directory cannot move under itself. */
	ATF_REQUIRE_EQ(ksys_rename(p, "/a", "/a/b/c/x"), HYP_EINVAL);
	ATF_REQUIRE_EQ(ksys_rename(p, "/a/b", "/a/b"), 0);
	ATF_REQUIRE_EQ(ksys_rename(p, "/a/b/file", "/a/b/c"), HYP_EISDIR);
	ATF_REQUIRE_EQ(ksys_rename(p, "/a/b/c", "/hard"), HYP_ENOTDIR);
	ATF_REQUIRE_EQ(ksys_rename(p, "/a/b/c", "/c2"), 0);
	ATF_REQUIRE_EQ(ksys_stat(p, "/c2/..", 0, &st), 0);
	ATF_REQUIRE_EQ(st.st_ino, ino("/", 0));
	/* Two links to one file: rename does nothing (POSIX). */
	ATF_REQUIRE_EQ(ksys_rename(p, "/hard", "/a/b/file"), 0);
	ATF_REQUIRE_EQ(ksys_stat(p, "/a/b/file", 0, &st), 0);
	ATF_REQUIRE_EQ(st.st_nlink, 2);
	ATF_REQUIRE_EQ(stat_err("/hard", 0), 0);
	ATF_REQUIRE_EQ(ksys_unlink(p, "/hard"), 0);
	ATF_REQUIRE_EQ(ksys_stat(p, "/a/b/file", 0, &st), 0);
	ATF_REQUIRE_EQ(st.st_nlink, 1);
	teardown();
}

ATF_TC(getdents);
ATF_TC_HEAD(getdents, tc)
{
	atf_tc_set_md_var(tc, "descr", "getdents returns every entry once, "
	    "resuming at the cookie across small buffers");
}
ATF_TC_BODY(getdents, tc)
{
	char buf[300], name[32], seen[200];
	struct kdirent *d;
	size_t n, off;
	int fd, i, count = 0;

	setup();
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/a/b/c/f%03d", i);
		ATF_REQUIRE_EQ(ksys_mknod(p, name, 0100644, 0), 0);
	}
	memset(seen, 0, sizeof(seen));
	ATF_REQUIRE_EQ(ksys_open(p, "/a/b/c", KO_RDONLY | KO_DIRECTORY, 0,
	    &fd), 0);
	for (;;) {
		ATF_REQUIRE_EQ(ksys_getdents(p, fd, buf, sizeof(buf), &n), 0);
		if (n == 0)
			break;
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct kdirent *)(void *)(buf + off);
			ATF_REQUIRE(d->d_reclen % 8 == 0 && d->d_reclen > 0);
			count++;
			if (d->d_name[0] == 'f') {
				i = atoi(d->d_name + 1);
				ATF_REQUIRE(!seen[i]);
				seen[i] = 1;
				ATF_REQUIRE_EQ(d->d_type, 8);
			}
		}
	}
	ATF_REQUIRE_EQ(count, 202);
	ATF_REQUIRE_EQ(ksys_getdents(p, fd, buf, 16, &n), HYP_EINVAL);
	ATF_REQUIRE_EQ(ksys_close(p, fd), 0);
	teardown();
}

ATF_TC(vnode_limit);
ATF_TC_HEAD(vnode_limit, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_NVNODES bounds the vnode cache; "
	    "reclaimed vnodes are loaded again on demand");
}
ATF_TC_BODY(vnode_limit, tc)
{
	struct kstats ks;
	char name[32];
	int i;

	setenv("RUMP_NVNODES", "32", 1);
	setup();
	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "/a/n%d", i);
		ATF_REQUIRE_EQ(ksys_mkdir(p, name, 0700), 0);
	}
	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "/a/n%d", i);
		ATF_REQUIRE(ino(name, 0) != 0);
		ksys_kstats(&ks);
		ATF_REQUIRE_MSG(ks.ks_vnodes <= 32, "%llu vnodes",
		    (unsigned long long)ks.ks_vnodes);
	}
	unsetenv("RUMP_NVNODES");
	teardown();
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, dots);
	ATF_TP_ADD_TC(tp, trailing_slash);
	ATF_TP_ADD_TC(tp, symlinks);
	ATF_TP_ADD_TC(tp, symlink_loops);
	ATF_TP_ADD_TC(tp, nametoolong);
	ATF_TP_ADD_TC(tp, chroot);
	ATF_TP_ADD_TC(tp, namespace_ops);
	ATF_TP_ADD_TC(tp, getdents);
	ATF_TP_ADD_TC(tp, vnode_limit);
	return atf_no_error();
}
