#!/usr/bin/env bash
# Installs what SinkScope needs on a fresh Debian machine and fetches the real assets:
#   - system libraries (OpenBLAS, LAPACKE, libgd, DejaVu fonts) through apt, only when missing;
#   - the real model and sample photos (scripts/fetch-assets.sh), into $SINKSCOPE_CACHE
#     (default ~/.cache/sinkscope), never into the repo.
set -euo pipefail

APT_PACKAGES=(libopenblas-dev liblapacke-dev libgd-dev fonts-dejavu-core zlib1g-dev pkg-config unzip)

log() { echo "[setup] $*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash "$(dirname "$0")/fetch-assets.sh"
