/*
 * t_ukfs.c: the libukfs API on the kernel's root file system: path and
 * descriptor operations, attributes, errors as -1/errno with host errno
 * values, credentials, directory reading, SOURCE_DATE_EPOCH, the kernel's
 * life cycle across handles, and calls from several threads.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../ukfs/ukfs.h"

#define REQUIRE_ERRNO(call, e) do {					\
	errno = 0;							\
	ATF_REQUIRE_MSG((call) == -1, "%s did not fail", #call);	\
	ATF_REQUIRE_MSG(errno == (e), "%s: errno %d, expected %d",	\
	    #call, errno, (e));						\
} while (0)

ATF_TC(files);
ATF_TC_HEAD(files, tc)
{
	atf_tc_set_md_var(tc, "descr", "create, write at offsets, read, "
	    "truncate, rename, link, remove through path calls");
}
ATF_TC_BODY(files, tc)
{
	struct ukfs *fs;
	struct stat st;
	char buf[64];

	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/d", 0755), 0);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/d/f", 0640), 0);
	REQUIRE_ERRNO(ukfs_create(fs, "/d/f", 0640), EEXIST);
	ATF_REQUIRE_EQ(ukfs_write(fs, "/d/f", 0, "hello", 5), 5);
	ATF_REQUIRE_EQ(ukfs_write(fs, "/d/f", 10, "world", 5), 5);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/d/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_size, 15);
	ATF_REQUIRE(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640);
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE_EQ(ukfs_read(fs, "/d/f", 0, buf, sizeof(buf)), 15);
	ATF_REQUIRE(memcmp(buf, "hello\0\0\0\0\0world", 15) == 0);
	ATF_REQUIRE_EQ(ukfs_read(fs, "/d/f", 15, buf, 4), 0);
	ATF_REQUIRE_EQ(ukfs_truncate(fs, "/d/f", 3), 0);
	ATF_REQUIRE_EQ(ukfs_read(fs, "/d/f", 0, buf, sizeof(buf)), 3);
	ATF_REQUIRE_EQ(ukfs_link(fs, "/d/f", "/d/g"), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/d/g", &st), 0);
	ATF_REQUIRE_EQ(st.st_nlink, 2);
	ATF_REQUIRE_EQ(ukfs_rename(fs, "/d/g", "/h"), 0);
	REQUIRE_ERRNO(ukfs_stat(fs, "/d/g", &st), ENOENT);
	ATF_REQUIRE_EQ(ukfs_remove(fs, "/d/f"), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/h", &st), 0);
	ATF_REQUIRE_EQ(st.st_nlink, 1);
	REQUIRE_ERRNO(ukfs_rmdir(fs, "/"), EBUSY);
	ATF_REQUIRE_EQ(ukfs_rmdir(fs, "/d"), 0);
	REQUIRE_ERRNO(ukfs_remove(fs, "/nosuch"), ENOENT);
	REQUIRE_ERRNO(ukfs_read(fs, "/h/x", 0, buf, 1), ENOTDIR);
	REQUIRE_ERRNO(ukfs_read(fs, "/", 0, buf, 1), EISDIR);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

ATF_TC(attributes);
ATF_TC_HEAD(attributes, tc)
{
	atf_tc_set_md_var(tc, "descr", "chmod, chown, chflags, utimes and "
	    "their l- forms, read back with stat and xstat");
}
ATF_TC_BODY(attributes, tc)
{
	struct timeval tv[2] = { { 1000000000, 5 }, { 1234567890, 250000 } };
	struct ukfs_stat us;
	struct ukfs *fs;
	struct stat st;

	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/f", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_symlink(fs, "f", "/l"), 0);
	ATF_REQUIRE_EQ(ukfs_chmod(fs, "/l", 04711), 0);
	ATF_REQUIRE_EQ(ukfs_chown(fs, "/l", 1000, 2000), 0);
	ATF_REQUIRE_EQ(ukfs_utimes(fs, "/l", tv), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_mode & 07777, 04711);
	ATF_REQUIRE_EQ(st.st_uid, 1000);
	ATF_REQUIRE_EQ(st.st_gid, 2000);
	ATF_REQUIRE_EQ(st.st_mtim.tv_sec, 1234567890);
	ATF_REQUIRE_EQ(st.st_mtim.tv_nsec, 250000000);
	ATF_REQUIRE_EQ(st.st_atim.tv_sec, 1000000000);
	/* The link itself is untouched, then changed with the l- calls. */
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/l", &st), 0);
	ATF_REQUIRE(S_ISLNK(st.st_mode));
	ATF_REQUIRE_EQ(st.st_uid, 0);
	ATF_REQUIRE_EQ(ukfs_lchown(fs, "/l", 7, 8), 0);
	ATF_REQUIRE_EQ(ukfs_lutimes(fs, "/l", tv), 0);
	ATF_REQUIRE_EQ(ukfs_lstat(fs, "/l", &st), 0);
	ATF_REQUIRE_EQ(st.st_uid, 7);
	ATF_REQUIRE_EQ(st.st_mtim.tv_sec, 1234567890);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_uid, 1000);
	ATF_REQUIRE_EQ(ukfs_chflags(fs, "/f", 0x2 /* UF_IMMUTABLE */), 0);
	ATF_REQUIRE_EQ(ukfs_xstat(fs, "/f", 0, &us), 0);
	ATF_REQUIRE_EQ(us.us_flags, 0x2);
	/* Immutable: writes and changes are refused, flags may change. */
	REQUIRE_ERRNO(ukfs_write(fs, "/f", 0, "x", 1), EPERM);
	REQUIRE_ERRNO(ukfs_chmod(fs, "/f", 0600), EPERM);
	ATF_REQUIRE_EQ(ukfs_chflags(fs, "/f", 0), 0);
	ATF_REQUIRE_EQ(ukfs_write(fs, "/f", 0, "x", 1), 1);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

ATF_TC(nodes);
ATF_TC_HEAD(nodes, tc)
{
	atf_tc_set_md_var(tc, "descr", "mknod and mkfifo; device numbers "
	    "keep the host's major and minor");
}
ATF_TC_BODY(nodes, tc)
{
	struct ukfs *fs;
	struct stat st;
	char buf[16];

	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_mknod(fs, "/c", S_IFCHR | 0620,
	    makedev(136, 70000)), 0);
	ATF_REQUIRE_EQ(ukfs_mknod(fs, "/b", S_IFBLK | 0600, makedev(8, 1)), 0);
	ATF_REQUIRE_EQ(ukfs_mkfifo(fs, "/p", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/c", &st), 0);
	ATF_REQUIRE(S_ISCHR(st.st_mode));
	ATF_REQUIRE_EQ(major(st.st_rdev), 136);
	ATF_REQUIRE_EQ(minor(st.st_rdev), 70000);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/b", &st), 0);
	ATF_REQUIRE(S_ISBLK(st.st_mode));
	ATF_REQUIRE_EQ(minor(st.st_rdev), 1);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/p", &st), 0);
	ATF_REQUIRE(S_ISFIFO(st.st_mode));
	REQUIRE_ERRNO(ukfs_read(fs, "/p", 0, buf, 1), EOPNOTSUPP);
	REQUIRE_ERRNO(ukfs_mknod(fs, "/d", S_IFDIR | 0755, 0), EINVAL);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

ATF_TC(descriptors);
ATF_TC_HEAD(descriptors, tc)
{
	atf_tc_set_md_var(tc, "descr", "open flags, offsets, append, lseek, "
	    "fstat, ftruncate, fchmod, bad descriptors");
}
ATF_TC_BODY(descriptors, tc)
{
	struct ukfs *fs;
	struct stat st;
	char buf[32];
	int fd, fd2;

	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	fd = ukfs_open(fs, "/f", O_RDWR | O_CREAT | O_EXCL, 0600);
	ATF_REQUIRE(fd >= 0);
	REQUIRE_ERRNO(ukfs_open(fs, "/f", O_RDWR | O_CREAT | O_EXCL, 0600),
	    EEXIST);
	ATF_REQUIRE_EQ(ukfs_fd_write(fs, fd, "abcdef", 6), 6);
	ATF_REQUIRE_EQ(ukfs_lseek(fs, fd, 0, SEEK_CUR), 6);
	ATF_REQUIRE_EQ(ukfs_lseek(fs, fd, -2, SEEK_END), 4);
	ATF_REQUIRE_EQ(ukfs_fd_read(fs, fd, buf, sizeof(buf)), 2);
	ATF_REQUIRE(memcmp(buf, "ef", 2) == 0);
	REQUIRE_ERRNO(ukfs_lseek(fs, fd, -100, SEEK_CUR), EINVAL);
	fd2 = ukfs_open(fs, "/f", O_WRONLY | O_APPEND, 0);
	ATF_REQUIRE(fd2 >= 0 && fd2 != fd);
	ATF_REQUIRE_EQ(ukfs_fd_write(fs, fd2, "gh", 2), 2);
	REQUIRE_ERRNO(ukfs_fd_read(fs, fd2, buf, 1), EBADF);
	ATF_REQUIRE_EQ(ukfs_fd_pread(fs, fd, buf, 8, 0), 8);
	ATF_REQUIRE(memcmp(buf, "abcdefgh", 8) == 0);
	ATF_REQUIRE_EQ(ukfs_ftruncate(fs, fd, 2), 0);
	ATF_REQUIRE_EQ(ukfs_fchmod(fs, fd, 0444), 0);
	ATF_REQUIRE_EQ(ukfs_fstat(fs, fd, &st), 0);
	ATF_REQUIRE_EQ(st.st_size, 2);
	ATF_REQUIRE_EQ(st.st_mode & 0777, 0444);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd2), 0);
	ATF_REQUIRE_EQ(ukfs_close(fs, fd), 0);
	REQUIRE_ERRNO(ukfs_close(fs, fd), EBADF);
	REQUIRE_ERRNO(ukfs_fd_read(fs, 99, buf, 1), EBADF);
	ATF_REQUIRE(ukfs_open(fs, "/f", O_RDONLY | O_TRUNC, 0) >= 0);
	REQUIRE_ERRNO(ukfs_open(fs, "/", O_RDWR, 0), EISDIR);
	REQUIRE_ERRNO(ukfs_open(fs, "/f", O_RDONLY | O_DIRECTORY, 0),
	    ENOTDIR);
	ATF_REQUIRE_EQ(ukfs_symlink(fs, "f", "/l"), 0);
	REQUIRE_ERRNO(ukfs_open(fs, "/l", O_RDONLY | O_NOFOLLOW, 0), ELOOP);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

ATF_TC(directories);
ATF_TC_HEAD(directories, tc)
{
	atf_tc_set_md_var(tc, "descr", "opendir/readdir and getdents with "
	    "a resumable offset list every entry once");
}
ATF_TC_BODY(directories, tc)
{
	char name[32], buf[512], seen[300];
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	struct ukfs *fs;
	ssize_t n, off;
	off_t cookie = 0;
	int i, count = 0;

	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/d", 0755), 0);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/d/%d", i);
		ATF_REQUIRE_EQ(ukfs_create(fs, name, 0644), 0);
	}
	memset(seen, 0, sizeof(seen));
	ATF_REQUIRE((d = ukfs_opendir(fs, "/d")) != NULL);
	while ((de = ukfs_readdir(d)) != NULL) {
		count++;
		if (de->d_name[0] == '.')
			continue;
		i = atoi(de->d_name);
		ATF_REQUIRE(i >= 0 && i < 300 && !seen[i]);
		seen[i] = 1;
	}
	ATF_REQUIRE_EQ(errno, 0);
	ATF_REQUIRE_EQ(count, 302);
	ATF_REQUIRE_EQ(ukfs_closedir(d), 0);
	count = 0;
	while ((n = ukfs_getdents(fs, "/d", &cookie, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += de->d_reclen, count++)
			de = (struct ukfs_dirent *)(void *)(buf + off);
	ATF_REQUIRE_EQ(n, 0);
	ATF_REQUIRE_EQ(count, 302);
	ATF_REQUIRE(ukfs_opendir(fs, "/d/1") == NULL);
	ATF_REQUIRE_EQ(errno, ENOTDIR);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

ATF_TC(credentials);
ATF_TC_HEAD(credentials, tc)
{
	atf_tc_set_md_var(tc, "descr", "a handle with an unprivileged "
	    "credential gets EACCES and EPERM where the owner would not");
}
ATF_TC_BODY(credentials, tc)
{
	struct ukfs *fs, *user;
	char buf[8];

	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/home", 0755), 0);
	ATF_REQUIRE_EQ(ukfs_mkdir(fs, "/home/u", 0700), 0);
	ATF_REQUIRE_EQ(ukfs_chown(fs, "/home/u", 1000, 1000), 0);
	ATF_REQUIRE_EQ(ukfs_write(fs, "/secret", 0, "s", 1), 1);
	ATF_REQUIRE_EQ(ukfs_chmod(fs, "/secret", 0600), 0);
	ATF_REQUIRE((user = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_setcred(user, 1000, 1000, 0, NULL), 0);
	REQUIRE_ERRNO(ukfs_read(user, "/secret", 0, buf, 1), EACCES);
	REQUIRE_ERRNO(ukfs_create(user, "/home/x", 0644), EACCES);
	REQUIRE_ERRNO(ukfs_chmod(user, "/secret", 0777), EPERM);
	REQUIRE_ERRNO(ukfs_chown(user, "/home/u", 1001, 1000), EPERM);
	ATF_REQUIRE_EQ(ukfs_create(user, "/home/u/mine", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_chmod(user, "/home/u/mine", 0600), 0);
	REQUIRE_ERRNO(ukfs_read(fs, "/home/u/nosuch", 0, buf, 1), ENOENT);
	ATF_REQUIRE_EQ(ukfs_read(fs, "/secret", 0, buf, 1), 1);
	ATF_REQUIRE_EQ(ukfs_release(user, 0), 0);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
}

ATF_TC(lifecycle);
ATF_TC_HEAD(lifecycle, tc)
{
	atf_tc_set_md_var(tc, "descr", "the kernel halts with the last "
	    "handle and boots fresh for the next one");
}
ATF_TC_BODY(lifecycle, tc)
{
	struct ukfs *a, *b;
	struct stat st;

	ATF_REQUIRE((a = ukfs_rootfs()) != NULL);
	ATF_REQUIRE((b = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_create(a, "/x", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
	ATF_REQUIRE_EQ(ukfs_stat(b, "/x", &st), 0);	/* still booted */
	ATF_REQUIRE_EQ(ukfs_release(b, 0), 0);
	ATF_REQUIRE((a = ukfs_rootfs()) != NULL);
	REQUIRE_ERRNO(ukfs_stat(a, "/x", &st), ENOENT);
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
	errno = 0;
	ATF_REQUIRE(ukfs_mount(NULL, "/nonexistent.img", NULL, UKFS_RDONLY,
	    NULL) == NULL);
	ATF_REQUIRE_EQ(errno, ENOENT);
}

ATF_TC(source_date_epoch);
ATF_TC_HEAD(source_date_epoch, tc)
{
	atf_tc_set_md_var(tc, "descr", "SOURCE_DATE_EPOCH clamps the times "
	    "the kernel writes");
}
ATF_TC_BODY(source_date_epoch, tc)
{
	struct timeval tv[2] = { { 2000000000, 0 }, { 2000000000, 0 } };
	struct ukfs *fs;
	struct stat st;

	setenv("SOURCE_DATE_EPOCH", "1234567890", 1);
	ATF_REQUIRE((fs = ukfs_rootfs()) != NULL);
	ATF_REQUIRE_EQ(ukfs_create(fs, "/f", 0644), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_mtim.tv_sec, 1234567890);
	ATF_REQUIRE_EQ(st.st_ctim.tv_sec, 1234567890);
	ATF_REQUIRE_EQ(ukfs_utimes(fs, "/f", tv), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_mtim.tv_sec, 1234567890);
	tv[1].tv_sec = 1000;
	ATF_REQUIRE_EQ(ukfs_utimes(fs, "/f", tv), 0);
	ATF_REQUIRE_EQ(ukfs_stat(fs, "/f", &st), 0);
	ATF_REQUIRE_EQ(st.st_mtim.tv_sec, 1000);
	ATF_REQUIRE_EQ(ukfs_release(fs, 0), 0);
	unsetenv("SOURCE_DATE_EPOCH");
}

static void *
worker(void *arg)
{
	struct ukfs *fs = arg;
	char path[64], buf[64];
	int i, t = (int)(uintptr_t)pthread_self() % 100000;

	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/t%d-%d", t, i);
		if (ukfs_write(fs, path, 0, path, strlen(path)) !=
		    (ssize_t)strlen(path))
			return (void *)1;
		if (ukfs_read(fs, path, 0, buf, sizeof(buf)) !=
		    (ssize_t)strlen(path) || memcmp(buf, path, strlen(path)))
			return (void *)1;
		if (ukfs_remove(fs, path) != 0)
			return (void *)1;
	}
	return NULL;
}

ATF_TC(threads);
ATF_TC_HEAD(threads, tc)
{
	atf_tc_set_md_var(tc, "descr", "four threads using handles at once "
	    "are serialised correctly");
}
ATF_TC_BODY(threads, tc)
{
	struct ukfs *fs[4];
	pthread_t t[4];
	void *rv;
	int i;

	for (i = 0; i < 4; i++)
		ATF_REQUIRE((fs[i] = ukfs_rootfs()) != NULL);
	for (i = 0; i < 4; i++)
		ATF_REQUIRE_EQ(pthread_create(&t[i], NULL, worker, fs[i]), 0);
	for (i = 0; i < 4; i++) {
		ATF_REQUIRE_EQ(pthread_join(t[i], &rv), 0);
		ATF_REQUIRE(rv == NULL);
	}
	for (i = 0; i < 4; i++)
		ATF_REQUIRE_EQ(ukfs_release(fs[i], 0), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, files);
	ATF_TP_ADD_TC(tp, attributes);
	ATF_TP_ADD_TC(tp, nodes);
	ATF_TP_ADD_TC(tp, descriptors);
	ATF_TP_ADD_TC(tp, directories);
	ATF_TP_ADD_TC(tp, credentials);
	ATF_TP_ADD_TC(tp, lifecycle);
	ATF_TP_ADD_TC(tp, source_date_epoch);
	ATF_TP_ADD_TC(tp, threads);
	return atf_no_error();
}
