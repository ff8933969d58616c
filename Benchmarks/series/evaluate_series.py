#!/usr/bin/env python3
"""Scores `anchorreg track` on a synthetic series against its ground truth (issue 12).

Usage: evaluate_series.py SERIES_DIR TRACK_DIR  -> prints one JSON object.

SERIES_DIR is what `anchorreg synth si7x7 --series N` wrote (series.json, truth_NNN.json),
TRACK_DIR what `anchorreg track SERIES_DIR --out TRACK_DIR` wrote (track.json).

Figures (no third-party packages):
- velocity: |v_est - v_true| per axis against the acceptance bound max(2 % of |v_true|,
  0.0005 nm/s), v_true = dL/dt of the drift law at the frame's centre time.
- forecast: |forecast_next_drift - true drift to the next frame|, in cells (|a1|).
- cells: each frame's truth corner holes mapped through the frame's decomposition and its
  cell_offset into frame 0's numbering n; frame 0's holes give the integer map n = A·g + b
  from the truth's global cells g (A is not always the identity: the registration may number
  the lattice turned by one of its symmetries); a frame is followed right when every hole
  obeys frame 0's map.
- stack: the same mapping gives each global corner hole's position on the absolute grid in
  every frame that sees it; its deviation from its mean over the frames, in cells.
"""
import json, math, sys, os


def model_point(d, p):
    w, h = d["width"], d["height"]
    cx, cy = (w - 1) / 2, (h - 1) / 2
    uf, s, us = d["scan_matrix_nm_per_px"]
    dx, dy = p[0] - cx, p[1] - cy
    qx, qy = uf * dx + s * dy, us * dy
    tau = d.get("creep_tau")
    if tau is not None and d["creep_amplitude_nm"] != 0:
        def frac(y, x):
            row = (h - 1 - y) if d["slow_axis_up"] else y
            return (row + x / w) / h
        qx += d["creep_amplitude_nm"] * (math.exp(-frac(p[1], p[0]) / tau) - math.exp(-frac(cy, cx) / tau))
    c, sn = math.cos(d["rotation_rad"]), math.sin(d["rotation_rad"])
    m = d["centre_model"]
    return (m[0] + c * qx + sn * qy, m[1] - sn * qx + c * qy)


def solve3(a, b):
    """Gaussian elimination, 3x3."""
    m = [row[:] + [v] for row, v in zip(a, b)]
    for c in range(3):
        p = max(range(c, 3), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(3):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[r][3] / m[r][r] for r in range(3)]


def integer_map(pairs):
    """n = A g + b fitted to (g, n) pairs and rounded to integers."""
    rows = [[g[0], g[1], 1] for g, _ in pairs]
    ata = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    out = []
    for k in range(2):
        atb = [sum(r[i] * n[k] for r, (_, n) in zip(rows, pairs)) for i in range(3)]
        out.append([round(v) for v in solve3(ata, atb)])
    return out


def apply(mp, g):
    return tuple(mp[k][0] * g[0] + mp[k][1] * g[1] + mp[k][2] for k in range(2))


def main(series_dir, track_dir):
    truth = json.load(open(os.path.join(series_dir, "series.json")))
    track = json.load(open(os.path.join(track_dir, "track.json")))
    a1, a2 = truth["a1_nm"], truth["a2_nm"]
    cell = math.hypot(*a1)
    det = a1[0] * a2[1] - a1[1] * a2[0]
    frames = track["frames"]
    by_index = {}
    for f in frames:
        k = int(os.path.basename(f["file"]).split("_")[1].split(".")[0])
        by_index[k] = f
    vel_ok, vel_err, vel_rel = 0, [], []
    fc_err = []
    follow_ok, follow_n = 0, 0
    positions = {}
    ref = None
    refused = 0
    for ft in truth["frames"]:
        k = ft["index"]
        f = by_index.get(k)
        if f is None or f.get("decomposition") is None or f.get("cell_offset") is None:
            refused += 1
            continue
        v, vt = f.get("drift_velocity_nm_per_s"), ft["drift_velocity_nm_per_s"]
        if v is not None:
            ok = True
            for a in range(2):
                e = abs(v[a] - vt[a])
                vel_err.append(e)
                vel_rel.append(e / max(abs(vt[a]), 1e-12))
                ok = ok and e <= max(0.02 * abs(vt[a]), 0.0005)
            vel_ok += ok
        fn = f.get("forecast_next_drift_nm")
        if fn is not None and k + 1 < len(truth["frames"]):
            actual = truth["frames"][k + 1]["drift_nm"]
            fc_err.append(math.hypot(fn[0] - actual[0], fn[1] - actual[1]) / cell)
        ft_points = json.load(open(os.path.join(series_dir, "truth_%03d.json" % k)))["corner_holes"]
        d, o = f["decomposition"], f["cell_offset"]
        pairs = []
        for hole in ft_points:
            m = model_point(d, hole["image"])
            M = (m[0] + a1[0] * o[0] + a2[0] * o[1], m[1] + a1[1] * o[0] + a2[1] * o[1])
            u = (M[0] * a2[1] - M[1] * a2[0]) / det
            w = (a1[0] * M[1] - a1[1] * M[0]) / det
            n = (round(u), round(w))
            g = tuple(hole["cell"])
            pairs.append((g, n))
            positions.setdefault(g, []).append(M)
        follow_n += 1
        if ref is None:
            ref = integer_map(pairs)
        follow_ok += ref is not None and all(apply(ref, g) == n for g, n in pairs)
    dev = []
    for g, ps in positions.items():
        if len(ps) < 2:
            continue
        mx = sum(p[0] for p in ps) / len(ps)
        my = sum(p[1] for p in ps) / len(ps)
        dev += [math.hypot(p[0] - mx, p[1] - my) / cell for p in ps]
    dev.sort()
    vel_err.sort()

    def pct(xs, q):
        return xs[min(len(xs) - 1, int(q * (len(xs) - 1) + 0.5))] if xs else None

    print(json.dumps({
        "frames": len(truth["frames"]), "tracked": follow_n, "refused": refused,
        "velocity_within_bound": vel_ok, "velocity_frames": sum(1 for f in frames if f.get("drift_velocity_nm_per_s")),
        "velocity_error_median_nm_per_s": pct(vel_err, 0.5), "velocity_error_max_nm_per_s": vel_err[-1] if vel_err else None,
        "velocity_relative_error_median": pct(sorted(vel_rel), 0.5),
        "forecast_error_mean_cells": sum(fc_err) / len(fc_err) if fc_err else None,
        "forecast_error_max_cells": max(fc_err) if fc_err else None,
        "cells_followed_right": follow_ok,
        "stack_deviation_p95_cells": pct(dev, 0.95), "stack_deviation_max_cells": dev[-1] if dev else None,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
