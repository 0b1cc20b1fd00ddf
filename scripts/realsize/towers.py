#!/usr/bin/env python3
"""Real-size vision towers by hand (not part of the test suite): random weights at published configs.

    nice -n 10 python3 scripts/realsize/towers.py --work /tmp/realsize [--only llava,siglip,internvit,dinov2reg]
        [--sinkscope .build/release/sinkscope] [--threads 2] [--fake-llm-gb 3.5]

For each model: build the folder with transformers (HF's own random init, saved with save_pretrained, plus
the published checkpoint's preprocessor_config.json), run transformers on 2 sample photos through the HF PIL
image processor (every hidden state, float32, eager attention), run `sinkscope extract --dtype f32` on the
same photos and compare every layer (max|diff| / max|ref|), then `sinkscope bench extract --model`
(images/s, peak RSS of an extract run). The LLaVA-1.5 case is CLIP ViT-L/14-336 inside a sharded F16
LLaVA folder whose index also lists ~3.5 GB of fake LLM shards; the same tower saved alone is benched too,
so the two peak RSS values can be compared. Every number is printed with `uptime` and written to
WORK/results.json. Folders are deleted after each model (they are GBs).
"""
import argparse, gc, json, os, shutil, subprocess, sys, time

import numpy as np
import torch
import transformers as tf
from PIL import Image
from safetensors.numpy import load_file, save_file

PHOTOS = os.path.expanduser("~/.cache/sinkscope/photos")
IMAGENET = {"image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]}
CLIP = {"image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]}
HALF = {"image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
COMMON = {"do_resize": True, "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True}


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def models():
    """name -> (builder returning (model, tower), processor class, processor settings, save dtype, shard size)."""
    def siglip():
        m = tf.SiglipVisionModel(tf.SiglipVisionConfig(
            hidden_size=1152, intermediate_size=4304, num_hidden_layers=27, num_attention_heads=16, image_size=384,
            patch_size=14))
        return m, m
    def dinov2reg():
        m = tf.Dinov2WithRegistersModel(tf.Dinov2WithRegistersConfig(
            hidden_size=384, num_hidden_layers=12, num_attention_heads=6, mlp_ratio=4, image_size=518, patch_size=14,
            num_register_tokens=4))
        return m, m
    def internvit():
        m = tf.InternVLVisionModel(tf.InternVLVisionConfig(
            hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16, image_size=[448, 448],
            patch_size=[14, 14], norm_type="layer_norm", use_qk_norm=False, attention_bias=True, layer_scale_init_value=0.1))
        return m, m
    def llava():
        vc = tf.CLIPVisionConfig(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16,
                                 image_size=336, patch_size=14, projection_dim=768)
        text = tf.LlamaConfig(vocab_size=320, hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=4,
                              num_key_value_heads=4)
        m = tf.LlavaForConditionalGeneration(tf.LlavaConfig(vision_config=vc, text_config=text, image_token_index=319))
        return m, m.model.vision_tower
    return {
        "llava": (llava, "CLIPImageProcessorPil", {**COMMON, "size": {"shortest_edge": 336}, "crop_size": {"height": 336, "width": 336},
                                                  "do_center_crop": True, "resample": 3, **CLIP}, torch.float16, "500MB"),
        "siglip": (siglip, "SiglipImageProcessorPil", {**COMMON, "size": {"height": 384, "width": 384}, "resample": 3, **HALF},
                   torch.float32, None),
        "internvit": (internvit, "GotOcr2ImageProcessorPil", {**COMMON, "size": {"height": 448, "width": 448}, "resample": 3,
                                                             "crop_to_patches": False, **IMAGENET}, torch.float32, None),
        "dinov2reg": (dinov2reg, "BitImageProcessorPil", {**COMMON, "size": {"shortest_edge": 256}, "crop_size": {"height": 224, "width": 224},
                                                         "do_center_crop": True, "resample": 3, **IMAGENET}, torch.float32, None),
    }


def add_fake_llm_shards(folder, gigabytes):
    """Extra F16 shards of LLM-like tensors listed in the index (never read by SinkScope)."""
    index_path = os.path.join(folder, "model.safetensors.index.json")
    with open(index_path) as f:
        index = json.load(f)
    per_shard, total, k = 1 << 30, int(gigabytes * (1 << 30)), 0
    rng = np.random.default_rng(0)
    while total > 0:
        size = min(per_shard, total)
        rows = size // (2 * 4096)
        name = f"model-llm-{k:05d}.safetensors"
        block = rng.standard_normal((1024, 4096)).astype(np.float16)
        tensor = np.tile(block, (rows // 1024 + 1, 1))[:rows]
        key = f"model.language_model.layers.{k}.mlp.fake_proj.weight"
        save_file({key: tensor}, os.path.join(folder, name), metadata={"format": "pt"})
        index["weight_map"][key] = name
        total -= size
        k += 1
        del tensor
    with open(index_path, "w") as f:
        json.dump(index, f, indent=1)
    return sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder) if n.startswith("model-llm-")) / 2**30


def reference(tower, processor, photos):
    """HF hidden states [L+1] of [n, T, D] float32 on the photos, through the HF processor."""
    images = [Image.open(os.path.join(PHOTOS, p)).convert("RGB") for p in photos]
    pixels = torch.tensor(np.stack(processor(images=images, return_tensors=None)["pixel_values"]), dtype=torch.float32)
    tower.config._attn_implementation = "eager"
    with torch.no_grad():
        out = tower(pixel_values=pixels, output_hidden_states=True, return_dict=True)
    return [h.float().numpy() for h in out.hidden_states]


def compare(store, ref):
    with open(os.path.join(store, "manifest.json")) as f:
        manifest = json.load(f)
    shards = [load_file(os.path.join(store, s["file"])) for s in manifest["shards"]]
    worst = {}
    for l, r in enumerate(ref):
        mine = np.concatenate([s[f"hidden.{l}"] for s in shards]).astype(np.float32)
        worst[l] = float(np.abs(mine - r).max() / np.abs(r).max())
    return max(worst.values()), worst, manifest["model"]


def wait_for_build(log):
    """Blocks until the build log given by --wait-log ends with 'exit 0' (a release build still running)."""
    while log:
        text = open(log).read() if os.path.exists(log) else ""
        if "exit 0" in text:
            return
        if "exit " in text:
            raise SystemExit(f"the build logged in {log} failed")
        time.sleep(15)


def run_json(args):
    env = dict(os.environ, SINKSCOPE_NO_PROGRESS="1")
    out = subprocess.run(args, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def bench(sinkscope, folder, photos_dir, threads):
    r = run_json(["nice", "-n", "10", sinkscope, "bench", "extract", "--model", folder, "--photos", photos_dir, "--images", "2",
                  "--batch", "2", "--rounds", "1", "--memory", "2", "--threads", str(threads), "--no-onnxruntime", "--json"])
    return {"images_per_second": max(r["sinkscope"]), "peak_resident_mib": r["peakResidentMiB"]["2"], "uptime": uptime()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/sinkscope-realsize")
    ap.add_argument("--only", default="llava,siglip,internvit,dinov2reg")
    ap.add_argument("--sinkscope", default=".build/release/sinkscope")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--fake-llm-gb", type=float, default=3.5)
    ap.add_argument("--photos", default="astronaut.png,rocket.jpg")
    ap.add_argument("--wait-log", default=None, help="a build log: wait for its 'exit 0' line before running sinkscope")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.work, exist_ok=True)
    photos = a.photos.split(",")
    photos_dir = os.path.join(a.work, "photos")
    os.makedirs(photos_dir, exist_ok=True)
    for p in photos:
        if not os.path.exists(os.path.join(photos_dir, p)):
            os.symlink(os.path.join(PHOTOS, p), os.path.join(photos_dir, p))
    results_path = os.path.join(a.work, "results.json")
    results = json.load(open(results_path)) if os.path.exists(results_path) else {}
    table = models()
    for name in a.only.split(","):
        build, cls, settings, dtype, shard = table[name]
        folder = os.path.join(a.work, name)
        shutil.rmtree(folder, ignore_errors=True)
        torch.manual_seed(0)
        t0 = time.time()
        model, tower = build()
        model = model.to(dtype)
        model.save_pretrained(folder, **({"max_shard_size": shard} if shard else {}))
        with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
            json.dump({"image_processor_type": cls.removesuffix("Pil"), **settings}, f, indent=1)
        tower = tower.float().eval()        # run from the same rounded weights SinkScope reads
        ref = reference(tower, getattr(tf, cls)(**settings), photos)
        entry = {"hf_seconds": time.time() - t0, "uptime_hf": uptime()}
        standalone = None
        if name == "llava":
            standalone = os.path.join(a.work, "clip-l-336-alone")
            shutil.rmtree(standalone, ignore_errors=True)
            tower.to(torch.float16).save_pretrained(standalone)   # the same F16 weights as in the LLaVA folder
            shutil.copy(os.path.join(folder, "preprocessor_config.json"), standalone)
        del model, tower
        gc.collect()
        if name == "llava":
            entry["fake_llm_gib"] = add_fake_llm_shards(folder, a.fake_llm_gb)
        entry["folder_gib"] = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder)) / 2**30
        wait_for_build(a.wait_log)
        store = os.path.join(a.work, name + "-store")
        shutil.rmtree(store, ignore_errors=True)
        t0 = time.time()
        run_json(["nice", "-n", "10", a.sinkscope, "extract", "--model", folder, "--images", photos_dir, "--out", store,
                  "--dtype", "f32", "--threads", str(a.threads), "--batch", "2", "--json", "--quiet"])
        entry["extract_seconds"] = time.time() - t0
        worst, per_layer, info = compare(store, ref)
        entry.update({"max_rel_diff": worst, "per_layer": per_layer, "tokens": ref[0].shape[1], "layers": len(ref) - 1,
                      "lvlm": info.get("lvlm"), "uptime_extract": uptime()})
        print(f"{name}: max|diff|/max|ref| = {worst:.3g} over {len(ref)} hidden states of {ref[0].shape}; {uptime()}", flush=True)
        entry["bench"] = bench(a.sinkscope, folder, photos_dir, a.threads)
        print(f"{name}: bench {entry['bench']}", flush=True)
        if standalone:
            entry["bench_standalone_tower"] = bench(a.sinkscope, standalone, photos_dir, a.threads)
            print(f"{name}: standalone tower bench {entry['bench_standalone_tower']}", flush=True)
            shutil.rmtree(standalone, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(store, ignore_errors=True)
        results[name] = entry
        with open(results_path, "w") as f:
            json.dump(results, f, indent=1)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
