#!/usr/bin/env python3
"""Gaussian blur and perspective warp: AnchorReg (Swift, release) against OpenCV.

Both sides single-threaded (cv2.setNumThreads(1); the Swift kernels are single-threaded).
The Swift side is timed inside `anchorreg-bench imaging`, on the same input
written here; its outputs are read back and compared pixel by pixel with OpenCV's.

The machine may be shared: timings are taken as thread CPU time as well as wall time, and the
Swift and OpenCV measurements are interleaved over several rounds (min and median over all).

Usage: imaging_benchmark.py ANCHORREG_BENCH_BINARY [--native-binary PATH] [--size 1024] [--repeat 20]
                            [--rounds 3] [--out DIR]
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import time

import numpy as np
import cv2


def write_ar32(path, img):
    img = np.ascontiguousarray(img, dtype="<f4")
    h, w = img.shape
    with open(path, "wb") as f:
        f.write(b"AR32" + struct.pack("<III", w, h, 0))
        f.write(img.tobytes())


def read_ar32(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"AR32", path
    w, h, _ = struct.unpack("<III", data[4:16])
    return np.frombuffer(data[16:], dtype="<f4").reshape(h, w)


def stm_like(n, seed=1):
    """A hexagonal lattice of Gaussian bumps (period ~12 px) on a tilted plane, with noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    a = 12.0
    img = np.zeros((n, n))
    for k in range(3):
        th = np.deg2rad(7 + 60 * k)
        img += np.cos(2 * np.pi / (a * np.sqrt(3) / 2) * (x * np.cos(th) + y * np.sin(th)))
    img = np.exp(img / 1.5)
    img += 0.002 * x + 0.001 * y
    img += rng.normal(0, 0.15, img.shape)
    return img.astype(np.float32)


def timeit(fn, repeat):
    """Wall-clock and thread CPU time (robust when the machine is loaded), in ms."""
    fn()
    ts, cs = [], []
    for _ in range(repeat):
        c0 = time.thread_time()
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
        cs.append((time.thread_time() - c0) * 1e3)
    ts.sort()
    cs.sort()
    return {"min_ms": ts[0], "median_ms": ts[len(ts) // 2],
            "cpu_min_ms": cs[0], "cpu_median_ms": cs[len(cs) // 2]}


def swift_timing(t):
    return {"min_ms": t["minMs"], "median_ms": t["medianMs"],
            "cpu_min_ms": t["cpuMinMs"], "cpu_median_ms": t["cpuMedianMs"]}


def keys_weights(t, a=-0.75):
    w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a
    w1 = ((a + 2) * t - (a + 3)) * t * t + 1
    w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1
    return [w0, w1, w2, 1 - w0 - w1 - w2]


def exact_warp(src, M, shape, cubic):
    """Float64 reference warp with exact (unquantised) source coordinates, interior only."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    W = M[2, 0] * x + M[2, 1] * y + M[2, 2]
    X = (M[0, 0] * x + M[0, 1] * y + M[0, 2]) / W
    Y = (M[1, 0] * x + M[1, 1] * y + M[1, 2]) / W
    s = src.astype(np.float64)
    sh, sw = s.shape
    ix = np.floor(X).astype(np.int64)
    iy = np.floor(Y).astype(np.int64)
    tx, ty = X - ix, Y - iy
    valid = (ix >= 2) & (ix < sw - 3) & (iy >= 2) & (iy < sh - 3)
    ixc = np.clip(ix, 1, sw - 3)
    iyc = np.clip(iy, 1, sh - 3)
    out = np.zeros(shape)
    if not cubic:
        out = ((1 - ty) * ((1 - tx) * s[iyc, ixc] + tx * s[iyc, ixc + 1])
               + ty * ((1 - tx) * s[iyc + 1, ixc] + tx * s[iyc + 1, ixc + 1]))
    else:
        wx, wy = keys_weights(tx), keys_weights(ty)
        for j in range(4):
            rowv = sum(wx[i] * s[iyc - 1 + j, ixc - 1 + i] for i in range(4))
            out += wy[j] * rowv
    return out, valid


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--native-binary", help="second build, e.g. with -target-cpu haswell")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--sigma", type=float, default=2.0)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out", "imaging"))
    args = ap.parse_args()

    cv2.setNumThreads(1)
    os.makedirs(args.out, exist_ok=True)
    n = args.size
    img = stm_like(n)
    rng_val = float(img.max() - img.min())
    inp = os.path.join(args.out, "input.ar32")
    write_ar32(inp, img)

    # Inverse map (output pixel -> source pixel): rotation 3°, scale 0.97, shear, perspective.
    c, s = np.cos(np.deg2rad(3)), np.sin(np.deg2rad(3))
    M = np.array([[0.97 * c, -0.97 * s + 0.02, 25.0],
                  [0.97 * s, 0.97 * c, 10.0],
                  [2e-5, -1e-5, 1.0]])
    m_arg = ",".join(repr(float(v)) for v in M.ravel())

    def run_swift(binary):
        cmd = [binary, "imaging", "--input", inp, "--out-dir", args.out,
               "--sigma", str(args.sigma), "--inverse-map", m_arg, "--repeat", str(args.repeat), "--force"]
        out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        return {"gaussian_blur": swift_timing(out["gaussianBlur"]),
                "warp_bilinear": swift_timing(out["warpBilinear"]),
                "warp_bicubic": swift_timing(out["warpBicubic"])}

    blur_cv = cv2.GaussianBlur(img, (0, 0), args.sigma)
    flags_l = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    flags_c = cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP
    lin_cv = cv2.warpPerspective(img, M, (n, n), flags=flags_l, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    cub_cv = cv2.warpPerspective(img, M, (n, n), flags=flags_c, borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    def run_cv():
        return {
            "gaussian_blur": timeit(lambda: cv2.GaussianBlur(img, (0, 0), args.sigma), args.repeat),
            "warp_bilinear": timeit(lambda: cv2.warpPerspective(img, M, (n, n), flags=flags_l), args.repeat),
            "warp_bicubic": timeit(lambda: cv2.warpPerspective(img, M, (n, n), flags=flags_c), args.repeat),
        }

    def merge(runs):
        out = {}
        for k in runs[0]:
            out[k] = {f: (min if f.endswith("min_ms") else np.median)([r[k][f] for r in runs])
                      for f in runs[0][k]}
            out[k] = {f: float(v) for f, v in out[k].items()}
        return out

    sw_runs, nat_runs, cv_runs = [], [], []
    for _ in range(args.rounds):
        if args.native_binary:
            nat_runs.append(run_swift(args.native_binary))
        sw_runs.append(run_swift(args.binary))  # last: its outputs are the ones compared
        cv_runs.append(run_cv())
    swift_t, cv_t = merge(sw_runs), merge(cv_runs)
    native_t = merge(nat_runs) if nat_runs else None

    blur_sw = read_ar32(os.path.join(args.out, "blur.ar32"))
    lin_sw = read_ar32(os.path.join(args.out, "warp_bilinear.ar32"))
    cub_sw = read_ar32(os.path.join(args.out, "warp_bicubic.ar32"))

    b = int(np.ceil(4 * args.sigma))
    inner = (slice(b, n - b), slice(b, n - b))
    lin_ex, valid = exact_warp(img, M, (n, n), cubic=False)
    cub_ex, _ = exact_warp(img, M, (n, n), cubic=True)

    def agree(a, ref, mask=None):
        d = np.abs(a.astype(np.float64) - ref.astype(np.float64))
        d = d[mask] if mask is not None else d
        return {"max_abs_over_range": float(d.max() / rng_val), "mean_abs_over_range": float(d.mean() / rng_val)}

    result = {
        "size": n, "sigma": args.sigma, "repeat": args.repeat, "rounds": args.rounds, "value_range": rng_val,
        "opencv_version": cv2.__version__, "threads": {"opencv": cv2.getNumThreads(), "swift": 1},
        "gaussian_blur": {
            "swift": swift_t["gaussian_blur"],
            "opencv": cv_t["gaussian_blur"],
            "agreement_vs_opencv_interior": agree(blur_sw[inner], blur_cv[inner]),
            "agreement_vs_opencv_all": agree(blur_sw, blur_cv),
        },
        "warp_bilinear": {
            "swift": swift_t["warp_bilinear"],
            "opencv": cv_t["warp_bilinear"],
            "agreement_vs_opencv_interior": agree(lin_sw, lin_cv, valid),
            "agreement_vs_exact_float64_interior": agree(lin_sw, lin_ex, valid),
            "opencv_vs_exact_float64_interior": agree(lin_cv, lin_ex, valid),
        },
        "warp_bicubic": {
            "swift": swift_t["warp_bicubic"],
            "opencv": cv_t["warp_bicubic"],
            "agreement_vs_opencv_interior": agree(cub_sw, cub_cv, valid),
            "agreement_vs_exact_float64_interior": agree(cub_sw, cub_ex, valid),
            "opencv_vs_exact_float64_interior": agree(cub_cv, cub_ex, valid),
        },
    }
    for k in ("gaussian_blur", "warp_bilinear", "warp_bicubic"):
        r = result[k]
        if native_t:
            r["swift_native"] = native_t[k]
            r["ratio_swift_native_over_opencv_cpu_median"] = native_t[k]["cpu_median_ms"] / r["opencv"]["cpu_median_ms"]
            r["ratio_swift_native_over_opencv_cpu_min"] = native_t[k]["cpu_min_ms"] / r["opencv"]["cpu_min_ms"]
        r["ratio_swift_over_opencv_median"] = r["swift"]["median_ms"] / r["opencv"]["median_ms"]
        r["ratio_swift_over_opencv_min"] = r["swift"]["min_ms"] / r["opencv"]["min_ms"]
        r["ratio_swift_over_opencv_cpu_median"] = r["swift"]["cpu_median_ms"] / r["opencv"]["cpu_median_ms"]
        r["ratio_swift_over_opencv_cpu_min"] = r["swift"]["cpu_min_ms"] / r["opencv"]["cpu_min_ms"]
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
