#!/usr/bin/env python3
"""PNG and TIFF decoding of a 2048² 16-bit image: AnchorReg (release) against Pillow and tifffile.

AnchorReg's decoders return Float32 samples, so the Python time is given both for the native
uint16 array and with `.astype(np.float32)` added (the same work). Both sides decode from memory, single-threaded (tifffile maxworkers=1; Pillow's PNG decoder and
AnchorReg's decoders are single-threaded). The Swift side is timed inside
`anchorreg-bench formats` on the same files written here, and its pixel sum
is compared with numpy's.

Usage: format_benchmark.py ANCHORREG_BENCH_BINARY [--size 2048] [--repeat 15] [--out DIR]
"""
import argparse
import io
import json
import os
import subprocess
import time

import numpy as np
import tifffile
from PIL import Image


def test_image(n, seed=1):
    """A smooth 16-bit field with a lattice and noise: compresses like a real SPM/TEM frame."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n].astype(np.float64)
    img = 20000 + 8000 * np.cos(x / 9.0) * np.cos(y / 11.0) + 3 * x + rng.normal(0, 300, (n, n))
    return np.clip(img, 0, 65535).astype(np.uint16)


def timeit(fn, repeat):
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return ts[len(ts) // 2], ts[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--size", type=int, default=2048)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    img = test_image(a.size)
    files = {}

    p = os.path.join(a.out, "bench16.png")
    Image.fromarray(img).save(p, format="PNG", compress_level=6)
    files["png"] = p
    for name, kw in [("tiff-none", {}), ("tiff-deflate", {"compression": "zlib", "predictor": True}),
                     ("tiff-lzw", {"compression": "lzw", "predictor": True})]:
        p = os.path.join(a.out, f"bench16-{name}.tif")
        tifffile.imwrite(p, img, rowsperstrip=64, **kw)
        files[name] = p

    def py_decode(kind, data):
        if kind == "png":
            return np.asarray(Image.open(io.BytesIO(data)))
        return tifffile.imread(io.BytesIO(data), maxworkers=1)

    names = list(files)
    out = subprocess.run([a.binary, "formats", *[files[k] for k in names], "--repeat", str(a.repeat)],
                         check=True, capture_output=True, text=True).stdout
    swift = {r["file"]: r for r in json.loads(out)}
    rows = []
    for k in names:
        data = open(files[k], "rb").read()
        arr = py_decode(k, data)
        assert arr.shape == img.shape and np.array_equal(arr, img), k
        med, mn = timeit(lambda: py_decode(k, data), a.repeat)
        # AnchorReg returns Float32 samples; the same work on the Python side adds astype.
        med32, mn32 = timeit(lambda: py_decode(k, data).astype(np.float32), a.repeat)
        s = swift[files[k]]
        same = abs(s["checksum"] - float(img.astype(np.float64).sum())) < 1e-6 * float(img.sum())
        rows.append({
            "case": k, "bytes": len(data), "python": "Pillow" if k == "png" else "tifffile",
            "python_median_ms": round(med, 2), "python_to_float32_median_ms": round(med32, 2),
            "swift_median_ms": round(s["median_ms"], 2),
            "ratio_swift_over_python": round(s["median_ms"] / med, 3),
            "ratio_swift_over_python_float32": round(s["median_ms"] / med32, 3),
            # Minimum times are less disturbed by other load on a shared machine.
            "python_min_ms": round(mn, 2), "python_to_float32_min_ms": round(mn32, 2),
            "swift_min_ms": round(s["min_ms"], 2),
            "ratio_min_swift_over_python": round(s["min_ms"] / mn, 3),
            "ratio_min_swift_over_python_float32": round(s["min_ms"] / mn32, 3),
            "same_pixels": bool(same),
        })
    print(json.dumps({"size": a.size, "repeat": a.repeat, "results": rows}, indent=2))


if __name__ == "__main__":
    main()
