#!/usr/bin/env python3
"""Whole-process transformers side of `sinkscope bench extract`: the script a user writes to get what
`sinkscope extract [--attention]` stores, timed from outside from launch to exit like the child extract.

    python3 scripts/bench_transformers_process.py --model FOLDER --images DIR --out OUT_DIR \
        [--batch 8] [--threads 2] [--mode eager|sdpa] [--image-size HxW]

What it does, in the order a user's script would:
  1. imports torch and transformers and loads the tower from the local folder (bench_transformers.load:
     strict config, the folder's own tensors, never a hub);
  2. decodes every image file of DIR (sorted by name) with PIL and preprocesses it with the folder's
     processor: AutoImageProcessor on its preprocessor_config.json, or without one the architecture's
     defaults SinkScope uses (docs/preprocessing.md: DINOv2 shortest edge 256 + crop 224, CLIP shortest
     edge = image_size + crop, ViT 224 squash, SigLIP image_size squash, InternViT image_size squash with
     ImageNet mean/std; LLaVA-NeXT, OneVision and InternVL their families' processors with the image_size
     squash as the base image).
     LLaVA-NeXT, OneVision and InternVL processors make AnyRes or dynamic tiles; as SinkScope feeds the tower
     one image, the script keeps each image's base tile (LLaVA-NeXT's and OneVision's first, InternVL's
     thumbnail, its last) and pays for cutting the others, as a user script calling the processor would.
     With --image-size HxW (as `extract --image-size`), every image is first resized with PIL to exactly
     H x W with the processor's resampling filter and the processor then only rescales and normalises
     (no resize, no crop), which is what SinkScope does; a tiling processor, which would still resize and
     tile, is replaced by its rescale and normalisation.
     Qwen2.5-VL (a qwen2_5_vl_vision tower or a qwen2_5_vl checkpoint): the Qwen2-VL processor of the
     folder (or its defaults) on images resized to H x W, --image-size or what smart_resize makes of
     448 x 448, as SinkScope stores one patch grid; it returns the flattened patches and grid_thw;
  3. runs the tower in batches: eager mode with output_hidden_states and output_attentions, and the
     received attention of every block taken from the probabilities (head mean of the column sums, as
     SinkScope's received.{l}); sdpa mode with output_hidden_states only. Qwen2.5-VL's tower returns no
     attention, so eager mode records it from eager_attention_forward (bench_transformers'
     QwenAttentionRecorder, one tensor per window) and its tokens are put back in grid order;
  4. writes each batch to OUT_DIR/batch-NNNNN.safetensors: hidden.{l} [b, T, D] in f16 for l = 0..L
     (hidden_states[l]) and, in eager mode, received.{l} [b, T] f32 for l = 1..L; for Qwen2.5-VL also
     merged [b, M, D_llm] f32 in both modes (the merger output, what SinkScope stores as merged).
No fsync: SinkScope's store pays for its fsyncs, this side does not (it errs in transformers' favour).

Covers the towers and LVLM checkpoints SinkScope opens (dinov2, dinov2_with_registers, vit, clip,
clip_vision_model, siglip, siglip_vision_model, internvl_vision and other towers with a
preprocessor_config.json; llava, llava_next, llava_onevision, paligemma, internvl, qwen2_5_vl_vision,
qwen2_5_vl).
Prints one JSON line: images, seconds (from the first line of this script), import_seconds,
load_seconds, decode_seconds, forward_seconds, write_seconds, peak_rss_mib (ru_maxrss, MiB), versions.
"""
import time

START = time.perf_counter()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from PIL import Image  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_transformers import QwenAttentionRecorder, fail, is_qwen, load, qwen_grid_order  # noqa: E402

IMPORTED = time.perf_counter()
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
IMAGENET = {"image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}
CLIP = {"image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]}
HALF = {"image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
BICUBIC, BILINEAR = 3, 2


QWEN_TYPES = {"qwen2_5_vl_vision", "qwen2_5_vl"}
TILED_LVLM_TYPES = {"llava_next", "llava_onevision", "internvl"}   # processors that add AnyRes / dynamic tiles


def processor(folder, model_type, image_size):
    """The folder's image processor, or SinkScope's defaults for the architecture when it has none."""
    if os.path.isfile(os.path.join(folder, "preprocessor_config.json")):
        return transformers.AutoImageProcessor.from_pretrained(folder, local_files_only=True)
    if model_type in QWEN_TYPES:
        return transformers.Qwen2VLImageProcessor()
    square = {"height": image_size, "width": image_size}
    if model_type in ("dinov2", "dinov2_with_registers"):
        return transformers.BitImageProcessor(size={"shortest_edge": 256}, crop_size={"height": 224, "width": 224},
                                              do_center_crop=True, resample=BICUBIC, **IMAGENET)
    if model_type in ("clip", "clip_vision_model", "llava"):
        return transformers.CLIPImageProcessor(size={"shortest_edge": image_size}, crop_size=square,
                                               do_center_crop=True, resample=BICUBIC, **CLIP)
    if model_type == "vit":
        return transformers.ViTImageProcessor(size={"height": 224, "width": 224}, resample=BILINEAR, **HALF)
    if model_type in ("siglip", "siglip_vision_model", "paligemma"):
        return transformers.SiglipImageProcessor(size=square, resample=BICUBIC, **HALF)
    if model_type == "llava_next":   # the class's own AnyRes grid: the base tile is a squash to the image size
        return transformers.LlavaNextImageProcessor(size={"shortest_edge": image_size}, crop_size=square, resample=BICUBIC, **CLIP)
    if model_type == "llava_onevision":
        return transformers.LlavaOnevisionImageProcessor(size=square, resample=BICUBIC, **HALF)
    if model_type in ("internvl", "internvl_vision"):
        return transformers.GotOcr2ImageProcessor(size=square, crop_to_patches=False, resample=BICUBIC, **IMAGENET)
    fail(f"{folder} has no preprocessor_config.json and {model_type} has no default here; add the file.")


def qwen_default_size(process):
    """What the Qwen2-VL processor's smart_resize makes of 448 x 448 with its pixel bounds: SinkScope's default grid."""
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import smart_resize
    size = getattr(process, "size", None) or {}
    low = getattr(process, "min_pixels", None) or size.get("shortest_edge", 56 * 56)
    high = getattr(process, "max_pixels", None) or size.get("longest_edge", 28 * 28 * 1280)
    return smart_resize(448, 448, factor=process.patch_size * process.merge_size, min_pixels=low, max_pixels=high)


def base_tiles(feats):
    """The base image of each image from a tiling processor's output, the one image SinkScope feeds the tower:
    LLaVA-NeXT's and OneVision's pixel_values are [b, tiles, 3, H, W] with the base image first; InternVL's
    (GotOcr2) are [all tiles, 3, H, W] with num_patches per image and the whole-image thumbnail last."""
    pixels = feats["pixel_values"]
    if pixels.dim() == 5:
        return pixels[:, 0]
    last = torch.cumsum(torch.as_tensor(feats["num_patches"]), 0) - 1
    return pixels[last]


def normalised(images, process):
    """Rescale and normalise already-resized images as the processor would, without its resizing or tiling
    (a tiling processor resizes its base image even with do_resize=False): [b, 3, H, W] f32."""
    x = torch.stack([torch.from_numpy(np.asarray(im, dtype=np.float32)).permute(2, 0, 1) for im in images])
    x = x * float(getattr(process, "rescale_factor", 1 / 255))
    mean = torch.tensor(process.image_mean, dtype=torch.float32).reshape(-1, 1, 1)
    std = torch.tensor(process.image_std, dtype=torch.float32).reshape(-1, 1, 1)
    return (x - mean) / std


def tower_pixels(process, images, model_type, requested):
    """The pixels the tower is fed, [b, 3, H, W]: the processor's output, its base image for tiling LVLMs; at a
    requested size only rescaled and normalised (the images were resized to it already)."""
    if requested and model_type in TILED_LVLM_TYPES:
        return normalised(images, process)
    fixed = {"do_resize": False, "do_center_crop": False} if requested else {}
    feats = process(images=images, return_tensors="pt", **fixed)
    return (base_tiles(feats) if model_type in TILED_LVLM_TYPES else feats["pixel_values"]).float()


def leading(value):
    """An int, or the first of a [H, W] pair (InternVL writes image_size and patch_size as lists)."""
    return value[0] if isinstance(value, (list, tuple)) else value


def parse_size(text):
    """'HxW' -> (H, W)."""
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        fail(f"--image-size {text} is not HxW (for example 448x448).")
    if h <= 0 or w <= 0:
        fail(f"--image-size {text} must be positive.")
    return h, w


def qwen_batch(tower, process, images, eager):
    """Qwen2.5-VL: runs the tower on the processor's flattened patches of one batch and returns its outputs
    in SinkScope's layout (tokens in row-major grid order, merge units row-major)."""
    feats = process(images=images, return_tensors="pt", do_resize=False)
    grid = feats["image_grid_thw"]
    b, gh, gw = grid.shape[0], int(grid[0, 1]), int(grid[0, 2])
    with (QwenAttentionRecorder() if eager else contextlib.nullcontext()) as rec:
        out = tower(feats["pixel_values"].float(), grid_thw=grid, output_hidden_states=True)
    order = qwen_grid_order(tower.config, gh, gw)                # computed position -> grid index, per image

    def to_grid(x):                                               # [b·g, ...] in computed order -> [b, g, ...]
        x = x.reshape(b, gh * gw, *x.shape[1:])
        y = torch.empty_like(x)
        y[:, order] = x
        return y

    tensors = {f"hidden.{l}": to_grid(h).half().contiguous() for l, h in enumerate(out.hidden_states)}
    if eager:   # per block, one [1, H, w, w] per window (or per image): column sums, head mean, joined
        blocks = []
        for key, w in rec.weights:
            if not blocks or blocks[-1][0] != key:
                blocks.append((key, []))
            blocks[-1][1].append(w.sum(dim=2).mean(dim=1).reshape(-1))
        for l, (_, parts) in enumerate(blocks):
            tensors[f"received.{l + 1}"] = to_grid(torch.cat(parts)).float().contiguous()
    merged = out.pooler_output   # what the LLM receives; extract stores it with or without --attention
    tensors["merged"] = merged.reshape(b, merged.shape[0] // b, merged.shape[1]).float().contiguous()
    return tensors


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--images", required=True, help="a folder of image files")
    p.add_argument("--out", required=True, help="a new folder for batch-NNNNN.safetensors")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--mode", choices=["eager", "sdpa"], default="eager")
    p.add_argument("--image-size", help="HxW: resize every image to exactly this size, as extract --image-size")
    args = p.parse_args()
    requested = parse_size(args.image_size) if args.image_size else None
    if not os.path.isdir(args.images):
        fail(f"{args.images} is not a folder of images.")
    files = sorted(f for f in os.listdir(args.images) if os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS)
    if not files:
        fail(f"{args.images} holds no image files ({', '.join(sorted(IMAGE_EXTENSIONS))}).")

    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    start = time.perf_counter()
    config_path = os.path.join(args.model, "config.json")
    if not os.path.isfile(config_path):
        fail(f"{args.model} has no config.json; pass a local model folder.")
    raw = json.load(open(config_path))
    model_type = raw.get("model_type")
    size = leading(raw.get("image_size") or raw.get("vision_config", {}).get("image_size", 224))
    process = processor(args.model, model_type, size)   # first: it fails on folders without settings and no default
    tower = load(args.model, args.mode)
    qwen = is_qwen(tower)
    target = requested or (qwen_default_size(process) if qwen else None)   # (H, W) every image is resized to first
    if requested:   # the sentence extract --image-size gives, not a traceback from deep in the tower
        step = process.patch_size * process.merge_size if qwen else leading(getattr(tower.config, "patch_size", None))
        if isinstance(step, int) and (requested[0] % step or requested[1] % step):
            fail(f"--image-size {args.image_size}: both sides must be multiples of {step} for this model.")
    resample = getattr(process, "resample", None)
    resample = BICUBIC if resample is None else int(resample)
    load_seconds = time.perf_counter() - start

    os.makedirs(args.out, exist_ok=False)
    decode = forward = write = 0.0
    eager = args.mode == "eager"
    for k, first in enumerate(range(0, len(files), args.batch)):
        t0 = time.perf_counter()
        images = [Image.open(os.path.join(args.images, f)).convert("RGB") for f in files[first:first + args.batch]]
        if target:
            images = [im.resize((target[1], target[0]), resample) for im in images]
        if qwen:
            t1 = time.perf_counter()   # the Qwen processor's flattening is counted with the forward
            tensors = qwen_batch(tower, process, images, eager)
        else:
            pixels = tower_pixels(process, images, model_type, requested)
            t1 = time.perf_counter()
            out = tower(pixel_values=pixels, output_hidden_states=True, output_attentions=eager)
            tensors = {f"hidden.{l}": h.half().contiguous() for l, h in enumerate(out.hidden_states)}
            if eager:   # [b, H, T, T] -> head mean of the sums over queries, [b, T]
                tensors.update({f"received.{l + 1}": a.sum(dim=2).mean(dim=1).float().contiguous() for l, a in enumerate(out.attentions)})
        t2 = time.perf_counter()
        save_file(tensors, os.path.join(args.out, f"batch-{k:05d}.safetensors"))
        t3 = time.perf_counter()
        decode, forward, write = decode + t1 - t0, forward + t2 - t1, write + t3 - t2
    print(json.dumps({
        "images": len(files), "seconds": time.perf_counter() - START, "import_seconds": IMPORTED - START,
        "load_seconds": load_seconds, "decode_seconds": decode, "forward_seconds": forward, "write_seconds": write,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "mode": args.mode,
        "threads": args.threads, "batch": args.batch, "processor": type(process).__name__,
        "image_size": f"{target[0]}x{target[1]}" if target else None,
        "torch": torch.__version__, "transformers": transformers.__version__}))


if __name__ == "__main__":
    main()
