#!/usr/bin/env python3
"""Runs one PyTorch snippet of the docs against real transformers, offline, on CPU.

    harness.py run SNIPPET_ID SNIPPET_FILE WORKDIR

`DocSnippetTests` extracts every ```python block of docs/, Notebooks-md/ and README.md that uses
torch or transformers, names it "<file> › <section heading>[ #k]", and calls this script with the
block's text. Each id has a scenario here: what the snippet leaves undefined on purpose (its
model, images, prompt) as tiny random models built in the test, and what to check afterwards.
The only edits made to the text are listed in `ON_CPU` (device and dtype), so the docs and the
test cannot drift: a snippet without a scenario fails the Swift test.

Prints one JSON line: {"ok": true, "dumps": [...], "checks": [...]} or raises.
"""
import json, os, sys

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
import transformers
from PIL import Image

torch.manual_seed(0)
torch.set_num_threads(1)

# The edits made to a snippet's text before it runs: the docs target a GPU.
ON_CPU = [('.to("cuda", torch.float16)', '.to("cpu", torch.float32)'), ('.to("cuda")', '.to("cpu")'),
          ("torch_dtype=torch.float16", "dtype=torch.float32"), ("torch.float16", "torch.float32")]


# MARK: - Tiny models (random weights, built here; nothing is downloaded)

def tiny_dinov2(**kw):
    cfg = transformers.Dinov2Config(hidden_size=32, num_hidden_layers=3, num_attention_heads=2, intermediate_size=64,
                                    image_size=28, patch_size=14)
    cfg._attn_implementation = kw.get("attn_implementation", "eager")
    return transformers.Dinov2Model(cfg).eval()


def tiny_dinov2_processor():
    return transformers.BitImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 28, "width": 28},
                                          do_center_crop=True, resample=3, image_mean=[0.485, 0.456, 0.406],
                                          image_std=[0.229, 0.224, 0.225])


LLAVA_IMAGE = 28  # 2x2 patches of 14: P = 4 visual tokens


def tiny_llava(**kw):
    vc = transformers.CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2,
                                       image_size=LLAVA_IMAGE, patch_size=14)
    # 16 LLM blocks: docs/store.md reads llm.received.16.
    tc = transformers.LlamaConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=16, num_attention_heads=2,
                                  num_key_value_heads=2, vocab_size=len(VOCAB), max_position_embeddings=256)
    cfg = transformers.LlavaConfig(vision_config=vc, text_config=tc, image_token_id=VOCAB["<image>"],
                                   vision_feature_layer=-2, vision_feature_select_strategy="default")
    cfg._attn_implementation = kw.get("attn_implementation", "eager")
    torch.manual_seed(0)
    return transformers.LlavaForConditionalGeneration(cfg).eval()


VOCAB = {w: i for i, w in enumerate(["<unk>", "<s>", "</s>", "<image>", "USER:", "ASSISTANT:", "Describe", "the", "image."])}


def tiny_llava_processor():
    from tokenizers import Tokenizer, models, pre_tokenizers
    tok = Tokenizer(models.WordLevel(vocab=VOCAB, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>")
    fast.add_special_tokens({"additional_special_tokens": ["<image>"]})
    images = transformers.CLIPImageProcessorPil(size={"shortest_edge": LLAVA_IMAGE}, crop_size={"height": LLAVA_IMAGE, "width": LLAVA_IMAGE})
    return transformers.LlavaProcessor(image_processor=images, tokenizer=fast, patch_size=14,
                                       vision_feature_select_strategy="default", image_token="<image>",
                                       num_additional_image_tokens=1)


def patch_from_pretrained(model_factory, processor_factory):
    """`X.from_pretrained(name, ...)` returns the tiny model / processor, whatever the name."""
    def model(cls, name, *a, **kw): return model_factory(**kw)
    def proc(cls, name, *a, **kw): return processor_factory()
    for cls in (transformers.AutoModel, transformers.LlavaForConditionalGeneration):
        cls.from_pretrained = classmethod(model)
    for cls in (transformers.AutoImageProcessor, transformers.AutoProcessor):
        cls.from_pretrained = classmethod(proc)


def photos(names, size=40):
    rng = np.random.default_rng(1)
    for n in names:
        Image.fromarray(rng.integers(0, 256, (size, size + 8, 3), dtype=np.uint8)).save(n)
    return names


# MARK: - Scenarios: prelude (names the snippet expects) and check (after it ran)

def hf_vit_prelude(ns):
    patch_from_pretrained(tiny_dinov2, tiny_dinov2_processor)
    photos(["cat.jpg", "dog.jpg"])


def hf_vit_check(ns, out):
    model, inputs = ns["model"], ns["inputs"]
    with torch.no_grad():
        ref = model(**inputs, output_hidden_states=True)
    for f in ("dump.npz", "dump.safetensors"):
        assert os.path.exists(f), f
    h = np.load("dump.npz")["hidden_states"]
    assert h.shape == (4, 2, 5, 32), h.shape
    np.testing.assert_allclose(h.astype(np.float32), torch.stack(ref.hidden_states).numpy(), rtol=2e-3, atol=2e-3)
    np.save("expected_hidden.npy", torch.stack(ref.hidden_states).numpy())
    out["dumps"] += [{"file": "dump.npz", "expect": "expected_hidden.npy", "ids": ["cat", "dog"]},
                     {"file": "dump.safetensors", "expect": "expected_hidden.npy", "ids": ["cat", "dog"]}]


def store_dump_prelude(ns):
    model = tiny_dinov2()
    proc = tiny_dinov2_processor()
    ns.update(model=model, names=["a", "b"], torch=torch, np=np,
              pixel_values=proc(images=[Image.open(p).convert("RGB") for p in photos(["a.png", "b.png"])], return_tensors="pt")["pixel_values"])


def store_dump_check(ns, out):
    ref = torch.stack(ns["out"].hidden_states).numpy()
    np.save("expected_hidden.npy", ref)
    out["dumps"].append({"file": "dump.npz", "expect": "expected_hidden.npy", "ids": ["a", "b"]})


def llava_tower_prelude(ns):
    patch_from_pretrained(tiny_llava, tiny_llava_processor)
    ns["images"] = [Image.open(p).convert("RGB") for p in photos(["cat.jpg", "dog.jpg"])]


def llava_tower_check(ns, out):
    hidden, attn = ns["hidden"], ns["attn"]
    assert hidden.shape == (4, 2, 5, 32) and attn.shape == (3, 2, 2, 5, 5), (hidden.shape, attn.shape)
    np.savez("tower_dump.npz", hidden_states=hidden, attentions=attn, image_ids=np.array(["cat", "dog"]))
    np.save("expected_hidden.npy", hidden)
    out["dumps"].append({"file": "tower_dump.npz", "expect": "expected_hidden.npy", "ids": ["cat", "dog"]})


def llava_dump_prelude(ns):
    patch_from_pretrained(tiny_llava, tiny_llava_processor)
    ns["image_paths"] = photos(["cat.jpg", "dog.jpg"])


def llava_dump_check(ns, out):
    d = np.load("llava_dump.npz")
    model, tower = ns["model"], ns["tower"]
    assert d["vit_hidden"].shape == (2, 4, 32), d["vit_hidden"].shape
    assert d["llm_hidden_visual"].shape == (17, 2, 4, 32), d["llm_hidden_visual"].shape
    assert d["llm_attention_received"].shape[:2] == (16, 2), d["llm_attention_received"].shape
    # The ViT side is the tower's penultimate layer without CLS, recomputed here.
    proc = tiny_llava_processor()
    px = proc.image_processor(images=Image.open("cat.jpg"), return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        v = tower(px, output_hidden_states=True).hidden_states[-2][0, 1:].numpy()
    np.testing.assert_allclose(d["vit_hidden"][0].astype(np.float32), v, rtol=2e-3, atol=2e-3)
    out["lvlm_dumps"] = [{"file": "llava_dump.npz", "store": "runs/llava"}]


def llava_order_prelude(ns):
    """docs/lvlm.md's order file applied to the tiny LLaVA (the store and order come from the test)."""
    patch_from_pretrained(tiny_llava, tiny_llava_processor)
    model = tiny_llava()
    proc = tiny_llava_processor()
    path = photos(["cat.jpg"])[0]
    dm, dv = model.config.text_config.hidden_size, model.config.vision_config.hidden_size
    ns.update(model=model, processor=proc, tower=model.model.vision_tower, image=Image.open(path),
              prompt="USER: <image>\nDescribe the image. ASSISTANT:", row_of_this_image=0,
              sink_projector=torch.nn.Linear(dv, dm), patch_projector=torch.nn.Linear(dv, dm))


def llava_order_check(ns, out):
    o, i, perm = ns["o"], ns["i"], ns["perm"]
    assert ns["out"].logits.shape[1] == len(ns["ids"]), ns["out"].logits.shape
    assert sorted(perm.tolist()) == list(range(len(perm)))
    # The embeddings at the image slots are the projected features in the new order.
    feats = ns["feats"].reshape(-1, ns["feats"].shape[-1])
    torch.testing.assert_close(ns["embeds"][0, ns["slots"]], feats[perm].to(ns["embeds"].dtype))
    assert ns["proj"].shape == (len(perm), 32)


def preprocessing_prelude(ns):
    photos(["photo.jpg"], size=300)


def preprocessing_check(ns, out):
    x = ns["x"]
    assert x.shape == (3, 224, 224), x.shape
    np.save("expected_pixels.npy", x)
    out["pixels"] = {"image": "photo.jpg", "expect": "expected_pixels.npy"}


SCENARIOS = {
    "docs/preprocessing.md › Reproduce": (preprocessing_prelude, preprocessing_check),
    "Notebooks-md/04-bring-your-own-dump.md › 2. Dumping a HuggingFace ViT or DINOv2": (hf_vit_prelude, hf_vit_check),
    "Notebooks-md/04-bring-your-own-dump.md › 3. Dumping the vision tower of LLaVA": (llava_tower_prelude, llava_tower_check),
    "docs/store.md › Importing dumps (`sinkscope import`)": (store_dump_prelude, store_dump_check),
    "docs/lvlm.md › What it does, written out (LLaVA-1.5)": (llava_dump_prelude, llava_dump_check),
    "docs/lvlm.md › Sink-aware token orders (`sinkscope pathway export-order`)": (llava_order_prelude, llava_order_check),
}


def main():
    cmd, sid, snippet_file, workdir = sys.argv[1:5]
    if cmd == "list":
        print(json.dumps(sorted(SCENARIOS)))
        return
    text = open(snippet_file).read()
    for a, b in ON_CPU:
        text = text.replace(a, b)
    if sid not in SCENARIOS:
        raise SystemExit(f"no scenario for snippet '{sid}': add one to {__file__}")
    os.chdir(workdir)
    prelude, check = SCENARIOS[sid]
    ns = {"__name__": "__snippet__"}
    prelude(ns)
    exec(compile(text, sid, "exec"), ns)
    out = {"ok": True, "dumps": [], "lvlm_dumps": []}
    check(ns, out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
