"""Real-size checks by hand (not in the test suite): SinkScope against transformers on random-weight
towers of real size, and the transformers side of the extraction benchmark.

    python realsize.py qwen OUT [--images K] [--threads N]    # Qwen2.5-VL-3B's vision tower, 448x448
    python realsize.py dinov3 OUT [--images K] [--threads N]  # DINOv3 ViT-S/16, 224x224
    python realsize.py compare STORE OUT                      # SinkScope's store vs OUT/reference.safetensors

`qwen` / `dinov3` write a model folder OUT/model (random weights, every parameter perturbed; Qwen in
BF16 like the released checkpoint, its reference run in float32 on the BF16-rounded weights), K image
files OUT/images/*.png, OUT/reference.safetensors (image 0: hidden.{l} and received.{l} in grid order,
as tiny_rotary_towers.py writes them) and OUT/transformers.json: load time, seconds per image and peak
RSS of transformers running the K images one at a time with every block's hidden states and attention
probabilities kept (eager attention, torch threads = N). run.sh drives the whole check.
"""
import argparse, json, os, resource, sys, time
import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import tiny_rotary_towers as tiny  # noqa: E402  (perturb, received, qwen_run: one definition of the reference)

torch.set_grad_enabled(False)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_images(out, k, size):
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    rng = np.random.default_rng(11)
    paths = []
    for i in range(k):
        # Smooth random colour fields (not white noise), so resizing and attention are not degenerate.
        small = rng.integers(0, 256, size=(size // 16, size // 16, 3), dtype=np.uint8)
        img = Image.fromarray(small).resize((size, size), Image.BICUBIC)
        path = os.path.join(out, "images", f"img{i:02d}.png")
        img.save(path)
        paths.append(path)
    return paths


def qwen(out, k, threads):
    from transformers.models.qwen2_5_vl.configuration_qwen2_5_vl import Qwen2_5_VLVisionConfig
    from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VisionTransformerPretrainedModel
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
    torch.set_num_threads(threads)
    # Qwen2.5-VL-3B-Instruct's vision_config.
    vc = Qwen2_5_VLVisionConfig(depth=32, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=2048,
                                fullatt_block_indexes=[7, 15, 23, 31], window_size=112, patch_size=14,
                                temporal_patch_size=2, spatial_merge_size=2, in_chans=3, hidden_act="silu")
    vc._attn_implementation = "eager"
    torch.manual_seed(0)
    tower = tiny.perturb(Qwen2_5_VisionTransformerPretrainedModel._from_config(vc).eval(), scale=0.02)
    folder = os.path.join(out, "model")
    tower.to(torch.bfloat16).save_pretrained(folder)
    paths = write_images(out, k, 448)
    proc = Qwen2VLImageProcessorPil(min_pixels=448 * 448, max_pixels=448 * 448)
    proc.save_pretrained(folder)
    del tower
    start = time.time()
    tower = Qwen2_5_VisionTransformerPretrainedModel.from_pretrained(folder, dtype=torch.float32).eval()
    tower.config._attn_implementation = "eager"
    load = time.time() - start
    times, cpu = [], []
    os.makedirs(os.path.join(out, "scratch"), exist_ok=True)
    for i, path in enumerate(paths):
        t0, c0 = time.time(), time.process_time()
        feats = proc(images=Image.open(path).convert("RGB"), return_tensors="pt")
        # qwen_run keeps every block's output and attention probabilities (hooks), as extract --attention does.
        meta = tiny.qwen_run(tower, feats["pixel_values"].float(), feats["image_grid_thw"], vc, out if i == 0 else os.path.join(out, "scratch"))
        times.append(time.time() - t0)           # includes writing the ~170 MB reference (< 1 s)
        cpu.append(time.process_time() - c0)
    meta.update({"height": 448, "width": 448})
    json.dump(meta, open(os.path.join(out, "reference.json"), "w"))
    report(out, "Qwen2.5-VL-3B vision tower (depth 32, hidden 1280), 448x448, 1024 tokens", load, times, cpu, threads)


def dinov3(out, k, threads):
    from transformers import DINOv3ViTConfig, DINOv3ViTModel
    from transformers.models.dinov3_vit.image_processing_dinov3_vit import DINOv3ViTImageProcessor
    torch.set_num_threads(threads)
    # facebook/dinov3-vits16-pretrain-lvd1689m's config.
    config = DINOv3ViTConfig(hidden_size=384, intermediate_size=1536, num_hidden_layers=12, num_attention_heads=6,
                             num_register_tokens=4, image_size=224, patch_size=16, layerscale_value=1.0,
                             use_gated_mlp=False, hidden_act="gelu", rope_theta=100.0)
    config._attn_implementation = "eager"
    torch.manual_seed(0)
    model = tiny.perturb(DINOv3ViTModel(config).eval(), scale=0.02)
    folder = os.path.join(out, "model")
    model.save_pretrained(folder)
    paths = write_images(out, k, 320)
    proc = DINOv3ViTImageProcessor()
    start = time.time()
    model = DINOv3ViTModel.from_pretrained(folder).eval()
    model.config._attn_implementation = "eager"
    load = time.time() - start
    times, cpu = [], []
    for i, path in enumerate(paths):
        t0, c0 = time.time(), time.process_time()
        pixels = proc(images=Image.open(path).convert("RGB"), return_tensors="pt")["pixel_values"]
        o = model(pixels, output_hidden_states=True, output_attentions=True)
        times.append(time.time() - t0)
        cpu.append(time.process_time() - c0)
        if i == 0:
            ref = {f"hidden.{l}": x[0].contiguous() for l, x in enumerate(o.hidden_states)}
            ref.update({f"received.{l + 1}": tiny.received(a).contiguous() for l, a in enumerate(o.attentions)})
            save_file(ref, os.path.join(out, "reference.safetensors"))
    json.dump({"height": 224, "width": 224, "layers": 12}, open(os.path.join(out, "reference.json"), "w"))
    report(out, "DINOv3 ViT-S/16 (12 blocks, hidden 384, CLS + 4 registers), 224x224, 201 tokens", load, times, cpu, threads)


def report(out, what, load, times, cpu, threads):
    """Wall and CPU seconds per image (CPU time: user + system of all threads, fairer on a loaded machine)."""
    steady = times[1:] or times
    result = {"model": what, "threads": threads, "images": len(times), "load_s": round(load, 2),
              "seconds_per_image": [round(t, 3) for t in times], "images_per_s_after_first": round(len(steady) / sum(steady), 3),
              "cpu_seconds_per_image": [round(t, 3) for t in cpu],
              "peak_rss_mb": round(peak_rss_mb()), "torch": torch.__version__}
    json.dump(result, open(os.path.join(out, "transformers.json"), "w"), indent=1)
    print(json.dumps(result))


def compare(store, out):
    from safetensors.numpy import load_file
    manifest = json.load(open(os.path.join(store, "manifest.json")))
    shard = load_file(os.path.join(store, manifest["shards"][0]["file"]))
    ref = load_file(os.path.join(out, "reference.safetensors"))
    worst, rows = 0.0, []
    def key(n):
        parts = n.split(".")
        return (parts[0], int(parts[1]) if len(parts) > 1 else -1)
    for name in sorted(ref, key=key):
        if name not in shard:                    # e.g. `merged` from a binary built before it was stored
            rows.append(f"{name} not in the store")
            continue
        mine = shard[name][0].astype(np.float64)
        r = ref[name].astype(np.float64).reshape(mine.shape)
        e = float(np.abs(mine - r).max() / np.abs(r).max())
        worst = max(worst, e)
        rows.append(f"{name} {e:.1e}")
    print(f"{store} vs transformers: worst max|diff|/max|ref| = {worst:.2e}")
    print("  " + ", ".join(rows))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["qwen", "dinov3", "compare"])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--images", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    if a.kind == "compare":
        compare(a.paths[0], a.paths[1])
    else:
        os.makedirs(a.paths[0], exist_ok=True)
        {"qwen": qwen, "dinov3": dinov3}[a.kind](a.paths[0], a.images, a.threads)
