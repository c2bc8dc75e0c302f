/*
 * t_fsu_mode.c: the mode parser of the fsu_* programs (cmd/fsu_mode.c),
 * without an image: octal and symbolic modes, the umask, X, copies, the
 * BSD rules for s and t, bad modes, and a matrix checked against what
 * the host's chmod(1) does to a scratch file.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <atf-c.h>

#include "../../cmd/fsu.h"

static mode_t
apply(const char *s, mode_t umask, mode_t old)
{
	struct fsu_mode *m;
	mode_t n;

	m = fsu_mode_parse(s, umask);
	ATF_REQUIRE_MSG(m != NULL, "mode \"%s\" refused", s);
	n = fsu_mode_apply(m, old);
	fsu_mode_free(m);
	return n;
}

#define CHECK(s, um, old, want) do {					\
	mode_t got_ = apply((s), (um), (old));				\
	ATF_CHECK_MSG(got_ == (mode_t)(want), "\"%s\" on %04o (umask "	\
	    "%03o): %04o, want %04o", (s), (unsigned)((old) & 07777),	\
	    (unsigned)(um), (unsigned)got_, (unsigned)(want));		\
} while (0)

ATF_TC(octal);
ATF_TC_HEAD(octal, tc)
{
	atf_tc_set_md_var(tc, "descr", "octal modes replace the mode");
}
ATF_TC_BODY(octal, tc)
{
	CHECK("755", 022, S_IFREG | 0600, 0755);
	CHECK("0", 022, S_IFREG | 0777, 0);
	CHECK("4711", 077, S_IFREG | 0, 04711);
	CHECK("07777", 0, S_IFDIR | 0, 07777);
	CHECK("00644", 0, S_IFREG | 06777, 0644);
}

ATF_TC(symbolic);
ATF_TC_HEAD(symbolic, tc)
{
	atf_tc_set_md_var(tc, "descr", "who, op and perm letters");
}
ATF_TC_BODY(symbolic, tc)
{
	CHECK("u+x", 022, S_IFREG | 0644, 0744);
	CHECK("go-w", 022, S_IFREG | 0666, 0644);
	CHECK("a=r", 022, S_IFREG | 0777, 0444);
	CHECK("u=rwx,g=rx,o=", 022, S_IFREG | 0, 0750);
	CHECK("ug+rw,o-rwx", 022, S_IFREG | 0007, 0660);
	CHECK("u+r-w", 0, S_IFREG | 0200, 0400);
	CHECK("a=rw+x", 0, S_IFREG | 0, 0777);
	CHECK("go=", 0, S_IFREG | 0777, 0700);
	CHECK("u+", 0, S_IFREG | 0640, 0640);
	CHECK("a-rwx", 0, S_IFREG | 0777, 0);
	CHECK("u=rw,u+x,u-r", 0, S_IFREG | 0, 0300);
}

ATF_TC(umask);
ATF_TC_HEAD(umask, tc)
{
	atf_tc_set_md_var(tc, "descr", "without a who the umask protects "
	    "its bits from + and -, but = still clears them");
}
ATF_TC_BODY(umask, tc)
{
	CHECK("+w", 022, S_IFREG | 0444, 0644);
	CHECK("+rwx", 027, S_IFREG | 0, 0750);
	CHECK("-w", 022, S_IFREG | 0666, 0466);
	CHECK("=r", 022, S_IFREG | 07777, 0444);
	CHECK("=r", 044, S_IFREG | 0777, 0400);
	CHECK("a+w", 022, S_IFREG | 0444, 0666);
	CHECK("=", 022, S_IFREG | 07777, 0);
}

ATF_TC(cond_x);
ATF_TC_HEAD(cond_x, tc)
{
	atf_tc_set_md_var(tc, "descr", "X: execute for directories and for "
	    "files with an execute bit, as changed so far");
}
ATF_TC_BODY(cond_x, tc)
{
	CHECK("a+X", 0, S_IFREG | 0644, 0644);
	CHECK("a+X", 0, S_IFREG | 0744, 0755);
	CHECK("a+X", 0, S_IFDIR | 0644, 0755);
	CHECK("a=rX", 0, S_IFREG | 0700, 0555);
	CHECK("a=rX", 0, S_IFREG | 0600, 0444);
	CHECK("u+x,a+X", 0, S_IFREG | 0644, 0755);
	CHECK("go+X", 0, S_IFREG | 0001, 0011 | 0);
}

ATF_TC(copy);
ATF_TC_HEAD(copy, tc)
{
	atf_tc_set_md_var(tc, "descr", "perms copied from u, g or o");
}
ATF_TC_BODY(copy, tc)
{
	CHECK("o=u", 0, S_IFREG | 0644, 0646);
	CHECK("g=u", 0, S_IFREG | 0750, 0770);
	CHECK("g+o", 0, S_IFREG | 0701, 0711);
	CHECK("u-g", 0, S_IFREG | 0770, 0070);
	CHECK("g=u-w", 0, S_IFREG | 0700, 0750);
	CHECK("=u", 022, S_IFREG | 0700, 0755);
	CHECK("u=g+", 0, S_IFREG | 0750, 0550);
}

ATF_TC(special);
ATF_TC_HEAD(special, tc)
{
	atf_tc_set_md_var(tc, "descr", "set-ID and sticky bits: ignored for "
	    "o alone, as in BSD");
}
ATF_TC_BODY(special, tc)
{
	CHECK("u+s", 0, S_IFREG | 0755, 04755);
	CHECK("g+s", 0, S_IFREG | 0755, 02755);
	CHECK("+s", 022, S_IFREG | 0755, 06755);
	CHECK("ug-s", 0, S_IFREG | 06755, 0755);
	CHECK("o+s", 0, S_IFREG | 0755, 0755);
	CHECK("+t", 022, S_IFDIR | 0777, 01777);
	CHECK("a+t", 0, S_IFDIR | 0777, 01777);
	CHECK("u+t", 0, S_IFDIR | 0777, 01777);
	CHECK("o+t", 0, S_IFDIR | 0777, 0777);
	CHECK("-t", 0, S_IFDIR | 01777, 0777);
	CHECK("u=rw", 0, S_IFREG | 04755, 0655);
	CHECK("o=", 0, S_IFDIR | 01777, 01770);
	CHECK("a=rwx", 0, S_IFDIR | 07777, 0777);
}

ATF_TC(invalid);
ATF_TC_HEAD(invalid, tc)
{
	atf_tc_set_md_var(tc, "descr", "malformed modes are refused");
}
ATF_TC_BODY(invalid, tc)
{
	static const char *bad[] = { "", "8", "0778", "17777", "u", "ug",
	    "u+x,", ",u+x", "u+x,,g+w", "z+x", "u+q", "u+xu", "u=gr",
	    "7x", "+ur", "a=b", "u+x g" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ATF_CHECK_MSG(fsu_mode_parse(bad[i], 022) == NULL,
		    "\"%s\" accepted", bad[i]);
		ATF_CHECK_EQ(errno, EINVAL);
	}
}

/* What the host's chmod(1) makes of mode s on a file of mode old. */
static mode_t
host_chmod(const char *s, mode_t old, int dir)
{
	char cmd[256];
	struct stat st;
	const char *p = dir ? "scratch_d" : "scratch_f";

	if (dir)
		(void)mkdir(p, 0700);
	else
		(void)close(open(p, O_CREAT | O_WRONLY, 0600));
	ATF_REQUIRE(chmod(p, old) == 0);
	(void)snprintf(cmd, sizeof(cmd), "chmod -- '%s' %s 2>/dev/null", s,
	    p);
	(void)system(cmd);
	ATF_REQUIRE(stat(p, &st) == 0);
	return st.st_mode & 07777;
}

ATF_TC(host_matrix);
ATF_TC_HEAD(host_matrix, tc)
{
	atf_tc_set_md_var(tc, "descr", "symbolic modes give what the host's "
	    "chmod gives, for several start modes and umasks");
	atf_tc_set_md_var(tc, "require.progs", "chmod");
}
ATF_TC_BODY(host_matrix, tc)
{
	static const char *modes[] = { "u+x", "go-w", "a=rX", "a+X", "+X",
	    "o=u", "g=o", "u=g", "ug=rw", "=", "a=", "=r", "+r", "-r", "+w",
	    "-w", "+x", "u+x,go-w", "g+u-w", "u=rwx,g=u-w,o=", "=rw+x",
	    "+r,o-r", "u+s", "g+s", "+s", "ug-s", "g-s", "a+rwx", "go=rx",
	    "a-x", "u-x,+X", "=u", "o+w,g=o", "u+rw,g+r,o-rwx", "a=r,u+w",
	    "+t", "a+t", "-t", "a-t" };
	static const mode_t starts[] = { 0, 0644, 0755, 0600, 0777, 0700,
	    04755, 02750, 0111, 0466, 01777 };
	static const mode_t umasks[] = { 022, 027, 0, 077 };
	size_t i, j, k;
	mode_t want, got, saved;
	int dir;

	saved = umask(022);
	for (k = 0; k < sizeof(umasks) / sizeof(umasks[0]); k++) {
		(void)umask(umasks[k]);
		for (dir = 0; dir <= 1; dir++)
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		for (j = 0; j < sizeof(starts) / sizeof(starts[0]); j++) {
			/* GNU keeps a directory's set-ID bits for "=" forms. */
			if (dir && (starts[j] & 06000))
				continue;
			/* GNU's o covers the sticky bit, BSD's does not. */
			if ((starts[j] & S_ISVTX) && strstr(modes[i], "o=") !=
			    NULL)
				continue;
			want = host_chmod(modes[i], starts[j], dir);
			got = apply(modes[i], umasks[k],
			    (dir ? S_IFDIR : S_IFREG) | starts[j]);
			ATF_CHECK_MSG(got == want, "%s \"%s\" on %04o umask "
			    "%03o: %04o, host chmod %04o", dir ? "dir" :
			    "file", modes[i], (unsigned)starts[j],
			    (unsigned)umasks[k], (unsigned)got,
			    (unsigned)want);
		}
	}
	(void)umask(saved);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, octal);
	ATF_TP_ADD_TC(tp, symbolic);
	ATF_TP_ADD_TC(tp, umask);
	ATF_TP_ADD_TC(tp, cond_x);
	ATF_TP_ADD_TC(tp, copy);
	ATF_TP_ADD_TC(tp, special);
	ATF_TP_ADD_TC(tp, invalid);
	ATF_TP_ADD_TC(tp, host_matrix);
	return atf_no_error();
}
