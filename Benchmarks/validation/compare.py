"""Writes a markdown comparison of validation reports (the JSON of `anchorreg validate --json`
and of the OpenCV scripts beside this file).

    python compare.py --paired ours.json opencv-lmeds.json ... \
                      --pairing ours-pairing.json paper-chain.json \
                      --throughput ours-throughput.json opencv-throughput.json > summary.md
"""

import argparse
import json


def load(path):
    with open(path) as f:
        return json.load(f)


def table(reports, key, fmt, title):
    """One σ × n table per report, for `key`."""
    out = []
    for r in reports:
        conds = r["conditions"]
        noises = sorted({c["noise"] for c in conds})
        points = sorted({c["points"] for c in conds})
        cell = {(c["noise"], c["points"]): c for c in conds}
        out.append(f"**{title} — {r['estimator']}** ({r['samples']} samples/condition, seed {r['seed']})\n")
        out.append("| points \\ σ | " + " | ".join(f"{s:g}" for s in noises) + " |")
        out.append("|---|" + "---|" * len(noises))
        for n in points:
            row = []
            for s in noises:
                c = cell.get((s, n))
                v = None if c is None else c.get(key)
                row.append("–" if v is None else fmt(v))
            out.append(f"| {n} | " + " | ".join(row) + " |")
        out.append("")
    return out


def dominance(a, b, key, higher_better=True, tol=0.0):
    """How many cells of `a` are at least as good as `b` (within `tol`)."""
    ca = {(c["noise"], c["points"]): c for c in a["conditions"]}
    cb = {(c["noise"], c["points"]): c for c in b["conditions"]}
    cells = sorted(set(ca) & set(cb))
    good, worse = 0, []
    for k in cells:
        va, vb = ca[k][key], cb[k][key]
        if va is None or vb is None:
            continue
        ok = va >= vb - tol if higher_better else va <= vb + tol
        if ok:
            good += 1
        else:
            worse.append((k, va, vb))
    return good, len(cells), worse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--paired", nargs="*", default=[])
    ap.add_argument("--pairing", nargs="*", default=[])
    ap.add_argument("--throughput", nargs="*", default=[], help="ours (validate --threads 1 JSON) then opencv JSON")
    args = ap.parse_args()
    md = ["# Validation benchmark: AnchorReg vs OpenCV on identical samples", ""]
    recall_fmt = lambda v: f"{v:.4f}"
    mae_fmt = lambda v: f"{v:.2e}"
    for label, files in (("Paired mode (correspondences given)", args.paired),
                         ("Pairing mode (correspondences unknown)", args.pairing)):
        if not files:
            continue
        reports = [load(p) for p in files]
        md += [f"## {label}", ""]
        for r in reports:
            md.append(f"- {r['estimator']}: {r['seconds']:.1f} s wall, {r.get('threads', '?')} thread(s)")
        md.append("")
        md += table(reports, "recall", recall_fmt, "Recall at OKS 0.95")
        md += table(reports, "mae_median", mae_fmt, "MAE median (model units)")
        if any(c.get("failures") for r in reports for c in r["conditions"]):
            md += table(reports, "failures", lambda v: str(v), "Failures")
        if label.startswith("Pairing"):
            md += table(reports, "one_period_off", lambda v: f"{v:.4f}", "Fraction of samples with MAE > 1")
        first = reports[0]
        for other in reports[1:]:
            good, total, worse = dominance(first, other, "recall")
            md.append(f"- recall of {first['estimator']} ≥ {other['estimator']} in {good} of {total} cells")
            for (s, n), va, vb in worse[:12]:
                md.append(f"  - σ={s:g}, n={n}: {va:.6f} < {vb:.6f}")
        for r in reports:
            zero = [c for c in r["conditions"] if c["noise"] == 0 and c["mae_max"] is not None]
            if zero:
                md.append(f"- {r['estimator']}: largest MAE at σ = 0: {max(c['mae_max'] for c in zero):.2e}")
        md.append("")
    if len(args.throughput) >= 2:
        ours = load(args.throughput[0])
        others = [load(p) for p in args.throughput[1:]]
        heads = [f"AnchorReg {ours['estimator']} fits/s"] + [f"OpenCV {o['method']} fits/s" for o in others]
        md += ["## Throughput (one core each, σ = 0.05, identical point sets, thread CPU time)", "",
               "| points | " + " | ".join(heads) + f" | AnchorReg / OpenCV {others[0]['method']} |",
               "|---|" + "---|" * (len(heads) + 1)]
        others = [load(p) for p in args.throughput[1:]]
        ours_by_n = {}
        for c in ours["conditions"]:
            if abs(c["noise"] - others[0]["noise"]) < 1e-12:
                ours_by_n[c["points"]] = c["fits_per_second"]
        for res in others[0]["results"]:
            n = res["points"]
            cells = [f"{ours_by_n.get(n, float('nan')):.0f}"]
            cells += [f"{next((x['fits_per_second'] for x in o['results'] if x['points'] == n), float('nan')):.0f}"
                      for o in others]
            ratio = ours_by_n.get(n, float("nan")) / res["fits_per_second"]
            md.append(f"| {n} | " + " | ".join(cells) + f" | {ratio:.2f}× |")
        md.append("")
    print("\n".join(md))


if __name__ == "__main__":
    main()
