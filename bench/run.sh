#!/bin/sh
# run.sh OBJDIR: the benchmarks (make bench).  See README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/bench.py" "$(cd "${1:-obj}" && pwd)"
