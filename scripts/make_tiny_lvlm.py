#!/usr/bin/env python3
"""Builds a tiny random LVLM of one family in a local folder, offline, for the tests of
scripts/dump_lvlm.py: the model (random weights, float32, eager attention), a word-level
tokenizer with the family's special tokens, and the family's own processor, all written with
save_pretrained so that the dump tool loads them exactly as it loads a real checkpoint.

    python3 scripts/make_tiny_lvlm.py llava /tmp/tiny-llava [--seed 0]

Families: llava, llava_next, llava_onevision, paligemma, internvl, qwen2_5_vl. Sizes are chosen
so that a dump of a few 64x64 images takes seconds on a CPU; nothing is downloaded.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local folders only: never reach a model hub

import torch
import transformers as tf
from tokenizers import Tokenizer, models, pre_tokenizers, decoders

FAMILIES = ("llava", "llava_next", "llava_onevision", "paligemma", "internvl", "qwen2_5_vl")
WORDS = ("describe the image what is in this picture a cat dog red blue green sky tree house car person "
         "one two three left right top bottom big small of and on at to user assistant system").split()
SPECIAL = {
    "llava": ["<image>"], "llava_next": ["<image>"], "llava_onevision": ["<image>", "<video>"],
    "paligemma": ["<image>"],
    "internvl": ["<img>", "</img>", "<IMG_CONTEXT>", "<video>"],
    "qwen2_5_vl": ["<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>"],
}


def tokenizer_for(family):
    """A word-level fast tokenizer: <pad> <unk> <s> </s>, the family's image tokens, a few words."""
    base = ["<pad>", "<unk>", "<s>", "</s>"]
    specials = SPECIAL[family]
    vocab = {w: i for i, w in enumerate(base + specials + list(WORDS) + [":", ".", "?", "\n"])}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    core.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    extra = {}
    if family == "internvl":
        extra = {"start_image_token": "<img>", "end_image_token": "</img>", "context_image_token": "<IMG_CONTEXT>",
                 "video_token": "<video>"}
    elif family == "qwen2_5_vl":
        extra = {"image_token": "<|image_pad|>", "video_token": "<|video_pad|>",
                 "vision_start_token": "<|vision_start|>", "vision_end_token": "<|vision_end|>"}
    elif family in ("llava", "llava_next", "llava_onevision", "paligemma"):
        extra = {"image_token": "<image>"}
    tok = tf.PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", unk_token="<unk>", bos_token="<s>",
                                     eos_token="</s>", extra_special_tokens=extra)
    tok.add_special_tokens({"additional_special_tokens": specials})
    return tok, len(vocab)


def text_config(model_type, vocab, **kw):
    return dict(model_type=model_type, vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, pad_token_id=0, **kw)


def clip(image_size=32, patch=8):
    return dict(model_type="clip_vision_model", hidden_size=24, intermediate_size=48, num_hidden_layers=3,
                num_attention_heads=4, image_size=image_size, patch_size=patch, projection_dim=24)


def siglip(image_size=32, patch=8):
    return dict(model_type="siglip_vision_model", hidden_size=24, intermediate_size=48, num_hidden_layers=3,
                num_attention_heads=4, image_size=image_size, patch_size=patch)


def allow_missing_video_processor():
    """Without torchvision, transformers has no video processor class and refuses a processor whose
    (unused) video_processor is None; images need none, so accept None."""
    check = tf.ProcessorMixin.check_argument_for_proper_class

    def lenient(self, name, argument):
        return None if argument is None else check(self, name, argument)
    tf.ProcessorMixin.check_argument_for_proper_class = lenient


def build(family, out, seed):
    allow_missing_video_processor()
    torch.manual_seed(seed)
    tok, vocab = tokenizer_for(family)
    ids = lambda t: tok.convert_tokens_to_ids(t)
    if family == "llava":
        cfg = tf.LlavaConfig(vision_config=clip(), text_config=text_config("llama", vocab), image_token_id=ids("<image>"),
                             vision_feature_layer=-2, vision_feature_select_strategy="default", projector_hidden_act="gelu")
        model = tf.LlavaForConditionalGeneration(cfg)
        ip = tf.CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
        proc = tf.LlavaProcessor(image_processor=ip, tokenizer=tok, patch_size=8, vision_feature_select_strategy="default",
                                 image_token="<image>", num_additional_image_tokens=1)
    elif family == "llava_next":
        cfg = tf.LlavaNextConfig(vision_config=clip(), text_config=text_config("llama", vocab), image_token_id=ids("<image>"),
                                 vision_feature_layer=-2, vision_feature_select_strategy="default",
                                 image_grid_pinpoints=[[32, 64], [64, 32], [64, 64]])
        model = tf.LlavaNextForConditionalGeneration(cfg)
        ip = tf.LlavaNextImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32},
                                        image_grid_pinpoints=[[32, 64], [64, 32], [64, 64]])
        proc = tf.LlavaNextProcessor(image_processor=ip, tokenizer=tok, patch_size=8, vision_feature_select_strategy="default",
                                     image_token="<image>", num_additional_image_tokens=1)
    elif family == "llava_onevision":
        cfg = tf.LlavaOnevisionConfig(vision_config=siglip(), text_config=text_config("qwen2", vocab), image_token_id=ids("<image>"),
                                      video_token_id=ids("<video>"), vision_feature_layer=-1, vision_feature_select_strategy="full",
                                      image_grid_pinpoints=[[32, 64], [64, 32], [64, 64]], vision_aspect_ratio="anyres_max_9")
        model = tf.LlavaOnevisionForConditionalGeneration(cfg)
        ip = tf.LlavaOnevisionImageProcessor(size={"height": 32, "width": 32}, image_grid_pinpoints=[[32, 64], [64, 32], [64, 64]])
        proc = tf.LlavaOnevisionProcessor(image_processor=ip, tokenizer=tok, num_image_tokens=16, vision_feature_select_strategy="full",
                                          image_token="<image>", video_token="<video>", vision_aspect_ratio="anyres_max_9")
    elif family == "paligemma":
        cfg = tf.PaliGemmaConfig(vision_config=siglip(), text_config=text_config("gemma", vocab, head_dim=8),
                                 image_token_id=ids("<image>"), projection_dim=32)
        model = tf.PaliGemmaForConditionalGeneration(cfg)
        ip = tf.SiglipImageProcessor(size={"height": 32, "width": 32})
        ip.image_seq_length = 16
        proc = tf.PaliGemmaProcessor(image_processor=ip, tokenizer=tok)
    elif family == "internvl":
        vision = dict(model_type="internvl_vision", hidden_size=24, intermediate_size=48, num_hidden_layers=3,
                      num_attention_heads=4, image_size=[32, 32], patch_size=[8, 8], use_mean_pooling=True)
        cfg = tf.InternVLConfig(vision_config=vision, text_config=text_config("qwen2", vocab), image_token_id=ids("<IMG_CONTEXT>"),
                                downsample_ratio=0.5, vision_feature_layer=-1, vision_feature_select_strategy="default")
        model = tf.InternVLForConditionalGeneration(cfg)
        ip = tf.GotOcr2ImageProcessor(size={"height": 32, "width": 32}, crop_to_patches=True, min_patches=1, max_patches=4)
        proc = tf.InternVLProcessor(image_processor=ip, tokenizer=tok, image_seq_length=4)
    elif family == "qwen2_5_vl":
        vision = dict(depth=3, hidden_size=32, intermediate_size=48, num_heads=4, out_hidden_size=32, patch_size=8,
                      spatial_merge_size=2, temporal_patch_size=2, window_size=32, fullatt_block_indexes=[2])
        textc = text_config("qwen2_5_vl_text", vocab, rope_parameters={"rope_type": "default", "rope_theta": 10000.0,
                                                                       "mrope_section": [1, 1, 2]})
        cfg = tf.Qwen2_5_VLConfig(vision_config=vision, text_config=textc, image_token_id=ids("<|image_pad|>"),
                                  video_token_id=ids("<|video_pad|>"), vision_start_token_id=ids("<|vision_start|>"))
        model = tf.Qwen2_5_VLForConditionalGeneration(cfg)
        ip = tf.Qwen2VLImageProcessor(patch_size=8, merge_size=2, temporal_patch_size=2,
                                      size={"shortest_edge": 32 * 32, "longest_edge": 64 * 64})
        proc = tf.Qwen2_5_VLProcessor(image_processor=ip, tokenizer=tok)
    else:
        sys.exit(f"make_tiny_lvlm.py: unknown family '{family}'; choose one of {', '.join(FAMILIES)}.")
    model = model.float().eval()
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out)
    if getattr(proc, "video_processor", "absent") is None:
        # save_pretrained cannot save a processor without its video processor: write the parts and
        # the processor's own settings (scripts/dump_lvlm.py assembles them the same way).
        ip.save_pretrained(out)
        tok.save_pretrained(out)
        settings = {k: getattr(proc, k) for k in ("image_seq_length", "num_image_tokens", "vision_feature_select_strategy",
                                                    "vision_aspect_ratio") if isinstance(getattr(proc, k, None), (int, str))}
        settings["processor_class"] = type(proc).__name__
        with open(os.path.join(out, "processor_config.json"), "w") as f:
            json.dump(settings, f, indent=2)
    else:
        proc.save_pretrained(out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("family", choices=FAMILIES)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    build(a.family, a.out, a.seed)
