#! /usr/bin/env atf-sh
# t_fsu_touch.sh: fsu_touch sets file times in an image.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

mksrc() {
	mkdir -p src/d
	echo a >src/a
	echo b >src/b
	mkimg img src
}

atf_test_case create
create_head() {
	atf_set "descr" "missing files are created, empty, 0666 less the " \
	    "umask, unless -c"
	atf_set "require.progs" "makefs"
}
create_body() {
	h_init
	mksrc
	atf_check -s exit:0 -o empty -e empty fsu_touch img /new /d/new2
	expect_attr img /new type -
	expect_attr img /new size 0
	expect_attr img /new mode 0644
	atf_check -s exit:0 -o empty -e empty fsu_touch img -c /absent
	missing img /absent
	atf_check -s exit:0 -o inline:"a\n" fsu_cat img /a
	check_img
	atf_check -s exit:0 -o inline:"a\nb\nd\nd/new2\nnew\n" h_names img
}

atf_test_case now
now_head() {
	atf_set "descr" "without a time both times become now"
	atf_set "require.progs" "makefs"
}
now_body() {
	h_init
	mksrc
	atf_check -s exit:0 fsu_touch img -t 200001010000 /a
	before=$(date +%s)
	atf_check -s exit:0 fsu_touch img /a
	after=$(date +%s)
	for f in mtime atime; do
		t=$(h_attr img /a $f)
		[ "$t" -ge "$before" ] && [ "$t" -le "$after" ] ||
		    atf_fail "$f $t not in [$before, $after]"
	done
	check_img
}

atf_test_case t_forms
t_forms_head() {
	atf_set "descr" "-t [[CC]YY]MMDDhhmm[.SS] in local time"
	atf_set "require.progs" "makefs date"
}
t_forms_body() {
	h_init
	mksrc
	export TZ=UTC0
	atf_check -s exit:0 fsu_touch img -t 202401020304.05 /a
	expect_attr img /a mtime $(date -d '2024-01-02 03:04:05' +%s)
	expect_attr img /a atime $(date -d '2024-01-02 03:04:05' +%s)
	atf_check -s exit:0 fsu_touch img -t 199912312359 /a
	expect_attr img /a mtime $(date -d '1999-12-31 23:59:00' +%s)
	atf_check -s exit:0 fsu_touch img -t 6901010000 /a
	expect_attr img /a mtime $(date -d '1969-01-01 00:00:00' +%s)
	atf_check -s exit:0 fsu_touch img -t 6812312359.59 /a
	expect_attr img /a mtime $(date -d '2068-12-31 23:59:59' +%s)
	year=$(date +%Y)
	atf_check -s exit:0 fsu_touch img -t 07040830 /a
	expect_attr img /a mtime $(date -d "$year-07-04 08:30:00" +%s)
	# Local time: five hours west of UTC.
	TZ=EST5 atf_check -s exit:0 fsu_touch img -t 202401020304 /b
	expect_attr img /b mtime $(date -d '2024-01-02 08:04:00' +%s)
	check_img
}

atf_test_case t_invalid
t_invalid_head() {
	atf_set "descr" "impossible or malformed -t times are refused"
	atf_set "require.progs" "makefs"
}
t_invalid_body() {
	h_init
	mksrc
	for t in 13010000 02300000 01320000 01012400 01010060 0101000 \
	    010100000 20240101000 abc 01010000.6 01010000.61 0101x000 \
	    202401010000.1x; do
		atf_check -s exit:1 -e inline:"fsu_touch: out of range or illegal time specification: [[CC]YY]MMDDhhmm[.SS]\n" \
		    fsu_touch img -t "$t" /a
	done
	check_img
}

atf_test_case only_a_or_m
only_a_or_m_head() {
	atf_set "descr" "-a and -m change one time, both change both"
	atf_set "require.progs" "makefs date"
}
only_a_or_m_body() {
	h_init
	mksrc
	export TZ=UTC0
	t1=$(date -d '2020-01-01 00:00:00' +%s)
	t2=$(date -d '2021-01-01 00:00:00' +%s)
	atf_check -s exit:0 fsu_touch img -t 202001010000 /a
	atf_check -s exit:0 fsu_touch img -a -t 202101010000 /a
	expect_attr img /a atime $t2
	expect_attr img /a mtime $t1
	atf_check -s exit:0 fsu_touch img -t 202001010000 /a
	atf_check -s exit:0 fsu_touch img -m -t 202101010000 /a
	expect_attr img /a atime $t1
	expect_attr img /a mtime $t2
	atf_check -s exit:0 fsu_touch img -am -t 202001010000 /a
	expect_attr img /a atime $t1
	expect_attr img /a mtime $t1
	check_img
}

atf_test_case reference
reference_head() {
	atf_set "descr" "-r copies the times of a file of the image"
	atf_set "require.progs" "makefs"
}
reference_body() {
	h_init
	mksrc
	export TZ=UTC0
	atf_check -s exit:0 fsu_touch img -t 199001020304.05 /a
	atf_check -s exit:0 fsu_touch img -a -t 199101020304.05 /a
	atf_check -s exit:0 fsu_touch img -r /a /b /c
	expect_attr img /b mtime $(h_attr img /a mtime)
	expect_attr img /b atime $(h_attr img /a atime)
	expect_attr img /c mtime $(h_attr img /a mtime)
	atf_check -s exit:1 \
	    -e inline:"fsu_touch: /nosuch: No such file or directory\n" \
	    fsu_touch img -r /nosuch /b
	check_img
}

atf_test_case source_date_epoch
source_date_epoch_head() {
	atf_set "descr" "SOURCE_DATE_EPOCH clamps the times written"
	atf_set "require.progs" "makefs"
}
source_date_epoch_body() {
	h_init
	mksrc
	SOURCE_DATE_EPOCH=1000000000 atf_check -s exit:0 fsu_touch img /a
	expect_attr img /a mtime 1000000000
	check_img
}

atf_test_case errors
errors_head() {
	atf_set "descr" "missing directories, usage"
	atf_set "require.progs" "makefs"
}
errors_body() {
	h_init
	mksrc
	atf_check -s exit:1 \
	    -e inline:"fsu_touch: /no/f: No such file or directory\n" \
	    fsu_touch img /no/f /e
	expect_attr img /e size 0
	atf_check -s exit:1 -e match:'^usage: fsu_touch .*image \[-acm\] \[-r file\] \[-t \[\[CC\]YY\]MMDDhhmm\[\.SS\]\] file \.\.\.$' \
	    fsu_touch img
	check_img
}

atf_init_test_cases() {
	atf_add_test_case create
	atf_add_test_case now
	atf_add_test_case t_forms
	atf_add_test_case t_invalid
	atf_add_test_case only_a_or_m
	atf_add_test_case reference
	atf_add_test_case source_date_epoch
	atf_add_test_case errors
}
