"""Scores a Si(111)-(7×7) locate result against the truth of `anchorreg synth si7x7`.

A result is any JSON with the keys of `anchorreg locate --json` (the Python reference writes the
same): `homography` (3×3, model nm -> image px) and `sites[{image: [x, y], ...}]`; a result with
an `error` key or without a homography is a failed frame.

Figures per frame (image pixels are turned into nm with the truth's true pixel size at the frame
centre, `pixel_size_true_at_centre_nm`):
- corner-hole error: for every truth corner hole (not hidden under an adsorbate), the distance to
  the nearest corner hole the result predicts (H applied to every lattice point i·a1 + j·a2 over
  the frame), in lattice constants (2.688 nm). Nearest-point matching makes the figure blind to
  the lattice's own symmetries (a cell shift or a 60° turn of the model gives the same corner
  holes), so it scores placement, not indexing; it saturates near 0.58 for a wrong placement.
- registered: a homography is given and at least 90 % of the truth corner holes lie within
  0.25 lattice constants of a predicted one (a homography right in one part of the frame and
  wrong in another is not registered).
- adatom recall at OKS 0.95 (s = 2.688 nm, k = 0.1, so within 0.3203·s·k = 0.0861 nm): the
  fraction of truth adatom sites (present or missing, not hidden) with a result site within the
  tolerance. A failed frame scores 0. Also over the sites at least 0.5 nm inside the frame
  (`adatom_recall_interior`), since a method may leave the rim out.
- defect precision / recall, when the result marks sites `present: false`: over the truth sites
  matched within the tolerance.

    python score_si7x7.py TRUTH.json RESULT.json      # prints the figures as JSON
    python score_si7x7.py --self-check TRUTH.json ... # the truth scored as a result
"""

import json
import math
import sys

import numpy as np
from scipy.spatial import cKDTree

A_NM = 2.688
A1 = np.array([A_NM, 0.0])
A2 = np.array([A_NM / 2, A_NM * math.sqrt(3) / 2])
OKS_K = 0.1
OKS_T = 0.95
TOL_NM = A_NM * OKS_K * math.sqrt(-2 * math.log(OKS_T))  # 0.0861 nm
REGISTERED_WITHIN = 0.25  # lattice constants
REGISTERED_FRACTION = 0.9
EDGE_NM = 0.5


def apply_h(h, pts):
    p = np.c_[pts, np.ones(len(pts))] @ np.asarray(h).T
    return p[:, :2] / p[:, 2:3]


def predicted_corner_holes(h, w, hgt):
    """H applied to every lattice point whose image may fall in (a 2-cell margin around) the frame."""
    h = np.asarray(h, dtype=float)
    corners = np.array([[0, 0], [w - 1, 0], [0, hgt - 1], [w - 1, hgt - 1], [(w - 1) / 2, (hgt - 1) / 2]], float)
    m = apply_h(np.linalg.inv(h), corners)
    ij = m @ np.linalg.inv(np.c_[A1, A2]).T
    lo = np.floor(ij.min(axis=0)).astype(int) - 2
    hi = np.ceil(ij.max(axis=0)).astype(int) + 2
    if np.any(hi - lo > 2000):
        raise ValueError("homography maps the frame onto an absurd model area")
    ii, jj = np.meshgrid(np.arange(lo[0], hi[0] + 1), np.arange(lo[1], hi[1] + 1), indexing="ij")
    pm = np.stack([ii.ravel(), jj.ravel()], axis=1) @ np.stack([A1, A2])
    return apply_h(h, pm)


def score(truth, result):
    p = truth["pixel_size_true_at_centre_nm"]
    w, hgt = truth["width"], truth["height"]
    ch = np.array([c["image"] for c in truth["corner_holes"] if not c.get("obscured")], float).reshape(-1, 2)
    ad_pts = [a for a in truth["adatoms"] if not a.get("obscured")]
    ad = np.array([a["image"] for a in ad_pts], float).reshape(-1, 2)
    ad_present = np.array([a["present"] for a in ad_pts], bool)
    out = {"creep": truth.get("homography") is None, "size": w, "truth_corner_holes": len(ch), "truth_adatoms": len(ad)}
    h = result.get("homography")
    if "error" in result or h is None:
        out.update(registered=False, error=result.get("error", "no homography"), adatom_recall=0.0,
                   adatom_recall_interior=0.0)
        return out
    try:
        pred = predicted_corner_holes(h, w, hgt)
    except (ValueError, np.linalg.LinAlgError) as e:
        out.update(registered=False, error=str(e), adatom_recall=0.0, adatom_recall_interior=0.0)
        return out
    d, _ = cKDTree(pred).query(ch)
    err = d * p / A_NM
    out["corner_hole_errors"] = err.tolist()
    out["corner_hole_median"] = float(np.median(err)) if len(err) else None
    out["corner_holes_within_025"] = float(np.mean(err < REGISTERED_WITHIN)) if len(err) else 0.0
    out["registered"] = bool(len(err)) and out["corner_holes_within_025"] >= REGISTERED_FRACTION
    sites = result.get("sites") or []
    if sites and len(ad):
        sp = np.array([s["image"] for s in sites], float)
        d, idx = cKDTree(sp).query(ad)
        hit = d * p <= TOL_NM
        out["adatom_recall"] = float(hit.mean())
        # The same over sites at least EDGE_NM from the frame's edge (a method may skip the rim).
        edge = np.minimum.reduce([ad[:, 0], ad[:, 1], w - 1 - ad[:, 0], hgt - 1 - ad[:, 1]]) * p
        inner = edge >= EDGE_NM
        out["adatom_recall_interior"] = float(hit[inner].mean()) if inner.any() else None
        out["adatom_miss_at_edge"] = int(np.sum(~hit & ~inner))
        out["adatom_error_nm_median"] = float(np.median(d * p))
        flagged = np.array([not s.get("present", True) for s in sites], bool)
        pred_missing = flagged[idx] & hit
        true_missing = ~ad_present & hit
        tp = int(np.sum(pred_missing & true_missing))
        out["defects_true"] = int(np.sum(true_missing))
        out["defects_flagged"] = int(np.sum(pred_missing))
        out["defect_precision"] = tp / out["defects_flagged"] if out["defects_flagged"] else None
        out["defect_recall"] = tp / out["defects_true"] if out["defects_true"] else None
    else:
        out["adatom_recall"] = 0.0
        out["adatom_recall_interior"] = 0.0
    return out


def truth_as_result(truth):
    """The truth in result form: its homography (nil with creep: then the one without creep, so
    the corner-hole error of a creep frame is the creep itself) and its adatoms as sites."""
    h = truth.get("homography") or truth["homography_without_creep"]
    return {"homography": h,
            "sites": [{"image": a["image"], "model": a["model"], "present": a["present"]} for a in truth["adatoms"]]}


def self_check(paths):
    ok = True
    for path in paths:
        with open(path) as f:
            truth = json.load(f)
        s = score(truth, truth_as_result(truth))
        errs = np.array(s.get("corner_hole_errors", [np.nan]))
        line = (f"{path}: creep={s['creep']} registered={s['registered']} adatom_recall={s['adatom_recall']:.4f} "
                f"corner-hole error max={errs.max():.2e} L, defect P/R={s.get('defect_precision')}/{s.get('defect_recall')}")
        print(line)
        # With creep the truth has no homography: the one without creep is scored, and the
        # creep shows as corner-hole error (it may even fail the registered test); only the
        # sites are checked there.
        good = s["adatom_recall"] == 1.0
        if not s["creep"]:
            good = good and s["registered"] and errs.max() < 1e-6
        ok = ok and good
    print("self-check:", "PASS" if ok else "FAIL")
    return ok


def main(argv):
    if argv and argv[0] == "--self-check":
        return 0 if self_check(argv[1:]) else 1
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        truth = json.load(f)
    with open(argv[1]) as f:
        result = json.load(f)
    s = score(truth, result)
    s.pop("corner_hole_errors", None)
    print(json.dumps(s, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
