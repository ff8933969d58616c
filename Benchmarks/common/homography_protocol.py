"""The Monte-Carlo homography protocol of issue 2, shared by the fit benchmarks.

A sample is an n = k x k unit grid centred on the origin mapped through a random
T·Persp·R·Shear·Scale homography (the same draw as `ValidationConfiguration` in Swift);
noise and outliers are added by the caller.
"""
import math
import numpy as np


def random_h(rng, n):
    """A random homography for an n-point grid: rotation U(-pi, pi), scales U(0.8, 1.25),
    shear U(-0.2, 0.2), perspective U(-0.05, 0.05) per grid radius, translation U(-1, 1)."""
    r = max((n - 1) / 2, 0.5)
    th = rng.uniform(-math.pi, math.pi)
    sx, sy = rng.uniform(0.8, 1.25, 2)
    a = rng.uniform(-0.2, 0.2)
    g, h = rng.uniform(-0.05, 0.05, 2) / r
    tx, ty = rng.uniform(-1, 1, 2)
    T = np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1.0]])
    P = np.array([[1, 0, 0], [0, 1, 0], [g, h, 1.0]])
    R = np.array([[math.cos(th), -math.sin(th), 0], [math.sin(th), math.cos(th), 0], [0, 0, 1.0]])
    S = np.array([[1, a, 0], [0, 1, 0], [0, 0, 1.0]])
    D = np.diag([sx, sy, 1.0])
    return T @ P @ R @ S @ D


def apply(H, pts):
    """Maps (x, y) rows of `pts` through H (projective division included)."""
    q = np.c_[pts, np.ones(len(pts))] @ H.T
    return q[:, :2] / q[:, 2:]
