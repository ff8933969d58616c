"""Prints `anchorreg synth si7x7` options for a 512² frame whose other parameters are drawn from
SEED over the ranges of `Si7x7SceneParameters.random` (issue 4's acceptance study), because
`--random` also draws the frame size (256–1024) and the "Speed" item is about 512² frames.

    python synth_options.py SEED
"""

import random
import sys


def options(seed):
    g = random.Random(seed)
    fov = g.uniform(10, 40)
    drift_mag = g.uniform(0, 0.06) * fov
    drift_angle = g.uniform(0, 6.283185307179586)
    import math
    opts = ["--size", "512", f"--fov-nm={fov:.4f}", f"--rotation={g.uniform(0, 360):.4f}",
            f"--drift={drift_mag * math.cos(drift_angle):.4f},{drift_mag * math.sin(drift_angle):.4f}"]
    if g.random() < 0.5:
        amp = g.uniform(0, 0.04) * fov * (-1 if g.random() < 0.5 else 1)
        opts += [f"--creep={amp:.4f},{g.uniform(0.03, 0.3):.4f}"]
    opts += [f"--perspective={g.uniform(-0.01, 0.01):.5f},{g.uniform(-0.01, 0.01):.5f}",
             f"--defects={g.uniform(0, 0.05):.4f}", f"--noise={g.uniform(0, 0.35):.4f}",
             f"--pink-noise={g.uniform(0, 0.15):.4f}", f"--line-offset={g.uniform(0, 0.1):.4f}",
             f"--blur-nm={g.uniform(0.03, 0.15):.4f}"]
    if g.random() < 0.5:
        opts.append("--no-calibration")
    return opts


if __name__ == "__main__":
    print(" ".join(options(int(sys.argv[1]))))
