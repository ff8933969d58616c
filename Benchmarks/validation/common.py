"""Shared helpers of the validation benchmarks: loading the samples that
`anchorreg-bench export-samples --out DIR` wrote, and the study's metrics computed exactly as
AnchorReg computes them (ValidationStudy.swift), so the numbers compare one to one."""

import json
import math
import os

import numpy as np


def load_manifest(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        return json.load(f)


def load_condition(directory, entry):
    """Arrays of one condition: model (n², 2), true_h (S, 3, 3), image, and for pairing mode
    offsets (S + 1) and source."""
    folder = os.path.join(directory, entry["folder"])
    out = {}
    for name in ("model", "true_h", "image", "offsets", "source"):
        path = os.path.join(folder, name + ".npy")
        if os.path.exists(path):
            out[name] = np.load(path)
    return out


def apply_h(h, pts):
    """Maps (n, 2) points through the 3×3 transform with the projective division."""
    x = pts @ h[:, :2].T + h[:, 2]
    return x[:, :2] / x[:, 2:3]


def sample_distances(h_est, h_true, model):
    """d_i = ‖H_est⁻¹(H(P_m,i)) − P_m,i‖, or None when H_est is singular or maps a grid point
    to infinity (AnchorReg counts such a sample as failed)."""
    if h_est is None or not np.all(np.isfinite(h_est)):
        return None
    try:
        inv = np.linalg.inv(h_est)
    except np.linalg.LinAlgError:
        return None
    pt = apply_h(inv, apply_h(h_true, model))
    d = np.sqrt(np.sum((pt - model) ** 2, axis=1))
    if not np.all(np.isfinite(d)):
        return None
    return d


def selected_conditions(manifest, points=None, noise=None):
    """The manifest's conditions, kept to the point counts and noise levels given as
    comma-separated strings (`--points`, `--noise`; None keeps all)."""
    keep_points = {int(p) for p in points.split(",")} if points else None
    keep_noise = {float(x) for x in noise.split(",")} if noise else None
    return [e for e in manifest["conditions"]
            if not (keep_points and e["points"] not in keep_points)
            and not (keep_noise and e["noise"] not in keep_noise)]


def oks_hit_limit(manifest):
    """OKS > τ  ⇔  d² < 2 s² k² (−ln τ), the comparison AnchorReg makes."""
    s, k, tau = manifest["oks_scale"], manifest["oks_k"], manifest["oks_threshold"]
    return 2 * s * s * k * k * -math.log(tau)


class ConditionAccumulator:
    """Collects per-sample outcomes of one condition and summarises them with the keys of
    `anchorreg validate --json`."""

    def __init__(self, noise, points, manifest):
        self.noise = noise
        self.points = points
        self.hit_limit = oks_hit_limit(manifest)
        self.maes = []
        self.hits = 0
        self.failures = 0
        self.samples = 0
        self.off = 0
        self.fit_seconds = 0.0
        self.first_failure = None

    def add(self, distances, seconds=0.0, failure=None):
        self.samples += 1
        self.fit_seconds += seconds
        if distances is None:
            self.failures += 1
            if self.first_failure is None:
                self.first_failure = failure or "failed"
            return
        mae = float(np.mean(distances))
        self.maes.append(mae)
        self.hits += int(np.count_nonzero(distances * distances < self.hit_limit))
        if mae > 1:
            self.off += 1

    def result(self):
        m = np.asarray(self.maes)
        def q(p):
            return float(np.quantile(m, p)) if m.size else None
        total = self.samples * self.points
        out = {
            "noise": self.noise,
            "points": self.points,
            "samples": self.samples,
            "mae_median": q(0.5),
            "mae_q1": q(0.25),
            "mae_q3": q(0.75),
            "mae_mean": float(m.mean()) if m.size else None,
            "mae_p05": q(0.05),
            "mae_p95": q(0.95),
            "mae_min": float(m.min()) if m.size else None,
            "mae_max": float(m.max()) if m.size else None,
            "recall": self.hits / total if total else 0.0,
            "failures": self.failures,
            "one_period_off": self.off / self.samples if self.samples else 0.0,
            "fit_seconds": self.fit_seconds,
            "fits_per_second": self.samples / self.fit_seconds if self.fit_seconds > 0 else 0.0,
        }
        if self.first_failure:
            out["first_failure"] = self.first_failure
        return out


def report(estimator, manifest, conditions, seconds, mode):
    # Samples actually run per condition (fewer than exported with --max-samples).
    samples = max((c["samples"] for c in conditions), default=0)
    return {
        "estimator": estimator,
        "mode": mode,
        "samples": samples,
        "seed": manifest["seed"],
        "seconds": seconds,
        "threads": 1,
        "conditions": conditions,
    }
