"""Runs the paired-mode samples exported by `anchorreg-bench export-samples --out DIR`
through OpenCV's cv2.findHomography and prints a report with the keys of
`anchorreg validate --json` on stdout.

    python opencv_paired.py DIR --method lmeds|magsac [--threshold T] [--points 4,16]
"""

import argparse
import json
import sys
import time

import cv2
import numpy as np

from common import ConditionAccumulator, load_condition, load_manifest, report, sample_distances, selected_conditions

METHODS = {"lmeds": cv2.LMEDS, "magsac": cv2.USAC_MAGSAC, "ransac": cv2.RANSAC, "dlt": 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory")
    ap.add_argument("--method", choices=sorted(METHODS), default="lmeds")
    ap.add_argument("--threshold", type=float, default=None,
                    help="ransacReprojThreshold in image units (OpenCV's default 3 when omitted)")
    ap.add_argument("--points", default=None, help="only these point counts (comma-separated)")
    ap.add_argument("--noise", default=None, help="only these noise levels (comma-separated)")
    ap.add_argument("--max-samples", type=int, default=None, help="use only the first N samples per condition")
    args = ap.parse_args()

    cv2.setNumThreads(1)
    manifest = load_manifest(args.directory)
    if manifest["mode"] != "paired":
        sys.exit("opencv_paired.py needs samples exported in paired mode")
    method = METHODS[args.method]
    results = []
    start = time.perf_counter()
    for entry in selected_conditions(manifest, args.points, args.noise):
        data = load_condition(args.directory, entry)
        model = data["model"]
        true_h = data["true_h"]
        image = data["image"]
        n = image.shape[0] if args.max_samples is None else min(args.max_samples, image.shape[0])
        acc = ConditionAccumulator(entry["noise"], entry["points"], manifest)
        src = np.ascontiguousarray(model)
        for s in range(n):
            dst = np.ascontiguousarray(image[s])
            t0 = time.thread_time()
            try:
                if args.threshold is None:
                    h, _ = cv2.findHomography(src, dst, method)
                else:
                    h, _ = cv2.findHomography(src, dst, method, args.threshold)
                err = None
            except cv2.error as e:
                h, err = None, str(e).strip().splitlines()[-1]
            dt = time.thread_time() - t0
            acc.add(sample_distances(h, true_h[s], model), dt, err or "findHomography returned no homography")
        results.append(acc.result())
        print(f"{args.method}: n={entry['points']} sigma={entry['noise']} recall={results[-1]['recall']:.4f}",
              file=sys.stderr)
    name = {"lmeds": "opencv-LMEDS", "magsac": "opencv-USAC_MAGSAC", "ransac": "opencv-RANSAC", "dlt": "opencv-DLT"}[args.method]
    json.dump(report(name, manifest, results, time.perf_counter() - start, "paired"), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
