"""Whole-process cost of `anchorreg locate` per frame, by output selection (issue 12).

For each synthetic frame (made once with `anchorreg synth si7x7`), runs
`anchorreg locate FRAME --model si111-7x7` as a child process with `--outputs json` and with
the default outputs, and reads, per run:
- the child's CPU time (user + sys, getrusage of the children) and wall time: the whole
  process, start-up and file writing included;
- the in-process analysis CPU (`timings_ms.cpu_total` of result.json: read + register +
  sites, on the calling thread).
Reports medians over frames and repeats, and the ratio whole-process CPU / analysis CPU.
The children run pinned to one core (taskset by run.sh) so that CPU is what is measured.
"""
import argparse, json, os, resource, shutil, statistics, subprocess, time


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchorreg", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--frames", type=int, default=5)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--fov-nm", type=float, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    frames = []
    for s in range(a.frames):
        d = os.path.join(a.out, f"synth-{a.size}-{s}")
        if not os.path.exists(os.path.join(d, "frame.tiff")):
            shutil.rmtree(d, ignore_errors=True)
            subprocess.run([a.anchorreg, "synth", "si7x7", "--seed", str(100 + s), "--size", str(a.size),
                            "--fov-nm", str(a.fov_nm), "--drift", "0.4,0.2", "--out", d],
                           stdout=subprocess.DEVNULL, check=True)
        tif = [f for f in os.listdir(d) if f.endswith(".tiff")]
        frames.append(os.path.join(d, sorted(tif)[0]))
    results = {}
    for label, extra in [("json", ["--outputs", "json"]), ("default", [])]:
        cpu, wall, analysis = [], [], []
        for f in frames:
            for r in range(a.repeats):
                o = os.path.join(a.out, f"run-{label}")
                shutil.rmtree(o, ignore_errors=True)
                c, w = run([a.anchorreg, "locate", f, "--model", "si111-7x7", "--out", o, "--quiet"] + extra)
                with open(os.path.join(o, "result.json")) as fh:
                    t = json.load(fh)["timings_ms"]
                cpu.append(c * 1e3); wall.append(w * 1e3); analysis.append(t["cpu_total"])
        results[label] = {"process_cpu_ms": statistics.median(cpu), "process_wall_ms": statistics.median(wall),
                          "analysis_cpu_ms": statistics.median(analysis),
                          "ratio": statistics.median([c / x for c, x in zip(cpu, analysis)])}
    print(f"{a.frames} frames {a.size}², {a.repeats} runs each; medians")
    for label, r in results.items():
        print(f"  --outputs {label:8s} whole process {r['process_cpu_ms']:7.1f} ms CPU, {r['process_wall_ms']:7.1f} ms wall; "
              f"analysis {r['analysis_cpu_ms']:6.1f} ms CPU; process/analysis {r['ratio']:.2f}x")
    with open(os.path.join(a.out, f"frame-process-{a.size}.json"), "w") as fh:
        json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
