#!/usr/bin/env bash
# Real-size check by hand (not in the suite): SinkScope vs transformers on Qwen2.5-VL-3B's vision
# tower at 448x448 and DINOv3 ViT-S/16 at 224 (random weights), max relative difference of every
# layer's hidden states and received attention, then images/s and peak RSS of both sides with the
# same threads (every block's hidden states + attention).
#
#   scripts/realsize/run.sh [OUT=/tmp/sinkscope-realsize] [IMAGES=3] [THREADS=2]
#   SKIP_TRANSFORMERS=1 scripts/realsize/run.sh ...   # reuse OUT/{qwen,dinov3} made by an earlier run
#   KINDS=dinov3 scripts/realsize/run.sh ...          # one of the two
#
# On a shared machine wall time says little; both sides also report CPU seconds (user + system).
# Needs a release build (swift build -c release --product sinkscope) and the .venv. Runs at nice 10.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/sinkscope-realsize}; IMAGES=${2:-3}; THREADS=${3:-2}
PY=${SINKSCOPE_PYTHON:-.venv/bin/python}
BIN=.build/release/sinkscope
[ -x "$BIN" ] || { echo "build first: swift build -c release --product sinkscope" >&2; exit 1; }
echo "uptime: $(uptime)"
for kind in ${KINDS:-qwen dinov3}; do
  dir=$OUT/$kind
  size=$([ $kind = qwen ] && echo 448x448 || echo 224x224)
  if [ -z "${SKIP_TRANSFORMERS:-}" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    echo "== $kind: transformers (threads $THREADS) =="
    nice -n 10 "$PY" scripts/realsize/realsize.py $kind "$dir" --images "$IMAGES" --threads "$THREADS"
  fi
  IMAGES=$(ls "$dir/images" | wc -l)
  # SinkScope: one image (load + first forward), then all images; the difference gives the steady rate.
  for n in $(printf "1\n%s\n" "$IMAGES" | sort -un); do
    rm -rf "$dir/in$n" "$dir/store$n"; mkdir -p "$dir/in$n"; for f in $(ls "$dir/images" | head -n "$n"); do ln -sf "$dir/images/$f" "$dir/in$n/$f"; done
    start=$(date +%s.%N)
    SINKSCOPE_NO_PROGRESS=1 /usr/bin/time -f "%M %U %S" -o "$dir/rss$n" nice -n 10 "$BIN" extract --model "$dir/model" \
      --images "$dir/in$n" --out "$dir/store$n" --image-size $size --attention --dtype f32 --threads "$THREADS" > /dev/null
    end=$(date +%s.%N)
    read rss user sys < "$dir/rss$n"
    echo "sinkscope extract, $n image(s): wall $(echo "$end - $start" | bc) s, CPU $(echo "$user + $sys" | bc) s, peak RSS $(( rss / 1024 )) MB"
    echo "$end - $start" | bc > "$dir/time$n"
  done
  [ "$IMAGES" -gt 1 ] && echo "sinkscope steady: $(echo "scale=3; ($IMAGES - 1) / ($(cat "$dir/time$IMAGES") - $(cat "$dir/time1"))" | bc) images/s"
  cat "$dir/transformers.json"
  "$PY" scripts/realsize/realsize.py compare "$dir/store1" "$dir"
done
echo "uptime: $(uptime)"
