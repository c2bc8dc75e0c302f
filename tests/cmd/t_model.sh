#! /usr/bin/env atf-sh
# t_model.sh: a seeded random sequence of commands, run through the
# image-changing programs on an image and through the host's tools on a
# host directory.  Each command must succeed or fail on both alike; the
# image must pass the file system's independent checker after every
# command; and every few commands the image must list and read back as
# the host directory (types, and where the file system holds them modes,
# owners, link counts; sizes, symbolic link targets and contents).  The C
# model test (tests/fs/t_model) runs thousands of operations through
# libukfs; this one checks the programs themselves.
#
# One test case per file system of tests/common/fstab: the rows ufs2 and
# ufs1-be-4k, and every row of another type than ffs that can be written
# (not "rdonly").  Operations a file
# system cannot hold (hard or symbolic links, owners, modes) are left out
# on it, as its row's features say.  MODEL_SEED and MODEL_OPS in the
# environment override the defaults; the commands run are in cmds.log.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
}

# A number in [0, $1) from the seeded generator.
rnd() {
	RNG=$(( (RNG * 1103515245 + 12345) % 2147483648 ))
	R=$(( (RNG / 65536) % $1 ))
}

# $N text bytes from stream $1 into file data.
mkdata() {
	awk -v n="$N" -v s="$1" 'BEGIN { srand(s); for (i = 0; i < n; i++)
	    printf "%c", 33 + int(rand() * 90); }' >data
}

# Pick a random node of type $1 (f, d, l; d includes the root) into P,
# or P="" if there is none.
pick() {
	case $1 in
	d)	(cd host && { echo .; find . -mindepth 1 -type d; }) ;;
	*)	(cd host && find . -mindepth 1 -type "$1") ;;
	esac | sed 's|^\.||' | sort >list
	n=$(wc -l <list)
	P=
	[ "$n" -gt 0 ] || return 0
	rnd "$n"
	P=$(sed -n "$((R + 1))p" list)
}

# A new name in a random directory, into Q; false if it exists.
newpath() {
	pick d
	rnd 12
	Q="$P/n$R"
	[ ! -e "host$Q" ] && [ ! -L "host$Q" ]
}

# run WHAT HOSTCMD -- IMGCMD...: both must agree on success.
run() {
	_what=$1
	_host=$2
	shift 3
	echo "$OPNO: $_what" >>cmds.log
	if (eval "$_host") >/dev/null 2>&1; then _h=0; else _h=1; fi
	if "$@" >/dev/null 2>img.err </dev/null; then _i=0; else _i=1; fi
	[ "$_h" = "$_i" ] || atf_fail "seed $SEED, op $OPNO ($_what): host " \
	    "exit $_h, image exit $_i: $(head -n 2 img.err)"
	check_img
}

# The same with data as standard input of the image command.
run_in() {
	_what=$1
	_host=$2
	shift 3
	echo "$OPNO: $_what" >>cmds.log
	if (eval "$_host") >/dev/null 2>&1; then _h=0; else _h=1; fi
	if "$@" >/dev/null 2>img.err <data; then _i=0; else _i=1; fi
	[ "$_h" = "$_i" ] || atf_fail "seed $SEED, op $OPNO ($_what): host " \
	    "exit $_h, image exit $_i: $(head -n 2 img.err)"
	check_img
}

step() {
	rnd 14
	case $R in
	0|1)	newpath || return 0; rnd 70000; N=$R; mkdata "$RNG"
		run_in "write $Q" "cat data >host$Q" -- fsu_write img "$Q" ;;
	2)	pick f; [ -n "$P" ] || return 0
		rnd 9000; N=$R; mkdata "$RNG"
		run_in "append $P" "cat data >>host$P" -- fsu_write img -a "$P" ;;
	3)	pick f; [ -n "$P" ] || return 0
		rnd 20000; N=$R; mkdata "$RNG"
		run_in "overwrite $P" "cat data >host$P" -- fsu_write img "$P" ;;
	4)	newpath || return 0
		run "mkdir $Q" "mkdir host$Q" -- fsu_mkdir img "$Q" ;;
	5)	pick f; [ -n "$P" ] || return 0
		run "rm $P" "rm host$P" -- fsu_rm img "$P" ;;
	6)	pick d; [ "$P" != "" ] || return 0
		run "rmdir $P" "rmdir host$P" -- fsu_rmdir img "$P" ;;
	7)	pick f; [ -n "$P" ] || return 0; _s=$P; newpath || return 0
		run "mv $_s $Q" "mv -T host$_s host$Q" -- fsu_mv img "$_s" "$Q" ;;
	8)	pick d; [ -n "$P" ] || return 0; _s=$P; newpath || return 0
		case "$Q/" in "$_s"/*) return 0 ;; esac
		run "mv $_s $Q" "mv -T host$_s host$Q" -- fsu_mv img "$_s" "$Q" ;;
	9)	fs_has links || return 0
		pick f; [ -n "$P" ] || return 0; _s=$P; newpath || return 0
		run "ln $_s $Q" "ln host$_s host$Q" -- fsu_ln img "$_s" "$Q" ;;
	10)	fs_has symlinks || return 0
		newpath || return 0; rnd 200; _t=$(printf "%0${R}d" 0 | tr 0 t)x
		run "ln -s $_t $Q" "ln -s $_t host$Q" -- fsu_ln img -s "$_t" "$Q" ;;
	11)	fs_has modes || return 0
		pick f; [ -n "$P" ] || return 0; rnd 512; _m=$(printf %o "$R")
		run "chmod $_m $P" "chmod $_m host$P" -- fsu_chmod img "$_m" "$P" ;;
	12)	[ "$(id -u)" = 0 ] && fs_has owners || return 0
		pick f; [ -n "$P" ] || return 0; rnd 3000; _o=$R; rnd 3000
		run "chown $_o:$R $P" "chown -h $_o:$R host$P" -- \
		    fsu_chown img -h "$_o:$R" "$P" ;;
	13)	pick l; [ -n "$P" ] || return 0
		run "rm $P" "rm host$P" -- fsu_rm img "$P" ;;
	esac
}

# The image reads back as the host directory.
compare() {
	(cd host && find . -mindepth 1) | sed 's|^\.||' | sort >hlist
	h_names img | sed 's|^|/|' >ilist
	cmp -s hlist ilist || atf_fail "seed $SEED, op $OPNO: names differ:" \
	    "$(diff hlist ilist | head -n 4 | tr '\n' ' ')"
	# Fields the file system cannot hold are left out (as "*").
	_keep=
	fs_has modes || _keep="$_keep m"
	fs_has owners || _keep="$_keep o"
	fs_has links || _keep="$_keep l"
	_sel='function sel() { if (k ~ /m/) m = "*"; if (k ~ /o/) { u = "*";
	    g = "*" } if (k ~ /l/) n = "*" }'
	"$(atf_get_srcdir)/h_fsu_stat" -R img / |
	    awk -v k="$_keep" "$_sel"'
	    $1 != "/" { m = $3; u = $4; g = $5; n = $6; sel();
	    if ($2 == "d") print $1, $2, m, u, g;
	    else print $1, $2, m, u, g, n, $7 }' | sort >istat
	(cd host && find . -mindepth 1 -printf '%p %y %m %U %G %n %s\n') |
	    sed 's|^\.||' | awk -v k="$_keep" "$_sel"'
	    { t = $2 == "f" ? "-" : $2; m = sprintf("%04d", $3); u = $4;
	    g = $5; n = $6; sel(); if (t == "d") print $1, t, m, u, g;
	    else print $1, t, m, u, g, n, $7 }' | sort >hstat
	cmp -s hstat istat || atf_fail "seed $SEED, op $OPNO: attributes" \
	    "differ: $(diff hstat istat | head -n 4 | tr '\n' ' ')"
	(cd host && find . -type f) | sed 's|^\.||' | while read -r f; do
		fsu_cat img "$f" | cmp -s - "host$f" ||
		    { echo "$f"; break; }
	done >bad
	[ ! -s bad ] || atf_fail "seed $SEED, op $OPNO: contents of" \
	    "$(cat bad) differ"
	(cd host && find . -type l) | sed 's|^\.||' | while read -r f; do
		[ "$(h_attr img "$f" target)" = "$(readlink "host$f")" ] ||
		    { echo "$f"; break; }
	done >bad
	[ ! -s bad ] || atf_fail "seed $SEED, op $OPNO: target of" \
	    "$(cat bad) differs"
}

# model SEED ROW OPS
model() {
	SEED=${MODEL_SEED:-$1}
	RNG=$SEED
	FSU_TEST_FS=$2
	mkdir -p empty.d host
	atf_check -s exit:0 -o ignore -e ignore \
	    sh "$FSU_SRC/tests/common/fstab.sh" mkimg "$2" img 16 empty.d
	chmod 755 host
	: >cmds.log
	OPNO=0
	while [ "$OPNO" -lt "${MODEL_OPS:-$3}" ]; do
		OPNO=$((OPNO + 1))
		step
		[ $((OPNO % 15)) -ne 0 ] || compare
	done
	compare
}

# The rows this test runs on: see the top of the file.
model_rows() {
	echo ufs2
	echo ufs1-be-4k
	fstab_rows | while read -r _r; do
		fstab_row "$_r" && [ "$FS_TYPE" != ffs ] &&
		    ! fstab_has "$_r" rdonly && echo "$_r"
	done
}

atf_init_test_cases() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/common/fstab.sh"
	_seed=0
	for _row in $(model_rows); do
		_seed=$((_seed + 1))
		_tc=$(echo "$_row" | tr -c 'a-zA-Z0-9\n' _)
		eval "${_tc}_head() {
			atf_set descr 'random commands on $_row match the' \
			    \"host's tools\"
			atf_set require.progs 'python3 awk'
			atf_set timeout 600
		}
		${_tc}_body() {
			h_init
			model $_seed $_row 90
		}"
		atf_add_test_case "$_tc"
	done
}
