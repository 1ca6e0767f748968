#!/bin/bash
# Side by side in one session: two builds of onion_bench, each driving its own tandem-localnet
# and tandem-node (onion_bench finds them in ../app beside itself), run in alternation so the
# machine's noise (other builds on the same cores) falls on both alike.
#
#   bench/onion_alternate.sh BASE_DIR NEW_DIR OUT_PREFIX PAIRS [onion_bench options…]
#
# BASE_DIR and NEW_DIR each hold bench/onion_bench and app/{tandem-localnet,tandem-node,
# tandem-relayd} (copy a build's binaries aside, so a rebuild during the runs changes
# nothing). Each run's output goes to OUT_PREFIX-{base,new}-N.txt and all of them, in order,
# to OUT_PREFIX.log; the push rows: grep -E '^==|push  ' OUT_PREFIX.log
set -euo pipefail
base=$1; new=$2; out=$3; pairs=$4; shift 4
for i in $(seq 1 "$pairs"); do
  for which in base new; do
    dir=$base
    [ "$which" = new ] && dir=$new
    echo "== $which run $i $(date -u +%H:%M:%S) args: $*" >> "$out.log"
    "$dir/bench/onion_bench" "$@" > "$out-$which-$i.txt" 2> "$out-$which-$i.err"
    cat "$out-$which-$i.txt" >> "$out.log"
  done
done
