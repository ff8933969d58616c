"""Device alignment over every look of `synth om-pair --random-look` (issue 11's acceptance).

For seeds 1..N: `anchorreg synth om-pair --seed S --random-look --size WxH`, then
`anchorreg align before.* after.* --model device.json --json`; the verdict, the corner errors
C1-C4 of both frames against truth.json (% of the square's side) and the error of the
dark-fraction change (points) are collected, and a table by look is printed (markdown) with
the raw records written to OUT/looks.json. Needs only the Python standard library.

usage: looks.py ANCHORREG OUT [--pairs 200] [--size 1024x768]
"""
import json
import math
import os
import subprocess
import sys


def percentile(v, q):
    if not v:
        return float("nan")
    s = sorted(v)
    return s[max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))]


def main():
    args = sys.argv[1:]
    opts = {"--pairs": "200", "--size": "1024x768"}
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = args[i + 1]
            del args[i:i + 2]
    binary, out = args[0], args[1]
    os.makedirs(out, exist_ok=True)
    records = []
    for seed in range(1, int(opts["--pairs"]) + 1):
        d = f"{out}/pair{seed}"
        subprocess.run([binary, "synth", "om-pair", "--seed", str(seed), "--random-look", "--size", opts["--size"],
                        "--truth-grid", "256", "--out", d, "--force", "--json"], check=True, capture_output=True)
        truth = json.load(open(f"{d}/truth.json"))
        p = truth["parameters"]
        look = p["look"]
        label = f'{look["tone"]}/{look["electrodes"]}/{"colour" if look["colour"] else "grey"}'
        ext = "jpg" if os.path.exists(f"{d}/before.jpg") else "png"
        r = subprocess.run([binary, "align", f"{d}/before.{ext}", f"{d}/after.{ext}", "--model", f"{d}/device.json",
                            "--out", f"{d}/al", "--force", "--json"], capture_output=True, text=True)
        rec = {"seed": seed, "look": label, "jpeg_quality": p.get("jpeg_quality"), "blur": p["blur_sigma_px"],
               "status": "error", "corners_pct": [], "change_error": None, "reasons": []}
        if r.stdout.strip():
            s = json.loads(r.stdout)
            rec["status"] = s["quality"]["status"]
            rec["reasons"] = [x["message"] for x in s["quality"]["reasons"]]
            for k, f in enumerate(s["frames"]):
                t = truth["anchors_in_image"][k]
                side = math.dist(t[0], t[1])
                for a in f["anchors"]:
                    if a["name"] in ("C1", "C2", "C3", "C4"):
                        i = int(a["name"][1]) - 1
                        rec["corners_pct"].append(math.dist(a["image"], t[i]) / side * 100)
            if s.get("change"):
                rec["change_error"] = abs(s["change"]["dark_fraction_change_points"] - truth["dark_fraction_change_points"])
        else:
            rec["reasons"] = [r.stderr.strip()[-300:]]
        records.append(rec)
        print(f'seed {seed} {label}: {rec["status"]} corners max {max(rec["corners_pct"], default=float("nan")):.3f} % '
              f'change err {rec["change_error"]}', file=sys.stderr, flush=True)
    json.dump(records, open(f"{out}/looks.json", "w"), indent=1)
    looks = sorted(set(r["look"] for r in records)) + ["all"]
    print("| look | pairs | refused | doubtful | corner p95 % side | corner max | change err p95 pts | max |")
    print("|---|---|---|---|---|---|---|---|")
    for l in looks:
        rs = [r for r in records if l == "all" or r["look"] == l]
        c = [e for r in rs for e in r["corners_pct"]]
        ch = [r["change_error"] for r in rs if r["change_error"] is not None]
        print(f'| {l} | {len(rs)} | {sum(r["status"] in ("refused", "error") for r in rs)} | '
              f'{sum(r["status"] == "doubtful" for r in rs)} | {percentile(c, 0.95):.4f} | {max(c, default=float("nan")):.4f} | '
              f'{percentile(ch, 0.95):.3f} | {max(ch, default=float("nan")):.3f} |')


if __name__ == "__main__":
    main()
