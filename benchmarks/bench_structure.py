"""`latent map` (PCA, t-SNE) of 1,000 words and `latent cluster --top 10000 --k 50` against the
same scikit-learn calls made by a plain script on the same vectors.

Both sides are whole processes (interpreter start, imports, reading the vectors) run interleaved
in one invocation, so the machine's noise hits them alike. The baseline makes exactly the calls
latent makes: for a map, the projection plus k-means with k = 2..10 scored by cosine silhouette
(``--clusters auto``); for cluster, one k-means and its silhouette. What is left is latent's own
work: opening the model, labels, the trust score, rendering. Target (issue 4): <= 1.2x.

    python benchmarks/bench_structure.py [--runs 3] [--only tsne]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import timed_process

BASELINE = r"""
import sys
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

directory, task, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
vectors = np.asarray(np.load(directory + "/vectors.npy", mmap_mode="r")[:count], dtype=np.float32)


def kmeans(k):
    return KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vectors)


if task == "cluster":
    silhouette_score(vectors, kmeans(int(sys.argv[4])), metric="cosine")
else:
    wide = vectors.astype(np.float64)
    if task == "pca":
        from sklearn.decomposition import PCA

        PCA(n_components=2, svd_solver="full").fit_transform(wide)
    else:
        from sklearn.manifold import TSNE

        TSNE(n_components=2, perplexity=30.0, metric="cosine", init="pca",
             random_state=0).fit_transform(wide)
    for k in range(2, 11):
        silhouette_score(vectors, kmeans(k), metric="cosine")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="", metavar="TEXT",
                        help="run only the cases whose name contains TEXT (e.g. tsne)")
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    args = parser.parse_args()
    latent = [sys.executable, "-m", "latentcli"]
    plot = ["--width", "100", "--height", "40"]
    words, many, k = ("60", "300", "5") if args.smoke else ("1000", "10000", "50")
    if args.smoke:
        args.runs = 1
    cases = {
        f"map {words} pca": ([*latent, "map", "--top", words, *plot], ["pca", words]),
        f"map {words} tsne": ([*latent, "map", "--top", words, "--method", "tsne", *plot],
                              ["tsne", words]),
        f"cluster {many} k={k}": ([*latent, "cluster", "--top", many, "--k", k],
                                  ["cluster", many, k]),
    }
    cases = {name: case for name, case in cases.items() if args.only in name}
    if args.smoke:  # one case exercises the whole script; each process imports scikit-learn
        cases = dict(list(cases.items())[:1])
    with tempfile.TemporaryDirectory() as temp:
        cache = Path(temp) / "cache"
        if args.smoke and os.environ.get("LATENT_CACHE_DIR"):  # a warm cache: no conversion
            cache = Path(os.environ["LATENT_CACHE_DIR"])
        env = {**os.environ, "LATENT_CACHE_DIR": str(cache)}
        subprocess.run([*latent, "neighbors", "king", "--json"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        entry = str(cache / "models" / "glove-6b-50d")
        for name, (ours, baseline_args) in cases.items():
            baseline = [sys.executable, "-c", BASELINE, entry, *baseline_args]
            times: dict[str, list[float]] = {"latent": [], "sklearn": []}
            for _ in range(args.runs):
                times["latent"].append(timed_process(ours, env))
                times["sklearn"].append(timed_process(baseline, env))
            latent_s, sklearn_s = (statistics.median(times[side]) for side in times)
            print(f"{name:20s} latent {latent_s:7.2f} s   sklearn script {sklearn_s:7.2f} s   "
                  f"ratio {latent_s / sklearn_s:.2f}x (target <= 1.2)   [{args.runs} runs]",
                  flush=True)


if __name__ == "__main__":
    main()
