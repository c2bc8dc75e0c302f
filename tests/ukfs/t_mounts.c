/*
 * t_mounts.c: several images mounted in one process, each in its own
 * private root; crossing mount points from the kernel's root; the
 * advisory lock that keeps two writers off one image.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../ukfs/ukfs.h"
#include "../common/h_util.h"

/* An FFS image with one file holding text. */
static void
mkimage(const char *img, const char *text)
{
	FILE *f;

	h_run("rm -rf tree.%s && mkdir -p tree.%s/dir", img, img);
	{
		char path[256];

		snprintf(path, sizeof(path), "tree.%s/dir/file", img);
		ATF_REQUIRE((f = fopen(path, "w")) != NULL);
		fputs(text, f);
		fclose(f);
	}
	h_run("makefs -t ffs -s 4m -o version=2 %s tree.%s >/dev/null", img,
	    img);
}

static void
require_text(struct ukfs *fs, const char *path, const char *text)
{
	char buf[128];
	ssize_t n;

	n = ukfs_read(fs, path, 0, buf, sizeof(buf) - 1);
	ATF_REQUIRE_MSG(n >= 0, "%s: %s", path, strerror(errno));
	buf[n] = '\0';
	ATF_REQUIRE_STREQ(buf, text);
}

ATF_TC(two_mounts);
ATF_TC_HEAD(two_mounts, tc)
{
	atf_tc_set_md_var(tc, "descr", "two images mounted at once in one "
	    "process, each seen from its own root, changed independently");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(two_mounts, tc)
{
	struct ukfs *a, *b;
	struct stat st;

	mkimage("a.img", "image a\n");
	mkimage("b.img", "image b\n");
	ATF_REQUIRE((a = ukfs_mount("ffs", "a.img", NULL, 0, NULL)) != NULL);
	ATF_REQUIRE((b = ukfs_mount(NULL, "b.img", NULL, 0, NULL)) != NULL);
	require_text(a, "/dir/file", "image a\n");
	require_text(b, "/dir/file", "image b\n");
	ATF_REQUIRE_EQ(ukfs_write(a, "/only-a", 0, "A", 1), 1);
	ATF_REQUIRE_EQ(ukfs_stat(a, "/only-a", &st), 0);
	errno = 0;
	ATF_REQUIRE_EQ(ukfs_stat(b, "/only-a", &st), -1);
	ATF_REQUIRE_EQ(errno, ENOENT);
	/* Neither root can be left with "..". */
	require_text(a, "/../../dir/file", "image a\n");
	require_text(b, "/dir/../../dir/file", "image b\n");
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
	require_text(b, "/dir/file", "image b\n");
	ATF_REQUIRE_EQ(ukfs_release(b, 0), 0);
	/* The change is in a.img only. */
	ATF_REQUIRE((a = ukfs_mount(NULL, "a.img", NULL, UKFS_RDONLY,
	    NULL)) != NULL);
	require_text(a, "/only-a", "A");
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
	ATF_REQUIRE((b = ukfs_mount(NULL, "b.img", NULL, UKFS_RDONLY,
	    NULL)) != NULL);
	errno = 0;
	ATF_REQUIRE_EQ(ukfs_stat(b, "/only-a", &st), -1);
	ATF_REQUIRE_EQ(ukfs_release(b, 0), 0);
}

ATF_TC(crossing);
ATF_TC_HEAD(crossing, tc)
{
	atf_tc_set_md_var(tc, "descr", "from the kernel's root, paths cross "
	    "into mounted images and back out with ..");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(crossing, tc)
{
	struct ukfs *a, *root;
	struct stat mnt, viadot, st;
	struct ukfs_dirent *de;
	struct ukfs_dir *d;
	char path[64];
	int found = 0;

	mkimage("a.img", "crossed\n");
	ATF_REQUIRE((a = ukfs_mount(NULL, "a.img", NULL, UKFS_RDONLY,
	    NULL)) != NULL);
	ATF_REQUIRE((root = ukfs_rootfs()) != NULL);
	/* The image is mounted on some /mnt/N. */
	ATF_REQUIRE((d = ukfs_opendir(root, "/mnt")) != NULL);
	while ((de = ukfs_readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "/mnt/%s", de->d_name);
			found++;
		}
	ATF_REQUIRE_EQ(ukfs_closedir(d), 0);
	ATF_REQUIRE_EQ(found, 1);
	strcat(path, "/dir/file");
	require_text(root, path, "crossed\n");
	/* ".." at the image's root leads back to /mnt in rootfs. */
	ATF_REQUIRE_EQ(ukfs_stat(root, "/mnt", &mnt), 0);
	path[strlen(path) - strlen("/dir/file")] = '\0';
	strcat(path, "/dir/../..");
	ATF_REQUIRE_EQ(ukfs_stat(root, path, &viadot), 0);
	ATF_REQUIRE_EQ(viadot.st_ino, mnt.st_ino);
	ATF_REQUIRE_EQ(viadot.st_dev, mnt.st_dev);
	/* The mounted root shows the image's root, not the directory. */
	path[strlen(path) - strlen("/dir/../..")] = '\0';
	ATF_REQUIRE_EQ(ukfs_stat(root, path, &st), 0);
	ATF_REQUIRE_EQ(st.st_ino, 2);		/* FFS root inode */
	ATF_REQUIRE(st.st_dev != mnt.st_dev);
	errno = 0;
	ATF_REQUIRE_EQ(ukfs_rmdir(root, path), -1);
	ATF_REQUIRE_EQ(errno, EBUSY);
	ATF_REQUIRE_EQ(ukfs_release(root, 0), 0);
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
}

ATF_TC(image_lock);
ATF_TC_HEAD(image_lock, tc)
{
	atf_tc_set_md_var(tc, "descr", "a read-write mount locks the image: "
	    "a second mount fails with EBUSY; read-only mounts share");
	atf_tc_set_md_var(tc, "require.progs", "makefs");
}
ATF_TC_BODY(image_lock, tc)
{
	struct ukfs *a, *b;

	mkimage("a.img", "x");
	ATF_REQUIRE((a = ukfs_mount(NULL, "a.img", NULL, 0, NULL)) != NULL);
	errno = 0;
	ATF_REQUIRE(ukfs_mount(NULL, "a.img", NULL, 0, NULL) == NULL);
	ATF_REQUIRE_EQ(errno, EBUSY);
	errno = 0;
	ATF_REQUIRE(ukfs_mount(NULL, "a.img", NULL, UKFS_RDONLY, NULL) ==
	    NULL);
	ATF_REQUIRE_EQ(errno, EBUSY);
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
	ATF_REQUIRE((a = ukfs_mount(NULL, "a.img", NULL, UKFS_RDONLY,
	    NULL)) != NULL);
	ATF_REQUIRE((b = ukfs_mount(NULL, "a.img", NULL, UKFS_RDONLY,
	    NULL)) != NULL);
	errno = 0;
	ATF_REQUIRE(ukfs_mount(NULL, "a.img", NULL, 0, NULL) == NULL);
	ATF_REQUIRE_EQ(errno, EBUSY);
	ATF_REQUIRE_EQ(ukfs_release(b, 0), 0);
	ATF_REQUIRE_EQ(ukfs_release(a, 0), 0);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, two_mounts);
	ATF_TP_ADD_TC(tp, crossing);
	ATF_TP_ADD_TC(tp, image_lock);
	return atf_no_error();
}
