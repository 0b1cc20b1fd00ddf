#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of every reader SinkScope has.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...] [-- LIBFUZZER_OPTION...]   # default: 20 s for each target; all targets
#   scripts/fuzz.sh 1200 npy -- -runs=1000000                           # stops at 1M executions or 20 min
#
# The library modules are built once with `-sanitize=fuzzer,address` into .build-fuzz (release,
# -enable-testing so a target can reach an internal reader), then each Tests/Fuzz/Targets/<t>.swift
# is linked with them into .build-fuzz/fuzz/<t> and run single-process, nice'd, on a working corpus
# seeded from Tests/Fuzz/Corpus/<t> and the test fixtures. A crash, a leak, a timeout (one input running longer
# than FUZZ_TIMEOUT, default 120 s: a loaded machine must not report a slow input as a hang) or an
# allocation over 2 GB stops the target; its input lands in .build-fuzz/artifacts/<t>/ and the script
# fails. Options after `--` go to every target's libFuzzer after the defaults (a later flag wins).
# Replaying Tests/Fuzz/Regressions/<t>/ (inputs of crashes found and fixed) comes first.
# Environment: FUZZ_NICE (default 10), FUZZ_TIMEOUT, FUZZ_LOG_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=20
if [ $# -gt 0 ] && [ "$1" != "--" ]; then SECONDS_EACH="$1"; shift; fi
case "$SECONDS_EACH" in ''|*[!0-9]*) echo "[fuzz] SECONDS must be a whole number of seconds, not '$SECONDS_EACH'" >&2; exit 2 ;; esac
ALL_TARGETS="safetensors npy npz onnx manifest model_config checkpoint_index probe_suite labels_csv image preprocessor_config dump"
TARGETS=""; EXTRA=()
while [ $# -gt 0 ]; do
    if [ "$1" = "--" ]; then shift; EXTRA=("$@"); break; fi
    TARGETS="$TARGETS $1"; shift
done
TARGETS="${TARGETS:-$ALL_TARGETS}"
NICE="nice -n ${FUZZ_NICE:-10}"
BUILD=".build-fuzz"
# A crash goes to libFuzzer at once (the Swift backtracer is slow and trips ASan).
export SWIFT_BACKTRACE=enable=no
# Leaks inside the toolchain's Foundation are not ours (Tests/Fuzz/lsan.supp says which).
export LSAN_OPTIONS="suppressions=$PWD/Tests/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
OUT="$BUILD/fuzz"
LOG_DIR="${FUZZ_LOG_DIR:-$BUILD/logs}"
mkdir -p "$OUT" "$LOG_DIR"
log() { echo "[fuzz] $*" >&2; }

# 1. The modules, instrumented (coverage + ASan), C code too (libyaml inside Yams).
FLAGS=(-c release --build-path "$BUILD" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
       -Xcc -fsanitize=fuzzer-no-link,address)
for top in VisionModels SinkAnalysis; do
    if ! $NICE swift build "${FLAGS[@]}" --target "$top" >"$LOG_DIR/build-$top.log" 2>&1; then
        grep -E "error" "$LOG_DIR/build-$top.log" | head -20; log "instrumented build of $top failed ($LOG_DIR/build-$top.log)"; exit 1
    fi
done
BIN="$BUILD/release"
# Every module's objects go into every target: linking only the modules a target imports was measured
# (npy, 30 s each, same seeds, load ~10): 1748 vs 1765 exec/s, no faster; it saves ~1 s of link per target.
MODULES=(ActivationStore CVectorMath CYaml Images LinearAlgebra ONNXFormat SinkAnalysis Support SwiftProtobuf TensorFiles VisionModels Yams)
OBJECTS=()
for m in "${MODULES[@]}"; do
    for o in "$BIN/$m.build"/*.o "$BIN/$m.build"/*/*.o; do [ -f "$o" ] && OBJECTS+=("$o"); done
done
CSHIMS=()
for c in CZlib CGD CBLAS CLAPACKE; do CSHIMS+=(-Xcc "-fmodule-map-file=Sources/$c/module.modulemap"); done
LIBS=(-lz $(pkg-config --libs gdlib) $(pkg-config --libs openblas) $(pkg-config --libs lapacke))

# 2. One executable per target: the target's file + the shared helpers + the module objects.
for t in $TARGETS; do
    src="Tests/Fuzz/Targets/$t.swift"
    [ -f "$src" ] || { log "no target $t ($src)"; exit 1; }
    if [ ! -x "$OUT/$t" ] || [ -n "$(find "$src" Tests/Fuzz/Targets/FuzzSupport.swift "$BIN/Modules" -newer "$OUT/$t" -print -quit 2>/dev/null)" ]; then
        log "linking $t"
        $NICE swiftc -O -parse-as-library -sanitize=fuzzer,address -module-name "Fuzz_$t" \
            -I "$BIN/Modules" -I "$BIN" "${CSHIMS[@]}" -Xcc -I"$BUILD/checkouts/Yams/Sources/CYaml/include" \
            Tests/Fuzz/Targets/FuzzSupport.swift "$src" "${OBJECTS[@]}" "${LIBS[@]}" -o "$OUT/$t" \
            >"$LOG_DIR/link-$t.log" 2>&1 || { head -30 "$LOG_DIR/link-$t.log"; log "linking $t failed"; exit 1; }
    fi
done

# Seeds: the committed corpus plus the fixtures the unit tests use for the same reader.
seed_dirs() {
    echo "Tests/Fuzz/Corpus/$1"
    case "$1" in
        safetensors) echo Tests/Fixtures/tensorfiles ;;
        npy|npz) echo Tests/Fixtures/tensorfiles ;;
        image) echo Tests/Fixtures/images/decode Tests/Fixtures/images/bad ;;
        model_config|checkpoint_index) echo Tests/Fixtures/models/tiny-clip Tests/Fixtures/models/tiny-vit ;;
        preprocessor_config) echo Tests/Fixtures/images/preprocess ;;
        probe_suite) echo Probes ;;
        labels_csv) echo Tests/Fixtures/example ;;
    esac
}
seed_filter() {
    case "$1" in
        safetensors) echo '*.safetensors' ;; npy) echo '*.npy' ;; npz) echo '*.npz' ;;
        model_config|checkpoint_index|preprocessor_config) echo '*.json' ;; probe_suite) echo '*.yaml' ;; labels_csv) echo '*.csv' ;;
        *) echo '*' ;;
    esac
}

# 3. Run: regressions first (each must pass), then SECONDS_EACH of fuzzing.
status=0
for t in $TARGETS; do
    work="$BUILD/corpus/$t"; art="$BUILD/artifacts/$t"
    mkdir -p "$work" "$art"
    for d in $(seed_dirs "$t"); do
        [ -d "$d" ] && find "$d" -maxdepth 1 -type f -name "$(seed_filter "$t")" -size -256k -exec cp -n {} "$work/" \;
    done
    if [ -d "Tests/Fuzz/Regressions/$t" ] && [ -n "$(ls -A "Tests/Fuzz/Regressions/$t")" ]; then
        if ! "$OUT/$t" -rss_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-120}" -runs=0 "Tests/Fuzz/Regressions/$t"/* >"$LOG_DIR/$t-regressions.log" 2>&1; then
            log "$t: a regression input fails again ($LOG_DIR/$t-regressions.log)"; status=1; continue
        fi
    fi
    [ "$SECONDS_EACH" -gt 0 ] || continue
    set +e
    started=$(date +%s)
    $NICE "$OUT/$t" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-120}" -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$art/" "${EXTRA[@]}" "$work" >"$LOG_DIR/$t.log" 2>&1
    rc=$?
    set -e
    wall=$(( $(date +%s) - started ))
    runs=$(grep -aE "stat::number_of_executed_units" "$LOG_DIR/$t.log" | awk '{print $2}' | tail -1)
    cov=$(grep -aoE "cov: [0-9]+ ft: [0-9]+" "$LOG_DIR/$t.log" | tail -1)
    corpus=$(ls "$work" | wc -l)
    if [ "$rc" -ne 0 ]; then
        log "$t: FAILED after ${runs:-?} runs ($cov) in ${wall}s; input in $art/, log $LOG_DIR/$t.log"
        grep -aE "ERROR:|SUMMARY:|Fatal error" "$LOG_DIR/$t.log" | head -5 >&2
        status=1
    else
        echo "fuzz $t: ${runs:-0} runs, $cov, corpus $corpus, ${wall}s ($(( ${runs:-0} / (wall > 0 ? wall : 1) )) exec/s), no crash"
    fi
done
exit "$status"
