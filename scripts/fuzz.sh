#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, ASan + UBSan) and runs each for a bounded time.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
cmake --preset fuzz >/dev/null
targets=(fuzz_keyfile fuzz_content fuzz_ratchet fuzz_sealed fuzz_session_message fuzz_onion
         fuzz_stickers fuzz_phrase fuzz_directory fuzz_identifiers fuzz_sticker_image
         fuzz_attachment_pointer fuzz_links)
cmake --build --preset fuzz --target "${targets[@]}"
for target in "${targets[@]}"; do
  corpus="build/fuzz/corpus/${target#fuzz_}"
  mkdir -p "$corpus"
  seeds="tests/fuzz/seeds/${target#fuzz_}"
  echo "fuzz: ${target} for ${seconds}s"
  "build/fuzz/tests/fuzz/${target}" -max_total_time="$seconds" -max_len=65536 \
      -print_final_stats=1 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) 2>&1 | tail -n 12
done
