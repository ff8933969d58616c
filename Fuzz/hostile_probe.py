#!/usr/bin/env python3
"""Hostile-input probe of the `anchorreg` command line (issue 14): runs at least 1,000 bad
inputs — parameters, files, CSVs, model JSONs, file names — and counts

  crash   the process died of a signal or printed "Fatal error" (a trap);
  hang    it ran past the time limit;
  silent  exit status 0 for an input that must be refused (non-finite or absurd numbers,
          NUL bytes, dash-led file names taken as options, special files);
  error   a refusal with a message (the wanted outcome for must-refuse inputs);
  ok      exit 0 where success is legitimate (a mutated file can still be a valid image).

Usage: Fuzz/hostile_probe.py [--bin PATH] [--timeout S] [--out DIR] [--json]
Needs the shared data beside the package (../shared) for the file mutations.
"""
import argparse, json, os, random, shutil, signal, stat, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("ANCHORREG_SHARED", os.path.join(ROOT, "..", "shared"))
REAL = os.path.join(SHARED, "data", "real")

BAD_NUMBERS = ["inf", "-inf", "nan", "1e308", "-1e308", "9223372036854775807", "-9223372036854775808",
               "1e400", "abc", "", "1,2", "1e-400q", "--", "NaN", "+inf", "1e-320x"]


def probes(tmp):
    """(name, argv, must_refuse) triples; argv[0] is replaced by the binary."""
    out = []
    frame = os.path.join(tmp, "frame.tiff")
    csv = os.path.join(tmp, "pairs.csv")
    # 1. Numeric options fed non-finite, overflowing or malformed values: always refused.
    numeric = [
        (["locate", frame, "--model", "si111-7x7"], ["--spacing-px", "--rotation", "--shear"]),
        (["register", frame, "--model", "si111-7x7"], ["--spacing-px", "--rotation", "--shear"]),
        (["synth", "si7x7", "--seed", "1", "--size", "32", "--out", "OUT"],
         ["--noise", "--pink-noise", "--line-offset", "--rotation", "--fov-nm", "--defects", "--blur-nm", "--adsorbates", "--size"]),
        (["synth", "om-pair", "--seed", "1", "--size", "64x64", "--out", "OUT"],
         ["--side-um", "--dark-before", "--change", "--noise", "--illumination", "--truth-grid"]),
        (["validate", "--points", "4", "--noise", "0", "--samples", "2"], ["--samples", "--missing", "--outliers", "--threads"]),
        (["fit", csv], ["--rotation", "--rotation-tolerance", "--scale"]),
        (["detect", frame], ["--min-distance"]),
    ]
    for base, options in numeric:
        for opt in options:
            for v in BAD_NUMBERS:
                if v == "" and opt == "--size":
                    continue
                argv = [a if a != "OUT" else os.path.join(tmp, "out-%d" % len(out)) for a in base]
                extra = ["--unpaired"] if base[0] == "fit" and opt != "--threads" else []
                out.append(("%s %s %s" % (base[0], opt, v), argv + extra + ["%s=%s" % (opt, v)], True))
    # Built-in model parameters.
    for m in ["square", "device4", "hex-lattice", "square-lattice"]:
        for v in BAD_NUMBERS + ["0", "-1", "1e10"]:
            out.append(("models show %s:%s" % (m, v), ["models", "show", "%s:%s" % (m, v)], True))
    # 2. CSVs with one bad field each.
    good = ["model_x,model_y,image_x,image_y"] + ["%d,%d,%d,%d" % (x, y, x + 1, y + 2) for x in range(3) for y in range(3)]
    bad_fields = ["1\x009", "inf", "nan", "1e400", "", "x", "1 2", "--1", "1e308e", "\ufeff1", "1;2", "-nan"]
    for k, f in enumerate(bad_fields):
        for col in range(4):
            rows = list(good)
            parts = rows[3].split(",")
            parts[col] = f
            rows[3] = ",".join(parts)
            path = os.path.join(tmp, "bad-%d-%d.csv" % (k, col))
            with open(path, "wb") as fh:
                fh.write(("\n".join(rows) + "\n").encode("utf-8"))
            out.append(("fit field %r col %d" % (f, col), ["fit", path], True))
    # 3. Model JSONs: malformed and hostile.
    models = {
        "empty": "", "null": "null", "array": "[]", "nan": '{"name":"x","unit":"nm","anchors":[[NaN,0]]}',
        "deep": "[" * 100000 + "]" * 100000, "string": '"x"', "huge-number": '{"name":"x","unit":"nm","lattice":{"a1":[1e400,0]}}',
    }
    for name, text in models.items():
        path = os.path.join(tmp, "model-%s.json" % name)
        with open(path, "w") as fh:
            fh.write(text)
        out.append(("models show %s" % name, ["models", "show", path], True))
        out.append(("locate model %s" % name, ["locate", frame, "--model", path, "--out", os.path.join(tmp, "o-" + name)], True))
    # 4. Special files and file names.
    fifo = os.path.join(tmp, "fifo.sxm")
    os.mkfifo(fifo)
    for cmd in ["info", "convert"]:
        for special in [fifo, "/dev/zero", "/dev/null", tmp]:
            argv = [cmd, special] + ([os.path.join(tmp, "c.tif")] if cmd == "convert" else [])
            out.append(("%s %s" % (cmd, special), argv, True))
    dash = os.path.join(tmp, "-dash.sxm")
    shutil.copy(frame, dash)
    for cmd in ["info", "detect", "locate"]:
        out.append(("%s -dash" % cmd, [cmd, "-dash.sxm"] + (["--model", "si111-7x7"] if cmd == "locate" else []), True))
    # 5. Mutated real files (truncations and byte flips): refusal or success, never a crash.
    rng = random.Random(14)
    sources = []
    for sub in sorted(os.listdir(REAL)) if os.path.isdir(REAL) else []:
        d = os.path.join(REAL, sub)
        if os.path.isdir(d):
            sources += [os.path.join(d, f) for f in sorted(os.listdir(d))
                        if not f.endswith((".png", ".txt", ".md")) or f.endswith(".jpg")]
    sources.append(frame)
    for src in sources:
        data = open(src, "rb").read()
        if len(data) > 8_000_000:
            continue
        for k in range(32):
            b = bytearray(data)
            if k % 3 == 0:
                b = b[: rng.randrange(1, max(2, len(b)))]
            else:
                for _ in range(1 + k):
                    i = rng.randrange(len(b))
                    b[i] = rng.randrange(256)
            path = os.path.join(tmp, "mut-%d-%s" % (k, os.path.basename(src)))
            with open(path, "wb") as fh:
                fh.write(b)
            out.append(("info mutated %s #%d" % (os.path.basename(src), k), ["info", path], False))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "anchorreg"))
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="anchorreg-probe-")
    try:
        r = subprocess.run([a.bin, "synth", "si7x7", "--seed", "1", "--size", "128", "--fov-nm", "10", "--out", tmp, "--force"],
                           capture_output=True)
        if r.returncode != 0:
            sys.exit("cannot make the probe frame: " + r.stderr.decode(errors="replace"))
        with open(os.path.join(tmp, "pairs.csv"), "w") as fh:
            fh.write("set,x,y\n" + "".join("model,%d,%d\nimage,%d,%d\n" % (x, y, x, y) for x in range(3) for y in range(3)))
        counts = {"crash": 0, "hang": 0, "silent": 0, "error": 0, "ok": 0}
        findings = []
        all_probes = probes(tmp)
        for name, argv, must_refuse in all_probes:
            t0 = time.time()
            try:
                p = subprocess.run([a.bin] + argv, capture_output=True, timeout=a.timeout, cwd=tmp)
            except subprocess.TimeoutExpired:
                counts["hang"] += 1
                findings.append(("hang", name))
                continue
            err = p.stderr.decode(errors="replace")
            if p.returncode < 0 or p.returncode >= 128 or "Fatal error" in err:
                kind = "crash"
            elif p.returncode == 0:
                kind = "silent" if must_refuse else "ok"
            else:
                kind = "error"
            counts[kind] += 1
            if kind in ("crash", "silent"):
                findings.append((kind, name))
        # Determinism: locate twice on the same frame gives the same result.json, timings aside.
        def result(folder):
            subprocess.run([a.bin, "locate", os.path.join(tmp, "frame.tiff"), "--model", "si111-7x7", "--out", folder],
                           capture_output=True, timeout=a.timeout * 5, cwd=tmp)
            with open(os.path.join(folder, "result.json")) as fh:
                r = json.load(fh)
            def strip(x):
                if isinstance(x, dict):
                    return {k: strip(v) for k, v in x.items() if "timing" not in k and k not in ("seconds", "milliseconds")}
                if isinstance(x, list):
                    return [strip(v) for v in x]
                return x
            return json.dumps(strip(r), sort_keys=True)
        identical = result(os.path.join(tmp, "run-a")) == result(os.path.join(tmp, "run-b"))
        if not identical:
            findings.append(("nondeterministic", "locate result.json differs between two runs"))
        report = {"probes": len(all_probes), **counts, "locate_twice_identical": identical, "findings": findings}
        if a.json:
            print(json.dumps(report, indent=2))
        else:
            print("probes %d: crash %d, hang %d, silent %d, refused %d, accepted (legitimate) %d; locate twice identical: %s"
                  % (len(all_probes), counts["crash"], counts["hang"], counts["silent"], counts["error"], counts["ok"], identical))
            for kind, name in findings:
                print("  %s: %s" % (kind, name))
        sys.exit(1 if counts["crash"] or counts["hang"] or counts["silent"] or not identical else 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
