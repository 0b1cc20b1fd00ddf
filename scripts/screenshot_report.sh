#!/usr/bin/env bash
# Takes a full-page screenshot of a SinkScope report (or compare page) in headless Chromium, so a
# person can look at the page as a reader would. Run by hand; nothing here runs in CI.
#
#   scripts/screenshot_report.sh REPORT_DIR [OUT.png] [WIDTH] [HEIGHT] [SLICE]
#
# REPORT_DIR holds index.html (from `sinkscope report` or `sinkscope compare`). Defaults: OUT is
# REPORT_DIR/../<name>-screenshot.png, the window is 1400 x 5000 px (make HEIGHT as tall as the
# page). With SLICE > 0 the screenshot is also cut into SLICE-pixel-tall parts OUT-01.png,
# OUT-02.png, ... (with Pillow) that fit an image viewer at full resolution.
# Needs Debian's `chromium` (apt-get install -y chromium).
set -euo pipefail
dir="${1:?usage: screenshot_report.sh REPORT_DIR [OUT.png] [WIDTH] [HEIGHT] [SLICE]}"
dir="$(cd "$dir" && pwd)"
[ -f "$dir/index.html" ] || { echo "error: $dir/index.html does not exist" >&2; exit 1; }
out="${2:-$(dirname "$dir")/$(basename "$dir")-screenshot.png}"
width="${3:-1400}"
height="${4:-5000}"
slice="${5:-0}"
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "error: chromium is not installed (apt-get install -y chromium)" >&2; exit 1; }
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: containers run as root, where Chromium's sandbox cannot start.
# --virtual-time-budget lets every image finish loading before the capture.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
    --virtual-time-budget=5000 --window-size="$width,$height" --screenshot="$out" "file://$dir/index.html" \
    >/dev/null 2>&1 || { echo "error: chromium failed to take the screenshot" >&2; exit 1; }
[ -s "$out" ] || { echo "error: chromium wrote no screenshot" >&2; exit 1; }
echo "$out"
if [ "$slice" -gt 0 ]; then
    python3 - "$out" "$slice" <<'PY'
import sys
from PIL import Image
path, step = sys.argv[1], int(sys.argv[2])
image = Image.open(path)
for i, top in enumerate(range(0, image.height, step), start=1):
    part = path[:-4] + f"-{i:02d}.png"
    image.crop((0, top, image.width, min(top + step, image.height))).save(part)
    print(part)
PY
fi
