#!/usr/bin/env bash
# The README's test command: installs what Tandem needs, builds, and runs every test —
# the whole suite on the default (RelWithDebInfo) build, the whole suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and each fuzz target for a bounded time.
#   scripts/test.sh            everything (what CI runs)
#   scripts/test.sh --quick    the default build's suite only
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1

step() { printf '\n== %s (%s)\n' "$1" "$(date +%H:%M:%S)"; }

step "install Debian packages"
bash scripts/setup-deps.sh

step "build (default preset)"
cmake --preset default >/dev/null
cmake --build --preset default

step "test (default preset)"
ctest --preset default -j 2

if [ "$quick" = 1 ]; then
  exit 0
fi

step "build (asan preset)"
cmake --preset asan >/dev/null
cmake --build --preset asan

step "test (asan preset)"
ctest --preset asan -j 2

step "fuzz (each target, bounded)"
bash scripts/fuzz.sh "${TANDEM_FUZZ_SECONDS:-20}"

step "all tests passed"
