#!/usr/bin/env python3
"""Recomputes, independently of scripts/dump_lvlm.py's hooks, what `sinkscope pathway` reports for a
tiny LVLM and checks it (the acceptance test of issue 20; run by DumpLVLMToolTests):

    python3 scripts/check_lvlm_dump.py MODEL_DIR IMAGES_DIR STORE PATHWAY_JSON [--tol 1e-6]

For every image it runs the model once with output_attentions=True and output_hidden_states=True
(eager attention: HF's own tensors, no hooks), finds the ViT sink (the highest-norm patch: the
pathway ran with --method topk --k 1) from the vision tower's own outputs, derives which LLM visual
token it feeds from the family's merge rule written out here (window order for Qwen2.5-VL), and
computes each visual token's share of every LLM layer's attention over the queries after the
image. The mean shares of sink-fed vs other visual tokens must match pathway.json within --tol.
With decoded words in the store, the top-K of softmax(lm_head(norm(h))) computed from HF's hidden
states must match the store's ids, probabilities (1e-5) and strings. Prints one line per check.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local folders only: never reach a model hub

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dump_lvlm  # for the same processor loading and prompt only


def sink_token(m, family, inputs):
    """The LLM visual token fed by the highest-norm ViT patch, from the tower's own outputs."""
    if family == "llava":
        hs = m.model.vision_tower(inputs["pixel_values"], output_hidden_states=True).hidden_states
        patches = hs[m.config.vision_feature_layer][0, 1:]  # CLS dropped (strategy default)
        return int(patches.norm(dim=-1).argmax())            # identity: token k <- patch k
    if family == "qwen2_5_vl":
        visual, grid = m.model.visual, inputs["image_grid_thw"]
        states = []
        handle = visual.blocks[-1].register_forward_hook(lambda mod, a, out: states.append(out))
        visual(inputs["pixel_values"], grid_thw=grid)
        handle.remove()
        h = states[0]                                        # [Pv, Dv] in window order of 2x2 units
        window = dump_lvlm.window_index(visual, grid)        # unit at each window slot
        row = int(h.norm(dim=-1).argmax())
        return int(window[row // (visual.spatial_merge_size ** 2)])  # merged token = its unit (processor order)
    raise SystemExit(f"check_lvlm_dump.py checks llava and qwen2_5_vl, not {family}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("images"); ap.add_argument("store"); ap.add_argument("pathway")
    ap.add_argument("--tol", type=float, default=1e-6)
    ap.add_argument("--prompt", default="Describe the image.")
    a = ap.parse_args()
    config = dump_lvlm.read_config(a.model)
    family = dump_lvlm.family_of(config, a.model)
    processor = dump_lvlm.load_processor(a.model)
    m = dump_lvlm.load_model(a.model, family, "float32", "cpu", "eager")
    report = json.load(open(a.pathway))
    manifest = json.load(open(os.path.join(a.store, "manifest.json")))
    from safetensors.numpy import load_file
    llm = [load_file(os.path.join(a.store, f)) for f in manifest["lvlm"]["files"]]
    words = json.load(open(os.path.join(a.store, manifest["lvlm"]["words_file"])))["words"] if manifest["lvlm"].get("words_file") else None
    tok = getattr(processor, "tokenizer", processor)
    images = dump_lvlm.list_images(a.images)
    fed, other, failures = {}, {}, 0
    for i, path in enumerate(images):
        from PIL import Image
        image = Image.open(path).convert("RGB")
        inputs = dump_lvlm.processor_inputs(processor, family, image, dump_lvlm.prompt_text(processor, family, a.prompt), "cpu", "float32")
        with torch.no_grad():
            out = m(**inputs, output_attentions=True, output_hidden_states=True, use_cache=False)
            sink = sink_token(m, family, inputs)
        ids = inputs["input_ids"][0]
        pos = (ids == m.config.image_token_id).nonzero()[:, 0]
        q0 = int(pos[-1]) + 1
        for l, att in enumerate(out.attentions, start=1):
            share = att[0, :, q0:, :].double().sum(dim=1).mean(dim=0)[pos] / (len(ids) - q0)   # [K]
            fed.setdefault(l, []).append(float(share[sink]))
            other.setdefault(l, []).extend(float(share[k]) for k in range(len(pos)) if k != sink)
        if words is not None:
            norm, head = dump_lvlm.text_model(m).norm, m.get_output_embeddings()
            layers = manifest["lvlm"]["decoded_layers"]
            k = manifest["lvlm"]["decoded_top_k"]
            shard = llm[0]                                   # the tiny stores hold one shard
            for l in layers:
                with torch.no_grad():
                    # HF's last hidden state already went through the final norm: there the lens is the
                    # model's own output logits.
                    last = l == len(out.hidden_states) - 1
                    logits = out.logits[0, pos] if last else head(norm(out.hidden_states[l][0, pos]))
                    p, top = torch.softmax(logits.float(), dim=-1).topk(k, dim=-1)
                got_ids, got_p = shard[f"llm.decoded_ids.{l}"][i], shard[f"llm.decoded_probs.{l}"][i]
                if not (np.array_equal(got_ids, top.numpy()) and np.allclose(got_p, p.numpy(), atol=1e-5)):
                    print(f"FAIL decoded words: image {i}, layer {l}: store {got_ids[0].tolist()} vs direct {top[0].tolist()}")
                    failures += 1
                strings = [[words[str(int(x))] for x in row] for row in got_ids]
                if strings != [[tok.decode([int(x)]) for x in row] for row in top.numpy()]:
                    print(f"FAIL decoded strings: image {i}, layer {l}"); failures += 1
            print(f"ok decoded words: image {i}, layers {layers}, top-{k}")
    for entry in report["attention"]:
        l = entry["layer"]
        want_fed, want_other = np.mean(fed[l]), np.mean(other[l])
        got_fed, got_other = entry["vit_sinks"]["mean_share"], entry["ordinary"]["mean_share"]
        ok = abs(got_fed - want_fed) <= a.tol and abs(got_other - want_other) <= a.tol
        print(f"{'ok' if ok else 'FAIL'} layer {l}: sink-fed {got_fed:.9f} vs {want_fed:.9f}, other {got_other:.9f} vs {want_other:.9f}")
        failures += 0 if ok else 1
    if len(report["attention"]) != len(fed):
        print(f"FAIL pathway.json has {len(report['attention'])} layers, the model {len(fed)}"); failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
