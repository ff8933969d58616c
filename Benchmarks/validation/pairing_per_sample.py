"""Per-sample comparison of AnchorReg's pairing chain and the paper's single-pass chain
(paper_chain.py) on the pairing-mode samples exported by `anchorreg-bench export-samples --mode pairing
--out DIR`: for each condition, the mean and standard error of the per-sample
difference in recall (ours − paper), and in how many samples each chain is ahead. Where two
pooled recalls differ by little, this says whether the difference is more than sampling noise
(both chains see the same samples, so the paired difference is far less noisy than the two
recalls apart).

Our chain runs through `anchorreg fit --unpaired --periodic` with the manifest's prior (one
batch CSV per condition). That is the chain `validate --mode pairing` runs, except that the
robust estimator's seed is fit's rather than validate's per-sample seed and the spacing is
taken from the model (1 here), so pooled recalls can differ from validate's by the robust
sampler's luck where samples have more than four pairs; at n² = 4 they are identical.

    python pairing_per_sample.py DIR path/to/anchorreg [--points 4] [--noise 0.08,0.1] [--max-samples N]
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

from common import load_condition, load_manifest, oks_hit_limit, sample_distances, selected_conditions
from paper_chain import DEFAULT_CAPTURE, DEFAULT_MAX_PAIR, DEFAULT_STEP, fit_sample


def hits(h, true_h, model, limit):
    d = sample_distances(h, true_h, model)
    return 0 if d is None else int(np.count_nonzero(d * d < limit))


def ours(binary, model, image, offsets, n, prior):
    rows = ["sample,set,x,y"]
    for s in range(n):
        rows += [f"{s},model,{float(p[0])!r},{float(p[1])!r}" for p in model]
        rows += [f"{s},image,{float(p[0])!r},{float(p[1])!r}" for p in image[offsets[s]:offsets[s + 1]]]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "points.csv")
        with open(path, "w") as f:
            f.write("\n".join(rows) + "\n")
        out = subprocess.run(
            [binary, "fit", path, "--unpaired", "--periodic", "--estimator", "lmeds",
             "--rotation", str(prior["rotation_degrees"]), "--rotation-tolerance", str(prior["rotation_tolerance_degrees"]),
             "--scale", str(prior["scale"]), "--scale-tolerance", str(prior["scale_tolerance"]), "--json"],
            capture_output=True, text=True, check=True)
    fits = json.loads(out.stdout)["fits"]
    return [np.array(f["homography"]) if "homography" in f else None for f in fits]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory")
    ap.add_argument("anchorreg", help="path to the anchorreg binary (release build)")
    ap.add_argument("--points", default=None)
    ap.add_argument("--noise", default=None)
    ap.add_argument("--max-samples", type=int, default=None)
    args = ap.parse_args()

    manifest = load_manifest(args.directory)
    if manifest["mode"] != "pairing":
        sys.exit("pairing_per_sample.py needs samples exported in pairing mode")
    prior = manifest["prior"]
    limit = oks_hit_limit(manifest)
    print("| n² | σ | recall ours | recall paper chain | ours − paper (mean ± s.e. of the per-sample difference) | samples ours ahead | paper ahead |")
    print("|---|---|---|---|---|---|---|")
    for entry in selected_conditions(manifest, args.points, args.noise):
        data = load_condition(args.directory, entry)
        model, true_h, image, offsets = data["model"], data["true_h"], data["image"], data["offsets"]
        n = len(offsets) - 1 if args.max_samples is None else min(args.max_samples, len(offsets) - 1)
        ours_h = ours(args.anchorreg, model, image, offsets, n, prior)
        points = len(model)
        diff = np.empty(n)
        a_total = b_total = 0
        for i in range(n):
            h_paper, _ = fit_sample(model, image[offsets[i]:offsets[i + 1]], prior, DEFAULT_STEP, DEFAULT_CAPTURE, DEFAULT_MAX_PAIR)
            a = hits(ours_h[i], true_h[i], model, limit)
            b = hits(h_paper, true_h[i], model, limit)
            a_total += a
            b_total += b
            diff[i] = (a - b) / points
        se = diff.std(ddof=1) / math.sqrt(n) if n > 1 else float("nan")
        print(f"| {entry['points']} | {entry['noise']} | {a_total / (n * points):.4f} | {b_total / (n * points):.4f} | "
              f"{diff.mean():+.4f} ± {se:.4f} | {int((diff > 0).sum())} | {int((diff < 0).sum())} |")


if __name__ == "__main__":
    main()
