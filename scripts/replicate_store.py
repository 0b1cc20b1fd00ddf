#!/usr/bin/env python3
"""Makes a large store for memory benchmarks by cycling the images of a small real store.

    python3 scripts/replicate_store.py SMALL_STORE COUNT OUT_STORE [--per-shard K]

Image i of OUT is image i % n of SMALL (same tensors, same source file), with id "<id>-<i>".
The activations are real (e.g. DINOv2-S on the sample photos) but repeat, so the store is fit
for measuring time and memory of the analyses (docs/scale.md), not for their findings.
Standard library only; the manifest is written last.
"""
import json
import os
import struct
import sys


def read_rows(store, manifest):
    rows, dtypes, shapes = {}, {}, {}
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
            rows.setdefault(key, []).extend(data[begin + i * size: begin + (i + 1) * size] for i in range(n))
            dtypes[key], shapes[key] = info["dtype"], info["shape"][1:]
    return rows, dtypes, shapes


def main():
    args = sys.argv[1:]
    per_shard = 32
    if "--per-shard" in args:
        k = args.index("--per-shard")
        per_shard = int(args[k + 1])
        del args[k:k + 2]
    small, count, out = args[0], int(args[1]), args[2]
    manifest = json.load(open(os.path.join(small, "manifest.json")))
    rows, dtypes, shapes = read_rows(small, manifest)
    n = len(manifest["images"])
    os.makedirs(out)
    images, shards = [], []
    for first in range(0, count, per_shard):
        idx = list(range(first, min(first + per_shard, count)))
        header, offset, blobs = {"__metadata__": {"format": "sinkscope-store", "first_image": str(first), "images": str(len(idx))}}, 0, []
        for key in rows:
            blob = b"".join(rows[key][i % n] for i in idx)
            header[key] = {"dtype": dtypes[key], "shape": [len(idx)] + shapes[key], "data_offsets": [offset, offset + len(blob)]}
            offset += len(blob)
            blobs.append(blob)
        text = json.dumps(header).encode()
        text += b" " * (-len(text) % 8)
        name = "shard-%05d.safetensors" % len(shards)
        with open(os.path.join(out, name), "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text)
            for blob in blobs:
                f.write(blob)
        shards.append({"file": name, "first_image": first, "count": len(idx)})
        for i in idx:
            entry = dict(manifest["images"][i % n])
            entry["id"] = "%s-%d" % (entry["id"], i)
            images.append(entry)
    manifest.update(images=images, shards=shards, masks={})
    manifest.pop("shard", None)
    manifest["notes"] = manifest.get("notes", []) + ["replicated from %s (%d images cycled) for benchmarks" % (small, n)]
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("%s: %d images in %d shards" % (out, count, len(shards)))


if __name__ == "__main__":
    main()
