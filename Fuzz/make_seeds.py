"""Writes small valid seed files for the fuzzer: Fuzz/make_seeds.py DIR FORMAT.

Uses Pillow, tifffile and imagecodecs from Benchmarks/.venv, so the seeds come from encoders
other than AnchorReg's own.
"""
import io
import os
import sys

import numpy as np
import tifffile
from PIL import Image

out, fmt = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(1)
g8 = (rng.integers(0, 40, (24, 20)) + np.arange(20) * 5).astype(np.uint8)
g16 = g8.astype(np.uint16) * 257
rgb = np.stack([g8, g8[::-1], g8[:, ::-1]], axis=-1)


def save(name, data):
    with open(f"{out}/{name}", "wb") as f:
        f.write(data)


def pil(img, **kw):
    b = io.BytesIO()
    img.save(b, **kw)
    return b.getvalue()


if fmt in ("png", "any"):
    save("g8.png", pil(Image.fromarray(g8), format="PNG"))
    save("g16.png", pil(Image.fromarray(g16), format="PNG"))
    save("rgb.png", pil(Image.fromarray(rgb), format="PNG"))
    save("rgba.png", pil(Image.fromarray(np.dstack([rgb, g8])), format="PNG"))
    save("pal.png", pil(Image.fromarray(rgb).convert("P", palette=Image.ADAPTIVE, colors=16), format="PNG"))
    save("interlaced.png", pil(Image.fromarray(rgb), format="PNG", interlace=1))
    save("bits1.png", pil(Image.fromarray(g8 > 60), format="PNG"))
if fmt in ("jpeg", "any"):
    save("gray.jpg", pil(Image.fromarray(g8), format="JPEG", quality=80))
    save("rgb.jpg", pil(Image.fromarray(rgb), format="JPEG", quality=80))
    save("progressive.jpg", pil(Image.fromarray(rgb), format="JPEG", progressive=True))
if fmt in ("tiff", "any"):
    cases = [
        ("u8.tif", g8, {}),
        ("u16be.tif", g16, {"byteorder": ">"}),
        ("f32.tif", g8.astype(np.float32) / 7, {}),
        ("f64be.tif", g8.astype(np.float64) / 7, {"byteorder": ">"}),
        ("i16.tif", g16.astype(np.int16), {}),
        ("lzw_pred.tif", g16, {"compression": "lzw", "predictor": True}),
        ("zlib_tiles.tif", g16, {"compression": "zlib", "tile": (16, 16)}),
        ("packbits.tif", g8, {"compression": "packbits", "rowsperstrip": 5}),
        ("fpred.tif", g8.astype(np.float32) / 7, {"compression": "zlib", "predictor": 3}),
        ("rgb_lzw.tif", rgb, {"compression": "lzw", "photometric": "rgb"}),
        ("rgb_planar.tif", np.moveaxis(rgb, -1, 0).copy(), {"photometric": "rgb", "planarconfig": "separate"}),
        ("imagej.tif", g8.astype(np.float32), {"imagej": True, "resolution": (5.0, 5.0), "metadata": {"unit": "nm"}}),
    ]
    for name, arr, kw in cases:
        b = io.BytesIO()
        tifffile.imwrite(b, arr, **kw)
        save(name, b.getvalue())

if fmt == "any":
    # Small files of the SPM formats, so the dispatcher run reaches every reader.
    f32 = (g8.astype(np.float32) / 7)[:8, :6]
    b = io.BytesIO()
    np.save(b, f32)
    save("small.npy", b.getvalue())
    head = "Gwyddion Simple Field 1.0\nXRes = 6\nYRes = 8\nXReal = 6e-9\nYReal = 8e-9\nXYUnits = m\nZUnits = m\n"
    raw = head.encode()
    raw += b"\0" * (4 - len(raw) % 4)
    save("small.gsf", raw + f32.astype("<f4").tobytes())
    sxm = (":NANONIS_VERSION:\n2\n:SCANIT_TYPE:\n              FLOAT            MSBFIRST\n"
           ":SCAN_PIXELS:\n       6       8\n:SCAN_RANGE:\n           6.0E-9           8.0E-9\n"
           ":SCAN_DIR:\ndown\n:DATA_INFO:\n\tChannel\tName\tUnit\tDirection\tCalibration\tOffset\n"
           "\t14\tZ\tm\tboth\t1.000E-8\t0.000E+0\n\n:SCANIT_END:\n\n\n")
    save("small.sxm", sxm.encode() + b"\x1a\x04" + np.concatenate([f32, f32]).astype(">f4").tobytes())
    real = open(os.path.join(os.path.dirname(__file__), "../../shared/data/real/graphite-driftcorrection/graphiteterrace.spm"), "rb").read()
    lines = real.split(b"\n")
    end = next(i for i, l in enumerate(lines) if l.strip().lower() == b"end of header")
    head = lines[: end + 1]
    head[23], head[24] = b"4", b"3"
    body = [b"%g" % v for v in f32[:3, :4].ravel()]
    save("small.spm", b"\n".join(head + body + [b"end of experiment", b""]))
