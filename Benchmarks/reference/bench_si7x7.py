"""Runs the Si(111)-(7×7) benchmark over synthetic frames made by `anchorreg synth si7x7` and
writes a markdown table: the paper's pipeline in Python + OpenCV (`paper_pipeline.py`, two
settings) and, when the binary has it, `anchorreg locate --model si111-7x7 --json`, scored by
`score_si7x7.py` on the same frames. Called by `Benchmarks/run_si7x7_benchmark.sh`.

    python bench_si7x7.py --bin .build/release/anchorreg --frames Benchmarks/out/si7x7 \
        --results Benchmarks/results/si7x7.md [--ours auto|yes|no] [--pin-cpu 0]

Every method runs as its own process, one frame at a time, pinned to one CPU (taskset) when
available. Time per frame: the method's own `timings_ms.total` (file read to sites, inside the
process) and the wall time of the whole process (start-up and imports included).
"""

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time

import numpy as np

from score_si7x7 import A_NM, score

HERE = os.path.dirname(os.path.abspath(__file__))


def methods(py, binary, with_ours):
    """(name, description, command builder) for each method."""
    ref = os.path.join(HERE, "paper_pipeline.py")

    def paper(features):
        def cmd(frame, truth, out):
            spacing = A_NM / truth["pixel_size_true_at_centre_nm"]
            rot = math.degrees(truth["distortion"]["rotation_rad"])
            c = [py, ref, frame, "--spacing-px", f"{spacing:.6f}", "--rotation-deg", f"{rot:.6f}",
                 "--warp", "--out", out]
            if features:
                c += ["--features-per-hole", str(features)]
            return c, None
        return cmd

    ms = [
        ("paper-literal", "paper pipeline, Python + OpenCV, SIFT with OpenCV defaults (every keypoint)", paper(0)),
        ("paper-tuned", "same, SIFT capped at 3 keypoints per expected corner hole (nfeatures)", paper(3)),
    ]
    if with_ours:
        def ours(frame, truth, out):
            # locate also writes its files (corrected image, overlay, report): into the frame's folder.
            folder = os.path.join(os.path.dirname(out), "anchorreg-locate")
            return [binary, "locate", frame, "--model", "si111-7x7", "--json", "--out", folder, "--force"], out
        ms.append(("anchorreg", "anchorreg locate --model si111-7x7 (no spacing/rotation given)", ours))
    return ms


def has_locate(binary):
    try:
        r = subprocess.run([binary, "locate", "--help"], capture_output=True, text=True, timeout=60)
    except OSError:
        return False
    # An unknown subcommand makes swift-argument-parser print the root help (exit 0).
    return r.returncode == 0 and "USAGE: anchorreg locate" in r.stdout


def run_one(cmd, stdout_to, pin):
    if pin is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(pin)] + cmd
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = (time.perf_counter() - t0) * 1e3
    u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((u1.ru_utime - u0.ru_utime) + (u1.ru_stime - u0.ru_stime)) * 1e3
    if stdout_to is not None:
        with open(stdout_to, "w") as f:
            f.write(r.stdout)
    return r, wall, cpu


def pct(values, q):
    return float(np.percentile(values, q)) if len(values) else float("nan")


def fmt(x, digits=3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x:.{digits}f}"


def summarise(name, rows):
    n = len(rows)
    reg = [r for r in rows if r["score"].get("registered")]
    def ch(sel):
        errs = [e for r in reg if sel(r) for e in r["score"].get("corner_hole_errors", [])]
        return pct(errs, 50), pct(errs, 95), len([r for r in reg if sel(r)])
    all_m, all_p, _ = ch(lambda r: True)
    nc_m, nc_p, nc_n = ch(lambda r: not r["score"]["creep"])
    cr_m, cr_p, cr_n = ch(lambda r: r["score"]["creep"])
    recall = [r["score"]["adatom_recall"] for r in rows]
    rec_in = [r["score"].get("adatom_recall_interior") for r in rows if r["score"].get("adatom_recall_interior") is not None]
    rec_nc = [r["score"]["adatom_recall"] for r in rows if not r["score"]["creep"]]
    t_in = [r["timings"].get("total") for r in rows if r["timings"].get("total") is not None]
    t_wall = [r["wall_ms"] for r in rows]
    t_cpu = [r["cpu_ms"] for r in rows]
    # In-process CPU: measured by the reference (process_time); for a process that does not
    # report it, estimated as its in-process wall time × the process's CPU / wall ratio.
    def in_cpu(r):
        t = r["timings"]
        if t.get("cpu_total") is not None:
            return t["cpu_total"]
        if t.get("total") is not None and r["wall_ms"] > 0:
            return t["total"] * r["cpu_ms"] / r["wall_ms"]
        return None
    t_icpu = [x for x in (in_cpu(r) for r in rows) if x is not None]
    i512 = [x for x in (in_cpu(r) for r in rows if r["score"]["size"] == 512) if x is not None]
    c512 = [r["cpu_ms"] for r in rows if r["score"]["size"] == 512]
    t512 = [r["timings"].get("total") for r in rows if r["score"]["size"] == 512 and r["timings"].get("total")]
    w512 = [r["wall_ms"] for r in rows if r["score"]["size"] == 512]
    dp = [r["score"]["defect_precision"] for r in rows if r["score"].get("defect_precision") is not None]
    dr = [r["score"]["defect_recall"] for r in rows if r["score"].get("defect_recall") is not None]
    stages = {}
    for r in rows:
        for k, v in r["timings"].items():
            if isinstance(v, (int, float)):
                stages.setdefault(k, []).append(v)
    return {
        "stages": {k: pct(v, 50) for k, v in stages.items()},
        "name": name, "frames": n, "registered": len(reg) / n if n else float("nan"),
        "ch_median": all_m, "ch_p95": all_p, "nc_median": nc_m, "nc_p95": nc_p, "nc_n": nc_n,
        "cr_median": cr_m, "cr_p95": cr_p, "cr_n": cr_n,
        "recall_mean": float(np.mean(recall)) if recall else float("nan"),
        "recall_min": float(np.min(recall)) if recall else float("nan"),
        "recall_interior": float(np.mean(rec_in)) if rec_in else float("nan"),
        "recall_nocreep": float(np.mean(rec_nc)) if rec_nc else float("nan"),
        "recall_frames_099": float(np.mean([x >= 0.99 for x in recall])) if recall else float("nan"),
        "defect_p": float(np.mean(dp)) if dp else float("nan"), "defect_r": float(np.mean(dr)) if dr else float("nan"),
        "t_median": pct(t_in, 50), "t_p95": pct(t_in, 95), "wall_median": pct(t_wall, 50), "cpu_median": pct(t_cpu, 50),
        "c512_median": pct(c512, 50),
        "icpu_median": pct(t_icpu, 50), "i512_median": pct(i512, 50),
        "icpu_estimated": not any(r["timings"].get("cpu_total") is not None for r in rows),
        "t512_median": pct(t512, 50), "w512_median": pct(w512, 50), "n512": len(w512),
    }


def table(summaries, descriptions, frames_info, notes):
    lines = frames_info + [""]
    lines.append("| method | frames | registered | CH err median (L) | CH err p95 (L) | no-creep median / p95 (frames) "
                 "| creep median / p95 (frames) | adatom recall @OKS0.95 mean (min) | no-creep frames | ≥ 0.5 nm from edge | frames with recall ≥ 0.99 "
                 "| defect P / R | time/frame median (p95), ms | in-process CPU median, ms | process wall / CPU median, ms | 512² frames: time / in-process CPU / process CPU median, ms |")
    lines.append("|" + "---|" * 16)
    for s in summaries:
        lines.append(
            f"| {s['name']} | {s['frames']} | {fmt(s['registered'], 2)} | {fmt(s['ch_median'], 4)} | {fmt(s['ch_p95'], 4)} "
            f"| {fmt(s['nc_median'], 4)} / {fmt(s['nc_p95'], 4)} ({s['nc_n']}) "
            f"| {fmt(s['cr_median'], 4)} / {fmt(s['cr_p95'], 4)} ({s['cr_n']}) "
            f"| {fmt(s['recall_mean'])} ({fmt(s['recall_min'])}) | {fmt(s['recall_nocreep'])} | {fmt(s['recall_interior'])} "
            f"| {fmt(s['recall_frames_099'], 2)} "
            f"| {fmt(s['defect_p'], 2)} / {fmt(s['defect_r'], 2)} "
            f"| {fmt(s['t_median'], 1)} ({fmt(s['t_p95'], 1)}) | {fmt(s['icpu_median'], 1)}{' (est.)' if s['icpu_estimated'] else ''} "
            f"| {fmt(s['wall_median'], 0)} / {fmt(s['cpu_median'], 0)} "
            f"| {fmt(s['t512_median'], 1)} / {fmt(s['i512_median'], 1)} / {fmt(s['c512_median'], 0)} (n={s['n512']}) |")
    lines.append("")
    by = {s["name"]: s for s in summaries}
    if "anchorreg" in by:
        ours = by["anchorreg"]
        for ref in ("paper-literal", "paper-tuned"):
            if ref in by and ours["t_median"] > 0:
                lines.append(f"- speed ratio {ref} / anchorreg (median in-process time per frame): "
                             f"{by[ref]['t_median'] / ours['t_median']:.1f}×; process wall: "
                             f"{by[ref]['wall_median'] / ours['wall_median']:.1f}×; in-process CPU{' (ours estimated)' if ours['icpu_estimated'] else ''}: "
                             f"{by[ref]['icpu_median'] / ours['icpu_median']:.1f}×; process CPU: "
                             f"{by[ref]['cpu_median'] / ours['cpu_median']:.1f}×")
        lines.append("")
    lines.append("Median in-process timings_ms per stage (wall clock inside the process):")
    for s in summaries:
        lines.append(f"- {s['name']}: " + ", ".join(f"{k} {v:.1f}" for k, v in s["stages"].items()))
    lines.append("")
    lines.append("Methods:")
    for name, d in descriptions:
        lines.append(f"- **{name}**: {d}")
    lines.append("")
    lines += notes
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--frames", required=True, help="directory of frame directories (frame.tiff + truth.json)")
    ap.add_argument("--results", required=True)
    ap.add_argument("--label", default="random", help="frame set: random (synth --random) or 512")
    ap.add_argument("--ours", choices=["auto", "yes", "no"], default="auto")
    ap.add_argument("--rescore", action="store_true",
                    help="do not run anything: score the result-*.json files again, timings from the last run's JSON")
    ap.add_argument("--pin-cpu", type=int, default=0, help="taskset CPU for every run (-1: no pinning)")
    a = ap.parse_args()
    pin = None if a.pin_cpu < 0 else a.pin_cpu
    with_ours = {"yes": True, "no": False}.get(a.ours)
    if with_ours is None:
        with_ours = has_locate(a.bin)
    ms = methods(sys.executable, a.bin, with_ours)
    frames = sorted(d for d in os.listdir(a.frames) if os.path.isfile(os.path.join(a.frames, d, "truth.json")))
    rows = {m[0]: [] for m in ms}
    previous = {}
    if a.rescore:
        with open(os.path.splitext(a.results)[0] + ".json") as f:
            last = json.load(f)["frames"]
        previous = {(n, r["frame"]): r for n, rs in last.items() for r in rs}
        ms = [m for m in ms if any(k[0] == m[0] for k in previous)]
        rows = {m[0]: [] for m in ms}
    for k, d in enumerate(frames):
        fdir = os.path.join(a.frames, d)
        with open(os.path.join(fdir, "truth.json")) as f:
            truth = json.load(f)
        frame = os.path.join(fdir, "frame.tiff")
        status = []
        for name, _, build in ms:
            out = os.path.join(fdir, f"result-{name}.json")
            if a.rescore:
                prev = previous[(name, d)]
                wall, cpu = prev["wall_ms"], prev["cpu_ms"]
                try:
                    with open(out) as f:
                        res = json.load(f)
                except (OSError, ValueError):
                    res = {"error": prev["score"].get("error", "no result file")}
            else:
                cmd, stdout_to = build(frame, truth, out)
                r, wall, cpu = run_one(cmd, stdout_to, pin)
                try:
                    with open(out) as f:
                        res = json.load(f)
                except (OSError, ValueError):
                    res = {"error": f"exit {r.returncode}: {(r.stderr or '').strip()[-300:]}"}
                if r.returncode != 0 and "error" not in res:
                    res["error"] = f"exit {r.returncode}: {(r.stderr or '').strip()[-300:]}"
            s = score(truth, res)
            rows[name].append({"frame": d, "score": s, "timings": res.get("timings_ms") or {}, "wall_ms": wall,
                               "cpu_ms": cpu})
            status.append(f"{name}: {'ok' if s.get('registered') else 'FAIL'} rec={s['adatom_recall']:.3f} "
                          f"t={(res.get('timings_ms') or {}).get('total', float('nan')):.0f}ms")
        print(f"[{k + 1}/{len(frames)}] {d} {truth['width']}px creep={truth.get('homography') is None}: " + "; ".join(status),
              file=sys.stderr, flush=True)
    summaries = [summarise(name, rows[name]) for name, _, _ in ms]
    sizes = {}
    for r in rows[ms[0][0]]:
        sizes[r["score"]["size"]] = sizes.get(r["score"]["size"], 0) + 1
    source = ("`anchorreg synth si7x7 --random`" if a.label == "random" else
              "`anchorreg synth si7x7` at 512² px, other parameters drawn over the `--random` ranges (reference/synth_options.py)")
    info = [f"## Frame set `{a.label}`", "",
            f"{len(frames)} frames from {source} ({', '.join(f'{n}×{s}²' for s, n in sorted(sizes.items()))} px), "
            f"{sum(1 for r in rows[ms[0][0]] if r['score']['creep'])} with creep. One process per frame and method, "
            f"{'pinned to CPU ' + str(pin) if pin is not None and shutil.which('taskset') else 'not pinned'}; "
            f"OpenCV single-threaded (cv2.setNumThreads(1)). Machine: {os.cpu_count()} cores shared with other jobs."]
    notes = [
        "Definitions (Benchmarks/reference/score_si7x7.py): L = 2.688 nm; image px → nm with the truth's true pixel size at the frame centre.",
        "- CH err: distance of each truth corner hole to the nearest corner hole predicted by the result's homography, pooled over registered frames.",
        "- registered: a homography was returned and ≥ 90 % of the frame's truth corner holes have CH err < 0.25 L.",
        "- adatom recall: truth adatom sites (present or missing) with a result site within 0.0861 nm (OKS 0.95, s = 2.688 nm, k = 0.1); failed frames count 0. "
        "Mean over frames; also over the frames without creep, and over the sites at least 0.5 nm from the frame's edge.",
        "- defect P / R: sites flagged missing vs truly missing, over truth sites matched within the tolerance (mean over frames where defined).",
        "- time/frame: the method's own timings_ms.total, in-process: the reference from file read to sites (reading the float32 TIFF is 1–3 ms "
        "of it), anchorreg from file read to sites too (read, levelling, lattice estimate, extraction, vote, rough, fine, sites). "
        "wall: the whole process incl. start-up and imports; for anchorreg also writing its output files (corrected TIFF/PNG, overlay, report.html), "
        "for the reference the warp (cv2.warpPerspective) but no files. CPU: user + system time of the process (getrusage), "
        "less sensitive than wall time to other jobs on the machine. in-process CPU: the reference measures it (time.process_time over "
        "the same span as its total); anchorreg measures it too (timings_ms.cpu_total, the thread's CPU time over the same span); "
        "for a build that does not report it, it is estimated as timings_ms.total × (process CPU / process wall) — marked (est.).",
        "- The paper pipeline is given the true lattice constant in pixels and the true rotation (semi-automatic in the paper); this is generous to it.",
    ]
    if not with_ours:
        notes.append("- `anchorreg locate` was not available in this build: only the reference is reported.")
    # The Python side's fixed start-up cost: an interpreter that only imports what the reference imports.
    imports = [sys.executable, "-c", "import cv2, numpy, tifffile, scipy.spatial"]
    base = sorted(run_one(imports, None, pin)[1:] for _ in range(3))[1] if not a.rescore else (float("nan"), float("nan"))
    if not a.rescore:
        notes.append(f"- Python start-up + imports alone (median of 3): wall {base[0]:.0f} ms, CPU {base[1]:.0f} ms; "
                     "it is inside the reference's process figures, not inside its timings_ms.")
    if with_ours:
        notes.append("- anchorreg's process figures include writing its outputs (corrected TIFF and PNG, overlay PNG, report.html, "
                     "CSVs): `locate` always writes them.")
    md = table(summaries, [(n, d) for n, d, _ in ms], info, notes)
    os.makedirs(os.path.dirname(os.path.abspath(a.results)), exist_ok=True)
    with open(a.results, "w") as f:
        f.write(md)
    with open(os.path.splitext(a.results)[0] + ".json", "w") as f:
        json.dump({"summaries": summaries,
                   "frames": {n: [{k: v for k, v in r.items()} for r in rs] for n, rs in rows.items()}}, f)
    print(md)


if __name__ == "__main__":
    main()
