#!/usr/bin/env bash
# Creates the Python environment of the reference tests and benchmarks in .venv (ignored by git):
# numpy, safetensors, scikit-learn, onnx, onnxruntime, torch (CPU), torchvision (DINOv3's image
# processor runs on it) and transformers from PyPI. Idempotent: a complete .venv is left as it is.
#
# Writes its outcome to .venv/sinkscope-setup-status, which the tests read (Tests/TestSupport/
# Python.swift): `ok`; `unreachable: <why>` when the package index cannot be reached (the tests
# that need Python then skip and say so); `failed: <why>` when the index answered but the install
# failed (those tests then fail). Always exits 0 so the Swift tests still run.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=".venv"
STATUS="$VENV/sinkscope-setup-status"
MODULES="numpy safetensors sklearn scipy onnx onnxruntime torch torchvision transformers PIL"
log() { echo "[setup-python] $*" >&2; }
status() { mkdir -p "$VENV"; echo "$1" >"$STATUS"; }

# The index pip uses ($PIP_INDEX_URL, pip's configuration, else PyPI), and whether it answers.
index_url() {
    if [ -n "${PIP_INDEX_URL:-}" ]; then echo "$PIP_INDEX_URL"; return; fi
    local configured
    configured=$(python3 -m pip config get global.index-url 2>/dev/null || true)
    echo "${configured:-https://pypi.org/simple/}"
}
reachable() {
    python3 - "$(index_url)" <<'PY'
import sys, urllib.request
url = sys.argv[1].rstrip("/") + "/pip/"
try:
    urllib.request.urlopen(url, timeout=15).read(1)
except Exception as e:
    print(f"{sys.argv[1]} did not answer ({type(e).__name__}: {e})")
    sys.exit(1)
PY
}
# After a failed step: `unreachable` when the index does not answer, else `failed`.
give_up() {
    local why
    if why=$(reachable); then
        status "failed: $1 although $(index_url) answers"; log "$1; the Python-side tests will fail"
    else
        status "unreachable: $why"; log "$why; the Python-side tests will skip"
    fi
    exit 0
}

if [ -x "$VENV/bin/python3" ] && "$VENV/bin/python3" -c "import ${MODULES// /, }" 2>/dev/null; then
    status ok; exit 0
fi
python3 -m venv "$VENV" || { status "failed: python3 -m venv failed (install python3-venv)"; log "python3 -m venv failed"; exit 0; }
log "installing numpy safetensors scikit-learn onnx onnxruntime pillow torch torchvision transformers into $VENV (about 6 GB, a few minutes once)"
"$VENV/bin/pip" install -q --disable-pip-version-check numpy safetensors scikit-learn scipy onnx onnxruntime pillow \
    || give_up "pip could not install numpy, safetensors, scikit-learn, onnx, onnxruntime, pillow"
# torch and torchvision in one resolve, so pip picks a torchvision built for that torch.
"$VENV/bin/pip" install -q --disable-pip-version-check torch torchvision || give_up "pip could not install torch, torchvision"
"$VENV/bin/pip" install -q --disable-pip-version-check transformers || give_up "pip could not install transformers"
if "$VENV/bin/python3" -c "import ${MODULES// /, }" 2>/dev/null; then
    status ok
else
    status "failed: .venv was installed but cannot import one of: $MODULES"
fi
exit 0
