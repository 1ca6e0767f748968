#!/usr/bin/env bash
# Installs every Debian 12 package Tandem needs to build, test and run.
# Idempotent: packages already present are skipped; only Debian's archive is used.
#   scripts/setup-deps.sh           what building, running and testing need
#   scripts/setup-deps.sh --bench   also what the benchmarks compare against (nheko, qTox)
#                                   and scripts/netem-compare.sh needs (iproute2)
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-14 lld-14 libclang-rt-14-dev
  lld  # ld.lld, the linker of the default, debug and asan builds (cmake/TandemCompilerFlags.cmake)
  clang-format clang-tidy
  # scripts (demo profiles, bench/latency_compare.py)
  python3
  # Qt 6 (build)
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools
  qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-svg-dev libgl-dev
  # QtGui's QPA headers: the tray icon through the platform theme (the desktop's
  # StatusNotifierItem over D-Bus) without QtWidgets (qml/app/TrayIcon.h)
  qt6-base-private-dev
  # Qt 6 (run time: the platform plugins and one package per QML module)
  qt6-qpa-plugins libqt6svg6 qt6-image-formats-plugins
  qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
  qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-controls
  qml6-module-qtquick-templates qml6-module-qtquick-layouts qml6-module-qtquick-dialogs
  qml6-module-qtquick-shapes qml6-module-qtcore
  qml6-module-qt-labs-settings qml6-module-qttest
  qml6-module-qt-labs-folderlistmodel
  fonts-dejavu-core fonts-noto-color-emoji
  # Chinese (and Japanese, Korean) text, and Qt's own translations (standard dialog buttons)
  fonts-noto-cjk qt6-translations-l10n
  # libraries
  libsodium-dev libsqlcipher-dev libssl-dev sqlcipher libsqlite3-dev libprotobuf-dev protobuf-compiler
  qtkeychain-qt6-dev libqrencode-dev libwebp-dev zlib1g-dev
  # bench/sticker_bench compares the sticker encoder with cwebp
  webp
  # the OS keychain (Secret Service) for QtKeychain, and a private session bus for its tests
  gnome-keyring libsecret-1-0 dbus
  # tests and benchmarks (xdotool drives the real app binaries under Xvfb; libx11-dev for
  # app_bench's screen sampling, libxext-dev for its MIT-SHM reads)
  xvfb xauth imagemagick xdotool libx11-dev libxext-dev libbenchmark-dev hyperfine valgrind time procps
  # relay_bench: the MQTT broker relayd is measured against, and its client library
  mosquitto libmosquitto-dev
  # tandem-relayd --store redis://…: several relays over Redis (tst_relay_redis runs real
  # redis-server processes), through hiredis
  redis-server libhiredis-dev
  # packaging: scripts/package.sh (cpack runs dpkg-shlibdeps) and tests/packaging check the
  # .debs (man renders the pages)
  dpkg-dev lintian appstream desktop-file-utils man-db
)

if [ "${1:-}" = "--bench" ]; then
  # app_bench: Debian's Qt messengers, measured beside the app
  PACKAGES+=(nheko qtox)
  # scripts/netem-compare.sh: network namespaces and netem
  PACKAGES+=(iproute2)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
