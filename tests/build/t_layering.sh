#! /usr/bin/env atf-sh
# t_layering.sh: the layers stay what the architecture says: libukfs.so
# exports only ukfs_*, kernel objects import nothing from the host but the
# hypercalls and pure libc helpers, and programs call only libukfs and
# the shared command code.

objdir() {
	echo "$(atf_get_srcdir)/../.."
}

atf_test_case exports
exports_head() {
	atf_set "descr" "libukfs.so exports the ukfs_* API and nothing else"
	atf_set "require.progs" "nm"
}
exports_body() {
	so="$(objdir)/ukfs/libukfs.so"
	atf_check -s exit:0 test -f "$so"
	nm -D --defined-only "$so" | awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' |
	    grep -v '^UKFS_' >syms
	atf_check -s exit:0 -o match:'^ukfs_mount$' cat syms
	atf_check -s exit:0 -o match:'^ukfs_fd_read$' cat syms
	atf_check -s exit:1 grep -v '^ukfs_' syms
}

atf_test_case kernel_imports
kernel_imports_head() {
	atf_set "descr" "kernel objects import only hyp_* and mem*/str*/snprintf"
	atf_set "require.progs" "nm"
}
kernel_imports_body() {
	objs=$(find "$(objdir)/kern" -name '*.o')
	atf_check -s exit:0 test -n "$objs"
	nm -u $objs | awk 'NF == 2 { print $2 }' | sort -u >undef
	nm --defined-only $objs | awk 'NF == 3 { print $3 }' | sort -u >def
	comm -23 undef def | grep -Ev '^(hyp_[a-z0-9_]+|mem(cpy|move|set|cmp|chr)|str(len|nlen|cmp|ncmp|chr|rchr)|v?snprintf|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|__(a|ub|t)san_[A-Za-z0-9_]+)$' >bad || true
	atf_check -s exit:0 -o empty cat bad
	# The check itself must catch a violation.
	atf_check -s exit:0 -o match:'^[0-9a-f]* *U hyp_' -x "nm $(objdir)/kern/dev/blk.o"
}

atf_test_case programs
programs_head() {
	atf_set "descr" "programs reach the kernel only through libukfs"
	atf_set "require.progs" "nm"
}
programs_body() {
	n=0
	for o in $(objdir)/fsu_*/*.o $(objdir)/cmd/*.o; do
		[ -f "$o" ] || continue
		n=$((n + 1))
		nm -u "$o" | awk 'NF == 2 { print $2 }' |
		    grep -E '^(ksys_|vfs_|vcache_|blk_|part_|hyp_|kmem_|genfs_|namei)' >>bad || true
	done
	atf_check -s exit:0 test "$n" -gt 0
	atf_check -s exit:0 -o empty cat bad
}

atf_init_test_cases() {
	atf_add_test_case exports
	atf_add_test_case kernel_imports
	atf_add_test_case programs
}
