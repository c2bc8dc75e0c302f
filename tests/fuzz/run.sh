#!/bin/sh
# run.sh DIR SECONDS TARGET...: run each libFuzzer target in DIR for
# SECONDS seconds, one after the other, and print per target the
# executions, the speed, the coverage (edges, features) and the corpus
# size; crashes, hangs, leaks and timeouts go to DIR/crashes/TARGET/ and
# are listed.  The corpus grows in DIR/corpus/TARGET/, starting from the
# seeds and the regression corpus (tests/fuzz/corpus/TARGET/, read
# only).  The exit status is 1 when anything was found.  The targets
# keep their image files in /dev/shm when they can (FUZZ_TMPDIR).
dir=$1 secs=$2
if [ -z "${FUZZ_TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	FUZZ_TMPDIR=/dev/shm
	export FUZZ_TMPDIR
fi
shift 2
found=0
printf '%-18s %10s %8s %7s %7s %7s  %s\n' target execs exec/s cov ft corpus \
    found
for t in "$@"; do
	work=$dir/corpus/$t crashes=$dir/crashes/$t log=$dir/log/$t.log
	mkdir -p "$work" "$crashes" "$dir/log"
	inputs="$work"
	[ -d "$dir/seeds/$t" ] && inputs="$inputs $dir/seeds/$t"
	[ -d "tests/fuzz/corpus/$t" ] && inputs="$inputs tests/fuzz/corpus/$t"
	before=$(ls "$crashes" | wc -l)
	# libFuzzer's default -max_len is 1 MiB: a larger seed (FAT16 and
	# FAT32 cannot be smaller; a 1 MiB FFS image plus its script) would
	# be cut, and the read-write target's mutator wrote past the cut
	# buffer.  The limit is the largest input instead.
	# shellcheck disable=SC2086
	maxlen=$(find $inputs -type f -printf '%s\n' 2>/dev/null |
	    sort -n | tail -n 1)
	[ "${maxlen:-0}" -gt 1048576 ] || maxlen=1048576
	# shellcheck disable=SC2086
	"$dir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len="$maxlen" \
	    -print_final_stats=1 -artifact_prefix="$crashes/" $inputs \
	    >"$log" 2>&1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	new=$(($(ls "$crashes" | wc -l) - before))
	printf '%-18s %10s %8s %7s %7s %7s  %s\n' "$t" "${execs:-?}" \
	    "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$new"
	if [ "$new" -gt 0 ] || [ -z "$execs" ]; then
		found=1
		ls -t "$crashes" | head -n "$new" | sed "s|^|    $crashes/|"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|panic:|.*runtime error)' \
		    "$log" | head -n 5 | sed 's/^/    /'
		echo "    log: $log"
	fi
done
exit $found
