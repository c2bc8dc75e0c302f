#! /usr/bin/env atf-sh
# t_fsu_batch.sh: fsu_batch runs many commands in one mount and one
# transaction.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	. "$FSU_SRC/tests/cmd/h_progs.sh"
	SNAP="$(atf_get_srcdir)/../journal/h_snap"
	unset FSU_JOURNAL
}

atf_test_case commands
commands_head() {
	atf_set "descr" "the programs' commands with sh quoting, comments," \
	    "here-documents and redirections"
	atf_set "require.progs" "makefs"
}
commands_body() {
	h_init
	mkimg img
	printf 'from a file\n' >host.txt
	cat >batch <<'EOF'
# a comment, then a blank line

mkdir -p /a/b/c ; mkdir /d	# two on one line
write /a/doc <<END
line 1
  "quoted" $HOME `x` \n
END
write '/a/with space' < host.txt
write "/a/q\"uote" <<-END
	tabs stripped
	END
write /a/empty
chmod 600 /a/doc
ln -s doc /a/link
touch -t 202001020304.05 /a/b
mv /d /a/moved
cp /a/doc /a/doc2
cat /a/doc > out.txt
ls /a >> out.txt
write /a/back\
slash <<END
joined
END
EOF
	atf_check -s exit:0 -o empty -e empty env TZ=UTC0 fsu_batch img batch
	check_img
	printf 'line 1\n  "quoted" $HOME `x` \\n\n' >doc
	atf_check -s exit:0 -o file:doc fsu_cat img /a/doc
	atf_check -s exit:0 -o file:doc fsu_cat img /a/doc2
	atf_check -s exit:0 -o file:host.txt fsu_cat img '/a/with space'
	atf_check -s exit:0 -o inline:'tabs stripped\n' fsu_cat img '/a/q"uote'
	atf_check -s exit:0 -o inline:'joined\n' fsu_cat img /a/backslash
	expect_attr img /a/empty size 0
	expect_attr img /a/doc mode 0600
	expect_attr img /a/link type l
	atf_check -s exit:0 -o match:'^/a/b .* 1577934245 ' \
	    "$(atf_get_srcdir)/h_fsu_stat" img /a/b
	expect_attr img /a/moved type d
	{ cat doc; printf 'b\ndoc\ndoc2\nempty\nlink\nmoved\n'; \
	    printf 'q"uote\nwith space\n'; } >expected
	cmp -s out.txt expected || atf_fail "out.txt: $(cat out.txt)"
}

atf_test_case failing_line
failing_line_head() {
	atf_set "descr" "a batch whose 7th line fails leaves the image byte" \
	    "for byte as it was, and says which line"
	atf_set "require.progs" "makefs"
}
failing_line_body() {
	h_init
	mkdir -p tree/sub
	head -c 300000 /dev/urandom >tree/big
	head -c 5000 /dev/urandom >tree/sub/small
	mkimg img tree
	fsu_mkdir img /exists || atf_fail "mkdir"
	cp img before.img
	cat >batch <<'EOF'
mkdir /n1
put -R tree /n2
write /n3 < tree/big
chmod 700 /n1
mv /big /n1/big
rm -r /sub
mkdir /exists
touch /late
EOF
	atf_check -s exit:1 -o empty \
	    -e match:'^fsu_batch: line 7: mkdir: /exists: File exists$' \
	    -e match:'^fsu_batch: line 7: mkdir failed; nothing of the batch is applied$' \
	    fsu_batch img batch
	cmp -s img before.img || atf_fail "the image changed"
	# The same with -k: everything else is applied.
	atf_check -s exit:1 -o empty -e match:'line 7: mkdir: /exists' \
	    -e match:'1 command failed; the others are applied' \
	    fsu_batch img -k batch
	atf_check -s exit:0 -o inline:'exists\nlate\nn1\nn2\nn3\n' fsu_ls img /
	check_img
	# Commands from standard input, and an unknown one.
	cp before.img img
	printf 'mkdir /x\nfrobnicate /y\nmkdir /z\n' >batch2
	atf_check -s exit:1 -e match:'line 2: frobnicate: unknown command' \
	    fsu_batch img <batch2
	cmp -s img before.img || atf_fail "the image changed"
	atf_check -s exit:1 -e match:'line 2: frobnicate: unknown command' \
	    fsu_batch img - <batch2
	# A usage error inside the batch.
	printf 'mkdir\n' | atf_check -s exit:1 \
	    -e match:'^fsu_batch: line 1: mkdir: usage: mkdir \[-p\]' \
	    fsu_batch img
	cmp -s img before.img || atf_fail "the image changed"
}

atf_test_case syntax
syntax_head() {
	atf_set "descr" "a syntax error anywhere runs nothing and names the" \
	    "line"
	atf_set "require.progs" "makefs"
}
syntax_body() {
	h_init
	mkimg img
	cp img before.img
	for b in "mkdir /a\nmkdir 'open\n:line 2: syntax error: unterminated '" \
	    'mkdir /a\nwrite /b <<EOF\nno end\n:line 2: syntax error: here-document without its delimiter' \
	    'mkdir /a\nwrite /b <\n:line 2: syntax error: < needs a file name' \
	    'mkdir /a\n\nmkdir "x\n:line 3: syntax error: unterminated "' \
	    '> out\n:line 1: syntax error: a redirection without a command'; do
		printf "${b%%:*}" >batch
		atf_check -s exit:1 -o empty -e match:"${b#*:}" \
		    -e match:'nothing was run' fsu_batch img batch
		cmp -s img before.img || atf_fail "the image changed"
	done
	atf_check -s exit:1 -e match:'^usage: fsu_batch .* image \[-k\] \[-x\] \[file\]' \
	    fsu_batch img -q
	atf_check -s exit:1 -e match:'no-such-file' fsu_batch img no-such-file
}

atf_test_case same_as_programs
same_as_programs_head() {
	atf_set "descr" "a batch of 1,000 commands leaves the image the same" \
	    "commands run one program at a time leave (names, attributes," \
	    "contents)"
	atf_set "require.progs" "makefs python3"
	atf_set "timeout" "600"
}
same_as_programs_body() {
	h_init
	SOURCE_DATE_EPOCH=1700000000
	export SOURCE_DATE_EPOCH
	mkdir -p empty.d
	makefs -t ffs -s 32m -f 6000 -o version=2 a.img empty.d >/dev/null ||
	    atf_fail "makefs"
	cp a.img b.img
	# 1,000 commands: batch (one line each, here-documents) and sh.
	python3 - <<'EOF'
import random
r = random.Random(1000)
dirs, files = ["/"], []
batch, sh = open("batch", "w"), open("sh", "w")
def q(p):
    return "'" + p + "'"
def emit(cmd, data=None):
    if data is None:
        batch.write(cmd + "\n")
        sh.write("fsu_%s b.img %s </dev/null || exit 1\n" % (
            cmd.split()[0], " ".join(cmd.split()[1:])))
    else:
        with open("d%d" % n, "w") as f:
            f.write(data)
        batch.write("%s <<'EOF'\n%sEOF\n" % (cmd, data))
        sh.write("fsu_%s b.img %s <d%d || exit 1\n" % (
            cmd.split()[0], " ".join(cmd.split()[1:]), n))
for n in range(1000):
    k = r.random()
    d = r.choice(dirs)
    base = d.rstrip("/") + "/"
    if k < 0.15 or len(files) < 5:
        p = base + "d%d" % n
        emit("mkdir " + q(p))
        dirs.append(p)
    elif k < 0.55:
        p = base + "f%d" % n
        data = "".join("%d %s\n" % (i, "x" * r.randrange(80))
            for i in range(r.randrange(1, 40)))
        emit("write " + q(p), data)
        files.append(p)
    elif k < 0.62:
        p = r.choice(files)
        emit("write -a " + q(p), "more %d\n" % n)
    elif k < 0.70:
        emit("chmod %o %s" % (r.choice([0o600, 0o644, 0o755, 0o400]),
            q(r.choice(files))))
    elif k < 0.76:
        p = base + "l%d" % n
        emit("ln -s %s %s" % (q(r.choice(files)), q(p)))
    elif k < 0.82:
        src = r.choice(files)
        p = base + "c%d" % n
        emit("cp %s %s" % (q(src), q(p)))
        files.append(p)
    elif k < 0.88:
        src = files.pop(r.randrange(len(files)))
        p = base + "m%d" % n
        emit("mv %s %s" % (q(src), q(p)))
        files.append(p)
    elif k < 0.94:
        p = files.pop(r.randrange(len(files)))
        emit("rm " + q(p))
    else:
        emit("touch -t 2021%02d%02d1200 %s" % (r.randrange(1, 13),
            r.randrange(1, 29), q(r.choice(files))))
EOF
	atf_check -s exit:0 -o empty -e empty fsu_batch a.img batch
	atf_check -s exit:0 -o empty -e empty sh sh
	"$SNAP" a.img >a.snap || atf_fail "h_snap a.img"
	"$SNAP" b.img >b.snap || atf_fail "h_snap b.img"
	[ "$(wc -l <a.snap)" -gt 500 ] || atf_fail "too few files"
	diff a.snap b.snap >&2 || atf_fail "the images differ"
	check_img a.img
	check_img b.img
}

atf_test_case inspection
inspection_head() {
	atf_set "descr" "find, stat, du, df, cmp and diff run in a batch as " \
	    "they do alone"
	atf_set "require.progs" "makefs"
}
inspection_body() {
	h_init
	mkimg img
	cat >batch <<'EOF'
mkdir -p /t/sub
write /t/a <<END
same
END
write /t/sub/b <<END
same
END
find /t -type f > find.out
stat -f "%N %z" /t/a /t/sub/b > stat.out
du -s -k /t > du.out
df -P > df.out
cmp :/t/a :/t/sub/b
diff -r :/t/sub :/t/sub
EOF
	atf_check -s exit:0 -o empty -e empty fsu_batch img batch
	atf_check -s exit:0 -o inline:"/t/a\n/t/sub/b\n" sort find.out
	atf_check -s exit:0 -o inline:"/t/a 5\n/t/sub/b 5\n" cat stat.out
	fsu_du img -s -k /t >du.alone
	atf_check -s exit:0 -o file:du.alone cat du.out
	atf_check -s exit:0 -o match:"^Filesystem 512-blocks Used Available Capacity Mounted on$" \
	    cat df.out
	# A difference is a failing line: the batch is not applied.
	printf 'write /t/c <<END\nx\nEND\ncmp :/t/a :/t/c\n' >batch2
	atf_check -s exit:1 -o ignore -e ignore fsu_batch img batch2
	atf_check -s exit:1 -o empty -e ignore fsu_cat img /t/c
}

atf_init_test_cases() {
	atf_add_test_case inspection
	atf_add_test_case commands
	atf_add_test_case failing_line
	atf_add_test_case syntax
	atf_add_test_case same_as_programs
}
