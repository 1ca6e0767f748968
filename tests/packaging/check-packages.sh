#!/usr/bin/env bash
# The Debian packages of the build tree under test, as a user gets them: cpack builds tandem
# and tandem-server into a temporary folder, then each is checked for what it must hold
# (dpkg-deb -c), its control fields, the desktop entry (desktop-file-validate), the AppStream
# metainfo (appstreamcli validate --no-net), every man page (rendered by man with warnings on,
# and naming every option the binary's --help lists), the icons' sizes, the systemd units,
# and lintian: any E: fails the test (warnings are listed in docs/packaging.md).
#   check-packages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build="$(cd "${1:?build dir}" && pwd)"
source_dir="$(cd "${2:?source dir}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
step() { echo "--- $* ($(( $(date +%s) - started ))s)"; }
started=$(date +%s)

step "cpack"
if ! cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL: cpack"
  exit 1
fi
version="$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")"
arch="$(dpkg --print-architecture)"
app="$work/out/tandem_${version}_${arch}.deb"
server="$work/out/tandem-server_${version}_${arch}.deb"
for deb in "$app" "$server"; do
  [ -f "$deb" ] || { echo "FAIL: no $deb; cpack made: $(ls "$work/out")"; exit 1; }
  echo "$(basename "$deb"): $(stat -c %s "$deb") bytes"
done

step "contents"
expect_files() {  # DEB PATH…: each path is in the package
  local deb="$1"; shift
  dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/list"
  for path in "$@"; do
    grep -qxF "$path" "$work/list" || fail "$(basename "$deb") lacks $path"
  done
}
icons=()
for size in 16 22 24 32 48 64 128 256 512; do
  icons+=("/usr/share/icons/hicolor/${size}x${size}/apps/org.tandem.Tandem.png")
done
expect_files "$app" /usr/bin/tandem /usr/bin/tandemctl /usr/bin/tandem-localnet \
  /usr/share/applications/org.tandem.Tandem.desktop \
  /usr/share/metainfo/org.tandem.Tandem.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/org.tandem.Tandem.svg "${icons[@]}" \
  /usr/share/man/man1/tandem.1.gz /usr/share/man/man1/tandemctl.1.gz \
  /usr/share/man/man1/tandem-localnet.1.gz \
  /usr/share/doc/tandem/copyright /usr/share/doc/tandem/changelog.gz
if grep -q 'tandem-relayd\|tandem-node\|^/etc\|^/lib' "$work/list"; then
  fail "tandem holds server files: $(grep 'tandem-relayd\|tandem-node\|^/etc\|^/lib' "$work/list" | tr '\n' ' ')"
fi
expect_files "$server" /usr/bin/tandem-relayd /usr/bin/tandem-node \
  /lib/systemd/system/tandem-relayd.service /lib/systemd/system/tandem-node.service \
  /usr/lib/sysusers.d/tandem-server.conf /etc/tandem/relayd.conf /etc/tandem/node.conf \
  /usr/share/man/man8/tandem-relayd.8.gz /usr/share/man/man8/tandem-node.8.gz \
  /usr/share/doc/tandem-server/copyright /usr/share/doc/tandem-server/changelog.gz \
  /usr/share/doc/tandem-server/server.md
if grep -q '/usr/bin/tandem$\|tandemctl\|applications' "$work/list"; then
  fail "tandem-server holds app files"
fi

step "control fields"
depends="$(dpkg-deb -f "$app" Depends)"
for dep in libc6 libqt6core6 libsodium23 libsqlcipher0 qml6-module-qtquick-controls qml6-module-qt-labs-folderlistmodel \
           qt6-qpa-plugins qt6-image-formats-plugins libqt6svg6; do
  [[ "$depends" == *"$dep"* ]] || fail "tandem does not depend on $dep: $depends"
done
recommends="$(dpkg-deb -f "$app" Recommends)"
for dep in tandem-server gnome-keyring fonts-noto-cjk fonts-noto-color-emoji qt6-translations-l10n \
           qt6-xdgdesktopportal-platformtheme; do
  [[ "$recommends" == *"$dep"* ]] || fail "tandem does not recommend $dep: $recommends"
done
[[ "$(dpkg-deb -f "$server" Depends)" == *"systemd | systemd-standalone-sysusers"* ]] \
  || fail "tandem-server does not depend on systemd-sysusers"
[[ "$(dpkg-deb -f "$server" Depends)" == *"libsqlcipher0"* ]] \
  || fail "tandem-server does not depend on libsqlcipher0 (loaded at run time)"
dpkg-deb --ctrl-tarfile "$server" | tar -t | sed 's|^\./||' >"$work/control"
for f in postinst prerm postrm conffiles; do
  grep -qx "$f" "$work/control" || fail "tandem-server has no $f"
done
conffiles="$(dpkg-deb -I "$server" conffiles)"
[ "$conffiles" = "$(printf '/etc/tandem/relayd.conf\n/etc/tandem/node.conf')" ] \
  || fail "conffiles: $conffiles"

step "desktop entry, metainfo, icons, units"
dpkg-deb -x "$app" "$work/app"
dpkg-deb -x "$server" "$work/server"
desktop-file-validate "$work/app/usr/share/applications/org.tandem.Tandem.desktop" \
  || fail "desktop-file-validate"
grep -qx 'MimeType=x-scheme-handler/tandem;' "$work/app/usr/share/applications/org.tandem.Tandem.desktop" \
  || fail "the desktop entry does not handle tandem:// links"
# Pedantic notes are allowed (docs/packaging.md: the id has upper-case letters, as the
# desktop file's name does); infos, warnings and errors are not.
if ! appstreamcli validate --no-net --pedantic \
    "$work/app/usr/share/metainfo/org.tandem.Tandem.metainfo.xml" >"$work/as.log" 2>&1; then
  cat "$work/as.log"; fail "appstreamcli validate"
fi
if grep -E '^[EWI]: ' "$work/as.log"; then fail "appstreamcli: more than pedantic notes"; fi
python3 - "$work/app/usr/share/icons/hicolor" <<'PY' || fail "icon sizes"
import struct, sys, pathlib
bad = 0
for png in sorted(pathlib.Path(sys.argv[1]).glob("*x*/apps/org.tandem.Tandem.png")):
    head = png.read_bytes()[:24]
    w, h = struct.unpack(">II", head[16:24])
    want = int(png.parts[-3].split("x")[0])
    if head[:8] != b"\x89PNG\r\n\x1a\n" or (w, h) != (want, want):
        print(f"{png}: {w}x{h}, want {want}x{want}"); bad += 1
sys.exit(bad)
PY
for unit in tandem-relayd tandem-node; do
  file="$work/server/lib/systemd/system/$unit.service"
  for line in "User=_$unit" "StateDirectory=$unit" 'ExecReload=/bin/kill -HUP $MAINPID' \
              ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes; do
    grep -qxF "$line" "$file" || fail "$unit.service lacks $line"
  done
  grep -q "^ExecStart=/usr/bin/$unit --config /etc/tandem/" "$file" || fail "$unit.service ExecStart"
done

step "man pages"
# Rendered as lintian renders them: any warning fails.
for page in "$work"/app/usr/share/man/man1/*.gz "$work"/server/usr/share/man/man8/*.gz; do
  out="$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)"
  [ -z "$out" ] || fail "$(basename "$page"): $out"
done
# Every long option of a binary's real --help is in its page (\-\-name in roff).
check_options() {  # BINARY PAGE
  local help
  help="$(QT_QPA_PLATFORM=offscreen "$build/app/$1" --help 2>/dev/null)" || true
  [ -n "$help" ] || { fail "$1 --help printed nothing"; return; }
  for opt in $(grep -oE -- '--[a-z][a-z-]+' <<<"$help" | sort -u); do
    zcat "$2" | grep -qF -- "$(sed 's/-/\\-/g' <<<"$opt")" || fail "$(basename "$2") lacks $opt"
  done
}
check_options tandem "$work/app/usr/share/man/man1/tandem.1.gz"
check_options tandemctl "$work/app/usr/share/man/man1/tandemctl.1.gz"
check_options tandem-localnet "$work/app/usr/share/man/man1/tandem-localnet.1.gz"
check_options tandem-relayd "$work/server/usr/share/man/man8/tandem-relayd.8.gz"
check_options tandem-node "$work/server/usr/share/man/man8/tandem-node.8.gz"
# And every command tandemctl lists, with every option of that command.
for command in $("$build/app/tandemctl" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
  page="$work/app/usr/share/man/man1/tandemctl.1.gz"
  name="$(sed 's/-/\\\\-/g' <<<"$command")"
  zcat "$page" | grep -qE -- "^\\.BI? \"?$name( |\"|\$)" || { fail "tandemctl.1 lacks the command $command"; continue; }
  for opt in $("$build/app/tandemctl" "$command" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    zcat "$page" | grep -qF -- "$(sed 's/-/\\-/g' <<<"$opt")" || fail "tandemctl.1 lacks $command $opt"
  done
done
[ "$("$build/app/tandem" --version)" = "tandem $version" ] || fail "tandem --version"

step "lintian"
lintian --no-tag-display-limit --info "$app" "$server" >"$work/lintian.log" 2>&1 || true
grep -E '^(E|W): ' "$work/lintian.log" | sort | uniq -c | sort -rn || true
if grep -q '^E: ' "$work/lintian.log"; then fail "lintian errors"; fi

step "done"
if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "packages OK"
