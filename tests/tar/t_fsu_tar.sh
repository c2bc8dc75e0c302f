#! /usr/bin/env atf-sh
# t_fsu_tar.sh: fsu_tar unpacks archives made by bsdtar (tar, pax, cpio,
# zip, compressed) and mtree manifests into FFS images and writes image
# trees back as archives that bsdtar reads equal; owners, modes, times,
# links, devices and flags need no root; hostile archives are handled as
# bsdtar handles them; the same archive gives the same image bytes.

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
	PATH="$FSU_BIN:$PATH"
	export PATH
	umask 022
	LC_ALL=C
	export LC_ALL
	command -v bsdtar >/dev/null ||
	    atf_skip "bsdtar (libarchive-tools) is missing"
}

need_oracle() {
	[ -n "${FFS_CHECK:-}" ] && [ -f "$FFS_CHECK" ] ||
	    atf_skip "the FFS checker ffs_check.py is missing (FFS_CHECK)"
}

oracle() {
	python3 "$FFS_CHECK" "$@" >oracle.out 2>&1 ||
	    atf_fail "ffs_check $1: $(head -n 5 oracle.out | tr '\n' ' ')"
}

# mkcontent DIR: files for a manifest to name.
mkcontent() {
	mkdir -p "$1"
	i=1
	while [ $i -le 12 ]; do
		head -c $((i * 3001)) /dev/urandom >"$1/f$i"
		i=$((i + 1))
	done
	: >"$1/empty"
	head -c 1000000 /dev/urandom >"$1/big"
}

# mkspec: an mtree spec of a tree with owners other than ours, device
# nodes, a fifo, links and sub-second times (bsdtar makes archives of it
# without root: bsdtar -cf out @spec).
mkspec() {
	mkcontent c
	cat >spec <<'EOF'
#mtree
. type=dir uid=0 gid=0 mode=0755 time=1600000000.0
./etc type=dir uid=0 gid=0 mode=0755 time=1600000001.0
./etc/passwd type=file uid=0 gid=0 mode=0644 time=1600000002.5 contents=c/f1
./etc/secret type=file uid=0 gid=5 mode=0640 time=1600000003.0 contents=c/f2
./home type=dir uid=0 gid=0 mode=0755 time=1600000004.0
./home/u type=dir uid=1234 gid=5678 mode=0700 time=1600000005.0
./home/u/a type=file uid=1234 gid=5678 mode=0600 time=1600000006.0 contents=c/f3
./home/u/big type=file uid=1234 gid=5678 mode=0644 time=1600000007.0 contents=c/big
./home/u/empty type=file uid=1234 gid=5678 mode=0644 time=1600000008.0 contents=c/empty
./home/u/link type=link uid=1234 gid=5678 mode=0777 time=1600000009.0 link=a
./bin type=dir uid=0 gid=0 mode=0755 time=1600000010.0
./bin/su type=file uid=0 gid=0 mode=04555 time=1600000011.0 contents=c/f4
./bin/wall type=file uid=0 gid=4 mode=02555 time=1600000012.0 contents=c/f5
./dev type=dir uid=0 gid=0 mode=0755 time=1600000013.0
./dev/null type=char uid=0 gid=0 mode=0666 time=1600000014.0 device=native,2,2
./dev/sd0a type=block uid=0 gid=5 mode=0640 time=1600000015.0 device=native,8,1
./dev/fifo type=fifo uid=0 gid=0 mode=0600 time=1600000016.0
./tmp type=dir uid=0 gid=0 mode=01777 time=1600000017.0
EOF
}

# mkhosttree DIR: a host tree with hard links (bsdtar reads it as is).
mkhosttree() {
	mkcontent "$1"
	mkdir -p "$1/d/e"
	ln "$1/f1" "$1/d/hard1"
	ln "$1/f1" "$1/d/e/hard2"
	ln -s ../f2 "$1/d/sym"
	touch -d @1500000000.123456789 "$1/f3"
}

# spec_of ARCHIVE KEYWORDS: the entries of an archive as sorted mtree
# lines with the keywords given (bsdtar writes them).
spec_of() {
	bsdtar -cf - --format=mtree --options "!all,$2" "@$1" |
	    grep -v '^#' | sed 's/^\.\///' | sort
}

atf_test_case roundtrip
roundtrip_head() {
	atf_set "descr" "archives of owners other than ours, devices, " \
	    "links and times that bsdtar makes as tar, pax, cpio and zip, " \
	    "unpacked by fsu_tar -x and written back by fsu_tar -c, equal " \
	    "the originals (bsdtar compares them); ffs_check.py is content"
	atf_set "require.progs" "python3"
	atf_set "timeout" "600"
}
roundtrip_body() {
	h_init
	need_oracle
	mkspec
	mkhosttree tree
	for fmt in ustar pax gnutar cpio newc zip; do
		case $fmt in
		zip)	keys="type,mode,link,time" ;;
		*)	keys="type,mode,uid,gid,link,time,device" ;;
		esac
		for src in spec tree; do
			v="$fmt from $src"
			rm -f img in.a out.tar
			if [ $src = spec ]; then
				[ $fmt = zip ] && continue
				bsdtar -cf in.a --format $fmt @spec
			else
				bsdtar -cf in.a --format $fmt -C tree .
			fi
			atf_check -s exit:0 -o ignore fsu_newfs -s 16m img
			atf_check -s exit:0 -o empty -e empty \
			    fsu_tar img -x -f in.a
			oracle img
			atf_check -s exit:0 -o ignore fsu_fsck img -n
			atf_check -s exit:0 -o empty -e empty \
			    fsu_tar img -c -f out.tar --format pax .
			# The root is "." or "./": left out.
			spec_of in.a "$keys" | grep -v '^/*\. ' >want
			spec_of out.tar "$keys" | grep -v '^/*\. ' >got
			[ -s want ] || atf_fail "$v: no entries"
			diff want got >diff.out ||
			    atf_fail "$v: $(head -n 6 diff.out | tr '\n' ' ')"
			# The data, hard links' included.
			rm -rf A B
			mkdir A B
			bsdtar -xf in.a -C A --no-same-owner --exclude dev
			bsdtar -xf out.tar -C B --no-same-owner --exclude dev
			diff -r A B >diff.out ||
			    atf_fail "$v: data: $(head -n 3 diff.out)"
		done
	done
	# Sub-second times and hard links survive pax.
	rm -f img
	bsdtar -cf in.a --format pax -C tree .
	atf_check -s exit:0 -o ignore fsu_newfs -s 16m img
	atf_check -s exit:0 fsu_tar img -x -f in.a
	atf_check -s exit:0 -o match:'^3 ' -x \
	    "fsu_stat img -f '%l %i' /f1"
	i1=$(fsu_stat img -f %i /f1)
	[ "$(fsu_stat img -f %i /d/e/hard2)" = "$i1" ] ||
	    atf_fail "hard link lost"
	# The archive fsu_tar writes has the data of every file.
	mkdir x
	bsdtar -xf out.tar -C x
	diff -r tree x >/dev/null || atf_fail "contents differ"
}

atf_test_case owners_devices
owners_devices_head() {
	atf_set "descr" "owners, set-id modes, device nodes and fifos of " \
	    "an archive are in the image as fsu_ls -ln shows them"
}
owners_devices_body() {
	h_init
	mkspec
	bsdtar -cf in.tar --format pax @spec
	atf_check -s exit:0 -o ignore fsu_newfs -s 8m img
	atf_check -s exit:0 fsu_tar img -x -f in.tar
	atf_check -s exit:0 -o match:'^-r-sr-xr-x  1 0  0 ' fsu_ls img -ln /bin/su
	atf_check -s exit:0 -o match:'^-r-xr-sr-x  1 0  4 ' fsu_ls img -ln /bin/wall
	atf_check -s exit:0 -o match:'^drwx------  2 1234  5678 ' \
	    fsu_ls img -lnd /home/u
	atf_check -s exit:0 -o match:'^crw-rw-rw-  1 0  0  2, 2 ' \
	    fsu_ls img -ln /dev/null
	atf_check -s exit:0 -o match:'^brw-r-----  1 0  5  8, 1 ' \
	    fsu_ls img -ln /dev/sd0a
	atf_check -s exit:0 -o match:'^prw-------  1 0  0 ' \
	    fsu_ls img -ln /dev/fifo
	atf_check -s exit:0 -o match:'^drwxrwxrwt  2 0  0 ' fsu_ls img -lnd /tmp
	atf_check -s exit:0 -o match:'^lrwxrwxrwx  1 1234  5678 .*/link -> a' \
	    fsu_ls img -ln /home/u/link
	atf_check -s exit:0 -o inline:"1600000006\n" fsu_stat img -f %m /home/u/a
	atf_check -s exit:0 -o inline:"1600000005\n" fsu_stat img -f %m /home/u
	fsu_cat img /home/u/big | cmp -s - c/big || atf_fail "data differs"
}

atf_test_case unprivileged
unprivileged_head() {
	atf_set "descr" "as an unprivileged user (nobody, when the tests " \
	    "run as root): a spec with other owners, set-id modes, devices " \
	    "and flags becomes an image with all of them, and an archive " \
	    "of it that keeps them"
	atf_set "require.progs" "setpriv"
}
unprivileged_body() {
	h_init
	[ "$(id -u)" = 0 ] || atf_skip "already unprivileged: see the others"
	mkspec
	sed -i 's/^\.\/etc\/passwd .*/& flags=nodump,uchg/' spec
	bsdtar -cf in.tar --format pax @spec
	d=$(mktemp -d /tmp/fsu_tar.XXXXXX)
	cp in.tar "$d/"
	chown -R 65534:65534 "$d"
	nobody() {
		(cd "$d" && setpriv --reuid=65534 --regid=65534 \
		    --clear-groups env PATH="$PATH" "$@")
	}
	nobody sh -c 'test "$(id -u)" = 65534' || atf_fail "not nobody"
	nobody fsu_newfs -q -s 8m img || atf_fail "newfs as nobody"
	nobody fsu_tar img -x -f in.tar || atf_fail "tar -x as nobody"
	nobody fsu_tar img -c --format pax -f out.tar . ||
	    atf_fail "tar -c as nobody"
	keys="type,mode,uid,gid,link,time,device,flags"
	spec_of in.tar "$keys" | grep -v '^/*\. ' >want
	spec_of "$d/out.tar" "$keys" | grep -v '^/*\. ' >got
	grep -q 'etc/passwd flags=nodump,uchg' got ||
	    atf_fail "flags: $(grep passwd got)"
	diff want got >diff.out ||
	    atf_fail "$(head -n 6 diff.out | tr '\n' ' ')"
	atf_check -s exit:0 -o match:'^brw-r-----  1 0  5  - +8, 1 ' \
	    fsu_ls "$d/img" -lno /dev/sd0a
	rm -rf "$d"
}

atf_test_case metalog
metalog_head() {
	atf_set "descr" "a METALOG with user and group names, flags and " \
	    "contents from the build tree, applied without root, gives " \
	    "what it says; -c --format=mtree writes a spec libarchive " \
	    "reads back equal"
}
metalog_body() {
	h_init
	mkcontent destdir
	mkdir db
	printf 'root:*:0:0::0:0:Charlie:/root:/bin/sh\n' >db/master.passwd
	printf 'operator:*:2:5::0:0:System:/usr/guest:/sbin/nologin\n' \
	    >>db/master.passwd
	printf 'bin:*:3:7::0:0:Binaries:/:/sbin/nologin\n' >>db/master.passwd
	printf 'wheel:*:0:root\nkmem:*:2:\noperator:*:5:root\nbin:*:7:\n' \
	    >db/group
	cat >METALOG <<'EOF'
#mtree
. type=dir uname=root gname=wheel mode=0755
./bin type=dir uname=root gname=wheel mode=0755
./bin/ls type=file uname=bin gname=bin mode=0555 contents=destdir/f1 time=1700000000.0
./bin/secure type=file uname=root gname=wheel mode=0444 flags=schg contents=destdir/f2 time=1700000000.0
./sbin type=dir uname=root gname=wheel mode=0755
./sbin/dump type=file uname=root gname=operator mode=02555 contents=destdir/f3 time=1700000000.0
./var type=dir uname=root gname=wheel mode=0755
./var/log type=dir uname=root gname=wheel mode=0755 flags=nodump
./dev type=dir uname=root gname=wheel mode=0755
./dev/kmem type=char uname=root gname=kmem mode=0640 device=native,2,1 time=1700000000.0
EOF
	atf_check -s exit:0 -o ignore fsu_newfs -s 8m img
	atf_check -s exit:0 -o empty -e empty fsu_tar img -x -N db -f METALOG
	atf_check -s exit:0 -o match:'^-r-xr-xr-x  1 3  7 ' fsu_ls img -ln /bin/ls
	atf_check -s exit:0 -o match:'^-r-xr-sr-x  1 0  5 ' \
	    fsu_ls img -ln /sbin/dump
	atf_check -s exit:0 -o match:'^crw-r-----  1 0  2  2, 1 ' \
	    fsu_ls img -ln /dev/kmem
	atf_check -s exit:0 -o inline:"0x20000\n" fsu_stat img -f %#Xf /bin/secure
	atf_check -s exit:0 -o inline:"0x1\n" fsu_stat img -f %#Xf /var/log
	atf_check -s exit:0 -o match:'^-r--r--r--  1 0  0  schg ' \
	    fsu_ls img -lno /bin/secure
	atf_check -s exit:0 -o match:'^drwxr-xr-x  2 0  0  nodump ' \
	    fsu_ls img -lnod /var/log
	atf_check -s exit:0 -o match:'^-r-xr-xr-x  1 3  7  - ' \
	    fsu_ls img -lno /bin/ls
	fsu_cat img /bin/ls | cmp -s - destdir/f1 || atf_fail "contents"
	# An unknown name is an error for that entry only.
	{
		echo './x type=file uname=nosuch mode=0644 contents=destdir/f4'
		echo './y type=file mode=0644 contents=destdir/f4'
	} >bad.mtree
	atf_check -s exit:1 -e match:'unknown user "nosuch"' \
	    fsu_tar img -x -N db -f bad.mtree
	atf_check -s exit:0 -o ignore fsu_ls img /y
	# The spec of the image, read back by libarchive, equals the
	# METALOG's entries.
	atf_check -s exit:0 -o save:img.mtree fsu_tar img -c --format=mtree \
	    --numeric-owner -f - bin sbin var dev
	keys="type,mode,uid,gid,flags,device"
	bsdtar -cf - --format=mtree --options "!all,$keys" @img.mtree |
	    grep -v '^#' | sed 's/^\.\///' | sort >got
	bsdtar -cf - --format=mtree --options "!all,type,mode,flags,device" \
	    @METALOG | grep -v '^#' | sed 's/^\.\///' | grep -v '^\. ' |
	    sort >want
	sed 's/ gid=[0-9]*//; s/ uid=[0-9]*//' got >got.noid
	diff want got.noid >diff.out ||
	    atf_fail "spec differs: $(head -n 6 diff.out | tr '\n' ' ')"
	grep -q '^bin/ls .*gid=7 .*uid=3' got || atf_fail "owners: $(cat got)"
}

atf_test_case hostile
hostile_head() {
	atf_set "descr" "absolute names are made relative, '..' is refused " \
	    "(allowed with -P), nothing is extracted through a symbolic " \
	    "link an earlier entry made, too long names fail alone; exit 1 " \
	    "after the other entries"
	atf_set "require.progs" "python3"
}
hostile_body() {
	h_init
	python3 - <<'EOF'
import io, tarfile
t = tarfile.open('hostile.tar', 'w', format=tarfile.PAX_FORMAT)
def f(name, data=b'x\n'):
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
    t.addfile(i, io.BytesIO(data))
def l(name, target, kind=tarfile.SYMTYPE):
    i = tarfile.TarInfo(name); i.type = kind; i.linkname = target
    t.addfile(i)
f('/abs/file', b'abs\n')
f('../escape', b'esc\n')
f('a/../../escape2', b'esc\n')
l('link', '/')
f('link/through', b'thr\n')
l('dlink', '..')
f('dlink/x')
l('hl', '../outside/victim', tarfile.LNKTYPE)
l('hl2', 'dlink/outside/victim', tarfile.LNKTYPE)
f('n' * 300, b'long\n')
f('ok', b'ok\n')
t.close()
EOF
	atf_check -s exit:0 -o ignore fsu_newfs -s 8m img
	atf_check -s exit:0 fsu_mkdir img /sub /outside
	echo victim | atf_check -s exit:0 fsu_write img /outside/victim
	atf_check -s exit:1 -o empty -e save:err \
	    fsu_tar img -x -C /sub -f hostile.tar
	for m in "../escape: Path contains '..'" \
	    "a/../../escape2: Path contains '..'" \
	    "link/through: Cannot extract through symlink" \
	    "dlink/x: Cannot extract through symlink" \
	    "hl: Path contains '..'" "hl2: Cannot extract through symlink" \
	    "nnnnnnnn*: .*File name too long"; do
		grep -q "$m" err || atf_fail "no message \"$m\": $(cat err)"
	done
	atf_check -s exit:0 -o inline:"abs\n" fsu_cat img /sub/abs/file
	atf_check -s exit:0 -o inline:"ok\n" fsu_cat img /sub/ok
	atf_check -s exit:0 -o inline:"outside\nsub\n" fsu_ls img /
	atf_check -s exit:0 -o inline:"victim\n" fsu_cat img /outside/victim
	atf_check -s exit:0 -o inline:"1\n" fsu_stat img -f %l /outside/victim
	atf_check -s not-exit:0 -o ignore -e ignore fsu_ls img /escape
	# -P: the names are taken as they are, inside the image.
	atf_check -s exit:1 -o empty -e ignore \
	    fsu_tar img -x -P -C /sub -f hostile.tar
	atf_check -s exit:0 -o inline:"esc\n" fsu_cat img /escape
	atf_check -s exit:0 -o inline:"abs\n" fsu_cat img /abs/file
	# bsdtar refuses the same entries.
	mkdir host
	bsdtar -xf hostile.tar -C host 2>bsdtar.err && atf_fail "bsdtar ok?"
	[ -f host/abs/file ] && [ -f host/ok ] && [ ! -e escape ] ||
	    atf_fail "bsdtar behaves differently"
	oracle img
}

atf_test_case options
options_head() {
	atf_set "descr" "-C, -s, --exclude, patterns, -k, -v, -f -, " \
	    "compression on write (-z -j -J, by name) detected on read, " \
	    "--format, --uid/--gid/--uname/--gname"
}
options_body() {
	h_init
	mkhosttree tree
	bsdtar -cf in.tar -C tree .
	atf_check -s exit:0 -o ignore fsu_newfs -s 16m img
	atf_check -s exit:0 fsu_mkdir img /dst
	# Patterns and exclusions.
	atf_check -s exit:0 -e inline:"x d/sym\n" fsu_tar img -x -v -C /dst \
	    -f in.tar './d/sym'
	atf_check -s exit:0 -o inline:"d\n" fsu_ls img /dst
	atf_check -s exit:1 -e match:'nosuch: Not found in archive' \
	    fsu_tar img -x -C /dst -f in.tar nosuch
	atf_check -s exit:0 fsu_tar img -x -C /dst -f in.tar --exclude 'f1?' \
	    --exclude big
	atf_check -s not-exit:0 -e ignore fsu_ls img /dst/f10
	atf_check -s not-exit:0 -e ignore fsu_ls img /dst/big
	atf_check -s exit:0 -o ignore fsu_ls img /dst/f1 /dst/f2 /dst/d/hard1
	# -s renames; -k keeps what is there.
	atf_check -s exit:0 fsu_tar img -x -C /dst -f in.tar -s ',^\./f,./g,' \
	    ./f1
	atf_check -s exit:0 -o ignore fsu_ls img /dst/g1
	echo kept | atf_check -s exit:0 fsu_write img /dst/f2
	atf_check -s exit:0 fsu_tar img -x -k -C /dst -f in.tar
	atf_check -s exit:0 -o inline:"kept\n" fsu_cat img /dst/f2
	atf_check -s exit:0 fsu_tar img -x -C /dst -f in.tar
	fsu_cat img /dst/f2 | cmp -s - tree/f2 || atf_fail "not replaced"
	# stdin and stdout.
	atf_check -s exit:0 fsu_mkdir img /in
	atf_check -s exit:0 -x "fsu_tar img -x -C /in -f - <in.tar"
	fsu_cat img /in/big | cmp -s - tree/big || atf_fail "-f - read"
	atf_check -s exit:0 -x "fsu_tar img -c -C /in -f - . | bsdtar -tf - |
	    grep -qx './big'"
	# Compression asked for, or from the name; detected on read.
	for c in "-z gz 1f8b" "-j bz2 425a" "-J xz fd37" "--zstd zst 28b5"; do
		set -- $c
		atf_check -s exit:0 fsu_tar img -c $1 -f out.$2 -C /in .
		[ "$(od -An -tx1 -N2 out.$2 | tr -d ' ')" = "$3" ] ||
		    atf_fail "$1: not compressed"
		atf_check -s exit:0 fsu_tar img -c -f name.tar.$2 -C /in .
		[ "$(od -An -tx1 -N2 name.tar.$2 | tr -d ' ')" = "$3" ] ||
		    atf_fail "$2: not from the name"
		atf_check -s exit:0 fsu_mkdir img /c$2
		atf_check -s exit:0 fsu_tar img -x -C /c$2 -f out.$2
		fsu_cat img /c$2/big | cmp -s - tree/big || atf_fail "$2 read"
	done
	for f in ustar pax gnutar cpio newc zip 7zip iso9660 mtree shar; do
		atf_check -s exit:0 fsu_tar img -c --format $f -f out.$f \
		    -C /in f1 d
		[ $f = shar ] && continue
		bsdtar -tf out.$f | grep -q 'f1$' || atf_fail "$f: no f1"
	done
	atf_check -s exit:0 -x "bsdtar -xOf out.zip f1 | cmp -s - tree/f1"
	# Owners as asked on -c.
	atf_check -s exit:0 fsu_tar img -c -f own.tar --uid 77 --gid 88 \
	    --uname alice --gname staff -C /in f1
	atf_check -s exit:0 -o match:'alice  *staff' bsdtar -tvf own.tar
	atf_check -s exit:0 -o match:'77  *88' bsdtar -tvf own.tar --numeric-owner
	# -c changes nothing in the image.
	sum1=$(sha256sum <img)
	atf_check -s exit:0 fsu_tar img -c -f /dev/null -C / .
	[ "$(sha256sum <img)" = "$sum1" ] || atf_fail "-c changed the image"
}

atf_test_case ext2fs
ext2fs_head() {
	atf_set "descr" "fsu_tar works on any file system the kernel " \
	    "writes: an archive with other owners, devices and hard links " \
	    "unpacked into an ext4 image that mke2fs made, checked by " \
	    "e2fsck -fn and written back equal (times to the nanosecond)"
	atf_set "require.progs" "mke2fs e2fsck"
}
ext2fs_body() {
	h_init
	mkspec
	mkhosttree tree
	bsdtar -cf spec.tar --format pax @spec
	bsdtar -cf tree.tar --format pax -C tree .
	keys="type,mode,uid,gid,link,time,device"
	for a in spec.tar tree.tar; do
		rm -f img
		atf_check -s exit:0 -o ignore -e ignore \
		    mke2fs -q -F -t ext4 -I 256 img 16M
		atf_check -s exit:0 -o empty -e empty fsu_tar img -x -f $a
		atf_check -s exit:0 -o ignore -e ignore e2fsck -fn img
		atf_check -s exit:0 fsu_tar img -c -f out.tar --format pax --exclude \
		    lost+found .
		spec_of $a "$keys" | grep -v '^/*\. ' >want
		spec_of out.tar "$keys" | grep -v '^/*\. ' >got
		diff want got >diff.out ||
		    atf_fail "$a: $(head -n 6 diff.out | tr '\n' ' ')"
		rm -rf A B
		mkdir A B
		bsdtar -xf $a -C A --no-same-owner --exclude dev
		bsdtar -xf out.tar -C B --no-same-owner --exclude dev
		diff -r A B >/dev/null || atf_fail "$a: data differs"
	done
}

atf_test_case msdos
msdos_head() {
	atf_set "descr" "a tree archive unpacked into a FAT image that " \
	    "mkfs.fat made: fsck.fat -n is content, mtools read the data, " \
	    "and fsu_tar -c gives the same names and data back"
	atf_set "require.progs" "mkfs.fat fsck.fat mtype"
}
msdos_body() {
	h_init
	mkcontent tree
	mkdir tree/sub
	cp tree/f3 tree/sub/inner
	bsdtar -cf in.tar -C tree .
	atf_check -s exit:0 -o ignore mkfs.fat -C img 16384
	atf_check -s exit:0 -o empty -e empty fsu_tar img -x -f in.tar
	atf_check -s exit:0 -o ignore fsck.fat -n img
	mtype -i img ::/sub/inner | cmp -s - tree/f3 || atf_fail "mtype"
	atf_check -s exit:0 fsu_tar img -c -f out.tar .
	rm -rf A B
	mkdir A B
	bsdtar -xf in.tar -C A
	bsdtar -xf out.tar -C B
	diff -r A B >/dev/null || atf_fail "data differs"
}

atf_test_case corrupt
corrupt_head() {
	atf_set "descr" "archives with damaged bytes (tar, pax, cpio, zip, " \
	    "gzip) never crash fsu_tar: exit 0 or 1, and the image stays " \
	    "consistent for fsu_fsck -n"
	atf_set "require.progs" "python3"
	atf_set "timeout" "600"
}
corrupt_body() {
	h_init
	mkhosttree tree
	atf_check -s exit:0 -o ignore fsu_newfs -s 16m img
	for fmt in "ustar a.tar" "pax a.pax" "newc a.cpio" "zip a.zip" \
	    "pax a.tgz"; do
		set -- $fmt
		bsdtar -cf "$2" --format "$1" -C tree .
		i=0
		while [ $i -lt 12 ]; do
			python3 - "$2" $i <<'EOF'
import random, sys
data = bytearray(open(sys.argv[1], 'rb').read())
rnd = random.Random(int(sys.argv[2]) * 7 + len(data))
for _ in range(1 + int(sys.argv[2]) % 4):
    p = rnd.randrange(min(len(data), 4096))
    data[p] = rnd.randrange(256)
open('bad', 'wb').write(data)
EOF
			fsu_tar img -x -C / -f bad >out 2>&1
			rv=$?
			[ $rv -le 1 ] || atf_fail "$2 #$i: exit $rv: $(tail -n 3 out)"
			! grep -q 'Sanitizer\|runtime error' out ||
			    atf_fail "$2 #$i: $(grep -m 1 'Sanitizer\|runtime error' out)"
			atf_check -s exit:0 -o ignore -e ignore fsu_fsck img -n
			i=$((i + 1))
		done
	done
}

atf_test_case batch
batch_head() {
	atf_set "descr" "tar runs inside fsu_batch: an archive unpacked and " \
	    "changed in one transaction; a failing line leaves the image " \
	    "as it was"
}
batch_body() {
	h_init
	mkhosttree tree
	bsdtar -cf in.tar -C tree .
	atf_check -s exit:0 -o ignore fsu_newfs -s 16m img
	cat >batch <<EOF
mkdir /x
tar -x -C /x -f in.tar
chmod 700 /x
tar -c -C /x -f out.tar --format pax f1 d
EOF
	atf_check -s exit:0 -o empty -e empty fsu_batch img batch
	atf_check -s exit:0 -o match:'^drwx------' fsu_ls img -ld /x
	fsu_cat img /x/big | cmp -s - tree/big || atf_fail "big"
	atf_check -s exit:0 -o match:'d/e/hard2' bsdtar -tf out.tar
	sum=$(sha256sum <img)
	printf 'mkdir /y\ntar -x -C /y -f in.tar\ntar -x -f nosuch.tar\n' \
	    >bad
	atf_check -s not-exit:0 -o ignore -e match:'nosuch.tar' \
	    fsu_batch img bad
	[ "$(sha256sum <img)" = "$sum" ] || atf_fail "image changed"
}

atf_test_case errors
errors_head() {
	atf_set "descr" "bad usage, a missing or corrupt archive, a missing " \
	    "path, a full image: a message and exit 1"
}
errors_body() {
	h_init
	atf_check -s exit:0 -o ignore fsu_newfs -s 4m img
	atf_check -s exit:1 -e match:'Must specify one of -c or -x' \
	    fsu_tar img -f x.tar
	atf_check -s exit:1 -e match:"Can't specify both" fsu_tar img -x -c
	atf_check -s exit:1 -e match:'nosuch.tar' fsu_tar img -x -f nosuch.tar
	head -c 10000 /dev/urandom >junk
	atf_check -s exit:1 -e match:'Unrecognized archive format' \
	    fsu_tar img -x -f junk
	atf_check -s exit:1 -e match:'nosuch' fsu_tar img -c -f o.tar /nosuch
	atf_check -s exit:1 -e ignore fsu_tar img -c --format nosuch -f o.tar /
	atf_check -s exit:1 -e match:'not a directory|Not a directory|No such' \
	    fsu_tar img -x -C /nodir -f junk
	atf_check -s exit:1 -e match:'usage' fsu_tar img -x --bogus
	# A truncated archive: what came before it is in; exit 1.
	mkcontent tree
	bsdtar -cf t.tar -C tree f1 big
	head -c 20000 t.tar >cut.tar
	atf_check -s exit:1 -e not-empty fsu_tar img -x -f cut.tar
	fsu_cat img /f1 | cmp -s - tree/f1 || atf_fail "f1"
	# More than fits: ENOSPC per entry, the image stays sound.
	head -c 5m /dev/urandom >tree/huge
	bsdtar -cf h.tar -C tree huge f2
	atf_check -s exit:1 -e match:'No space left on device' \
	    fsu_tar img -x -f h.tar
	atf_check -s exit:0 -o ignore fsu_fsck img -n
}

atf_test_case reproducible
reproducible_head() {
	atf_set "descr" "with SOURCE_DATE_EPOCH, one archive unpacked twice " \
	    "at different times gives byte-identical images"
}
reproducible_body() {
	h_init
	mkhosttree tree
	mkspec
	bsdtar -cf in.tar --format pax -C tree .
	SOURCE_DATE_EPOCH=1700000000
	export SOURCE_DATE_EPOCH
	for a in in.tar spec; do
		fsu_newfs -q -s 16m a.img
		atf_check -s exit:0 fsu_tar a.img -x -f $a
		sleep 1
		umask 077
		fsu_newfs -q -s 16m b.img
		atf_check -s exit:0 fsu_tar b.img -x -f $a
		umask 022
		[ "$(sha256sum <a.img)" = "$(sha256sum <b.img)" ] ||
		    atf_fail "$a: images differ"
		rm -f a.img b.img
	done
}

atf_init_test_cases() {
	atf_add_test_case roundtrip
	atf_add_test_case owners_devices
	atf_add_test_case unprivileged
	atf_add_test_case metalog
	atf_add_test_case hostile
	atf_add_test_case options
	atf_add_test_case ext2fs
	atf_add_test_case msdos
	atf_add_test_case corrupt
	atf_add_test_case batch
	atf_add_test_case errors
	atf_add_test_case reproducible
}
