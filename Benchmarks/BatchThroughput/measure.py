"""`anchorreg batch` throughput on 2 cores vs 1 core, and N = 1 vs N = 3 shards (issue 12).

Makes `--frames` synthetic Si(111)-7x7 frames once (`anchorreg synth si7x7`, seeds 1…N), then:
- 1 core: `taskset -c 0 anchorreg batch FRAMES --threads 1`;
- 2 cores: `taskset -c 0,1 anchorreg batch FRAMES --threads 2`;
each into a fresh folder, best of --repeats, reporting wall time, the child's CPU time
(user + sys) and frames/s. The machine may be shared: the load average is printed with each
run, and the CPU time per frame shows whether two threads cost more CPU per frame (contention)
independently of how much of the machine other work took. The wall-time ratio is the
throughput gain; it is only meaningful when the two cores were free (see the load).
- N = 3: the three shards run one after the other into one folder; `batch merge` of the N = 1
  and N = 3 folders must give the same table except the timing columns, and every
  result.json must be identical except its timings_ms.
"""
import argparse, csv, io, json, os, resource, shutil, subprocess, time


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), load


def stable_table(anchorreg, folder, out):
    subprocess.run([anchorreg, "batch", "merge", folder, "--out", out, "--force"], stdout=subprocess.DEVNULL, check=True)
    with open(out) as f:
        return [row[:12] for row in csv.reader(f)]


def results_without_timings(folder):
    out = {}
    root = os.path.join(folder, "frames")
    for name in sorted(os.listdir(root)):
        p = os.path.join(root, name, "result.json")
        if os.path.exists(p):
            with open(p) as f:
                j = json.load(f)
            j.pop("timings_ms", None)
            out[name] = json.dumps(j, sort_keys=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--anchorreg", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--frames", type=int, default=400)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--fov-nm", type=float, default=10)
    ap.add_argument("--repeats", type=int, default=1)
    a = ap.parse_args()
    frames = os.path.join(a.out, f"frames-{a.frames}-{a.size}")
    os.makedirs(frames, exist_ok=True)
    tmp = os.path.join(a.out, "synth-tmp")
    for k in range(a.frames):
        target = os.path.join(frames, f"frame-{k:04d}.tiff")
        if os.path.exists(target):
            continue
        shutil.rmtree(tmp, ignore_errors=True)
        subprocess.run([a.anchorreg, "synth", "si7x7", "--seed", str(k + 1), "--size", str(a.size), "--fov-nm", str(a.fov_nm),
                        "--drift", f"{0.1 * (k % 5)},0.2", "--rotation", str(k % 30), "--out", tmp],
                       stdout=subprocess.DEVNULL, check=True)
        tiffs = sorted(f for f in os.listdir(tmp) if f.endswith(".tiff"))
        shutil.move(os.path.join(tmp, tiffs[0]), target)
    runs = {}
    for label, cores, threads in [("1 core", "0", 1), ("2 cores", "0,1", 2)]:
        best = None
        for _ in range(a.repeats):
            o = os.path.join(a.out, f"run-{threads}")
            shutil.rmtree(o, ignore_errors=True)
            r = run(["taskset", "-c", cores, a.anchorreg, "batch", frames, "--model", "si111-7x7", "--out", o,
                     "--threads", str(threads), "--quiet"])
            if best is None or r[0] < best[0]:
                best = r
        wall, cpu, load = best
        runs[label] = {"wall_s": wall, "cpu_s": cpu, "frames_per_s": a.frames / wall,
                       "cpu_ms_per_frame": cpu * 1e3 / a.frames, "load_avg_1min": load}
    sharded = os.path.join(a.out, "run-shards")
    shutil.rmtree(sharded, ignore_errors=True)
    for i in range(3):
        subprocess.run([a.anchorreg, "batch", frames, "--model", "si111-7x7", "--out", sharded, "--shard", f"{i}/3",
                        "--threads", "2", "--quiet"], stdout=subprocess.DEVNULL, check=True)
    t1 = stable_table(a.anchorreg, os.path.join(a.out, "run-1"), os.path.join(a.out, "table-n1.csv"))
    t3 = stable_table(a.anchorreg, sharded, os.path.join(a.out, "table-n3.csv"))
    same_table = t1 == t3
    same_results = results_without_timings(os.path.join(a.out, "run-1")) == results_without_timings(sharded)
    ok = sum(1 for row in t1[1:] if row[1] == "ok")
    one, two = runs["1 core"], runs["2 cores"]
    print(f"{a.frames} frames {a.size}², {ok} ok; best of {a.repeats}")
    for label, r in runs.items():
        print(f"  {label}: {r['wall_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU ({r['cpu_ms_per_frame']:.1f} ms/frame), "
              f"{r['frames_per_s']:.1f} frames/s, load average {r['load_avg_1min']:.1f}")
    print(f"  throughput 2 cores / 1 core (wall): {two['frames_per_s'] / one['frames_per_s']:.2f}x; "
          f"CPU per frame 2 threads / 1 thread: {two['cpu_ms_per_frame'] / one['cpu_ms_per_frame']:.2f}")
    print(f"  N = 1 vs N = 3 shards: table identical (timings aside): {same_table}; result.json identical: {same_results}")
    with open(os.path.join(a.out, "batch-throughput.json"), "w") as f:
        json.dump({"runs": runs, "same_table": same_table, "same_results": same_results, "frames": a.frames,
                   "size": a.size, "ok": ok}, f, indent=2)


if __name__ == "__main__":
    main()
