#!/bin/sh
# run.sh OBJDIR: run the whole suite with kyua and end with the line
# "N passed, N failed".  Failures are shown in detail.
O=${1:-obj}
cd "$O/tests" || exit 1
db=$(pwd)/results.db
rm -f "$db"
kyua --loglevel=warning test --results-file="$db" >kyua.out 2>&1
status=$?
kyua report --results-file="$db" --verbose \
    --results-filter=broken,failed >kyua.fail 2>&1
summary=$(kyua report --results-file="$db" | tail -n 3)
grep -E '^[^ ]+:[^ ]+  ->  (failed|broken)' kyua.out
total=$(kyua report --results-file="$db" --results-filter=passed,skipped,xfail,broken,failed |
    grep -cE '  ->  (passed|skipped|expected_failure|broken|failed)')
passed=$(grep -cE '  ->  passed' kyua.out)
failed=$(grep -cE '  ->  (broken|failed)' kyua.out)
skipped=$(grep -cE '  ->  skipped' kyua.out)
if [ "$failed" -gt 0 ]; then
	echo "---- details of the failures (kyua report --verbose) ----"
	cat kyua.fail
fi
[ "$skipped" -gt 0 ] && { echo "skipped:"; grep -E '  ->  skipped' kyua.out; }
echo "$summary" | grep -q . && :
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
