#!/usr/bin/env python3
"""matplotlib side of the plot benchmark: draws the figure set of a 13-layer SinkScope report
(13 norm histograms, 13 heatmap overlays, a line chart with 5 series and confidence bands, a
5000-point PCA scatter, a 13x13 CKA matrix, a grouped bar chart) from the raw files that
`sinkscope bench plots` (Plotting's PlotBenchmark) writes, with the same sizes, colours and
annotations as the Swift side. Prints the fastest of --repeats runs as
{"seconds": wall, "cpu_seconds": process CPU, "figures": n}.

    python3 scripts/bench_plots.py --data /tmp/sinkscope-bench-plots/data --out /tmp/mpl-figs

Usually run by `sinkscope bench plots`, which also times the Swift side and prints the ratio.
Timing covers building, drawing and saving every figure (savefig to PNG, closed afterwards);
importing matplotlib and reading the data are excluded, as on the Swift side.
"""
import argparse
import json
import pathlib
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D"]
DPI = 100


def load(data: pathlib.Path):
    meta = json.loads((data / "meta.json").read_text())
    L, side, g = meta["layers"], meta["image_side"], meta["grid_side"]
    f32 = lambda name: np.fromfile(data / name, dtype="<f4")  # noqa: E731
    return {
        "meta": meta,
        "norms": f32("norms.f32").reshape(L, meta["tokens_per_layer"]),
        "images": np.fromfile(data / "images.u8", dtype=np.uint8).reshape(L, side, side, 3),
        "grids": f32("grids.f32").reshape(L, g, g),
        "curves": f32("curves.f32").reshape(3, len(meta["curve_names"]), L),
        "pca": f32("pca.f32").reshape(-1, 2),
        "pca_category": np.fromfile(data / "pca_category.u8", dtype=np.uint8),
        "cka": f32("cka.f32").reshape(L, L),
        "bars": f32("bars.f32").reshape(2, 2, len(meta["bar_categories"])),
    }


def style(ax, title, xlabel, ylabel):
    ax.set_title(title, fontweight="bold")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, color="#E6E6E6")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def histogram(d, layer, path):
    tau = d["meta"]["threshold"]
    norms = d["norms"][layer]
    sinks = int((norms > tau).sum())
    fig, ax = plt.subplots(figsize=(8, 5), dpi=DPI)
    ax.hist(norms, bins=60, log=True, color=OKABE_ITO[0], alpha=0.85, edgecolor="white", linewidth=0.5)
    ax.axvline(tau, color="#D55E00", linestyle="--", linewidth=1.8)
    ax.text(tau, 0.97, f" τ = {int(tau)} ({sinks} tokens)", transform=ax.get_xaxis_transform(),
            color="#D55E00", fontweight="bold", va="top")
    style(ax, f"Token norms, layer {layer}", "hidden-state L2 norm", "tokens")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def overlay(d, layer, path):
    tau = d["meta"]["threshold"]
    image, grid = d["images"][layer], d["grids"][layer]
    side, g = image.shape[0], grid.shape[0]
    fig, ax = plt.subplots(figsize=(5.2, 4.4), dpi=DPI)
    ax.imshow(image)
    im = ax.imshow(grid, cmap="magma", alpha=0.6, extent=(0, side, side, 0), interpolation="nearest")
    cell = side / g
    for r, c in zip(*np.nonzero(grid > tau)):
        ax.add_patch(Rectangle((c * cell, r * cell), cell, cell, fill=False, edgecolor="black", linewidth=2.5))
        ax.add_patch(Rectangle((c * cell, r * cell), cell, cell, fill=False, edgecolor="white", linewidth=1.5))
    ax.set_axis_off()
    ax.set_title(f"Norms over image, layer {layer}", fontweight="bold")
    fig.colorbar(im, ax=ax, label="token norm")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def line_chart(d, path):
    mean, lower, upper = d["curves"]
    layers = np.arange(mean.shape[1])
    fig, ax = plt.subplots(figsize=(8, 5), dpi=DPI)
    for s, name in enumerate(d["meta"]["curve_names"]):
        color = OKABE_ITO[s]
        ax.fill_between(layers, lower[s], upper[s], color=color, alpha=0.18, linewidth=0)
        ax.plot(layers, mean[s], color=color, marker=MARKERS[s % 4], markersize=5, linewidth=2,
                linestyle="--" if name == "control" else "-", label=name)
    ax.legend(loc="best")
    style(ax, "Class probe accuracy by layer", "layer", "accuracy (95% CI)")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def scatter(d, path):
    pca, cat = d["pca"], d["pca_category"]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=DPI)
    for k, name in enumerate(d["meta"]["pca_names"]):
        m = cat == k
        ax.scatter(pca[m, 0], pca[m, 1], s=12, alpha=0.7, color=OKABE_ITO[k], linewidths=0, label=name)
    ax.legend(loc="best")
    style(ax, "PCA of layer-9 tokens", "PC 1", "PC 2")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def cka(d, path):
    m = d["cka"]
    n = m.shape[0]
    fig, ax = plt.subplots(figsize=(6.4, 5.6), dpi=DPI)
    im = ax.imshow(m, cmap="viridis", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{m[i, j]:.2f}", ha="center", va="center", fontsize=7,
                    color="#1A1A1A" if m[i, j] > 0.5 else "white")
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("layer")
    ax.set_ylabel("layer")
    ax.set_title("Linear CKA between layers", fontweight="bold")
    fig.colorbar(im, ax=ax, label="CKA")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def bars(d, path):
    values, errors = d["bars"]
    cats, names = d["meta"]["bar_categories"], d["meta"]["bar_series"]
    x = np.arange(len(cats))
    w = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(8, 5), dpi=DPI)
    for s, name in enumerate(names):
        ax.bar(x - 0.4 + w * (s + 0.5), values[s], w, yerr=errors[s], capsize=4, color=OKABE_ITO[s], label=name)
    ax.set_xticks(x, cats)
    ax.set_ylim(0, 1)
    ax.legend(loc="best")
    style(ax, "Probe accuracy at layer 12", "token group", "accuracy")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def draw_all(d, out: pathlib.Path) -> int:
    L = d["meta"]["layers"]
    for layer in range(L):
        histogram(d, layer, out / f"hist_layer{layer}.png")
    for layer in range(L):
        overlay(d, layer, out / f"overlay_layer{layer}.png")
    line_chart(d, out / "probe_curves.png")
    scatter(d, out / "pca_scatter.png")
    cka(d, out / "cka.png")
    bars(d, out / "probe_bars.png")
    return 2 * L + 4


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=pathlib.Path, help="directory written by PlotBenchmark")
    ap.add_argument("--out", required=True, type=pathlib.Path, help="where the PNGs go")
    ap.add_argument("--repeats", type=int, default=1, help="time this many runs, report the fastest")
    args = ap.parse_args()
    if not (args.data / "meta.json").is_file():
        print(f"error: {args.data}/meta.json not found; run `sinkscope bench plots` first", file=sys.stderr)
        return 1
    d = load(args.data)
    args.out.mkdir(parents=True, exist_ok=True)
    best, best_cpu, count = float("inf"), float("inf"), 0
    for _ in range(max(1, args.repeats)):
        start, cpu_start = time.perf_counter(), time.process_time()
        count = draw_all(d, args.out)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
    print(f"matplotlib {matplotlib.__version__}: {count} figures, best of {args.repeats}: "
          f"{best:.3f} s wall, {best_cpu:.3f} s CPU", file=sys.stderr)
    print(json.dumps({"seconds": best, "cpu_seconds": best_cpu, "figures": count}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
