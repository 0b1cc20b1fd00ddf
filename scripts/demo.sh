#!/usr/bin/env bash
# The README's first command: installs what is missing, builds SinkScope (release) and runs the
# demo on the built-in default (real DINOv2 ViT-S/14, sample photos, synthetic scenes).
# Extra arguments go to `sinkscope demo` (e.g. `--images 40`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[demo] building sinkscope (release)" >&2
BUILD_LOG="$(mktemp -t sinkscope-release.XXXXXX.log)"
if ! swift build -c release --product sinkscope >"$BUILD_LOG" 2>&1; then
    grep -E "error" "$BUILD_LOG" | head -40 >&2; echo "[demo] the release build failed (log: $BUILD_LOG)" >&2; exit 1
fi
BIN="$(swift build -c release --show-bin-path)/sinkscope"
"$BIN" demo "$@"
