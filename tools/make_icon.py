#!/usr/bin/env python3
"""Writes assets/icons/varscope.png: VARScope's 256x256 icon, drawn from code (Python's
standard library only) so the repository holds no borrowed artwork. The picture is the
idea of the tool: token maps of growing side, 1x1, 2x2, 4x4 and 8x8, coarse to fine,
each cell coloured along a viridis-like ramp."""
import struct
import sys
import zlib

SIDE = 256
RAMP = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]


def ramp(t):
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    f = t - i
    return tuple(int(a + (b - a) * f) for a, b in zip(RAMP[i], RAMP[i + 1]))


def pixel(x, y):
    # Four panels in a 2x2 arrangement, the maps of side 1, 2, 4, 8; a dark frame around each.
    half = SIDE // 2
    panel = (y // half) * 2 + (x // half)
    px, py = x % half, y % half
    margin = 10
    if px < margin or py < margin or px >= half - margin or py >= half - margin:
        return (23, 26, 31, 255)
    n = 1 << panel
    inner = half - 2 * margin
    cx, cy = (px - margin) * n // inner, (py - margin) * n // inner
    # A smooth "image" seen at resolution n: brighter towards the centre.
    u, v = (cx + 0.5) / n - 0.5, (cy + 0.5) / n - 0.5
    return ramp(1.0 - 1.6 * (u * u + v * v) ** 0.5 + 0.12 * ((cx * 7 + cy * 3) % 5) / 4) + (255,)


def main(path):
    rows = b"".join(b"\0" + b"".join(bytes(pixel(x, y)) for x in range(SIDE)) for y in range(SIDE))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", SIDE, SIDE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "assets/icons/varscope.png")
