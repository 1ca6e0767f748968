#!/usr/bin/env bash
# The README's run command: installs what Tandem needs (Debian 12 packages), builds it, and
# launches the app. Safe to run again: set-up and build are incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default --target tandem tandemctl
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run: no display (DISPLAY / WAYLAND_DISPLAY are unset): start it from a desktop session," >&2
  echo "     or under Xvfb: Xvfb :99 & DISPLAY=:99 scripts/run.sh" >&2
  exit 1
fi
exec build/default/app/tandem "$@"
