"""Whole-process `anchorreg fit` vs OpenCV's bare findHomography(..., LMEDS) fit loop.

Draws N samples of n correspondences with the Monte-Carlo protocol of issue 2 (n = k x k unit
grid centred on the origin, random T·Persp·R·Shear·Scale homography, Gaussian noise on the
image points) plus `--outliers` gross outliers per sample, writes them as one pairs CSV
(sample,model_x,model_y,image_x,image_y), then, in the same run and pinned to one core:

- OpenCV: the samples already in memory as numpy arrays, one cv2.findHomography(m, q,
  cv2.LMEDS) per sample (no file reading, no output): the bare fit loop, CPU time of this
  process (time.process_time) and wall time.
- anchorreg: `anchorreg fit pairs.csv --threads 1 --json` (stdout to /dev/null) and with
  `--jsonl`, and with `--json --out fits.json`: the whole process (start-up, streaming CSV
  read, fits, JSON written), CPU time of the child (user + sys from getrusage) and wall time.

Ratios are OpenCV time / anchorreg time (> 1: anchorreg faster), best of --repeats.
"""
import argparse, json, math, os, resource, subprocess, sys, time
import numpy as np
import cv2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from homography_protocol import random_h, apply  # noqa: E402



def child_run(cmd, stdout):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(stdout, "wb") as f:
        subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchorreg", required=True)
    ap.add_argument("--samples", type=int, default=16000)
    ap.add_argument("--grid", type=int, default=6, help="k: k x k grid points per sample")
    ap.add_argument("--outliers", type=int, default=3)
    ap.add_argument("--noise", type=float, default=0.05)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", default="out")
    a = ap.parse_args()
    cv2.setNumThreads(1)
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(2026)
    k = a.grid
    c = (k - 1) / 2
    grid = np.array([[i - c, j - c] for j in range(k) for i in range(k)], float)
    samples = []
    for _ in range(a.samples):
        H = random_h(rng, k)
        img = apply(H, grid) + rng.normal(0, a.noise, grid.shape)
        model = grid
        if a.outliers:
            model = np.r_[grid, rng.uniform(-c, c, (a.outliers, 2))]
            img = np.r_[img, rng.uniform(img.min(0), img.max(0), (a.outliers, 2))]
        samples.append((model.astype(np.float64), img.astype(np.float64)))
    csv = os.path.join(a.out, "pairs.csv")
    with open(csv, "w") as f:
        f.write("sample,model_x,model_y,image_x,image_y\n")
        for s, (m, q) in enumerate(samples):
            for (mx, my), (ix, iy) in zip(m, q):
                f.write(f"{s},{float(mx)!r},{float(my)!r},{float(ix)!r},{float(iy)!r}\n")
    rows = sum(len(m) for m, _ in samples)

    cv_cpu, cv_wall = [], []
    for _ in range(a.repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        for m, q in samples:
            cv2.findHomography(m, q, cv2.LMEDS)
        cv_cpu.append(time.process_time() - c0)
        cv_wall.append(time.perf_counter() - w0)

    runs = {
        "json_stdout": ([a.anchorreg, "fit", csv, "--threads", "1", "--json", "--quiet"], os.devnull),
        "jsonl_stdout": ([a.anchorreg, "fit", csv, "--threads", "1", "--jsonl", "--quiet"], os.devnull),
        "json_file": ([a.anchorreg, "fit", csv, "--threads", "1", "--json", "--quiet", "--force",
                       "--out", os.path.join(a.out, "fits.json")], os.devnull),
    }
    results = {"samples": a.samples, "rows": rows, "points_per_sample": len(samples[0][0]),
               "opencv_lmeds_loop": {"cpu_s": min(cv_cpu), "wall_s": min(cv_wall)}}
    for name, (cmd, sink) in runs.items():
        cpu, wall = [], []
        for _ in range(a.repeats):
            cc, ww = child_run(cmd, sink)
            cpu.append(cc); wall.append(ww)
        results[name] = {"cpu_s": min(cpu), "wall_s": min(wall),
                         "ratio_cpu": min(cv_cpu) / min(cpu), "ratio_wall": min(cv_wall) / min(wall)}
    with open(os.path.join(a.out, "fit-whole-process.json"), "w") as f:
        json.dump(results, f, indent=2)
    print(f"{a.samples} samples x {len(samples[0][0])} points ({rows} CSV rows), one core, best of {a.repeats}")
    print(f"{'':28s} {'CPU s':>8s} {'wall s':>8s} {'x OpenCV (CPU)':>15s} {'x (wall)':>9s}")
    r = results["opencv_lmeds_loop"]
    print(f"{'cv2.findHomography LMEDS':28s} {r['cpu_s']:8.2f} {r['wall_s']:8.2f} {'1.00':>15s} {'1.00':>9s}")
    for name in runs:
        r = results[name]
        print(f"{'anchorreg fit ' + name:28s} {r['cpu_s']:8.2f} {r['wall_s']:8.2f} {r['ratio_cpu']:15.2f} {r['ratio_wall']:9.2f}")


if __name__ == "__main__":
    main()
