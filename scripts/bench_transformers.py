#!/usr/bin/env python3
"""transformers side of `sinkscope bench extract`: times a vision tower from a local model folder on the CPU.

    python3 scripts/bench_transformers.py --model FOLDER --pixels pixels.f32 --images 16 --height 224 --width 224 \
        --batch 8 --threads 2 --mode eager|sdpa [--warmup 1] [--save-last last.f32]

Modes (what a user must run to get SinkScope's outputs, and the fastest run without attention):
  eager  attn_implementation="eager", output_hidden_states=True, output_attentions=True: every block's
         hidden states and attention probabilities (SinkScope with --attention returns their column sums).
         Qwen2.5-VL's tower drops its eager attention weights, so they are recorded by wrapping
         eager_attention_forward (the only way a user gets them).
  sdpa   attn_implementation="sdpa", output_hidden_states=True only.

The folder is read locally, never from a hub: a standalone tower (dinov2, dinov2_with_registers, vit,
clip, clip_vision_model, siglip, siglip_vision_model, internvl_vision, dinov3_vit, qwen2_5_vl_vision)
through its model class, or an LVLM checkpoint (llava, llava_next, llava_onevision, paligemma,
internvl, qwen2_5_vl) by building the tower from config.vision_config and loading only its tensors.

Input: raw little-endian float32 pixels [n, 3, H, W] written by SinkScope, so both sides see the same
numbers. Qwen2.5-VL's tower takes them flattened the way its processor does (the still image repeated
over the temporal patch, 2x2 merge units) with grid_thw = [1, H/14, W/14] per image.
Prints one JSON line: images_per_second, seconds, load_seconds, peak_rss_mib (ru_maxrss of this process,
so it includes loading), hidden_states and attentions (counts returned for image 0's batch), versions.
--save-last writes image 0's last block output [T, D] float32 in SinkScope's token order (prefix, then
the patch grid row-major), for the tests.
"""
import argparse
import glob
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import transformers

LVLM_TOWER_PREFIXES = {  # where an LVLM checkpoint keeps its tower (transformers 5 save_pretrained, then the hub's)
    "default": ["model.vision_tower.", "vision_tower."],
    "qwen2_5_vl": ["model.visual.", "visual."],
}
LVLM_TYPES = {"llava", "llava_next", "llava_onevision", "paligemma", "internvl", "qwen2_5_vl"}


def fail(sentence):
    print(sentence, file=sys.stderr)
    sys.exit(1)


# MARK: - Loading

def tower_class(model_type):
    """The transformers class of a standalone tower's model_type."""
    from transformers import AutoModel
    if model_type in ("qwen2_5_vl_vision",):
        from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VisionTransformerPretrainedModel
        return Qwen2_5_VisionTransformerPretrainedModel
    if model_type in ("clip", "clip_vision_model"):
        return transformers.CLIPVisionModel
    if model_type in ("siglip", "siglip_vision_model"):
        return transformers.SiglipVisionModel
    return AutoModel


def strict_config(raw, model_type):
    """The folder's config, with whole numbers in float fields made floats: SinkScope's ONNX conversion of the
    built-in DINOv2 writes `"layerscale_value": 1`, which transformers 5's strict config classes reject."""
    import dataclasses
    cls = transformers.AutoConfig.for_model(model_type).__class__
    floats = {f.name for f in dataclasses.fields(cls) if f.type in (float, "float")} if dataclasses.is_dataclass(cls) else set()
    fixed = {k: (float(v) if k in floats and isinstance(v, int) and not isinstance(v, bool) else v) for k, v in raw.items()}
    return cls.from_dict(fixed)


def load_lvlm_tower(folder, config, attn):
    """Builds the tower from config.vision_config and loads only its tensors (strictly: every tower weight present)."""
    from safetensors import safe_open
    vision = config.vision_config
    vision._attn_implementation = attn
    if config.model_type == "qwen2_5_vl":
        from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VisionTransformerPretrainedModel
        tower = Qwen2_5_VisionTransformerPretrainedModel._from_config(vision, attn_implementation=attn)
    else:
        tower = transformers.AutoModel.from_config(vision, attn_implementation=attn)
    prefixes = LVLM_TOWER_PREFIXES.get(config.model_type, LVLM_TOWER_PREFIXES["default"])
    state = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.safetensors"))):
        with safe_open(path, framework="pt") as f:
            for key in f.keys():
                prefix = next((p for p in prefixes if key.startswith(p)), None)
                if prefix:
                    state[key[len(prefix):]] = f.get_tensor(key).float()
    if not state:
        fail(f"{folder}: no tensor starts with {' or '.join(prefixes)}, so the vision tower cannot be loaded.")
    tower.load_state_dict(state, strict=True)
    return tower


def load(folder, mode):
    attn = "eager" if mode == "eager" else "sdpa"
    if not os.path.isfile(os.path.join(folder, "config.json")):
        fail(f"{folder} has no config.json; pass a local model folder.")
    raw = json.load(open(os.path.join(folder, "config.json")))
    model_type = raw.get("model_type")
    if model_type in LVLM_TYPES:
        config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
        tower = load_lvlm_tower(folder, config, attn)
    else:
        config = strict_config(raw, model_type)
        tower = tower_class(model_type).from_pretrained(folder, config=config, attn_implementation=attn, local_files_only=True)
    return tower.float().eval()


def is_qwen(tower):
    return type(tower).__name__ == "Qwen2_5_VisionTransformerPretrainedModel"


# MARK: - Qwen2.5-VL input and token order

def qwen_inputs(pixels, config):
    """[n, 3, H, W] -> flattened patches [n·gh·gw, 3·Tp·P·P] and grid_thw [n, 3], as the Qwen processor lays them out."""
    n, c, h, w = pixels.shape
    p, m, tp = config.patch_size, config.spatial_merge_size, config.temporal_patch_size
    gh, gw = h // p, w // p
    x = pixels[:, None].repeat(1, tp, 1, 1, 1)                            # [n, Tp, C, H, W]: a still image repeated
    x = x.reshape(n, tp, c, gh // m, m, p, gw // m, m, p)
    x = x.permute(0, 3, 6, 4, 7, 2, 1, 5, 8)                             # n, gh/m, gw/m, m, m, C, Tp, P, P
    flat = x.reshape(n * gh * gw, c * tp * p * p).contiguous()
    return flat, torch.tensor([[1, gh, gw]] * n)


def qwen_grid_order(config, gh, gw):
    """For each token of one image in the order the tower computes (merge units, then windows): its row-major grid index."""
    from transformers.vision_utils import get_vision_position_ids, get_vision_window_index
    grid = torch.tensor([[1, gh, gw]])
    m = config.spatial_merge_size
    pos = get_vision_position_ids(grid, m)
    window_index, _ = get_vision_window_index(grid, m, config.window_size, config.patch_size)
    return (pos[:, 0] * gw + pos[:, 1]).reshape(-1, m * m)[window_index].reshape(-1)


class QwenAttentionRecorder:
    """Keeps the eager attention probabilities the Qwen tower would otherwise drop (one tensor per window per block)."""

    @property
    def blocks(self):
        """How many attention modules (blocks) recorded probabilities."""
        return len({key for key, _ in self.weights})

    def __init__(self):
        import transformers.models.qwen2_5_vl.modeling_qwen2_5_vl as module
        self.module, self.original, self.weights = module, module.eager_attention_forward, []

    def __enter__(self):
        def recording(module, *args, **kwargs):
            out, w = self.original(module, *args, **kwargs)
            self.weights.append((id(module), w))
            return out, w
        self.module.eager_attention_forward = recording
        return self

    def __exit__(self, *exc):
        self.module.eager_attention_forward = self.original


# MARK: - One forward

def forward(tower, batch, mode):
    """Runs one batch [b, 3, H, W]; returns (hidden states tuple, attention count, image 0's last block output)."""
    want_attn = mode == "eager"
    if is_qwen(tower):
        flat, grid = qwen_inputs(batch, tower.config)
        if want_attn:
            with QwenAttentionRecorder() as rec:
                out = tower(flat, grid_thw=grid, output_hidden_states=True)
            attentions = rec.blocks
        else:
            out, attentions = tower(flat, grid_thw=grid, output_hidden_states=True), 0
        hidden = out.hidden_states
        g = int(grid[0, 1] * grid[0, 2])
        order = qwen_grid_order(tower.config, int(grid[0, 1]), int(grid[0, 2]))
        last = torch.empty_like(hidden[-1][:g])
        last[order] = hidden[-1][:g]                                      # computed order -> grid order
        return hidden, attentions, last
    out = tower(pixel_values=batch, output_hidden_states=True, output_attentions=want_attn)
    attentions = len(out.attentions) if want_attn and out.attentions is not None else 0
    return out.hidden_states, attentions, out.hidden_states[-1][0]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--pixels", required=True)
    p.add_argument("--images", type=int, required=True)
    p.add_argument("--height", type=int, required=True)
    p.add_argument("--width", type=int, required=True)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--mode", choices=["eager", "sdpa"], required=True)
    p.add_argument("--warmup", type=int, default=1, help="batches run before timing")
    p.add_argument("--save-last", help="write image 0's last block output [T, D] float32 here")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)
    start = time.perf_counter()
    tower = load(args.model, args.mode)
    load_seconds = time.perf_counter() - start

    per_image = 3 * args.height * args.width
    raw = np.fromfile(args.pixels, dtype="<f4", count=args.images * per_image)
    if raw.size != args.images * per_image:
        fail(f"{args.pixels} holds {raw.size} floats, fewer than {args.images} images of 3x{args.height}x{args.width}.")
    pixels = torch.from_numpy(raw.reshape(args.images, 3, args.height, args.width))
    batches = [pixels[i:i + args.batch] for i in range(0, args.images, args.batch)]

    for b in batches[: args.warmup]:
        hidden, attentions, last = forward(tower, b, args.mode)
    start = time.perf_counter()
    for i, b in enumerate(batches):
        result = forward(tower, b, args.mode)
        if i == 0:
            hidden, attentions, last = result
    seconds = time.perf_counter() - start
    if args.save_last:
        last.float().contiguous().numpy().astype("<f4").tofile(args.save_last)
    print(json.dumps({
        "images": args.images, "seconds": seconds, "images_per_second": args.images / seconds,
        "load_seconds": load_seconds, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mode": args.mode, "threads": args.threads, "batch": args.batch, "model_class": type(tower).__name__,
        "hidden_states": len(hidden), "attentions": attentions, "last_shape": list(last.shape),
        "torch": torch.__version__, "transformers": transformers.__version__}))


if __name__ == "__main__":
    main()
