"""k-d tree speed: AnchorGeometry.KDTree against scipy.spatial.cKDTree on identical data.

Uniform random points in a 1000 x 1000 square, random queries; times building the tree,
Q nearest-neighbour queries, Q 8-nearest queries and Q radius counts (radius chosen for about
10 neighbours), best of --repeats, one core each (scipy called with workers=1). The Swift
binary's answers are checked against scipy's (sums of the returned indices and counts).
"""
import argparse, json, subprocess, time
import numpy as np
from scipy.spatial import cKDTree

def best(fn, repeats):
    b = float("inf")
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        b = min(b, time.perf_counter() - t0)
    return b, out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="100,1000,10000,100000")
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        pts = rng.uniform(0, 1000, (n, 2))
        qs = rng.uniform(0, 1000, (a.queries, 2))
        radius = float(np.sqrt(10 * 1000 * 1000 / (np.pi * n)))
        path = f"{a.out}/kdtree-{n}.bin"
        np.concatenate([[n, a.queries, radius], pts.ravel(), qs.ravel()]).astype("<f8").tofile(path)
        sw = json.loads(subprocess.run([a.bench, path, str(a.repeats)], check=True,
                                       capture_output=True, text=True).stdout)
        t_build, tree = best(lambda: cKDTree(pts), a.repeats)
        t_nn, (_, nn) = best(lambda: tree.query(qs, k=1, workers=1), a.repeats)
        t_knn, (_, knn) = best(lambda: tree.query(qs, k=8, workers=1), a.repeats)
        t_rad, cnt = best(lambda: tree.query_ball_point(qs, radius, workers=1, return_length=True), a.repeats)
        ok = (int(nn.sum()) == sw["nn_sum"], int(knn.sum()) == sw["knn_sum"], int(cnt.sum()) == sw["radius_count"])
        rows.append(dict(n=n, queries=a.queries, swift=sw, scipy=dict(build=t_build, nearest=t_nn, knn8=t_knn, radius=t_rad),
                         answers_equal=all(ok)))
        print(f"n={n:>6}  build {sw['build']*1e3:8.3f} ms vs scipy {t_build*1e3:8.3f} ms ({t_build/sw['build']:5.2f}x)   "
              f"nearest {sw['nearest']*1e3:7.2f} vs {t_nn*1e3:7.2f} ms ({t_nn/sw['nearest']:5.2f}x)   "
              f"8-NN {sw['knn8']*1e3:7.2f} vs {t_knn*1e3:7.2f} ms ({t_knn/sw['knn8']:5.2f}x)   "
              f"radius {sw['radius']*1e3:7.2f} vs {t_rad*1e3:7.2f} ms ({t_rad/sw['radius']:5.2f}x)   answers equal: {all(ok)}")
    with open(f"{a.out}/kdtree.json", "w") as f:
        json.dump(rows, f, indent=1)

if __name__ == "__main__":
    main()
