#!/usr/bin/env bash
# Installs the packages into a clean Debian 12 (bookworm) made with debootstrap, as a user
# would (apt install ./…deb), and uses them there:
#   - tandemctl: a new profile, a Note to Self, its history;
#   - tandem-relayd started exactly as its unit's ExecStart= line says, as its system user,
#     with the packaged /etc/tandem/relayd.conf: it listens, answers a registration
#     (tandemctl init signal) and takes a reload (SIGHUP);
#   - apt remove --purge tandem leaves none of its files (dpkg -L before vs after), and
#     purging tandem-server removes /var/lib/tandem-relayd.
# Services are not started by the packages' scripts in the root (policy-rc.d says no).
#   scripts/debootstrap-check.sh [--root DIR] [APP.deb SERVER.deb]
# Default packages: dist/tandem_*.deb and dist/tandem-server_*.deb (scripts/package.sh).
# Needs root. A minbase tarball in /var/tmp/tandem-debootstrap is reused when present (made
# on the first run), so later runs download only what the packages pull in.
set -euo pipefail

cd "$(dirname "$0")/.."
cache=/var/tmp/tandem-debootstrap
root="$cache/root"
mirror=http://deb.debian.org/debian
if [ "${1:-}" = "--root" ]; then root="${2:?--root needs a folder}"; shift 2; fi
app_deb="${1:-$(ls -v dist/tandem_*.deb 2>/dev/null | tail -1 || true)}"
server_deb="${2:-$(ls -v dist/tandem-server_*.deb 2>/dev/null | tail -1 || true)}"
if [ ! -f "$app_deb" ] || [ ! -f "$server_deb" ]; then
  echo "debootstrap-check: no packages (run scripts/package.sh, or name them)" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "debootstrap-check: needs root (debootstrap, chroot)" >&2
  exit 2
fi
if ! command -v debootstrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
fi

started=$(date +%s)
say() { echo "=== $* ($(( $(date +%s) - started ))s)"; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
              LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
cleanup() {
  if [ -n "${relay_pid:-}" ]; then kill "$relay_pid" 2>/dev/null || true; fi
  for m in dev/pts dev sys proc; do
    mountpoint -q "$root/$m" && umount -l "$root/$m" || true
  done
}
trap cleanup EXIT

say "a clean bookworm in $root"
cleanup
# Never delete through a mount left in the root (the host's /dev, /proc): stop instead.
if [ -d "$root" ] && findmnt -rn -o TARGET | grep -q "^$(realpath "$root")/"; then
  echo "debootstrap-check: something is still mounted under $root; unmount it first" >&2
  exit 1
fi
rm -rf --one-file-system "$root"
mkdir -p "$cache"
tarball="$cache/bookworm-minbase.tgz"
if [ ! -f "$tarball" ]; then
  debootstrap --variant=minbase --make-tarball="$tarball" bookworm "$cache/mk" "$mirror"
fi
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$root" "$mirror" \
  >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; exit 1; }
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
printf '#!/bin/sh\n# debootstrap-check: no services started in this root\nexit 101\n' \
  >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf"

say "apt install ./$(basename "$app_deb") ./$(basename "$server_deb")"
mkdir -p "$root/tmp/debs"
cp "$app_deb" "$server_deb" "$root/tmp/debs/"
in_root apt-get update -qq
in_root sh -c "cd /tmp/debs && apt-get install -y -q ./$(basename "$app_deb") ./$(basename "$server_deb")" \
  >"$cache/install.log" 2>&1 || { tail -30 "$cache/install.log"; exit 1; }
grep -E '^(Setting up|Unpacking) tandem' "$cache/install.log" || true
echo "packages in the root: $(in_root dpkg-query -W | wc -l)"
in_root tandem --version
in_root tandemctl --version
in_root getent passwd _tandem-relayd _tandem-node || fail "the daemons' users were not made"

say "tandemctl: create, send --to self, history"
printf 'correct horse battery staple\n' >"$root/root/pass"
ctl() { in_root tandemctl --profile /root/profile --passphrase-file /root/pass "$@"; }
ctl create --kdf interactive || fail "tandemctl create"
ctl send --to self --text "Hello from a clean bookworm" || fail "tandemctl send --to self"
history="$(ctl history --with self)" || fail "tandemctl history"
echo "$history"
grep -q "Hello from a clean bookworm" <<<"$history" || fail "the note is not in the history"

say "tandem-relayd as its unit starts it"
exec_start="$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/tandem-relayd.service")"
user="$(sed -n 's/^User=//p' "$root/lib/systemd/system/tandem-relayd.service")"
echo "ExecStart=$exec_start (User=$user)"
# What StateDirectory= would make: the state folder, owned by the user, 0700.
install -d -m 0700 -o "$(in_root id -u "$user")" -g "$(in_root id -g "$user")" \
  "$root/var/lib/tandem-relayd"
# shellcheck disable=SC2086 # the unit's line, split as systemd splits it (no quotes in it)
chroot --userspec="$user:$user" "$root" /usr/bin/env -i HOME=/var/lib/tandem-relayd \
  $exec_start >"$cache/relayd.out" 2>"$cache/relayd.err" &
relay_pid=$!
for _ in $(seq 1 100); do
  grep -q "ready" "$cache/relayd.out" 2>/dev/null && break
  sleep 0.1
done
cat "$cache/relayd.out"
grep -q "^tandem-relayd ready 127.0.0.1:4100 " "$cache/relayd.out" \
  || { cat "$cache/relayd.err"; fail "tandem-relayd did not start on 127.0.0.1:4100"; }
relay_key="$(awk '{print $4}' "$cache/relayd.out")"
# It answers: a registration, as a client does it.
cat >"$root/root/network.json" <<JSON
{ "version": 1, "relay": { "address": "127.0.0.1:4100", "public_key": "$relay_key" } }
JSON
ctl init signal --phone +4915100000001 --network /root/network.json \
  || fail "tandemctl init signal against the relay"
ctl whoami | head -3
# And it reloads.
kill -HUP "$relay_pid"
sleep 1
grep "reloaded" "$cache/relayd.err" || fail "tandem-relayd did not reload on SIGHUP"
kill "$relay_pid"
wait "$relay_pid" || fail "tandem-relayd did not stop cleanly"
relay_pid=""

say "apt remove --purge tandem"
in_root dpkg -L tandem >"$cache/tandem-files.txt"
in_root apt-get remove --purge -y -q tandem >"$cache/remove.log" 2>&1 \
  || { tail -20 "$cache/remove.log"; fail "apt remove --purge tandem"; }
left=0
while read -r path; do
  case "$path" in
    /. | /usr | /usr/bin | /usr/share | /usr/share/man | /usr/share/man/man1 | /usr/share/doc | \
    /usr/share/applications | /usr/share/metainfo | /usr/share/icons | /usr/share/icons/hicolor | \
    /usr/share/icons/hicolor/*x*/apps | /usr/share/icons/hicolor/*x* | \
    /usr/share/icons/hicolor/scalable | /usr/share/icons/hicolor/scalable/apps)
      continue ;;  # shared with other packages
  esac
  if [ -e "$root$path" ]; then echo "left behind: $path"; left=$((left + 1)); fi
done <"$cache/tandem-files.txt"
echo "tandem had $(wc -l <"$cache/tandem-files.txt") paths; $left left behind"
[ "$left" -eq 0 ] || fail "removing tandem left $left files"

say "apt remove --purge tandem-server"
in_root apt-get remove --purge -y -q tandem-server >>"$cache/remove.log" 2>&1 \
  || fail "apt remove --purge tandem-server"
for path in /var/lib/tandem-relayd /etc/tandem /usr/bin/tandem-relayd \
            /lib/systemd/system/tandem-relayd.service; do
  [ ! -e "$root$path" ] || fail "purging tandem-server left $path"
done

say "done"
if [ "$failures" -gt 0 ]; then
  echo "debootstrap-check: $failures failure(s)"
  exit 1
fi
echo "debootstrap-check: OK"
