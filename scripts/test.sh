#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The reference tests' Python (numpy, safetensors, scikit-learn, onnx, onnxruntime, torch, torchvision,
# transformers) in .venv.
bash scripts/setup-python.sh
# PIL's output for every cached photo (into the cache, never the repo), so PreprocessorTests
# compares all of them instead of skipping.
if grep -qx ok .venv/sinkscope-setup-status 2>/dev/null \
    && [ -z "$(ls -A "${SINKSCOPE_CACHE:-$HOME/.cache/sinkscope}/pil-reference" 2>/dev/null)" ]; then
    .venv/bin/python3 scripts/fixtures/make_image_fixtures.py --photo-references-only >/dev/null \
        || echo "[test] could not write the PIL references of the cached photos; PreprocessorTests will skip that test"
fi
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
# The Slurm self-test (scripts/slurm/selftest.sh): a real single-node Slurm runs the sharded
# extraction as a job array. Exit 77 = skipped (it printed why), counted as skipped, not passed.
set +e
bash scripts/slurm/selftest.sh
slurm_status=$?
set -e
extra_passed=0; extra_failed=0; extra_skipped=0; extra_reasons=""
case "$slurm_status" in
    0) extra_passed=$((extra_passed + 1)) ;;
    77) extra_skipped=$((extra_skipped + 1)); extra_reasons="1: the Slurm self-test (it printed why)" ;;
    *) extra_failed=$((extra_failed + 1)); status=1 ;;
esac
# The fuzz smoke: every reader's libFuzzer target for ~20 s, after replaying its regression inputs
# (scripts/fuzz.sh; FUZZ_SECONDS=0 replays only). Counted as one test.
if bash scripts/fuzz.sh "${FUZZ_SECONDS:-20}"; then
    extra_passed=$((extra_passed + 1))
else
    echo "fuzz smoke failed (logs in .build-fuzz/logs)"; extra_failed=$((extra_failed + 1)); status=1
fi
# The suite is XCTest; Swift Testing's own closing line reports 0 tests, so end with the XCTest
# totals (the last "Executed" line is the whole run) plus the Slurm self-test and the fuzz smoke
# as a plain "N passed, N failed, N skipped" line, with why tests skipped, grouped.
summary=$(grep -aE "Executed [0-9]+ tests?, with " "$LOG" | tail -1)
if [ -n "$summary" ]; then
    total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
    failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failures?.*/\1/')
    skipped=0
    if echo "$summary" | grep -qE "[0-9]+ tests? skipped"; then
        skipped=$(echo "$summary" | sed -E 's/.*with ([0-9]+) tests? skipped.*/\1/')
    fi
    # "PyPI unreachable: ..." (scripts/setup-python.sh could not reach the index), or the sentence the test gave.
    # (`|| true`: with nothing skipped grep finds no line, and under pipefail that must not end the script.)
    reasons=$({ grep -aE ": Test skipped - " "$LOG" || true; } | sed -E 's/.*: Test skipped - //' \
        | sed -E 's/^(PyPI unreachable):.*/\1 (scripts\/setup-python.sh)/' | sort | uniq -c | sort -rn \
        | awk '{n=$1; $1=""; sub(/^ /, ""); printf "%s%d: %s", (NR>1 ? "; " : ""), n, $0}')
    [ -n "$extra_reasons" ] && reasons="${reasons:+$reasons; }$extra_reasons"
    echo "tests: $((total - failed - skipped + extra_passed)) passed, $((failed + extra_failed)) failed, $((skipped + extra_skipped)) skipped${reasons:+ ($reasons)}"
fi
exit "$status"
