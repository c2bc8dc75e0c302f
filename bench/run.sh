#!/bin/sh
# run.sh OBJDIR: the benchmarks (make bench).  See README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
obj=$(cd "${1:-obj}" && pwd)
python3 "$here/bench.py" "$obj"
python3 "$here/put.py" "$obj"
python3 "$here/find.py" "$obj"
python3 "$here/fsck.py" "$obj"
python3 "$here/ext.py" "$obj"
python3 "$here/fat.py" "$obj"
python3 "$here/image.py" "$obj"
python3 "$here/journal.py" "$obj"
python3 "$here/iso.py" "$obj"
