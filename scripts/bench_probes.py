#!/usr/bin/env python3
"""scikit-learn side of `sinkscope bench probes`.

Reads a plan written by the Swift side (a JSON list of cases, each naming .npy files of
float32 features and int64 labels that SinkScope generated with a seeded generator), times
scikit-learn on exactly those matrices and prints one JSON object per case on stdout.

    python3 scripts/bench_probes.py PLAN.json

Timing rule (same as the Swift side): repeat the fit until 1 s has been spent or 3 runs,
keep the fastest. BLAS threads come from OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, which the
Swift side sets to its own thread count.
"""
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression


def best_time(fit):
    best, spent, runs, result = float("inf"), 0.0, 0, None
    while runs < 3 and (runs == 0 or spent < 1.0):
        start = time.perf_counter()
        result = fit()
        elapsed = time.perf_counter() - start
        best, spent, runs = min(best, elapsed), spent + elapsed, runs + 1
    return best, result


def run_case(case):
    x = np.load(case["x"], mmap_mode=None)
    assert x.dtype == np.float32, x.dtype
    out = {"name": case["name"], "sklearn": sklearn.__version__}
    if case["kind"] == "pca":
        k = case["components"]
        for solver in case["solvers"]:
            seconds, model = best_time(lambda: PCA(n_components=k, svd_solver=solver, random_state=0).fit(x))
            out[solver] = {"seconds": seconds, "ratio_sum": float(model.explained_variance_ratio_.sum())}
    else:
        y = np.load(case["y"])
        n_train = case["train"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            seconds, model = best_time(lambda: LogisticRegression(
                C=case["C"], solver="lbfgs", max_iter=case["max_iter"], tol=case["tol"]).fit(x[:n_train], y[:n_train]))
        out["lbfgs"] = {"seconds": seconds, "accuracy": float(model.score(x[n_train:], y[n_train:])),
                        "iterations": int(model.n_iter_[0])}
    return out


def main():
    plan = json.load(open(sys.argv[1]))
    for case in plan:
        print(json.dumps(run_case(case)), flush=True)


if __name__ == "__main__":
    main()
