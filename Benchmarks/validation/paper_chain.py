"""The paper's single-pass matching chain (Diao et al. 2025, Methods) in Python + OpenCV,
run on the pairing-mode samples exported by `anchorreg-bench export-samples --mode pairing
--out DIR`; prints a report with the keys of `anchorreg validate --json`.

Chain, once per sample, with what the experiment tells (the prior in manifest.json):
1. rough placement with A (Eq. 1): scale and rotation from the prior's centre values;
2. translation (x0, y0) by brute force over one period of the lattice around the centroid
   guess: score = placed model points with an image point within the capture radius, ties
   broken by the smaller summed distance;
3. pairing with a k-d tree (scipy.spatial.cKDTree): each placed model point takes its
   nearest image point if it lies within half a period;
4. H from the pairs with cv2.findHomography(..., cv2.LMEDS).

    python paper_chain.py DIR [--step 0.1] [--capture 0.25] [--max-pair 0.5]
"""

import argparse
import json
import math
import sys
import time

import cv2
import numpy as np
from scipy.spatial import cKDTree

from common import ConditionAccumulator, load_condition, load_manifest, report, sample_distances, selected_conditions

# The chain's defaults (periods): translation search step, score capture radius, largest
# pairing distance.
DEFAULT_STEP, DEFAULT_CAPTURE, DEFAULT_MAX_PAIR = 0.1, 0.25, 0.5


def fit_sample(model, image, prior, step, capture, max_pair):
    theta = math.radians(prior["rotation_degrees"])
    s = prior["scale"]
    a = s * np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    placed = model @ a.T
    tree = cKDTree(image)
    centre = image.mean(axis=0) - placed.mean(axis=0)
    # One lattice period of the placed model (the model grid has unit spacing).
    period = s
    grid = np.arange(-0.5, 0.5 - 1e-9, step) * period
    shifts = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2) + centre
    # All candidate placements in one k-d tree query: (shifts × model points).
    cand = placed[None, :, :] + shifts[:, None, :]
    d, _ = tree.query(cand.reshape(-1, 2), k=1, distance_upper_bound=capture * period)
    d = d.reshape(len(shifts), len(placed))
    hit = np.isfinite(d)
    counts = hit.sum(axis=1)
    summed = np.where(hit, d, 0.0).sum(axis=1)
    # Most captured points first, then the smaller summed distance.
    order = np.lexsort((summed, -counts))
    t = shifts[order[0]]
    d, idx = tree.query(placed + t, k=1, distance_upper_bound=max_pair * period)
    ok = np.isfinite(d)
    if ok.sum() < 4:
        return None, f"only {int(ok.sum())} pairs within {max_pair} period"
    src = np.ascontiguousarray(model[ok])
    dst = np.ascontiguousarray(image[idx[ok]])
    try:
        h, _ = cv2.findHomography(src, dst, cv2.LMEDS)
    except cv2.error as e:
        return None, str(e).strip().splitlines()[-1]
    if h is None:
        return None, "findHomography returned no homography"
    return h, None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory")
    ap.add_argument("--step", type=float, default=DEFAULT_STEP, help="translation search step, periods")
    ap.add_argument("--capture", type=float, default=DEFAULT_CAPTURE, help="capture radius of the score, periods")
    ap.add_argument("--max-pair", type=float, default=DEFAULT_MAX_PAIR, help="largest pairing distance, periods")
    ap.add_argument("--points", default=None)
    ap.add_argument("--noise", default=None)
    ap.add_argument("--max-samples", type=int, default=None)
    args = ap.parse_args()

    cv2.setNumThreads(1)
    manifest = load_manifest(args.directory)
    if manifest["mode"] != "pairing":
        sys.exit("paper_chain.py needs samples exported in pairing mode")
    prior = manifest["prior"]
    results = []
    start = time.perf_counter()
    for entry in selected_conditions(manifest, args.points, args.noise):
        data = load_condition(args.directory, entry)
        model, true_h, image, offsets = data["model"], data["true_h"], data["image"], data["offsets"]
        n = len(offsets) - 1 if args.max_samples is None else min(args.max_samples, len(offsets) - 1)
        acc = ConditionAccumulator(entry["noise"], entry["points"], manifest)
        for s in range(n):
            pts = image[offsets[s]:offsets[s + 1]]
            t0 = time.thread_time()
            h, err = fit_sample(model, pts, prior, args.step, args.capture, args.max_pair)
            dt = time.thread_time() - t0
            acc.add(sample_distances(h, true_h[s], model), dt, err)
        results.append(acc.result())
        r = results[-1]
        print(f"paper chain: n={entry['points']} sigma={entry['noise']} recall={r['recall']:.4f} "
              f"off={r['one_period_off']:.4f}", file=sys.stderr)
    json.dump(report("paper-chain-python-opencv-LMEDS", manifest, results, time.perf_counter() - start, "pairing"),
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
