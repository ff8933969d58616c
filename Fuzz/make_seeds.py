"""Writes small valid seed files for the fuzzer: Fuzz/make_seeds.py DIR FORMAT.

Uses Pillow, tifffile and imagecodecs from Benchmarks/.venv, so the seeds come from encoders
other than AnchorReg's own.
"""
import io
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
