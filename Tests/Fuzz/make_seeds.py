#!/usr/bin/env python3
"""Writes the small valid files of the fuzz seed corpora (Tests/Fuzz/Corpus/<target>/).

The corpora are committed; run this again only to change them (needs numpy, safetensors and transformers).
Fixture files of the test suite (images, model configs, probe suites, labels) are copied in by
scripts/fuzz.sh at run time, so they are not duplicated here.
"""
import io, json, os, struct, sys, zipfile
import numpy as np
from safetensors.numpy import save

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")


def put(target, name, data):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy(a):
    b = io.BytesIO(); np.save(b, a, allow_pickle=False); return b.getvalue()


def npz(arrays, compressed):
    b = io.BytesIO(); (np.savez_compressed if compressed else np.savez)(b, **arrays); return b.getvalue()


rng = np.random.default_rng(0)
# safetensors: every dtype SinkScope reads, scalars, empty tensors, metadata.
put("safetensors", "dtypes.safetensors", save({
    "f32": rng.standard_normal((2, 3)).astype(np.float32), "f16": np.ones((3,), np.float16),
    "f64": np.zeros((1, 2), np.float64), "u8": np.arange(4, dtype=np.uint8), "i32": np.arange(3, dtype=np.int32),
    "i64": np.arange(2, dtype=np.int64), "b": np.array([True, False])}, metadata={"format": "pt"}))
put("safetensors", "scalar-empty.safetensors", save({"s": np.array(1.5, np.float32), "e": np.zeros((2, 0), np.float32)}))
put("safetensors", "store-shard.safetensors", save({"hidden.0": rng.standard_normal((1, 5, 4)).astype(np.float16),
                                                     "norm": np.ones((1, 2, 5), np.float32), "sink.norm.0": np.zeros((1, 5), np.uint8)}))
# npy: numbers of each width and order, strings.
for name, a in {"f4": np.arange(6, dtype="<f4").reshape(2, 3), "f8-fortran": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
                "f2": np.ones(3, "<f2"), "i8": np.arange(3, dtype="<i8"), "u1": np.arange(3, dtype="u1"),
                "b1": np.array([True, False]), "i2": np.arange(3, dtype="<i2"), "scalar": np.array(3.0, "<f4"),
                "unicode": np.array(["a", "bc"]), "bytes": np.array([b"x", b"yz"])}.items():
    put("npy", name + ".npy", npy(a))
# npz: stored and deflated members, strings, 0-d arrays.
arrays = {"hidden_states": rng.standard_normal((2, 1, 3, 4)).astype(np.float16), "image_ids": np.array(["a"]), "k": np.array(5)}
put("npz", "stored.npz", npz(arrays, False))
put("npz", "deflated.npz", npz(arrays, True))
# Import dumps: plain (stacked hidden states + attentions) and LVLM layouts, .npz and .safetensors.
L, n, T, D, H = 2, 2, 5, 4, 2
hs = rng.standard_normal((L + 1, n, T, D)).astype(np.float32)
at = rng.random((L, n, H, T, T)).astype(np.float32); at /= at.sum(-1, keepdims=True)
put("dump", "plain.npz", npz({"hidden_states": hs, "attentions": at, "image_ids": np.array(["a", "b"])}, True))
put("dump", "plain.safetensors", save({"hidden_states": hs, "attentions": at}, metadata={"image_ids": json.dumps(["a", "b"])}))
put("dump", "per-layer.safetensors", save({f"hidden_states.{l}": hs[l] for l in range(L + 1)}))
P, S, Lm, Dm = 4, 9, 2, 3
att = rng.random((Lm, n, H, S, S)).astype(np.float32); att /= att.sum(-1, keepdims=True)
put("dump", "lvlm.safetensors", save({
    "vit_hidden": rng.standard_normal((n, P, D)).astype(np.float32), "llm_attentions": att,
    "llm_hidden_states": rng.standard_normal((Lm + 1, n, S, Dm)).astype(np.float32),
    "image_token_start": np.array(2, np.int64)}, metadata={"vit_layer": "1", "vit_blocks": "2", "lvlm_name": "toy"}))
put("dump", "lvlm-visual.npz", npz({
    "vit_hidden_states": rng.standard_normal((3, n, 1 + P, D)).astype(np.float16), "vit_layer": np.array(1),
    "llm_attention_received": rng.random((Lm, n, S)).astype(np.float32),
    "llm_hidden_visual": rng.standard_normal((Lm + 1, n, P, Dm)).astype(np.float32),
    "visual_positions": np.array([[8, 1, 5, 3], [2, 3, 4, 5]]), "query_start": np.array(4),
    "sequence_lengths": np.array([9, 9]), "image_ids": np.array(["a", "b"])}, True))
put("dump", "lvlm-hidden-only.safetensors", save({
    "vit_hidden": rng.standard_normal((n, P, D)).astype(np.float32),
    "llm_hidden_visual": rng.standard_normal((Lm + 1, n, P, Dm)).astype(np.float32)}, metadata={"vit_layer": "1"}))


# ONNX: a ModelProto written field by field (protobuf wire format), with float_data and raw_data
# initializers, an int64 one, and a node.
def varint(v):
    out = b""
    while True:
        b = v & 0x7F; v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v: return out


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0: return key + varint(payload)
    return key + varint(len(payload)) + payload


def tensor(name, dims, dtype, raw=None, floats=None):
    t = b"".join(field(1, 0, d) for d in dims) + field(2, 0, dtype) + field(8, 2, name.encode())
    if floats is not None: t += field(4, 2, struct.pack(f"<{len(floats)}f", *floats))
    if raw is not None: t += field(9, 2, raw)
    return t


node = field(1, 2, b"x") + field(1, 2, b"w") + field(2, 2, b"y") + field(3, 2, b"matmul0") + field(4, 2, b"MatMul")
graph = (field(1, 2, node) + field(2, 2, b"g")
         + field(5, 2, tensor("w", [2, 2], 1, floats=[1, 2, 3, 4]))
         + field(5, 2, tensor("backbone.embeddings.cls_token", [1, 1, 3], 1, raw=struct.pack("<3f", 0.5, -1, 2)))
         + field(5, 2, tensor("half", [2], 10, raw=np.ones(2, np.float16).tobytes()))
         + field(5, 2, tensor("shape", [2], 7, raw=struct.pack("<2q", 1, -1))))
put("onnx", "tiny.onnx", field(1, 0, 8) + field(8, 2, field(1, 2, b"") + field(2, 0, 17)) + field(7, 2, graph))
# Store manifests: written by SinkScope's own tests would be better; this one follows docs/store.md.
manifest = {
    "format": "sinkscope-store", "version": 1, "created_by": "sinkscope 0.1.0",
    "model": {"name": "m", "architecture": "vit", "patch_size": 14, "image_size": 28, "hidden_size": 4, "heads": 2,
              "layers": 2, "prefix_tokens": 1, "grid": [2, 2]},
    "images": [{"id": "a", "source": "a.png", "labels": {"kind": "cat"}}],
    "shards": [{"file": "shard-00000.safetensors", "count": 1, "first_image": 0}], "captured_layers": [0, 2], "hidden_dtype": "F16",
    "has_received": False, "received_layers": [], "has_attention": False, "attention_layers": [],
    "masks": {"norm": {"layers": [2], "parameters": {"tau": "100"}, "files": ["masks-norm.safetensors"]}}, "notes": []}
put("manifest", "store.json", json.dumps(manifest, indent=1))
put("manifest", "empty-store.json", json.dumps(dict(manifest, images=[], shards=[])))
# Labels CSV: quotes, commas, empty fields, CRLF, BOM.
put("labels_csv", "quoted.csv", 'image,kind,"note, with comma"\r\na.png,cat,"say ""hi"""\r\nb,dog,\r\n')
put("labels_csv", "bom.csv", "\ufeffimage,colour\nred-1.png,red\n")
# Checkpoint folders: LVLM config.json files as transformers 5 writes them (tiny sizes), and
# model.safetensors.index.json files (the target reads every input both ways).
import transformers as tf

tower = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4, image_size=32, patch_size=8)
text = dict(vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=64)
lvlms = {
    "llava": tf.LlavaConfig(vision_config=tf.CLIPVisionConfig(**tower), text_config=tf.LlamaConfig(**text), image_token_index=95),
    "llava_next": tf.LlavaNextConfig(vision_config=tf.CLIPVisionConfig(**tower), text_config=tf.LlamaConfig(**text),
                                     image_token_index=95, image_grid_pinpoints=[[32, 32]], vision_feature_select_strategy="full"),
    "llava_onevision": tf.LlavaOnevisionConfig(vision_config=tf.SiglipVisionConfig(**tower), text_config=dict(model_type="qwen2", **text),
                                               image_token_index=95, image_grid_pinpoints=[[32, 32]]),
    "paligemma": tf.PaliGemmaConfig(vision_config=dict(model_type="siglip_vision_model", **tower),
                                    text_config=dict(model_type="gemma", head_dim=8, **text), image_token_index=95),
    "internvl": tf.InternVLConfig(vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
                                                     image_size=[32, 32], patch_size=[8, 8]),
                                  text_config=dict(model_type="qwen2", **text), image_token_id=95, downsample_ratio=0.5),
}
for name, config in lvlms.items():
    put("checkpoint_index", f"config-{name}.json", config.to_json_string(use_diff=False))
put("checkpoint_index", "config-llava-layer-list.json", json.dumps(dict(json.loads(lvlms["llava"].to_json_string()), vision_feature_layer=[-2, -5])))
put("checkpoint_index", "config-internvl-ratio-quarter.json", json.dumps(dict(json.loads(lvlms["internvl"].to_json_string()), downsample_ratio=0.25)))
shards = [f"model-0000{i}-of-00002.safetensors" for i in (1, 2)]
names = ["vision_tower.vision_model.embeddings.patch_embedding.weight", "vision_tower.vision_model.embeddings.class_embedding",
         "vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight", "multi_modal_projector.linear_1.weight",
         "language_model.model.layers.0.mlp.up_proj.weight", "language_model.lm_head.weight"]
put("checkpoint_index", "index-two-shards.json", json.dumps(
    {"metadata": {"total_size": 123456, "total_parameters": 30864}, "weight_map": {n: shards[i * 2 // len(names)] for i, n in enumerate(names)}}, indent=2))
put("checkpoint_index", "index-one-shard.json", json.dumps({"weight_map": {"vision_model.post_layernorm.bias": "model.safetensors"}}))
put("checkpoint_index", "index-outside-folder.json", json.dumps({"metadata": {}, "weight_map": {"a.weight": "../model.safetensors"}}))
put("checkpoint_index", "index-empty-map.json", json.dumps({"metadata": {"total_size": 0}, "weight_map": {}}))
print("seeds written to", root)
