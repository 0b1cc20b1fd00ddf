#!/usr/bin/env python3
"""Checks that two SinkScope stores hold the same images with byte-identical tensor rows.

    python3 scripts/slurm/compare_stores.py STORE_A STORE_B

Reads only the standard library (the safetensors header is 8 bytes of length + JSON), so it runs
on a cluster login node as is. Shard boundaries may differ (a merged store keeps its shards' files):
rows are compared image by image. Exit 0 and one line when identical; exit 1 naming the first
difference otherwise.
"""
import json
import os
import struct
import sys


def rows(store):
    """{key: [bytes of image 0, bytes of image 1, ...]} over the store's shards, and the manifest."""
    manifest = json.load(open(os.path.join(store, "manifest.json")))
    out = {}
    for shard in manifest["shards"]:
        with open(os.path.join(store, shard["file"]), "rb") as f:
            (length,) = struct.unpack("<Q", f.read(8))
            header = json.loads(f.read(length))
            data = f.read()
        for key, info in header.items():
            if key == "__metadata__":
                continue
            begin, end = info["data_offsets"]
            n = info["shape"][0]
            size = (end - begin) // n
            out.setdefault(key, []).extend(data[begin + i * size: begin + (i + 1) * size] for i in range(n))
    return manifest, out


def main():
    a, b = sys.argv[1], sys.argv[2]
    ma, ra = rows(a)
    mb, rb = rows(b)
    for field in ["model", "images", "captured_layers", "hidden_dtype", "received_layers", "attention_layers"]:
        if ma.get(field) != mb.get(field):
            sys.exit(f"{b}: manifest field '{field}' differs from {a}")
    if sorted(ra) != sorted(rb):
        sys.exit(f"{b}: tensors {sorted(rb)} differ from {a}'s {sorted(ra)}")
    for key in sorted(ra):
        for i, (x, y) in enumerate(zip(ra[key], rb[key])):
            if x != y:
                sys.exit(f"{b}: '{key}' of image {i} ('{ma['images'][i]['id']}') differs from {a}")
    print(f"identical: {len(ma['images'])} images, {len(ra)} tensors, byte for byte per image")


if __name__ == "__main__":
    main()
