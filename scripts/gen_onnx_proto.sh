#!/usr/bin/env bash
# Regenerates Sources/ONNXFormat/Generated/onnx.pb.swift from the onnx.proto shipped in the `onnx` PyPI
# package. The generated file is committed, so building SinkScope never runs protoc or the plugin.
#
# Needs: protoc (apt-get install protobuf-compiler) and protoc-gen-swift built from swift-protobuf 1.39.0
# (the version the package resolves to; generated code and runtime must match), e.g.
#   git clone https://github.com/apple/swift-protobuf.git /tmp/swift-protobuf   # or the local mirror
#   (cd /tmp/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift)
# Usage: scripts/gen_onnx_proto.sh [path/to/protoc-gen-swift]
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PLUGIN="${1:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"
PROTO_DIR="$(python3 -c 'import onnx, os; print(os.path.dirname(onnx.__file__))')"
ONNX_VERSION="$(python3 -c 'import onnx; print(onnx.__version__)')"
OUT="$ROOT/Sources/ONNXFormat/Generated"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$OUT"
protoc --plugin=protoc-gen-swift="$PLUGIN" -I "$PROTO_DIR" \
    --swift_opt=Visibility=Public --swift_out="$TMP" "$PROTO_DIR/onnx.proto"
{
    echo "// Generated from onnx.proto of the onnx PyPI package $ONNX_VERSION"
    echo "// by $(protoc --version) and protoc-gen-swift $("$PLUGIN" --version 2>/dev/null | awk '{print $NF}')"
    echo "// with --swift_opt=Visibility=Public. Do not edit: rerun scripts/gen_onnx_proto.sh."
    echo
    cat "$TMP/onnx.pb.swift"
} > "$OUT/onnx.pb.swift.partial"
mv "$OUT/onnx.pb.swift.partial" "$OUT/onnx.pb.swift"
echo "wrote $OUT/onnx.pb.swift" >&2
