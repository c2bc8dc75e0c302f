#!/bin/sh
# check_kern_imports.sh OBJ...: fail if the kernel objects, taken together,
# import a host symbol other than the hypercalls (hyp_*) and the pure libc
# helpers the kernel is allowed (mem*, str*, snprintf).  Sanitizer and
# stack-protector runtime symbols are accepted.
tmp=${TMPDIR:-/tmp}/kimports.$$
trap 'rm -f $tmp.u $tmp.d' EXIT
nm -u "$@" | awk 'NF == 2 { print $2 }' | sort -u >$tmp.u
nm --defined-only "$@" | awk 'NF == 3 { print $3 }' | sort -u >$tmp.d
bad=$(comm -23 $tmp.u $tmp.d |
    grep -Ev '^(hyp_[a-z0-9_]+|mem(cpy|move|set|cmp|chr)|str(len|nlen|cmp|ncmp|chr|rchr)|v?snprintf|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|__(a|ub|t)san_[A-Za-z0-9_]+)$')
if [ -n "$bad" ]; then
	echo "kern/ objects import host symbols (only lib/ may):" >&2
	echo "$bad" | sed 's/^/	/' >&2
	exit 1
fi
exit 0
