#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | grep -v "^\[" || true
swift test 2>&1 | tee /tmp/sinkscope-test.log | grep -vE "^Test Case .* (started|passed)" 
exit "${PIPESTATUS[0]}"
