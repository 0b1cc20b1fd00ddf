#!/usr/bin/env python3
"""Writes an LVLM dump for `sinkscope import --lvlm` (layout: docs/lvlm.md) on the machine that can
run the model (a GPU for a 7B model; a CPU for a tiny one). Needs torch, transformers, numpy and
pillow, not SinkScope.

    python3 scripts/dump_lvlm.py --model llava-hf/llava-1.5-7b-hf --images photos/ --out llava.npz \\
        --device cuda --dtype float16 --llm-layers 0,8,16,24,32 --decode-top-k 5

Families: llava, llava_next, llava_onevision, paligemma, internvl, qwen2_5_vl (read from the
checkpoint's config.json). Per image, one forward pass with hooks:

- the ViT hidden states at the layer the LLM sees (or, with --vit-stack, every layer), patch tokens
  only, row-major over the patch grid (crops of a tiled image stacked top to bottom);
- the map "LLM visual token k <- ViT patches {...}" (identity, 2x2 merges, tiles, newline tokens);
- the attention each sequence position receives in every LLM block, summed over the query rows
  after the image and averaged over heads, computed inside a hook on each attention module as soon
  as its probabilities exist, so no [Lm, H, S, S] tensor is ever kept (eager attention only);
- the LLM hidden states at the visual positions (--llm-layers), and with --decode-top-k K the
  logit lens: top-K tokens of softmax(lm_head(norm(h))) for each visual token alone.

Large arrays are written to disk image by image (an uncompressed .npz built from .npy members), so
host memory does not grow with the number of images. Exit code 2 with one sentence on bad input.
"""
import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
import zipfile

import numpy as np

FAMILIES = ("llava", "llava_next", "llava_onevision", "paligemma", "internvl", "qwen2_5_vl")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
# How each family's visual tokens relate to its ViT patches (recorded in the dump as token_merge).
TOKEN_MERGE = {
    "llava": "identity", "paligemma": "identity", "qwen2_5_vl": "2x2 merge", "internvl": "pixel shuffle 2x2, tiles",
    "llava_next": "tiles, unpadded, newline tokens", "llava_onevision": "tiles, unpadded, newline tokens",
}


class DumpError(Exception):
    """A problem the user can fix; printed as one sentence."""


# MARK: - Arguments

def parse_args(argv):
    ap = argparse.ArgumentParser(prog="dump_lvlm.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="checkpoint folder (or hub name, downloaded by transformers)")
    ap.add_argument("--images", required=True, help="folder of images (sorted by name) or a text file with one path per line")
    ap.add_argument("--out", required=True, help="the dump to write (.npz)")
    ap.add_argument("--prompt", default="Describe the image.", help="the text after the image (its tokens are the summed queries)")
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    ap.add_argument("--dtype", default="float32", choices=("float32", "float16", "bfloat16"))
    ap.add_argument("--llm-layers", default="all", help="LLM hidden layers to keep: all, or a list such as 0,8,16 (0 = input embeddings)")
    ap.add_argument("--decode-top-k", type=int, default=0, help="logit lens: keep the top K words of each visual token at each kept layer")
    ap.add_argument("--vit-stack", action="store_true", help="also keep every ViT layer (vit_hidden_states)")
    ap.add_argument("--image-size", default=None, help="resize every image to HxW pixels first (tiled families need one size per dump)")
    ap.add_argument("--attn-implementation", default="eager", help="must be eager: attention probabilities are read from it")
    ap.add_argument("--name", default=None, help="lvlm_name in the dump (default: the model folder's name)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    return ap.parse_args(argv)


def parse_layers(text, blocks):
    if text == "all":
        return list(range(blocks + 1))
    try:
        layers = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise DumpError(f"--llm-layers '{text}' is not 'all' or a comma-separated list of integers.")
    if not layers or layers[0] < 0 or layers[-1] > blocks:
        raise DumpError(f"--llm-layers {text} must lie in 0...{blocks} (the LLM has {blocks} blocks).")
    return layers


def list_images(path):
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path) if f.lower().endswith(IMAGE_SUFFIXES))
    elif os.path.isfile(path):
        base = os.path.dirname(path)
        files = [os.path.join(base, l.strip()) for l in open(path) if l.strip()]
    else:
        raise DumpError(f"--images {path} is neither a folder nor a list file.")
    if not files:
        raise DumpError(f"--images {path} holds no images ({', '.join(IMAGE_SUFFIXES)}).")
    return files


# MARK: - Loading

def read_config(model):
    """config.json of a local folder (the family is its model_type), or of a hub checkpoint."""
    path = os.path.join(model, "config.json")
    if os.path.isdir(model):
        if not os.path.isfile(path):
            raise DumpError(f"{model} has no config.json; give a transformers checkpoint folder.")
        return json.load(open(path))
    from transformers import AutoConfig
    return AutoConfig.from_pretrained(model).to_dict()


def family_of(config, model):
    family = config.get("model_type")
    if family not in FAMILIES:
        raise DumpError(f"{model} is a '{family}' model, a family dump_lvlm.py does not know; it knows {', '.join(FAMILIES)}.")
    return family


def parameter_count(model):
    """Parameters from the safetensors headers of a local checkpoint (no weights read), else None."""
    if not os.path.isdir(model):
        return None
    total = 0
    for f in os.listdir(model):
        if f.endswith(".safetensors"):
            with open(os.path.join(model, f), "rb") as h:
                size = int.from_bytes(h.read(8), "little")
                header = json.loads(h.read(size))
            for k, v in header.items():
                if k != "__metadata__":
                    total += math.prod(v["shape"])
    return total or None


def allow_missing_video_processor(tf):
    """Without torchvision, transformers has no video processor class and refuses a processor whose
    (unused) video processor is None; images need none."""
    check = tf.ProcessorMixin.check_argument_for_proper_class

    def lenient(self, name, argument):
        return None if argument is None else check(self, name, argument)
    tf.ProcessorMixin.check_argument_for_proper_class = lenient


def load_processor(model):
    import transformers as tf
    try:
        return tf.AutoProcessor.from_pretrained(model)
    except Exception as first:
        # A processor with a video processor that this environment cannot build: assemble it from the
        # image processor, the tokenizer and the processor's own settings.
        allow_missing_video_processor(tf)
        settings = {}
        path = os.path.join(model, "processor_config.json")
        if os.path.isfile(path):
            settings = json.load(open(path))
        name = settings.pop("processor_class", None)
        if name is None or not hasattr(tf, name):
            raise DumpError(f"cannot load the processor of {model}: {first}")
        cls = getattr(tf, name)
        return cls(image_processor=tf.AutoImageProcessor.from_pretrained(model), tokenizer=tf.AutoTokenizer.from_pretrained(model),
                   **{k: v for k, v in settings.items() if isinstance(v, (int, str, float))})


def load_model(model, family, dtype, device, attn):
    if attn != "eager":
        raise DumpError(f"--attn-implementation {attn} cannot be used: the tool reads attention probabilities, which only eager "
                        "attention computes (sdpa and flash attention never materialise them); use eager.")
    import torch
    import transformers as tf
    cls = {"llava": tf.LlavaForConditionalGeneration, "llava_next": tf.LlavaNextForConditionalGeneration,
           "llava_onevision": tf.LlavaOnevisionForConditionalGeneration, "paligemma": tf.PaliGemmaForConditionalGeneration,
           "internvl": tf.InternVLForConditionalGeneration, "qwen2_5_vl": tf.Qwen2_5_VLForConditionalGeneration}[family]
    m = cls.from_pretrained(model, dtype=getattr(torch, dtype), attn_implementation="eager").to(device).eval()
    impl = getattr(text_model(m).config, "_attn_implementation", "eager")
    if impl != "eager":
        raise DumpError(f"the loaded language model uses '{impl}' attention; attention probabilities need eager attention.")
    return m


def text_model(m):
    lm = m.model.language_model
    return getattr(lm, "model", lm)


def text_config(m):
    return getattr(m.config, "text_config", m.config)


# MARK: - Memory

def predict_memory(config, family, params, dtype, sequence, crops, keep_layers, top_k, vit_tokens=None):
    """Bytes the run needs on its device, before it starts (docs/lvlm.md, "Memory"):
    weights N*b, plus the largest per-layer working set of one image's forward:
    LLM b*(2*H*S^2 + S*(6*Dm + 3*I)), ViT b*C*(2*Hv*Tv^2 + Tv*(6*Dv + 3*Iv)),
    the kept hidden states 4*|layers|*S*Dm (S bounds the K visual tokens) and the logit lens 4*256*V."""
    b = {"float32": 4, "float16": 2, "bfloat16": 2}[dtype]
    t = config.get("text_config", config)
    v = config.get("vision_config", {})
    dm, i, h = t.get("hidden_size", 4096), t.get("intermediate_size", 11008), t.get("num_attention_heads", 32)
    vocab = t.get("vocab_size", 32000)
    dv, iv, hv = v.get("hidden_size", 1024), v.get("intermediate_size", 4096), v.get("num_attention_heads", v.get("num_heads", 16))
    size = v.get("image_size", 336)
    size = size[0] if isinstance(size, list) else size
    patch = v.get("patch_size", 14)
    patch = patch[0] if isinstance(patch, list) else patch
    tv = vit_tokens or (size // patch) ** 2 + 1  # per crop; Qwen2.5-VL's grid depends on the image
    weights = (params or 0) * b
    llm = b * (2 * h * sequence ** 2 + sequence * (6 * dm + 3 * i))
    vit = b * crops * (2 * hv * tv ** 2 + tv * (6 * dv + 3 * iv))
    kept = 4 * keep_layers * sequence * dm + (4 * 256 * vocab if top_k else 0)
    return weights + max(llm, vit) + kept, dict(weights=weights, llm=llm, vit=vit, kept=kept)


def gib(x):
    return f"{x / 2 ** 30:.2f} GiB" if x >= 2 ** 27 else f"{x / 2 ** 20:.1f} MiB"


def peak_memory(device):
    import torch
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated(device)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


# MARK: - Prompt

def prompt_text(processor, family, prompt):
    """The family's chat template when the processor has one, else the family's usual layout."""
    if getattr(processor, "chat_template", None):
        messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]
        return processor.apply_chat_template(messages, add_generation_prompt=True)
    return {
        "llava": f"USER: <image>\n{prompt} ASSISTANT:",
        "llava_next": f"[INST] <image>\n{prompt} [/INST]",
        "llava_onevision": f"<|im_start|>user <image>\n{prompt}<|im_end|><|im_start|>assistant\n",
        "paligemma": f"<image>{prompt}",
        "internvl": f"<|im_start|>user\n<IMG_CONTEXT>\n{prompt}<|im_end|>\n<|im_start|>assistant\n",
        "qwen2_5_vl": f"<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>{prompt}<|im_end|>\n<|im_start|>assistant\n",
    }[family]


def processor_inputs(processor, family, image, text, device, dtype):
    import torch
    if family == "internvl":
        text = text.replace("<image>", processor.image_token)
    inputs = processor(images=image, text=text, return_tensors="pt")
    inputs.pop("labels", None)  # PaliGemma's processor adds training labels; a dump computes no loss
    return {k: (v.to(device, getattr(torch, dtype)) if v.is_floating_point() else v.to(device)) for k, v in inputs.items()}


# MARK: - The ViT side and the token map, per family
#
# Each returns a Vision: `layers` {HF hidden-state index -> [Pv, Dv]} (patch tokens, row-major over
# `grid`, crops stacked top to bottom), `layer` (the index the LLM sees), `blocks` (Lv), `grid`
# [rows, cols], and `token_patches` [K, M] (the ViT patches of LLM visual token k, -1 padded; a row of
# -1 is a token fed by no patch: a newline or a prefix token).

class Vision:
    def __init__(self, layers, layer, blocks, grid, token_patches):
        self.layers, self.layer, self.blocks, self.grid, self.token_patches = layers, layer, blocks, grid, token_patches


def feature_layer(m, blocks):
    layer = getattr(m.config, "vision_feature_layer", -1)
    if not isinstance(layer, int):
        raise DumpError(f"vision_feature_layer {layer} concatenates several ViT layers; the dump layout holds one (give a model with one).")
    return layer % (blocks + 1)


def tower_states(tower, pixel_values, keep_all):
    """hidden_states of a HF vision tower: {index: [crops, Tv, Dv]}."""
    out = tower(pixel_values, output_hidden_states=True)
    return list(out.hidden_states)


def crop_states(states, layers, prefix):
    """{l: [crops * Pc, Dv]} from [crops, Tv, Dv] states, prefix tokens dropped."""
    return {l: states[l][:, prefix:].reshape(-1, states[l].shape[-1]) for l in layers}


def vision_identity(m, inputs, keep_all, family):
    """LLaVA-1.5 and PaliGemma: one crop, one LLM token per patch (plus CLS with strategy 'full')."""
    tower = m.model.vision_tower
    states = tower_states(tower, inputs["pixel_values"], keep_all)
    blocks = len(states) - 1
    vc = m.config.vision_config
    side = vc.image_size // vc.patch_size
    prefix = states[0].shape[1] - side * side
    layer = blocks if family == "paligemma" else feature_layer(m, blocks)
    layers = list(range(blocks + 1)) if keep_all else [layer]
    fed = list(range(side * side))
    if family == "llava" and getattr(m.config, "vision_feature_select_strategy", "default") == "full":
        fed = [-1] * prefix + fed  # the CLS token reaches the LLM but is no patch
    return Vision(crop_states(states, layers, prefix), layer, blocks, [side, side], np.array(fed)[:, None])


def vision_tiles(m, inputs, keep_all, family):
    """LLaVA-NeXT and LLaVA-OneVision: base image + tiles, unpadded, a newline token after each row.
    The map comes from the model's own pack_image_features run on patch indices instead of features."""
    import torch
    from transformers.models.llava_next.modeling_llava_next import image_size_to_num_patches
    pv, sizes = inputs["pixel_values"], inputs["image_sizes"]
    crops = image_size_to_num_patches(image_size=sizes[0], grid_pinpoints=m.config.image_grid_pinpoints,
                                      patch_size=m.config.vision_config.image_size)
    states = tower_states(m.model.vision_tower, pv[0, :crops], keep_all)
    blocks = len(states) - 1
    vc = m.config.vision_config
    side = vc.image_size // vc.patch_size
    prefix = states[0].shape[1] - side * side
    layer = feature_layer(m, blocks)
    strategy = getattr(m.config, "vision_feature_select_strategy", "default")
    kept = prefix if strategy == "default" else 0  # tokens dropped before the projector
    index = torch.arange(crops * side * side, dtype=torch.float64).reshape(crops, side * side)
    index = torch.cat([torch.full((crops, prefix - kept), -1.0, dtype=torch.float64), index], dim=1)[..., None]
    newline = torch.tensor([-1.0], dtype=torch.float64)
    if family == "llava_next":
        packed, _ = m.model.pack_image_features([index], sizes, strategy, image_newline=newline)
    else:
        packed, _ = m.model.pack_image_features([index], sizes, image_newline=newline,
                                                vision_aspect_ratio=getattr(m.config, "vision_aspect_ratio", "anyres_max_9"))
    packed = torch.cat(list(packed), dim=0) if isinstance(packed, (list, tuple)) else packed
    values = packed[:, 0].cpu().numpy()
    if np.any(values != np.round(values)):
        raise DumpError("this image's tile features were interpolated (OneVision shrinks very large tile grids), so visual tokens "
                        "no longer map to patches; give --image-size with a smaller size.")
    layers = list(range(blocks + 1)) if keep_all else [layer]
    return Vision(crop_states(states, layers, prefix), layer, blocks, [crops * side, side], values.astype(np.int64)[:, None])


def vision_internvl(m, inputs, keep_all, family):
    """InternVL: tiles (+ thumbnail), CLS dropped, pixel shuffle merges 2x2 patches into one token;
    the map comes from the model's own pixel_shuffle run on patch indices."""
    import torch
    pv = inputs["pixel_values"]
    states = tower_states(m.model.vision_tower, pv, keep_all)
    blocks = len(states) - 1
    crops, tv = states[0].shape[:2]
    side = int(round(math.sqrt(tv)))
    prefix = tv - side * side
    if prefix < 0 or side * side != tv - prefix:
        side = int(math.isqrt(tv - 1)); prefix = tv - side * side
    layer = feature_layer(m, blocks)
    index = torch.arange(crops * side * side, dtype=torch.float64).reshape(crops, side, side, 1)
    shuffled = m.model.pixel_shuffle(index, scale_factor=m.config.downsample_ratio)
    token_patches = shuffled.reshape(-1, shuffled.shape[-1]).cpu().numpy().astype(np.int64)
    layers = list(range(blocks + 1)) if keep_all else [layer]
    return Vision(crop_states(states, layers, prefix), layer, blocks, [crops * side, side], token_patches)


class QwenVisionHooks:
    """Qwen2.5-VL computes its ViT in window order over 2x2 merge units; hooks on the blocks keep the
    states, which are un-permuted (window order -> the processor's merge-unit order -> row-major)."""

    def __init__(self, m, keep_all):
        self.visual, self.keep_all, self.states, self.handles = m.model.visual, keep_all, [], []
        blocks = self.visual.blocks
        self.handles.append(blocks[0].register_forward_pre_hook(self.pre, with_kwargs=True))
        for b in blocks:
            self.handles.append(b.register_forward_hook(self.post))

    def pre(self, module, args, kwargs):
        if self.keep_all:
            self.states.append((args[0] if args else kwargs["hidden_states"]).detach())

    def post(self, module, args, output):
        self.states.append((output[0] if isinstance(output, tuple) else output).detach())

    def remove(self):
        for h in self.handles:
            h.remove()

    def vision(self, m, inputs):
        t, gh, gw = [int(x) for x in inputs["image_grid_thw"][0]]
        if t != 1:
            raise DumpError(f"image_grid_thw has {t} temporal patches; a still image has 1.")
        merge = self.visual.spatial_merge_size
        unit = merge * merge
        window = window_index(self.visual, inputs["image_grid_thw"]).cpu()
        reverse = np.argsort(window.numpy())
        # processor order i = ((bh * BW + bw) * merge + mh) * merge + mw  ->  row-major patch (bh*merge+mh) * gw + (bw*merge+mw)
        bh, bw, mh, mw = np.meshgrid(np.arange(gh // merge), np.arange(gw // merge), np.arange(merge), np.arange(merge), indexing="ij")
        rowmajor = ((bh * merge + mh) * gw + (bw * merge + mw)).reshape(-1)
        blocks = len(self.visual.blocks)
        first = 0 if self.keep_all else blocks
        layers = {}
        for j, s in enumerate(self.states):
            d = s.shape[-1]
            ordered = s.reshape(-1, unit, d)[reverse].reshape(-1, d)  # processor order
            out = torch_empty_like(ordered)
            out[rowmajor] = ordered
            layers[first + j] = out
        return Vision(layers, blocks, blocks, [gh, gw], rowmajor.reshape(-1, unit))


def torch_empty_like(x):
    import torch
    return torch.empty_like(x)


def window_index(visual, grid_thw):
    try:
        from transformers.vision_utils import get_vision_window_index
        index, _ = get_vision_window_index(grid_thw, spatial_merge_size=visual.spatial_merge_size, window_size=visual.window_size,
                                           patch_size=visual.patch_size, kwargs={})
    except ImportError:  # transformers 4.x
        index, _ = visual.get_window_index(grid_thw)
    return index


# MARK: - The LLM side: received attention, hidden states, logit lens

class LLMHooks:
    """Forward hooks on the LLM's blocks. On each attention module: the probabilities [1, H, S, S] are
    reduced at once to received[s] = mean_h sum_{q >= q0} A[h, q, s] and dropped. On the blocks: the
    hidden states at the visual positions of the kept layers (layer 0 = the input of block 0)."""

    def __init__(self, m, keep_layers):
        self.lm = text_model(m)
        self.keep = set(keep_layers)
        self.handles, self.received, self.hidden = [], {}, {}
        self.positions, self.query_start = None, None
        layers = self.lm.layers
        self.handles.append(layers[0].register_forward_pre_hook(self.embed, with_kwargs=True))
        for i, layer in enumerate(layers):
            self.handles.append(layer.self_attn.register_forward_hook(self.attention(i)))
            self.handles.append(layer.register_forward_hook(self.block(i)))

    def attention(self, i):
        def hook(module, args, output):
            weights = output[1] if isinstance(output, tuple) and len(output) > 1 else None
            if weights is None:
                raise DumpError(f"LLM block {i} returned no attention probabilities; the model must run eager attention.")
            self.received[i + 1] = weights[0, :, self.query_start:, :].float().sum(dim=1).mean(dim=0).double().cpu().numpy()
            return (output[0], None) + tuple(output[2:])
        return hook

    def embed(self, module, args, kwargs):
        if 0 in self.keep:
            h = args[0] if args else kwargs["hidden_states"]
            self.hidden[0] = h[0, self.positions].detach()

    def block(self, i):
        def hook(module, args, output):
            if i + 1 in self.keep:
                h = output[0] if isinstance(output, tuple) else output
                self.hidden[i + 1] = h[0, self.positions].detach()
        return hook

    def remove(self):
        for h in self.handles:
            h.remove()


def logit_lens(m, hidden, top_k, chunk=256):
    """Top-K (ids, probabilities) of softmax(lm_head(norm(h))) for each row of hidden [K, Dm]."""
    import torch
    norm, head = text_model(m).norm, m.get_output_embeddings()
    cap = getattr(text_config(m), "final_logit_softcapping", None)
    ids, probs = [], []
    with torch.no_grad():
        for a in range(0, hidden.shape[0], chunk):
            logits = head(norm(hidden[a:a + chunk])).float()
            if cap:
                logits = torch.tanh(logits / cap) * cap
            p, k = torch.softmax(logits, dim=-1).topk(top_k, dim=-1)
            ids.append(k.cpu().numpy()); probs.append(p.cpu().numpy())
    return np.concatenate(ids), np.concatenate(probs)


def run_image(m, processor, family, path, args, keep_layers):
    """One image: its Vision, visual positions [K], query start, S, received {l: [S]}, hidden {l: [K, Dm]}."""
    import torch
    from PIL import Image
    image = Image.open(path).convert("RGB")
    if args.image_size:
        h, w = (int(x) for x in args.image_size.lower().split("x"))
        image = image.resize((w, h), Image.BICUBIC)
    inputs = processor_inputs(processor, family, image, prompt_text(processor, family, args.prompt), args.device, args.dtype)
    ids = inputs["input_ids"][0]
    positions = (ids == m.config.image_token_id).nonzero()[:, 0]
    if len(positions) == 0:
        raise DumpError(f"{path}: the prompt holds no image token after processing.")
    q0 = int(positions[-1]) + 1
    if q0 >= len(ids):
        raise DumpError("the prompt has no text after the image, so no query row would be summed; give --prompt text.")
    hooks = LLMHooks(m, keep_layers)
    hooks.positions, hooks.query_start = positions, q0
    qwen = QwenVisionHooks(m, args.vit_stack) if family == "qwen2_5_vl" else None
    try:
        with torch.no_grad():
            m(**inputs, use_cache=False, logits_to_keep=1)
            if qwen is not None:
                vision = qwen.vision(m, inputs)
            else:
                vision = {"llava": vision_identity, "paligemma": vision_identity, "llava_next": vision_tiles,
                          "llava_onevision": vision_tiles, "internvl": vision_internvl}[family](m, inputs, args.vit_stack, family)
    finally:
        hooks.remove()
        if qwen is not None:
            qwen.remove()
    if vision.token_patches.shape[0] != len(positions):
        raise DumpError(f"{path}: the token map has {vision.token_patches.shape[0]} visual tokens but the prompt {len(positions)}.")
    return vision, positions.cpu().numpy(), q0, len(ids), hooks.received, hooks.hidden


# MARK: - Writing

class NpzWriter:
    """An uncompressed .npz assembled from .npy members: large arrays are memory-mapped files filled
    image by image, so the dump never sits in memory whole; the file appears only when complete."""

    def __init__(self, out):
        self.out = out
        self.dir = tempfile.mkdtemp(prefix=".dump_lvlm-", dir=os.path.dirname(os.path.abspath(out)) or ".")
        self.members = {}

    def big(self, name, shape, dtype):
        self.members[name] = np.lib.format.open_memmap(os.path.join(self.dir, name + ".npy"), mode="w+", dtype=dtype, shape=tuple(shape))
        return self.members[name]

    def small(self, name, value):
        np.save(os.path.join(self.dir, name + ".npy"), np.asarray(value))
        self.members[name] = None

    def close(self):
        for v in self.members.values():
            if v is not None:
                v.flush()
        partial = self.out + ".partial"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
            for name in self.members:
                z.write(os.path.join(self.dir, name + ".npy"), name + ".npy")
        os.replace(partial, self.out)
        self.discard()

    def discard(self):
        for name in list(self.members):
            try:
                os.remove(os.path.join(self.dir, name + ".npy"))
            except OSError:
                pass
        try:
            os.rmdir(self.dir)
        except OSError:
            pass


def pad_patches(rows, width):
    out = np.full((len(rows), width), -1, dtype=np.int64)
    out[:, :rows.shape[1]] = rows
    return out


def dump(args):
    import torch
    t_start = time.time()
    config = read_config(args.model)
    family = family_of(config, args.model)
    if args.decode_top_k < 0:
        raise DumpError(f"--decode-top-k {args.decode_top_k} must be 0 (off) or more.")
    images = list_images(args.images)
    blocks = config.get("text_config", config).get("num_hidden_layers")
    keep_layers = parse_layers(args.llm_layers, blocks)
    if args.attn_implementation != "eager":
        load_model(args.model, family, args.dtype, args.device, args.attn_implementation)  # refuses with its sentence
    processor = load_processor(args.model)
    m = load_model(args.model, family, args.dtype, args.device, "eager")
    params = parameter_count(args.model) or sum(p.numel() for p in m.parameters())
    writer, state = None, {}
    hidden_dtype = np.float32 if args.dtype == "float32" else np.float16
    try:
        for i, path in enumerate(images):
            t0 = time.time()
            vision, positions, q0, s, received, hidden = run_image(m, processor, family, path, args, keep_layers)
            k, pv = len(positions), vision.layers[vision.layer].shape[0]
            if writer is None:
                crops = max(1, vision.grid[0] // max(1, vision.grid[1]))
                need, parts = predict_memory(config, family, params, args.dtype, s, crops, len(keep_layers), args.decode_top_k,
                                             vit_tokens=pv // crops + 1)
                log(args, f"dump_lvlm: {family}, {len(images)} images, {pv} ViT patches -> {k} visual tokens, S = {s}; predicted memory "
                          f"{gib(need)} = weights {gib(parts['weights'])} + max(LLM {gib(parts['llm'])}, ViT {gib(parts['vit'])}) "
                          f"+ kept {gib(parts['kept'])}")
                writer = NpzWriter(args.out)
                n, dv = len(images), vision.layers[vision.layer].shape[1]
                dm = next(iter(hidden.values())).shape[1]
                state = dict(k=k, pv=pv, grid=vision.grid, merge=vision.token_patches.shape[1], shape=(k, pv),
                             positions=[], query=[], lengths=[], received=[], patches=[], decoded=[])
                state["vit"] = writer.big("vit_hidden", (n, pv, dv), hidden_dtype)
                if args.vit_stack:
                    state["stack"] = writer.big("vit_hidden_states", (vision.blocks + 1, n, pv, dv), hidden_dtype)
                state["hidden"] = writer.big("llm_hidden_visual", (len(keep_layers), n, k, dm), hidden_dtype)
                state.update(layer=vision.layer, blocks=vision.blocks)
            if (k, pv) != state["shape"] or vision.grid != state["grid"]:
                raise DumpError(f"{os.path.basename(path)} gives {pv} ViT patches on a {vision.grid[0]}x{vision.grid[1]} grid and {k} visual "
                                f"tokens, but the first image gave {state['pv']} on {state['grid'][0]}x{state['grid'][1]} and {state['k']}; "
                                "one dump holds one layout: give --image-size HxW or dump each size separately.")
            state["vit"][i] = vision.layers[vision.layer].float().cpu().numpy()
            if args.vit_stack:
                for l in range(vision.blocks + 1):
                    state["stack"][l, i] = vision.layers[l].float().cpu().numpy()
            for j, l in enumerate(keep_layers):
                state["hidden"][j, i] = hidden[l].float().cpu().numpy()
            state["received"].append(np.stack([received[l] for l in range(1, blocks + 1)]))
            state["positions"].append(positions); state["query"].append(q0); state["lengths"].append(s)
            state["patches"].append(vision.token_patches)
            if args.decode_top_k:
                state["decoded"].append([logit_lens(m, hidden[l], args.decode_top_k) for l in keep_layers])
            log(args, f"image {i + 1}/{len(images)} {os.path.basename(path)}: S = {s}, {k} visual tokens, {time.time() - t0:.1f}s")
        finish(args, writer, state, images, family, keep_layers, blocks, processor)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    peak = peak_memory(args.device)
    log(args, f"dump_lvlm: wrote {args.out} in {time.time() - t_start:.1f}s; peak memory {gib(peak)} "
              f"({'GPU allocated' if args.device.startswith('cuda') else 'process RSS'})")
    return peak


def finish(args, writer, state, images, family, keep_layers, blocks, processor):
    n, s = len(images), max(state["lengths"])
    received = np.zeros((blocks, n, s), dtype=np.float32)
    for i, r in enumerate(state["received"]):
        received[:, i, :r.shape[1]] = r
    writer.small("llm_attention_received", received)
    writer.small("llm_hidden_layers", np.array(keep_layers, dtype=np.int64))
    writer.small("llm_blocks", np.array(blocks, dtype=np.int64))
    writer.small("visual_positions", np.stack(state["positions"]).astype(np.int64))
    width = max(p.shape[1] for p in state["patches"])
    writer.small("visual_token_patches", np.stack([pad_patches(p, width) for p in state["patches"]]))
    writer.small("vit_grid", np.array(state["grid"], dtype=np.int64))
    writer.small("vit_layer", np.array(state["layer"], dtype=np.int64))
    writer.small("vit_blocks", np.array(state["blocks"], dtype=np.int64))
    writer.small("query_start", np.array(state["query"], dtype=np.int64))
    writer.small("sequence_lengths", np.array(state["lengths"], dtype=np.int64))
    writer.small("image_ids", np.array([os.path.basename(p) for p in images]))
    writer.small("lvlm_name", np.array(args.name or os.path.basename(os.path.normpath(args.model))))
    writer.small("lvlm_family", np.array(family))
    writer.small("token_merge", np.array(TOKEN_MERGE[family]))
    if args.decode_top_k:
        ids = np.stack([np.stack([d[j][0] for d in state["decoded"]]) for j in range(len(keep_layers))]).astype(np.int64)
        probs = np.stack([np.stack([d[j][1] for d in state["decoded"]]) for j in range(len(keep_layers))]).astype(np.float32)
        vocab = np.unique(ids)
        tok = getattr(processor, "tokenizer", processor)
        writer.small("llm_decoded_layers", np.array(keep_layers, dtype=np.int64))
        writer.small("llm_decoded_ids", ids)                 # [Ld, n, K, top-K] vocabulary ids
        writer.small("llm_decoded_probs", probs)             # [Ld, n, K, top-K]
        writer.small("llm_decoded_vocab_ids", vocab)         # [V'] the ids that occur
        writer.small("llm_decoded_vocab", np.array([tok.decode([int(v)]) for v in vocab]))  # [V'] their strings
    writer.close()


def log(args, line):
    if not args.quiet:
        print(line, file=sys.stderr, flush=True)


def main(argv=None):
    args = parse_args(argv)
    try:
        dump(args)
    except DumpError as e:
        print(f"dump_lvlm.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
