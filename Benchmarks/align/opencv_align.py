"""OpenCV reference for `anchorreg align` (issue 5): the usual OpenCV way to find a square
device in a photograph and align two photographs on its model — Gaussian blur, Otsu
threshold, opening with an elliptic kernel scaled to the distance transform (removes the
electrodes), largest external contour, 4-corner polygon (approxPolyDP on the hull, falling
back to minAreaRect), cornerSubPix, findHomography, warpPerspective of both frames onto one
grid, difference. Timed per pair (one thread), corners scored against truth.json.

usage: opencv_align.py DIR [DIR …] [--repeat N]   (DIR as written by `anchorreg synth om-pair`)
"""
import json
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)


def square_corners(gray):
    b = cv2.GaussianBlur(gray, (0, 0), 1.0)
    _, m = cv2.threshold(b, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dt = cv2.distanceTransform(m, cv2.DIST_L2, 5)
    r = max(1.0, 0.6 * float(dt.max()))
    # Opening by a disk of radius r via two distance transforms (as anchorreg does; a
    # morphologyEx with a 2r+1 ellipse is several times slower at this size).
    core = (dt >= r).astype(np.uint8)
    d2 = cv2.distanceTransform(1 - core, cv2.DIST_L2, 5)
    o = ((d2 <= r) & (m > 0)).astype(np.uint8) * 255
    cs, _ = cv2.findContours(o, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not cs:
        return None
    c = max(cs, key=cv2.contourArea)
    hull = cv2.convexHull(c)
    approx = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    if len(approx) != 4:
        approx = cv2.boxPoints(cv2.minAreaRect(c)).astype(np.float32)
    win = max(2, int(0.05 * np.sqrt(cv2.contourArea(hull))))
    pts = cv2.cornerSubPix(b, approx.reshape(-1, 1, 2).copy(), (win, win), (-1, -1),
                           (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 1e-3))
    return pts.reshape(-1, 2)


def order_like(model, pts):
    """Cyclic order of pts (clockwise on screen) whose rotation is nearest upright."""
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    p = pts[np.argsort(ang)]
    start = int(np.argmin(p[:, 0] + p[:, 1]))
    return np.roll(p, -start, axis=0)


def align(before, after, side):
    model = np.array([[0, 0], [side, 0], [side, side], [0, side]], np.float32)
    out = []
    hs = []
    for img in (before, after):
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        pts = square_corners(gray)
        pts = order_like(model, pts)
        h, _ = cv2.findHomography(model, pts, 0)
        hs.append((h, pts))
    ppu = max(np.sqrt(abs(np.linalg.det(h[:2, :2]))) for h, _ in hs)
    m = 0.1 * 2.2 * side
    size = int((2.2 * side + 2 * m) * ppu) + 1
    grid = np.array([[1 / ppu, 0, -0.6 * side - m], [0, 1 / ppu, -0.6 * side - m], [0, 0, 1]])
    for (h, _), img in zip(hs, (before, after)):
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        out.append(cv2.warpPerspective(gray, h @ grid, (size, size), flags=cv2.INTER_LINEAR + cv2.WARP_INVERSE_MAP))
    diff = out[1] - out[0]
    return hs, diff


def main():
    args = sys.argv[1:]
    repeat = 5
    if "--repeat" in args:
        i = args.index("--repeat")
        repeat = int(args[i + 1])
        del args[i:i + 2]
    report = []
    for d in args:
        truth = json.load(open(d + "/truth.json"))
        side = truth["parameters"]["side_um"]
        times = []
        cpu = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            c0 = time.thread_time()
            b = cv2.imread(d + "/" + ("before.jpg" if cv2.haveImageReader(d + "/before.jpg") else "before.png"))
            a = cv2.imread(d + "/" + ("after.jpg" if cv2.haveImageReader(d + "/after.jpg") else "after.png"))
            hs, diff = align(b, a, side)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
        errs = []
        for k, (h, pts) in enumerate(hs):
            t = np.array(truth["anchors_in_image"][k][:4])
            s = np.linalg.norm(t[0] - t[1])
            for p in t:
                errs.append(float(np.min(np.linalg.norm(pts - p, axis=1)) / s * 100))
        report.append({"dir": d, "ms_median": float(np.median(times)), "ms_all": times, "cpu_ms_median": float(np.median(cpu)),
                       "corner_error_pct_of_side_max": max(errs), "corner_error_pct_of_side_mean": float(np.mean(errs)),
                       "image": list(b.shape)})
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
