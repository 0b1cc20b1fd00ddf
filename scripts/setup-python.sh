#!/usr/bin/env bash
# Creates the Python environment of the reference tests in .venv (ignored by git): numpy,
# safetensors, scikit-learn, onnxruntime, torch (CPU) and transformers from PyPI. Idempotent:
# a complete .venv is left as it is. When PyPI cannot be reached the tests that need these
# modules skip and say why (this script warns and exits 0 so the Swift tests still run).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=".venv"
MODULES="numpy safetensors sklearn onnxruntime torch transformers PIL"
log() { echo "[setup-python] $*" >&2; }

if [ -x "$VENV/bin/python3" ] && "$VENV/bin/python3" -c "import ${MODULES// /, }" 2>/dev/null; then
    exit 0
fi
python3 -m venv "$VENV" || { log "python3 -m venv failed; the Python-side tests will skip"; exit 0; }
log "installing numpy safetensors scikit-learn onnxruntime pillow torch transformers into $VENV (about 6 GB, a few minutes once)"
"$VENV/bin/pip" install -q --disable-pip-version-check numpy safetensors scikit-learn onnxruntime pillow \
    || { log "pip could not install the reference packages; the Python-side tests will skip"; exit 0; }
"$VENV/bin/pip" install -q --disable-pip-version-check torch \
    || { log "pip could not install torch; the transformers reference tests will skip"; exit 0; }
"$VENV/bin/pip" install -q --disable-pip-version-check transformers \
    || log "pip could not install transformers; the transformers reference tests will skip"
exit 0
