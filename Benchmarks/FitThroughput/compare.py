"""Fit throughput and accuracy: AnchorGeometry's robust estimators vs OpenCV findHomography.

Generates point sets with the Monte-Carlo protocol of issue 2 (n x n unit grid, random
T·Persp·R·Shear·Scale homography, Gaussian noise sigma on the image points), writes them to a
binary file that the Swift benchmark reads, so both fit the identical samples. Timings are one
core each (OpenCV threads set to 1), best of `--repeats`.
"""
import argparse, json, math, os, subprocess, sys, time
import numpy as np
import cv2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from homography_protocol import random_h, apply  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--sets", type=int, default=2000)
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--points", default="4,16,36,100")
    ap.add_argument("--estimators", default="lmeds")
    ap.add_argument("--out", default="out")
    a = ap.parse_args()
    cv2.setNumThreads(1)
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for n2 in [int(x) for x in a.points.split(",")]:
        n = int(round(math.sqrt(n2)))
        rng = np.random.default_rng(12345 + n2)
        c = (n - 1) / 2
        model = np.array([[i - c, j - c] for j in range(n) for i in range(n)], float)
        Hs, sets = [], []
        for _ in range(a.sets):
            H = random_h(rng, n)
            img = apply(H, model) + rng.normal(0, a.noise, model.shape)
            Hs.append(H); sets.append((model.copy(), img))
        path = os.path.join(a.out, f"sets-{n2}.bin")
        with open(path, "wb") as f:
            np.array([a.sets, n2], float).tofile(f)
            for m, q in sets:
                m.astype(float).tofile(f); q.astype(float).tofile(f)

        def mae_recall(Hest_list):
            maes, close, total, fails = [], 0, 0, 0
            for H, Hest in zip(Hs, Hest_list):
                if Hest is None or not np.all(np.isfinite(Hest)):
                    fails += 1; continue
                Pt = apply(np.linalg.inv(Hest), apply(H, model))
                d = np.linalg.norm(Pt - model, axis=1)
                maes.append(d.mean())
                oks = np.exp(-d**2 / (2 * 1.0 * 0.1**2))
                close += int((oks > 0.95).sum()); total += len(d)
            return float(np.median(maes)) if maes else float("nan"), close / max(total, 1), fails

        for method, flag in [("cv2.LMEDS", cv2.LMEDS), ("cv2.USAC_MAGSAC", cv2.USAC_MAGSAC)]:
            best = 1e9
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                est = []
                for m, q in sets:
                    H, _ = cv2.findHomography(m, q, flag) if flag != cv2.USAC_MAGSAC else cv2.findHomography(m, q, flag, 0.5)
                    est.append(H)
                best = min(best, time.perf_counter() - t0)
            mae, rec, fails = mae_recall(est)
            rows.append(dict(points=n2, method=method, fits_per_second=a.sets / best, mae_median=mae, recall=rec, failures=fails))
        for e in a.estimators.split(","):
            outp = os.path.join(a.out, f"est-{e}-{n2}.bin")
            r = json.loads(subprocess.check_output([a.bench, path, outp, e, str(a.repeats)]))
            Hest = np.fromfile(outp, float).reshape(-1, 3, 3)
            mae, rec, fails = mae_recall([None if np.isnan(h).any() else h for h in Hest])
            rows.append(dict(points=n2, method=f"anchorreg.{e}", fits_per_second=r["fits_per_second"], mae_median=mae, recall=rec, failures=fails))
    base = {r["points"]: r["fits_per_second"] for r in rows if r["method"] == "cv2.LMEDS"}
    print(f"noise sigma = {a.noise}, {a.sets} sets per point count, best of {a.repeats}, one core")
    print(f"{'points':>6} {'method':>22} {'fits/s':>12} {'x cv2.LMEDS':>12} {'MAE median':>12} {'recall@.95':>10} {'fail':>5}")
    for r in rows:
        print(f"{r['points']:>6} {r['method']:>22} {r['fits_per_second']:>12.0f} {r['fits_per_second']/base[r['points']]:>12.2f} {r['mae_median']:>12.3e} {r['recall']:>10.4f} {r['failures']:>5}")
    with open(os.path.join(a.out, "fit-throughput.json"), "w") as f:
        json.dump(rows, f, indent=1)

if __name__ == "__main__":
    main()
