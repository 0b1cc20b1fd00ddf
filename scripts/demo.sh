#!/usr/bin/env bash
# The README's first command: installs what is missing, builds SinkScope (release) and runs the
# demo on the built-in default (real DINOv2 ViT-S/14, sample photos, synthetic scenes).
# Extra arguments go to `sinkscope demo` (e.g. `--images 40`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[demo] building sinkscope (release)" >&2
swift build -c release --product sinkscope 2>&1 | grep -E "error|warning: |Build complete" >&2 || true
BIN="$(swift build -c release --show-bin-path)/sinkscope"
if "$BIN" --help | grep -qE "^ +demo( |$)"; then
    "$BIN" demo "$@"
else
    # Until the full demo lands: a store from the small bundled example dump, then what it holds.
    rm -rf Reports/example-store
    "$BIN" import Tests/Fixtures/example/example_dump.npz --labels Tests/Fixtures/example/example_labels.csv --out Reports/example-store
    "$BIN" inspect Reports/example-store
fi
