#!/usr/bin/env bash
# The README's run command: installs what Tandem needs (Debian 12 packages), builds it, starts
# the embedded local network (a relay and nine onion nodes on loopback) and opens two app
# windows, "alice" and "bob", set up in both modes and known to each other. Closing both
# windows (or Ctrl+C) stops the local network. Safe to run again: set-up and build are
# incremental, and the demo profiles and their history are kept in $TANDEM_DEMO_DIR
# (default ~/.local/share/tandem-demo).
#   scripts/run.sh            the demo
#   scripts/run.sh --single   one window on your own profile, no local network
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target tandem tandemctl tandem-localnet tandem-relayd tandem-node
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run: no display (DISPLAY / WAYLAND_DISPLAY are unset): start it from a desktop session," >&2
  echo "     or under Xvfb: Xvfb :99 & DISPLAY=:99 scripts/run.sh" >&2
  exit 1
fi
bin=build/default/app
if [ "${1:-}" = "--single" ]; then
  shift
  exec "$bin/tandem" "$@"
fi

demo=${TANDEM_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/tandem-demo}
mkdir -p "$demo"
chmod 700 "$demo"
"$bin/tandem-localnet" --dir "$demo/net" > "$demo/localnet.out" 2> "$demo/localnet.log" &
net=$!
windows=()
stop() {
  for pid in "${windows[@]}"; do kill "$pid" 2>/dev/null || true; done
  kill "$net" 2>/dev/null || true
  wait "$net" 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT TERM
source scripts/localnet-wait.sh
wait_for_localnet "$demo/localnet.out" "$demo/localnet.log" "$net" ||
  { echo "run: the local network did not start" >&2; exit 1; }
bash scripts/demo-profiles.sh "$bin" "$demo" "$demo/net/network.json"
echo "Tandem demo: alice and bob, Signal mode (+4915100000001, +4915100000002) and Session mode."
echo "Profiles in $demo; closing both windows stops the local network."
for who in alice bob; do
  "$bin/tandem" --profile "$demo/$who" --passphrase-file "$demo/$who.pass" &
  windows+=($!)
done
wait "${windows[@]}" || true
