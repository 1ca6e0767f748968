#!/usr/bin/env bash
# Builds the Debian packages tandem and tandem-server with CPack (DEB generator, one package
# per component: packaging/CMakeLists.txt) into dist/, and prints their paths.
#   scripts/package.sh                      configures and builds the `release` preset
#                                           (Release, no tests or benchmarks) and packages it
#   scripts/package.sh --build-dir DIR      packages the tree already built in DIR (CI:
#                                           build/default, to save a build); binaries are
#                                           stripped either way
#   scripts/package.sh --out DIR            where the .deb files go (default dist/)
# Needs dpkg-dev (dpkg-shlibdeps computes the library dependencies).
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir=""
out_dir="dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="${2:?--build-dir needs a folder}"; shift 2 ;;
    --out) out_dir="${2:?--out needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [ -z "$build_dir" ]; then
  build_dir="build/release"
  launcher=()
  if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake --preset release "${launcher[@]}" >/dev/null
  cmake --build --preset release
else
  if [ ! -f "$build_dir/CPackConfig.cmake" ]; then
    echo "package.sh: $build_dir is not a configured build tree (no CPackConfig.cmake)" >&2
    exit 1
  fi
  cmake --build "$build_dir" # packages what the sources say now, not a stale tree
fi

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# cpack's work files stay out of dist/: only the packages land there.
if ! cpack --config "$build_dir/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  exit 1
fi
for deb in "$work"/out/*.deb; do
  mv -f "$deb" "$out_dir/"
  echo "$out_dir/$(basename "$deb")"
done
