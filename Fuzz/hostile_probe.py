#!/usr/bin/env python3
"""Hostile-input probe of the `anchorreg` command line (issue 14): runs at least 1,000 bad
inputs — parameters, files, CSVs, model JSONs, file names — and counts

  crash   the process died of a signal or printed "Fatal error" (a trap);
  hang    it ran past the time limit;
  silent  exit status 0 for an input that must be refused (non-finite or absurd numbers,
          NUL bytes, dash-led file names taken as options, special files);
  error   a refusal with a message (the wanted outcome for must-refuse inputs);
  ok      exit 0 where success is legitimate (a mutated file can still be a valid image);
  leftover  a run on a full disk left `.tmp-*` temporaries behind (counted besides the above).

Usage: Fuzz/hostile_probe.py [--bin PATH] [--timeout S] [--json]
--bin defaults to the release build (.build-release/release/anchorreg) when it exists, else
the debug build. Needs the shared data beside the package (../shared) for the file mutations.
The full-disk probes mount a small tmpfs in a private mount namespace (`unshare -m`, root);
without it they are skipped and counted as skipped.
"""
import argparse, json, os, random, shutil, signal, stat, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("ANCHORREG_SHARED", os.path.join(ROOT, "..", "shared"))
REAL = os.path.join(SHARED, "data", "real")
FORMATS = os.path.join(SHARED, "data", "formats")
SEEDS = os.path.join(ROOT, "Fuzz", "seeds")
FULL_DISK = "__FULL_DISK__"

BAD_NUMBERS = ["inf", "-inf", "nan", "1e308", "-1e308", "9223372036854775807", "-9223372036854775808",
               "1e400", "abc", "", "1,2", "1e-400q", "--", "NaN", "+inf", "1e-320x"]


def probes(tmp, binary):
    """(name, argv, must_refuse) triples; the binary is put in front of argv (a full-disk probe
    starts with FULL_DISK and its tmpfs size in KiB)."""
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
    # Every supported format: the instrument files of ../shared/data/formats and the small
    # seeds of Fuzz/seeds (sxm, gwy, gsf, npy, spm, raw…), plus PNG and TIFF from synth.
    for base in (FORMATS, SEEDS):
        for d, _, files in sorted(os.walk(base)) if os.path.isdir(base) else []:
            sources += [os.path.join(d, f) for f in sorted(files)
                        if not f.startswith("LICENSE") and not f.endswith((".txt", ".md"))]
    sources += [frame, os.path.join(tmp, "frame.png")]
    locate_every = 8
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
            # The whole pipeline on some of them (a mutant may still register: not must-refuse).
            if k % locate_every == 0:
                out.append(("locate mutated %s #%d" % (os.path.basename(src), k),
                            ["locate", path, "--model", "si111-7x7", "--out", os.path.join(tmp, "lm-%d" % len(out))], False))
    out += model_mutations(tmp, binary, frame)
    out += unwritable_outputs(tmp, frame)
    return out


def model_mutations(tmp, binary, frame):
    """Model JSONs with one field broken: a number made non-finite, absurd or a string, a
    list emptied or made huge, a key deleted or nulled. Run through `models show` and, for
    every fourth, `locate`. Non-finite and wrongly typed numbers must be refused; a deleted,
    nulled or resized field may still leave a valid model."""
    out = []
    bases = {}
    for name in ["si111-7x7", "hex-lattice:0.246", "square-lattice:0.39"]:
        r = subprocess.run([binary, "models", "show", name], capture_output=True)
        if r.returncode == 0:
            bases[name] = json.loads(r.stdout)
    device = os.path.join(tmp, "om", "device.json")
    if os.path.exists(device):
        bases["device"] = json.load(open(device))

    def paths(v, prefix):
        if isinstance(v, dict):
            for k, m in v.items():
                yield prefix + [k], m
                yield from paths(m, prefix + [k])
        elif isinstance(v, list):
            for i, m in enumerate(v[:3]):
                yield prefix + [i], m
                yield from paths(m, prefix + [i])

    def with_value(doc, path, value, delete=False):
        d = json.loads(json.dumps(doc))
        cur = d
        for k in path[:-1]:
            cur = cur[k]
        if delete:
            if isinstance(cur, dict):
                del cur[path[-1]]
            else:
                cur.pop(path[-1])
        else:
            cur[path[-1]] = value
        return d

    n = 0
    for base_name, doc in bases.items():
        for path, value in list(paths(doc, [])):
            variants = []
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                variants += [("1e999", "RAW1e999", True), ("nan", "RAWNaN", True), ("string", "x", True),
                             ("huge", 1e300, False), ("negative", -value - 1, False), ("zero", 0, False)]
            elif isinstance(value, list):
                variants += [("empty", [], False), ("long", (value * 200000)[:200000] if value else [0] * 200000, False)]
            elif isinstance(value, str):
                variants += [("number", 7, True), ("empty-string", "", False)]
            variants += [("null", None, False), ("deleted", None, False)]
            for label, v, must in variants:
                d = with_value(doc, path, None if label == "deleted" else v, delete=(label == "deleted"))
                text = json.dumps(d).replace('"RAW1e999"', "1e999").replace('"RAWNaN"', "NaN")
                fname = os.path.join(tmp, "model-mut-%d.json" % n)
                with open(fname, "w") as fh:
                    fh.write(text)
                where = "/".join(str(k) for k in path)
                out.append(("models show %s %s=%s" % (base_name, where, label), ["models", "show", fname], must))
                if n % 4 == 0 and base_name != "device":
                    out.append(("locate model %s %s=%s" % (base_name, where, label),
                                ["locate", frame, "--model", fname, "--out", os.path.join(tmp, "mm-%d" % n)], must))
                n += 1
    return out


def unwritable_outputs(tmp, frame):
    """Every writing command aimed at places it cannot write: a path under a regular file,
    /proc and /sys, an existing file where a folder is wanted, /dev/full (every write fails
    with ENOSPC), and a full disk (a 256 KiB tmpfs filled up before the run). All must be
    refused; a disk with 8 KiB left may take a small output. No run may leave `.tmp-*` behind."""
    out = []
    blocker = os.path.join(tmp, "a-file")
    with open(blocker, "w") as fh:
        fh.write("x")
    csv = os.path.join(tmp, "pairs.csv")
    om = os.path.join(tmp, "om")
    series = os.path.join(tmp, "series")
    writers = [
        ("locate", lambda o: ["locate", frame, "--model", "si111-7x7", "--out", o]),
        ("register", lambda o: ["register", frame, "--model", "si111-7x7", "--out", o]),
        ("synth si7x7", lambda o: ["synth", "si7x7", "--seed", "2", "--size", "128", "--out", o]),
        ("synth om-pair", lambda o: ["synth", "om-pair", "--seed", "2", "--size", "200x150", "--out", o]),
        ("validate", lambda o: ["validate", "--points", "4", "--noise", "0", "--samples", "3", "--out", o]),
        ("track", lambda o: ["track", series, "--model", "si111-7x7", "--out", o]),
        ("align", lambda o: ["align", om + "/before.png", om + "/after.png", "--model", om + "/device.json", "--out", o]),
        ("convert", lambda o: ["convert", frame, o + ".tif"]),
        ("detect --csv", lambda o: ["detect", frame, "--csv", o + ".csv"]),
        ("fit --out", lambda o: ["fit", csv, "--unpaired", "--out", o + ".json"]),
    ]
    targets = [("under a file", os.path.join(blocker, "sub")), ("/proc", "/proc/version/sub"),
               ("/sys", "/sys/anchorreg-probe"), ("existing file", blocker)]
    for name, make in writers:
        for tname, target in targets:
            argv = make(target)
            if name in ("convert", "detect --csv", "fit --out") and tname == "existing file":
                continue  # a file output over a file is a --force question, not unwritable
            out.append(("%s into %s" % (name, tname), argv, True))
        if name in ("convert", "detect --csv", "fit --out"):
            dev = make("/dev/full")
            dev[-1] = "/dev/full"
            out.append(("%s to /dev/full" % name, dev, True))
        # A 256 KiB disk filled up before the run (every write fails: must refuse), and one
        # with 8 KiB left (a small output may fit: success is legitimate, leftovers are not).
        for free in (0, 8):
            mnt = os.path.join(tmp, "disk-%d-%s" % (free, name.replace(" ", "_")))
            os.makedirs(mnt, exist_ok=True)
            label = "a full disk" if free == 0 else "a disk with %d KiB free" % free
            out.append(("%s on %s" % (name, label), [FULL_DISK, str(free), mnt] + make(os.path.join(mnt, "out")), free == 0))
    return out


def main():
    ap = argparse.ArgumentParser()
    release = os.path.join(ROOT, ".build-release", "release", "anchorreg")
    ap.add_argument("--bin", default=release if os.path.exists(release) else os.path.join(ROOT, ".build", "debug", "anchorreg"))
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="anchorreg-probe-")
    try:
        r = subprocess.run([a.bin, "synth", "si7x7", "--seed", "1", "--size", "128", "--fov-nm", "10", "--out", tmp, "--force"],
                           capture_output=True)
        if r.returncode != 0:
            sys.exit("cannot make the probe frame: " + r.stderr.decode(errors="replace"))
        for extra in (["synth", "om-pair", "--seed", "4", "--size", "200x150", "--truth-grid", "64", "--out", os.path.join(tmp, "om")],
                      ["synth", "si7x7", "--seed", "3", "--size", "128", "--fov-nm", "10", "--series", "2", "--interval", "30",
                       "--out", os.path.join(tmp, "series")]):
            r = subprocess.run([a.bin] + extra, capture_output=True)
            if r.returncode != 0:
                sys.exit("cannot make a probe fixture: " + r.stderr.decode(errors="replace"))
        with open(os.path.join(tmp, "pairs.csv"), "w") as fh:
            fh.write("set,x,y\n" + "".join("model,%d,%d\nimage,%d,%d\n" % (x, y, x, y) for x in range(3) for y in range(3)))
        counts = {"crash": 0, "hang": 0, "silent": 0, "error": 0, "ok": 0, "leftover": 0, "skipped": 0}
        findings = []
        all_probes = probes(tmp, a.bin)
        can_mount = os.geteuid() == 0 and shutil.which("unshare") is not None
        for name, argv, must_refuse in all_probes:
            if argv[0] == FULL_DISK:
                if not can_mount:
                    counts["skipped"] += 1
                    continue
                free, mnt = argv[1], argv[2]
                # Fill the disk with one file, then give back `free` KiB by truncating it.
                script = ('d=$1; f=$2; shift 2; mount -t tmpfs -o size=256k tmpfs "$d" || exit 99; '
                          'dd if=/dev/zero of="$d/filler" bs=1k 2>/dev/null; '
                          'if [ "$f" -gt 0 ]; then n=$(( $(stat -c %s "$d/filler") / 1024 - f )); truncate -s ${n}k "$d/filler"; fi; '
                          '"$@"; rc=$?; '
                          'if find "$d" -name ".tmp-*" | grep -q .; then echo "LEFTOVER-TEMPORARIES" >&2; fi; exit $rc')
                command = ["unshare", "-m", "sh", "-c", script, "sh", mnt, free, a.bin] + argv[3:]
            else:
                command = [a.bin] + argv
            try:
                p = subprocess.run(command, capture_output=True, timeout=a.timeout, cwd=tmp)
            except subprocess.TimeoutExpired:
                counts["hang"] += 1
                findings.append(("hang", name))
                continue
            err = p.stderr.decode(errors="replace")
            if argv[0] == FULL_DISK and p.returncode == 99:
                counts["skipped"] += 1
                continue
            if "LEFTOVER-TEMPORARIES" in err:
                counts["leftover"] += 1
                findings.append(("leftover", name))
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
            print("probes %d: crash %d, hang %d, silent %d, refused %d, accepted (legitimate) %d, leftover temporaries %d, "
                  "skipped %d; locate twice identical: %s"
                  % (len(all_probes), counts["crash"], counts["hang"], counts["silent"], counts["error"], counts["ok"],
                     counts["leftover"], counts["skipped"], identical))
            for kind, name in findings:
                print("  %s: %s" % (kind, name))
        sys.exit(1 if counts["crash"] or counts["hang"] or counts["silent"] or counts["leftover"] or not identical else 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
