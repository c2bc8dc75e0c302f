#! /usr/bin/env atf-sh
# t_fuzz.sh: replay every fuzz target (built without libFuzzer, see
# tests/fuzz/README.md) over its regression corpus, tests/fuzz/corpus/
# <target>/ (every input that ever crashed or hung a target), and over
# the seeds made at build time.  A crash, a sanitizer report, a hang
# (FUZZ_TIMEOUT seconds for one input) or a kernel leak fails the case.
# The targets are those of tests/fuzz/fuzz.mk, listed in "targets".

h_init() {
	. "$(atf_get_srcdir)/../env.sh"
}

# replay TARGET DIR [all]: run TARGET over the files of DIR; at least
# one; with "all", every one must mount (the seeds are valid images).
replay() {
	bin=$(atf_get_srcdir)/$1
	[ -x "$bin" ] || atf_fail "$1 was not built"
	FUZZ_TIMEOUT=60 "$bin" "$2" >out 2>err
	status=$?
	if [ $status -ne 0 ]; then
		tail -n 40 err
		atf_fail "$1 failed (status $status) on $(sed -n \
		    's/^replay: input hangs: //p' err)$(tail -n 1 out)"
	fi
	n=$(sed -n 's/^replay: \([0-9]*\) inputs.*/\1/p' out)
	[ "${n:-0}" -gt 0 ] || atf_fail "$1: no input replayed from $2"
	cat out
	m=$(sed -n 's/^replay: [0-9]* inputs, \([0-9]*\) mounted$/\1/p' out)
	if [ "${3:-}" = all ] && [ -n "$m" ] && [ "$m" -ne "$n" ]; then
		atf_fail "$1: only $m of the $n seeds mounted"
	fi
}

corpus_body() {	# corpus_body TARGET
	h_init
	dir=$FSU_SRC/tests/fuzz/corpus/$1
	if [ -z "$(ls -A "$dir" 2>/dev/null)" ]; then
		atf_skip "no regression inputs for $1 yet"
	fi
	replay "$1" "$dir"
}

seeds_body() {	# seeds_body TARGET
	dir=$(atf_get_srcdir)/seeds/$1
	[ -d "$dir" ] || atf_fail "seeds of $1 were not made"
	[ -f "$dir/.skip" ] && atf_skip "seeds of $1: $(head -n 1 "$dir/.skip")"
	if [ -f "$dir/.failed" ]; then
		cat "$dir/.failed"
		atf_fail "the seed recipe of $1 failed"
	fi
	replay "$1" "$dir" all
}

atf_init_test_cases() {
	targets=$(cat "$(atf_get_srcdir)/targets") ||
	    targets="list_missing"
	for t in $targets; do
		eval "${t}_corpus_head() { atf_set descr \"$t replays its \
regression corpus without a crash, hang or leak\"; }"
		eval "${t}_corpus_body() { corpus_body $t; }"
		eval "${t}_seeds_head() { atf_set descr \"$t runs over the \
seeds made by third-party tools without a crash, hang or leak\"; }"
		eval "${t}_seeds_body() { seeds_body $t; }"
		atf_add_test_case "${t}_corpus"
		atf_add_test_case "${t}_seeds"
	done
}
