#!/usr/bin/env python3
"""Dump DINOv2 ViT-S/14 hidden states and attentions of the sample photos with onnxruntime, for
`sinkscope import` (a stand-in for `sinkscope extract` when a real store is needed without it).

Run by hand after scripts/setup.sh:

    python3 scripts/dump_photos_onnx.py --out /tmp/photos-dump
    sinkscope import /tmp/photos-dump/dump.npz --labels /tmp/photos-dump/labels.csv \\
        --model-name dinov2-small-onnx --patch-size 14 --image-size 224 --out /tmp/photos-store

Writes OUT/dump.npz with
  hidden_states [13, n, 257, 384] f32   l = 0 embedding output, l = output of block l
  attentions    [12, n, 6, 257, 257] f32 attention probabilities of block l+1 (import stores their
                                         head-mean column sums as received.{l+1})
  image_ids     [n] str                 the photo file names without extension
and OUT/images/<id>.png, the 224x224 crops the model saw (HF BitImageProcessor defaults: shortest
edge 256 bicubic, center crop 224), so a report can draw heatmaps over them (`--images OUT/images`),
and OUT/labels.csv with a `kind` column (texture / object / scene).
"""
import argparse
import os

import numpy as np
import onnx
import onnxruntime as ort
from PIL import Image

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
KIND = {"brick": "texture", "grass": "texture", "gravel": "texture", "hubble_deep_field": "scene", "retina": "scene"}


def crop(path):
    img = Image.open(path).convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(256 * long / short)
    new_w, new_h = (256, new_long) if w <= h else (new_long, 256)
    img = img.resize((new_w, new_h), resample=Image.BICUBIC)
    top, left = (new_h - 224) // 2, (new_w - 224) // 2
    return img.crop((left, top, left + 224, top + 224))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.environ.get("SINKSCOPE_CACHE", os.path.expanduser("~/.cache/sinkscope")))
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    model = onnx.load(os.path.join(args.cache, "onnx", "vit_s_focus.onnx"))
    hidden = ["/backbone/embeddings/Add_output_0"] + [f"/backbone/encoder/layer.{i}/Add_1_output_0" for i in range(12)]
    attention = [f"/backbone/encoder/layer.{i}/attention/attention/Softmax_output_0" for i in range(12)]
    del model.graph.output[:]
    for name in hidden + attention:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    photos = sorted(f for f in os.listdir(os.path.join(args.cache, "photos")) if f.lower().endswith((".png", ".jpg", ".jpeg")))
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    ids, hs, ats = [], [], []
    for name in photos:
        image = crop(os.path.join(args.cache, "photos", name))
        ident = os.path.splitext(name)[0]
        image.save(os.path.join(args.out, "images", ident + ".png"))
        x = ((np.asarray(image, dtype=np.float32) / 255.0 - MEAN) / STD).transpose(2, 0, 1)[None].astype(np.float32)
        out = session.run(hidden + attention, {"input_image": x})
        hs.append(np.stack(out[:13])[:, 0])        # [13, T, D]
        ats.append(np.stack(out[13:])[:, 0])       # [12, H, T, T]
        ids.append(ident)
        print(f"{ident}: max norm at layer 12 {np.linalg.norm(hs[-1][12], axis=-1).max():.1f}")
    np.savez(os.path.join(args.out, "dump.npz"), hidden_states=np.stack(hs, axis=1), attentions=np.stack(ats, axis=1),
             image_ids=np.array(ids))
    with open(os.path.join(args.out, "labels.csv"), "w") as f:
        f.write("image,kind\n")
        for ident in ids:
            f.write(f"{ident},{KIND.get(ident, 'object')}\n")
    print(f"wrote {args.out}/dump.npz ({len(ids)} images)")


if __name__ == "__main__":
    main()
