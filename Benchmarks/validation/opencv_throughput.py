"""Fits per second of cv2.findHomography on one core, on the identical point sets that
`anchorreg-bench export-samples --out DIR` wrote (paired mode). Prints JSON:
{"method": …, "noise": σ, "results": [{"points": n, "fits": N, "seconds": T, "fits_per_second": …}]}

    python opencv_throughput.py DIR [--method lmeds] [--noise 0.05] [--points 4,16,36,100] [--fits 2000]
"""

import argparse
import json
import sys
import time

import cv2
import numpy as np

from common import load_condition, load_manifest

METHODS = {"lmeds": cv2.LMEDS, "magsac": cv2.USAC_MAGSAC, "ransac": cv2.RANSAC, "dlt": 0}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("directory")
    ap.add_argument("--method", choices=sorted(METHODS), default="lmeds")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--points", default="4,16,36,100")
    ap.add_argument("--fits", type=int, default=2000)
    args = ap.parse_args()
    cv2.setNumThreads(1)
    manifest = load_manifest(args.directory)
    wanted = [int(p) for p in args.points.split(",")]
    results = []
    for n in wanted:
        entry = next((e for e in manifest["conditions"] if e["points"] == n and e["noise"] == args.noise), None)
        if entry is None:
            sys.exit(f"no exported condition with {n} points and noise {args.noise}")
        data = load_condition(args.directory, entry)
        src = np.ascontiguousarray(data["model"])
        sets = [np.ascontiguousarray(x) for x in data["image"][: args.fits]]
        method = METHODS[args.method]
        # Warm up once so first-call costs are not timed.
        cv2.findHomography(src, sets[0], method)
        total = 0.0
        for dst in sets:
            t0 = time.thread_time()
            if args.threshold is None:
                cv2.findHomography(src, dst, method)
            else:
                cv2.findHomography(src, dst, method, args.threshold)
            total += time.thread_time() - t0
        results.append({"points": n, "fits": len(sets), "seconds": total, "fits_per_second": len(sets) / total})
        print(f"{args.method}: {n} points {len(sets) / total:.0f} fits/s", file=sys.stderr)
    json.dump({"method": args.method, "opencv": cv2.__version__, "noise": args.noise, "results": results},
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
