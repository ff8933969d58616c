"""The paper's Si(111)-(7×7) pipeline (Diao et al., Sci. Rep. 2025, Methods and Fig. 5–6) in
Python + OpenCV, as literally as the paper describes it, for the side-by-side benchmark
`Benchmarks/run_si7x7_benchmark.sh`.

    python paper_pipeline.py FRAME.tiff --spacing-px L --rotation-deg THETA [--warp] [--out result.json]

Steps (paper's wording in quotes):
1. P_e: "keypoints (P_e) are detected using the Scale-Invariant Feature Transform (SIFT)
   method" -> cv2.SIFT_create().detect on the frame scaled min..max to 8 bits (SIFT takes
   8-bit images), OpenCV's default SIFT parameters (the paper gives none).
2. "Only points with pixel values below the image's mean value are retained".
3. Vote filter (Fig. 1b): every point within `--vote-radius` (default 1.25 L: the six nearest
   corner holes of a hexagonal lattice at L, not the next shell at sqrt(3) L) of a target votes
   +1 if its distance lies in [0.9 L, 1.1 L], -1 otherwise; points with a negative score are
   dropped.
4. Rough matching: A (Eq. 1) from the scale (L px per lattice constant), the rotation and no
   shear; the translation (x0, y0) by brute force over one period of the lattice on a
   `--step` grid (score: placed model points with a filtered P_e within 0.25 L, ties broken by
   the smaller summed distance); pairing with scipy's cKDTree (each placed model point takes its
   nearest P_e within half a period).
5. H from the pairs with cv2.findHomography(P'_m, P_e, cv2.LMEDS) ("least-median-squares").
6. P_t and the adatoms: every model point through H·A (model nm -> image px); adatoms of every
   cell whose site lands inside the frame; present/defect from the pixel value at the site
   (Otsu threshold over the site values; the paper only says "pixel values are analyzed").
   Which half is faulted: the half whose sites are brighter on average (the paper does not
   decide it; a cheap rule so that the output has the same keys as `anchorreg locate`).
7. Optionally (`--warp`) the frame warped onto the model grid with cv2.warpPerspective at the
   frame's own pixel density ("By applying the inverse of H to the raw image").

The paper's method is semi-automatic: the user supplies the lattice constant in pixels and the
rotation. The benchmark feeds the true values (from the synthetic truth), which is generous to
this reference: ours estimates both from the image.

Output: JSON with the keys of `anchorreg locate --json`: homography (model nm -> image px),
pixel_size (nm per px at the frame centre), anchors (model nm, paired image px, reconstructed
P_t = (H·A)^-1 P_e in model nm, LMedS inlier flag), sites, cells, metrics, timings_ms.
Single-threaded: cv2.setNumThreads(1).
"""

import argparse
import json
import math
import sys
import time

import cv2
import numpy as np
import tifffile
from scipy.spatial import cKDTree

cv2.setNumThreads(1)

# Si(111)-(7×7) model, nm (same lattice and site numbering as AnchorReg's built-in si111-7x7).
A_NM = 2.688
A1 = np.array([A_NM, 0.0])
A2 = np.array([A_NM / 2, A_NM * math.sqrt(3) / 2])
# (half, index, u, v) in fractions of a1, a2 (DAS model, Fig. 6b numbering).
SITES = [
    ("A", 1, 1, 1), ("A", 2, 3, 1), ("A", 3, 5, 1), ("A", 4, 3, 3), ("A", 5, 1, 5), ("A", 6, 1, 3),
    ("B", 1, 6, 6), ("B", 2, 4, 6), ("B", 3, 2, 6), ("B", 4, 4, 4), ("B", 5, 6, 2), ("B", 6, 6, 4),
]
SITE_UV = np.array([[u / 7, v / 7] for _, _, u, v in SITES])


class RegistrationFailed(Exception):
    pass


def to_uint8(img):
    lo, hi = float(np.min(img)), float(np.max(img))
    if not hi > lo:
        raise RegistrationFailed("flat image")
    return np.clip((img - lo) * (255.0 / (hi - lo)), 0, 255).astype(np.uint8)


def dark_keypoints(img, nfeatures=0):
    """SIFT keypoints whose pixel value is below the image mean (paper, Fig. 5 text).
    `nfeatures` is cv2.SIFT_create's own cap (the strongest keypoints by response; 0 = all)."""
    kps = cv2.SIFT_create(nfeatures=nfeatures).detect(to_uint8(img), None)
    if not kps:
        return np.zeros((0, 2)), 0
    pts = np.array([k.pt for k in kps], dtype=np.float64)
    h, w = img.shape
    xi = np.clip(np.rint(pts[:, 0]).astype(int), 0, w - 1)
    yi = np.clip(np.rint(pts[:, 1]).astype(int), 0, h - 1)
    keep = img[yi, xi] < img.mean()
    # SIFT reports one keypoint per orientation; duplicates at the same place vote for each other
    # at distance 0 (outside [0.9 L, 1.1 L]) and would sink every point: merge them first.
    pts = np.unique(np.round(pts[keep], 3), axis=0)
    return pts, len(kps)


def vote_filter(pts, spacing, radius):
    """Fig. 1b: +1 per neighbour within `radius` at distance in [0.9 L, 1.1 L], -1 otherwise;
    points with a negative score are dropped."""
    if len(pts) == 0:
        return pts
    tree = cKDTree(pts)
    keep = np.zeros(len(pts), dtype=bool)
    for i, nbrs in enumerate(tree.query_ball_point(pts, radius)):
        d = np.linalg.norm(pts[nbrs] - pts[i], axis=1)
        d = d[d > 0]
        score = int(np.sum((d >= 0.9 * spacing) & (d <= 1.1 * spacing))) - int(
            np.sum((d < 0.9 * spacing) | (d > 1.1 * spacing)))
        keep[i] = score >= 0
    return pts[keep]


def affine_a(scale, theta):
    """Eq. 1 with s_x = s_y = scale (px per nm), rotation theta, no shear, no translation."""
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[scale * c, -scale * s, 0.0], [scale * s, scale * c, 0.0], [0.0, 0.0, 1.0]])


def apply_h(h, pts):
    p = np.c_[pts, np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:3]


def model_cells(a_lin, w, h, margin):
    """Cells (i, j) whose corner hole, placed by `a_lin` (no translation), may fall inside the
    frame after any translation within one period (the range is padded by two cells)."""
    inv = np.linalg.inv(a_lin[:2, :2])
    corners = np.array([[-margin, -margin], [w + margin, -margin], [-margin, h + margin], [w + margin, h + margin]])
    basis_inv = np.linalg.inv(np.c_[A1, A2])
    ij = (corners @ inv.T) @ basis_inv.T
    lo = np.floor(ij.min(axis=0)).astype(int) - 2
    hi = np.ceil(ij.max(axis=0)).astype(int) + 2
    ii, jj = np.meshgrid(np.arange(lo[0], hi[0] + 1), np.arange(lo[1], hi[1] + 1), indexing="ij")
    return np.stack([ii.ravel(), jj.ravel()], axis=1)


def rough_match(pe, a_lin, spacing, w, h, step, capture, max_pair):
    cells = model_cells(a_lin, w, h, spacing)
    pm = cells @ np.stack([A1, A2])  # corner holes, nm
    placed0 = apply_h(a_lin, pm)
    tree = cKDTree(pe)
    # One period of translations: u·(A a1) + v·(A a2), u, v in [0, 1).
    e1 = a_lin[:2, :2] @ A1
    e2 = a_lin[:2, :2] @ A2
    g = np.arange(0.0, 1.0 - 1e-9, step)
    uu, vv = np.meshgrid(g, g, indexing="ij")
    shifts = uu.ravel()[:, None] * e1 + vv.ravel()[:, None] * e2
    inside = ((placed0[:, 0] > -spacing) & (placed0[:, 0] < w + spacing)
              & (placed0[:, 1] > -spacing) & (placed0[:, 1] < h + spacing))
    cand = placed0[inside][None, :, :] + shifts[:, None, :]
    d, _ = tree.query(cand.reshape(-1, 2), k=1, distance_upper_bound=capture * spacing)
    d = d.reshape(len(shifts), -1)
    hit = np.isfinite(d)
    counts = hit.sum(axis=1)
    summed = np.where(hit, d, 0.0).sum(axis=1)
    best = np.lexsort((summed, -counts))[0]
    a = a_lin.copy()
    a[:2, 2] = shifts[best]
    placed = placed0 + shifts[best]
    vis = (placed[:, 0] >= -0.5) & (placed[:, 0] <= w - 0.5) & (placed[:, 1] >= -0.5) & (placed[:, 1] <= h - 0.5)
    d, idx = tree.query(placed[vis], k=1, distance_upper_bound=max_pair * spacing)
    ok = np.isfinite(d)
    return a, pm[vis][ok], placed[vis][ok], pe[idx[ok]], cells


def bilinear(img, pts):
    h, w = img.shape
    x = np.clip(pts[:, 0], 0, w - 1.001)
    y = np.clip(pts[:, 1], 0, h - 1.001)
    x0 = np.floor(x).astype(int)
    y0 = np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    return ((1 - fx) * (1 - fy) * img[y0, x0] + fx * (1 - fy) * img[y0, x0 + 1]
            + (1 - fx) * fy * img[y0 + 1, x0] + fx * fy * img[y0 + 1, x0 + 1])


def otsu_threshold(values):
    v = values.astype(np.float64)
    lo, hi = v.min(), v.max()
    if not hi > lo:
        return lo - 1
    u8 = np.round((v - lo) * 255.0 / (hi - lo)).astype(np.uint8).reshape(-1, 1)
    t, _ = cv2.threshold(u8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return lo + t * (hi - lo) / 255.0


def expected_corner_holes(w, h, spacing):
    """Corner holes a w×h frame holds: frame area over the area of one cell, (sqrt(3)/2) L²."""
    return w * h / (math.sqrt(3) / 2 * spacing ** 2)


def failed_at(t, t0, c0):
    """Timings of a run that gave up: `total` is the time until it did."""
    t["total"] = (time.perf_counter() - t0) * 1e3
    t["cpu_total"] = (time.process_time() - c0) * 1e3
    return t


def locate(path, spacing, rotation_deg, vote_radius=1.25, step=0.05, capture=0.25, max_pair=0.5, warp=False,
           features_per_hole=0.0):
    t = {}
    c0 = time.process_time()
    t0 = time.perf_counter()
    img = tifffile.imread(path).astype(np.float32)
    if img.ndim != 2:
        img = img.reshape(img.shape[-2:]) if img.size == img.shape[-1] * img.shape[-2] else img[..., 0]
    h, w = img.shape
    t1 = time.perf_counter()
    t["read"] = (t1 - t0) * 1e3
    nfeatures = int(round(features_per_hole * expected_corner_holes(w, h, spacing))) if features_per_hole > 0 else 0
    pe_all, n_sift = dark_keypoints(img, nfeatures)
    t2 = time.perf_counter()
    t["sift_and_mean_filter"] = (t2 - t1) * 1e3
    pe = vote_filter(pe_all, spacing, vote_radius * spacing)
    t3 = time.perf_counter()
    t["vote"] = (t3 - t2) * 1e3
    counts = {"sift_keypoints": n_sift, "dark_keypoints": int(len(pe_all)), "voted": int(len(pe))}
    if len(pe) < 4:
        raise RegistrationFailed(f"only {len(pe)} points after the vote filter", counts, failed_at(t, t0, c0))
    a_lin = affine_a(spacing / A_NM, math.radians(rotation_deg))
    a, pm, placed, paired, cells = rough_match(pe, a_lin, spacing, w, h, step, capture, max_pair)
    t4 = time.perf_counter()
    t["rough"] = (t4 - t3) * 1e3
    counts["pairs"] = int(len(pm))
    if len(pm) < 4:
        raise RegistrationFailed(f"only {len(pm)} pairs after rough matching", counts, failed_at(t, t0, c0))
    hm, mask = cv2.findHomography(np.ascontiguousarray(placed), np.ascontiguousarray(paired), cv2.LMEDS)
    if hm is None:
        raise RegistrationFailed("cv2.findHomography found no homography", counts, failed_at(t, t0, c0))
    total = hm @ a  # model nm -> image px
    total = total / total[2, 2]
    t5 = time.perf_counter()
    t["lmeds"] = (t5 - t4) * 1e3
    inl = mask.ravel().astype(bool)
    # P_t = (H·A)^-1 P_e in the model, against P_m (the paper's MAE / OKS check), inliers only.
    pt_model = apply_h(np.linalg.inv(total), paired)
    err_cells = np.linalg.norm(pt_model - pm, axis=1)[inl] / A_NM
    # Sites: every adatom of every cell that lands inside the frame.
    site_model = (cells[:, None, :] + SITE_UV[None, :, :]).reshape(-1, 2) @ np.stack([A1, A2])
    site_img = apply_h(total, site_model)
    inside = ((site_img[:, 0] >= -0.5) & (site_img[:, 0] <= w - 0.5)
              & (site_img[:, 1] >= -0.5) & (site_img[:, 1] <= h - 0.5))
    cell_idx = np.repeat(cells, len(SITES), axis=0)[inside]
    site_no = np.tile(np.arange(len(SITES)), len(cells))[inside]
    site_model, site_img = site_model[inside], site_img[inside]
    values = bilinear(img, site_img) if len(site_img) else np.zeros(0)
    present = values > otsu_threshold(values) if len(values) > 1 else np.ones(len(values), dtype=bool)
    half_a = np.array([SITES[k][0] == "A" for k in site_no], dtype=bool)
    faulted = "A" if (len(values) and values[half_a].mean() >= values[~half_a].mean()) else "B"
    t6 = time.perf_counter()
    t["sites"] = (t6 - t5) * 1e3
    t["total"] = (t6 - t0) * 1e3  # file to sites
    t["cpu_total"] = (time.process_time() - c0) * 1e3  # the same span in CPU time
    warped_shape = None
    if warp:
        # Model grid at the frame's own density, over the frame's footprint in the model.
        inv = np.linalg.inv(total)
        corners = apply_h(inv, np.array([[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]], dtype=float))
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        ppn = spacing / A_NM
        out_w = int(math.ceil((hi[0] - lo[0]) * ppn)) + 1
        out_h = int(math.ceil((hi[1] - lo[1]) * ppn)) + 1
        grid_to_model = np.array([[1 / ppn, 0, lo[0]], [0, 1 / ppn, lo[1]], [0, 0, 1]])
        warped = cv2.warpPerspective(img, total @ grid_to_model, (out_w, out_h),
                                     flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
        warped_shape = list(warped.shape)
        t["warp"] = (time.perf_counter() - t6) * 1e3
    centre_model = apply_h(np.linalg.inv(total), np.array([[(w - 1) / 2, (h - 1) / 2]]))[0]
    eps = 1e-3
    p0 = apply_h(total, np.array([centre_model, centre_model + [eps, 0], centre_model + [0, eps]]))
    u, v = p0[1] - p0[0], p0[2] - p0[0]
    det = abs(u[0] * v[1] - u[1] * v[0]) / eps ** 2  # px² per nm²
    half_name = {"A": "faulted" if faulted == "A" else "unfaulted", "B": "faulted" if faulted == "B" else "unfaulted"}
    sites = [{"cell": [int(c[0]), int(c[1])], "half": half_name[SITES[k][0]], "index": SITES[k][1],
              "image": [float(p[0]), float(p[1])], "model": [float(m[0]), float(m[1])], "present": bool(pr)}
             for c, k, p, m, pr in zip(cell_idx, site_no, site_img, site_model, present)]
    cell_bits = {}
    for s in sites:
        cell_bits.setdefault((tuple(s["cell"]), s["half"]), ["?"] * 6)[s["index"] - 1] = "1" if s["present"] else "0"
    result = {
        "method": "paper-python-opencv",
        "homography": total.tolist(),
        "pixel_size": 1.0 / math.sqrt(det),
        "anchors": [{"model": [float(m[0]), float(m[1])], "image": [float(p[0]), float(p[1])],
                     "reconstructed": [float(r[0]), float(r[1])], "inlier": bool(i)}
                    for m, p, r, i in zip(pm, paired, pt_model, inl)],
        "sites": sites,
        "cells": [{"cell": list(c), "half": hf, "bits": "".join(b)} for (c, hf), b in cell_bits.items()],
        "metrics": {
            **counts,
            "inliers": int(inl.sum()),
            "mae_lattice": float(err_cells.mean()) if len(err_cells) else None,
            "oks_recall_095": float(np.mean(np.exp(-err_cells ** 2 / (2 * 0.1 ** 2)) >= 0.95)) if len(err_cells) else None,
            "faulted_half_model": faulted,
            "warped_shape": warped_shape,
        },
        "timings_ms": t,
    }
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("--spacing-px", type=float, required=True, help="corner-hole spacing L, image px (user input)")
    ap.add_argument("--rotation-deg", type=float, required=True, help="lattice rotation in the image (user input)")
    ap.add_argument("--vote-radius", type=float, default=1.25, help="vote neighbourhood, in L")
    ap.add_argument("--step", type=float, default=0.05, help="translation grid step, fraction of a period")
    ap.add_argument("--features-per-hole", type=float, default=0.0,
                    help="cap SIFT at this many keypoints per expected corner hole (cv2.SIFT_create nfeatures; "
                         "0: OpenCV's default, every keypoint, as the paper says)")
    ap.add_argument("--warp", action="store_true", help="also warp the frame onto the model grid (timed)")
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    a = ap.parse_args(argv)
    try:
        res = locate(a.image, a.spacing_px, a.rotation_deg, a.vote_radius, a.step, warp=a.warp,
                     features_per_hole=a.features_per_hole)
    except RegistrationFailed as e:
        info = e.args[1] if len(e.args) > 1 else {}
        res = {"method": "paper-python-opencv", "error": e.args[0], "metrics": info,
               "timings_ms": e.args[2] if len(e.args) > 2 else {}}
    text = json.dumps(res)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        print(text)
    return 0 if "error" not in res else 2


if __name__ == "__main__":
    sys.exit(main())
