#!/usr/bin/env python3
"""Writes small valid seed files for the fuzzers into Fuzz/seeds/FORMAT/ (standard library only)."""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))


def put(fmt, name, data):
    d = os.path.join(here, "seeds", fmt)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def sxm(nx, ny, direction, chans, fmt="FLOAT            MSBFIRST", endian=">f"):
    h = ":NANONIS_VERSION:\n2\n:SCANIT_TYPE:\n              %s\n" % fmt
    h += ":REC_DATE:\n 07.01.2016\n:SCAN_PIXELS:\n       %d       %d\n" % (nx, ny)
    h += ":SCAN_RANGE:\n           5.000000E-8           2.000000E-8\n:SCAN_DIR:\n%s\n" % direction
    h += ":BIAS:\n -4.000E-1\n:Z-CONTROLLER:\n\tName\ton\tSetpoint\n\tlog Current\t1\t2.500E-10 A\n"
    h += ":DATA_INFO:\n\tChannel\tName\tUnit\tDirection\tCalibration\tOffset\n"
    frames = 0
    for i, (n, u, dirn) in enumerate(chans):
        h += "\t%d\t%s\t%s\t%s\t1.000E+0\t0.000E+0\n" % (i, n, u, dirn)
        frames += 2 if dirn == "both" else 1
    h += "\n:SCANIT_END:\n\n\n"
    vals = [float(i) * 1e-10 for i in range(nx * ny * frames)]
    return h.encode() + b"\x1a\x04" + struct.pack("%s%d%s" % (endian[0], len(vals), endian[1]), *vals)


put("sxm", "two-channels", sxm(8, 6, "down", [("Z", "m", "both"), ("Current", "A", "forward")]))
put("sxm", "up-lsb", sxm(3, 5, "up", [("Z", "m", "backward")], "FLOAT LSBFIRST", "<f"))
put("sxm", "double", sxm(4, 2, "down", [("Z", "m", "both")], "DOUBLE MSBFIRST", ">d"))


def cstr(s):
    return s.encode() + b"\0"


def obj(name, comps):
    body = b"".join(comps)
    return cstr(name) + struct.pack("<I", len(body)) + body


def comp(name, t, payload):
    return cstr(name) + t.encode() + payload


def unit(u):
    return obj("GwySIUnit", [comp("unitstr", "s", cstr(u))])


def field(xres, yres):
    data = [0.5 * i for i in range(xres * yres)]
    return obj("GwyDataField", [
        comp("xres", "i", struct.pack("<i", xres)), comp("yres", "i", struct.pack("<i", yres)),
        comp("xreal", "d", struct.pack("<d", 1e-8)), comp("yreal", "d", struct.pack("<d", 2e-8)),
        comp("si_unit_xy", "o", unit("m")), comp("si_unit_z", "o", unit("m")),
        comp("data", "D", struct.pack("<I%dd" % len(data), len(data), *data)),
    ])


put("gwy", "one-field", b"GWYP" + obj("GwyContainer", [
    comp("/0/data", "o", field(3, 2)), comp("/0/data/title", "s", cstr("Height")),
    comp("/0/meta", "o", obj("GwyContainer", [comp("Bias", "s", cstr("1 V"))])),
]))
put("gwy", "all-types", b"GWYP" + obj("GwyContainer", [
    comp("/b", "b", b"\1"), comp("/c", "c", b"A"), comp("/q", "q", struct.pack("<q", -5)),
    comp("/C", "C", struct.pack("<I", 2) + b"xy"), comp("/I", "I", struct.pack("<I2i", 2, 1, -1)),
    comp("/Q", "Q", struct.pack("<I1q", 1, 7)), comp("/S", "S", struct.pack("<I", 2) + b"a\0b\0"),
    comp("/O", "O", struct.pack("<I", 1) + unit("A")),
    comp("/1/data", "o", field(2, 2)),
]))


def gsf(header, n):
    h = ("Gwyddion Simple Field 1.0\n" + header).encode()
    h += b"\0" * (4 - len(h) % 4)
    return h + struct.pack("<%df" % n, *[float(i) for i in range(n)])


put("gsf", "calibrated", gsf("XRes = 4\nYRes = 3\nXReal = 8e-05\nYReal = 6e-05\nXYUnits = m\nZUnits = m\nTitle = Topography\n", 12))
put("gsf", "plain", gsf("XRes = 2\nYRes = 2\n", 4))


def npy(descr, shape, payload, fortran=False, version=1):
    shp = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shp)
    pre = 10 if version == 1 else 12
    d += " " * ((64 - (pre + len(d) + 1) % 64) % 64) + "\n"
    ln = struct.pack("<H", len(d)) if version == 1 else struct.pack("<I", len(d))
    return b"\x93NUMPY" + bytes([version, 0]) + ln + d.encode() + payload


put("npy", "f4", npy("<f4", (3, 4), struct.pack("<12f", *range(12))))
put("npy", "f8-fortran", npy(">f8", (2, 3), struct.pack(">6d", *range(6)), fortran=True, version=2))
put("npy", "u1-rgb", npy("|u1", (2, 2, 3), bytes(range(12)), version=3))
put("npy", "f2", npy("<f2", (2, 2), struct.pack("<4H", 0, 0x3C00, 0x4000, 0xC000)))


def spm(nx, ny, n):
    lines = ["ISO/TC 201 SPM data transfer format", "general information"] + [""] * 21
    lines += [str(nx), str(ny), "m", "m", "3e-9", "2e-9", "single-channel mapping description",
              "Z (Forward)", "m", "end of header"] + ["%g" % (i * 1e-10) for i in range(n)] + ["end of experiment"]
    return ("\n".join(lines) + "\n").encode()


put("spm", "small", spm(3, 2, 6))

put("raw", "u16", bytes([2, 3, 1, 0]) + bytes(range(40)))
put("raw", "f64", bytes([0, 1, 11, 8]) + struct.pack("<2I2d", 1, 2, 0.5, -1.0))

def sm4(pages):
    """An RHK SM4 file with the given pages (data type, label, width, height, values), laid
    out as the SM4 object lists describe (the shared .SM4 holds spectra only)."""
    b = bytearray()
    u16 = lambda v: b.extend(struct.pack("<H", v))
    u32 = lambda v: b.extend(struct.pack("<I", v & 0xFFFFFFFF))
    patch = lambda at, v: b.__setitem__(slice(at, at + 4), struct.pack("<I", v))
    u16(56); b.extend("STiMage 005.006 1".encode("utf-16-le")); u16(0)
    u32(len(pages)); u32(1); u32(12); u32(0); u32(0)
    fo = len(b); u32(1); u32(0); u32(16)
    patch(fo + 4, len(b)); u32(len(pages)); u32(1); u32(0); u32(0)
    ao = len(b); u32(2); u32(0); u32(32)
    patch(ao + 4, len(b))
    slots = []
    for i, (dtype, label, w, h, vals) in enumerate(pages):
        b.extend(bytes([i + 1]) * 16); u32(dtype); u32(0); u32(2); u32(6)
        slots.append(len(b)); u32(3); u32(0); u32(0); u32(4); u32(0); u32(0)
    for i, (dtype, label, w, h, vals) in enumerate(pages):
        strings = len(b)
        texts = [label, "", "", "", "", "12/03/26", "18:00:00", "m", "m", "m"]
        for t in texts:
            u16(len(t)); b.extend(t.encode("utf-16-le"))
        ssize = len(b) - strings
        hdr = len(b)
        u16(180); u16(len(texts)); u32(1); u32(0); u32(0); u32(0); u32(0)
        u32(w); u32(h); u32(0); u32(0); u32(0); u32(4 * len(vals)); u32(0); u32(0)
        b.extend(struct.pack("<11f", -2e-10, 1e-10, 1e-12, 1, 0, 0, 5e-10, 0.01, -0.5, 1e-10, 0))
        u32(0); u32(0); u32(0); u32(1)
        b.extend(bytes(64))
        u32(10); u32(strings); u32(ssize)
        hsize = len(b) - hdr
        data = len(b)
        b.extend(struct.pack("<%di" % len(vals), *vals))
        patch(slots[i] + 4, hdr); patch(slots[i] + 8, hsize)
        patch(slots[i] + 16, data); patch(slots[i] + 20, 4 * len(vals))
    return bytes(b)


put("sm4", "image-and-line", sm4([(0, "Topography", 4, 3, list(range(0, 1200, 100))),
                                  (1, "I(V)", 8, 1, [1] * 8),
                                  (0, "Current", 2, 2, [5, 6, 7, 8])]))


for fmt in ["sxm", "gwy", "gsf", "npy", "spm"]:
    for f in os.listdir(os.path.join(here, "seeds", fmt)):
        put("any", fmt + "-" + f, open(os.path.join(here, "seeds", fmt, f), "rb").read())
