#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The reference tests' Python (numpy, safetensors, scikit-learn, onnxruntime, torch, transformers) in .venv.
bash scripts/setup-python.sh
# The module graph: Package.swift, docs/architecture.md and every import agree (fails on a violation).
python3 scripts/check-imports.py
swift build --build-tests 2>&1 | grep -E "error|warning: unre|Compiling|Build complete" | grep -v "^\[" || true
# The notebook tests run the binary on real images through every probe suite; the optimised build
# does that ~30x faster than the debug one, so the CLI tests use it (same sources).
RELEASE_LOG="$(mktemp -t sinkscope-release.XXXXXX.log)"
if ! swift build -c release --product sinkscope >"$RELEASE_LOG" 2>&1; then
    grep -E "error" "$RELEASE_LOG" | head -40; echo "release build failed (log: $RELEASE_LOG)"; exit 1
fi
export SINKSCOPE_BINARY="$PWD/.build/release/sinkscope"
LOG="$(mktemp -t sinkscope-test.XXXXXX.log)"
set +e
swift test 2>&1 | tee "$LOG" | grep -vE "^Test Case .* (started|passed)"
status="${PIPESTATUS[0]}"
set -e
# The suite is XCTest; Swift Testing's own closing line reports 0 tests, so end with the XCTest
# totals (the last "Executed" line is the whole run) as a plain "N passed, N failed" line.
# The Slurm self-test (scripts/slurm/selftest.sh): a real single-node Slurm runs the sharded
# extraction as a job array. Exit 77 = skipped (it printed why), counted as skipped, not passed.
set +e
bash scripts/slurm/selftest.sh
slurm_status=$?
set -e
slurm_passed=0; slurm_failed=0; slurm_skipped=0
case "$slurm_status" in
    0) slurm_passed=1 ;;
    77) slurm_skipped=1 ;;
    *) slurm_failed=1; [ "$status" = 0 ] && status=1 ;;
esac
summary=$(grep -aE "Executed [0-9]+ tests?, with " "$LOG" | tail -1)
if [ -n "$summary" ]; then
    total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
    failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
    skipped=0
    if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
        skipped=$(echo "$summary" | sed -E 's/.*with ([0-9]+) tests? skipped.*/\1/')
    fi
    echo "tests: $((total - failed - skipped + slurm_passed)) passed, $((failed + slurm_failed)) failed, $((skipped + slurm_skipped)) skipped (the Slurm self-test included)"
fi
exit "$status"
