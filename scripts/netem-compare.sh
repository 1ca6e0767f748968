#!/usr/bin/env bash
# The latency comparison with real packets delayed by the kernel (docs/latency.md): a private
# network namespace whose loopback device delays every packet by DELAY ms (netem), and in it
# tandem-localnet (relay + onion nodes, with no emulated delay of their own), the two demo
# profiles, and `tandemctl latency` to ourselves through both transports. The same comparison
# as `tandem-localnet --link-delay`, but the delay is on the wire: TCP sees it, acknowledgements
# and all.
#
#   sudo scripts/netem-compare.sh [--delay MS] [--jitter MS] [--loss PERCENT]
#                                 [--messages N] [--interval MS] [--bin DIR] [--csv FILE]
#
# Needs root (ip netns, tc), iproute2 and the kernel's sch_netem module; --delay 0 runs the
# same thing without netem. Nothing outside the namespace is touched; it is removed at exit.
set -euo pipefail

delay=10 jitter=0 loss=0 messages=50 interval=300 csv=""
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/default/app"
while [ $# -gt 0 ]; do
  case "$1" in
    --delay) delay=$2; shift 2 ;;
    --jitter) jitter=$2; shift 2 ;;
    --loss) loss=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --csv) csv=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "netem-compare: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
for n in "$delay" "$jitter" "$messages" "$interval"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "netem-compare: numbers only (got '$n')" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "netem-compare: needs root (network namespaces, tc)" >&2; exit 1; }
command -v ip > /dev/null && command -v tc > /dev/null ||
  { echo "netem-compare: needs iproute2 (scripts/setup-deps.sh --bench installs it)" >&2; exit 1; }
for b in tandem-localnet tandemctl tandem-relayd tandem-node; do
  [ -x "$bin/$b" ] || { echo "netem-compare: no $bin/$b (build first, or give --bin DIR)" >&2; exit 1; }
done

ns="tandem-netem-$$"
work=$(mktemp -d /tmp/tandem-netem.XXXXXX)
net_pid=""
cleanup() {
  if [ -n "$net_pid" ]; then
    kill "$net_pid" 2> /dev/null || true
    wait "$net_pid" 2> /dev/null || true
  fi
  # Whatever still runs in the namespace (the daemons tandem-localnet started) goes with it.
  if ip netns pids "$ns" > /dev/null 2>&1; then
    ip netns pids "$ns" | xargs -r kill 2> /dev/null || true
    sleep 0.5
    ip netns pids "$ns" | xargs -r kill -9 2> /dev/null || true
    ip netns del "$ns" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
if [ "$delay" -gt 0 ] || [ "$loss" != 0 ]; then
  shape=(delay "${delay}ms")
  [ "$jitter" -gt 0 ] && shape+=("${jitter}ms" distribution normal)
  [ "$loss" != 0 ] && shape+=(loss "${loss}%")
  if ! in_ns tc qdisc add dev lo root netem "${shape[@]}" 2> "$work/tc.err"; then
    echo "netem-compare: tc could not add netem ($(cat "$work/tc.err")); is sch_netem loaded" \
         "(modprobe sch_netem)?" >&2
    exit 1
  fi
fi
echo "namespace $ns: loopback $(in_ns tc qdisc show dev lo | head -1)"

ip netns exec "$ns" "$bin/tandem-localnet" --dir "$work/net" > "$work/localnet.log" 2>&1 &
net_pid=$!
source "$root/scripts/localnet-wait.sh"
wait_for_localnet "$work/localnet.log" "$work/localnet.log" "$net_pid" ||
  { echo "netem-compare: tandem-localnet not ready" >&2; exit 1; }

mkdir -p "$work/demo"
in_ns bash "$root/scripts/demo-profiles.sh" "$bin" "$work/demo" "$work/net/network.json"
out_csv=${csv:-$work/samples.csv}
in_ns "$bin/tandemctl" --profile "$work/demo/alice" --passphrase-file "$work/demo/alice.pass" \
  latency --to self --messages "$messages" --interval "$interval" --csv "$out_csv"
# A packet crosses loopback once per link: Signal to ourselves is 2 links, Session 6 or 7.
echo "floor at ${delay} ms a link: signal $((2 * delay)) ms, session $((6 * delay))-$((7 * delay)) ms"
if [ -n "$csv" ]; then
  echo "samples: $csv"
fi
