"""Draw the example images of the shipped specs (specs/<name>/examples/*.png).

Synthetic scenes drawn with numpy and written by a tiny PNG encoder (zlib), so the shapes in
the specs match the pixels exactly and no image library is needed. Deterministic: the same run
gives byte-identical files. The human-pose spec uses scikit-image's CC0 photos instead (copied
by hand; see specs/README.md).

    python scripts/make_example_images.py          # (re)writes specs/*/examples/*.png
"""

from __future__ import annotations

import itertools
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- PNG
def png_bytes(img: np.ndarray) -> bytes:
    """8-bit RGB (h x w x 3) or grey (h x w) array -> PNG file bytes."""
    img = np.ascontiguousarray(img.astype(np.uint8))
    h, w = img.shape[:2]
    color = 2 if img.ndim == 3 else 0
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------- drawing
class Canvas:
    def __init__(self, w: int, h: int, color=(0, 0, 0)):
        self.img = np.zeros((h, w, 3), dtype=np.float64)
        self.img[:] = color
        self.yy, self.xx = np.mgrid[0:h, 0:w] + 0.5

    def rect(self, x, y, w, h, color, alpha=1.0):
        self._paint((self.xx >= x) & (self.xx < x + w) & (self.yy >= y) & (self.yy < y + h),
                    color, alpha)

    def polygon(self, pts, color, alpha=1.0):
        inside = np.zeros(self.xx.shape, dtype=bool)
        n = len(pts)
        for i in range(n):
            (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % n]
            if y1 == y2:
                continue
            cross = ((self.yy >= min(y1, y2)) & (self.yy < max(y1, y2))
                     & (self.xx < x1 + (self.yy - y1) * (x2 - x1) / (y2 - y1)))
            inside ^= cross
        self._paint(inside, color, alpha)

    def rotated_rect(self, cx, cy, w, h, angle_deg, color, alpha=1.0):
        self.polygon(rotated_corners(cx, cy, w, h, angle_deg), color, alpha)

    def ellipse(self, cx, cy, rx, ry, color, alpha=1.0, angle_deg=0.0):
        a = np.radians(angle_deg)
        dx, dy = self.xx - cx, self.yy - cy
        u = dx * np.cos(a) + dy * np.sin(a)
        v = -dx * np.sin(a) + dy * np.cos(a)
        self._paint((u / rx) ** 2 + (v / ry) ** 2 <= 1, color, alpha)

    def line(self, pts, width, color, alpha=1.0):
        mask = np.zeros(self.xx.shape, dtype=bool)
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            dx, dy = x2 - x1, y2 - y1
            t = np.clip(((self.xx - x1) * dx + (self.yy - y1) * dy) / max(dx * dx + dy * dy, 1e-9),
                        0, 1)
            d = np.hypot(self.xx - (x1 + t * dx), self.yy - (y1 + t * dy))
            mask |= d <= width / 2
        self._paint(mask, color, alpha)

    def text(self, x, y, s, scale, color):
        cx = x
        for ch in s:
            glyph = FONT.get(ch.upper())
            if glyph is not None:
                for r, row in enumerate(glyph):
                    for c, bit in enumerate(row):
                        if bit == "#":
                            self.rect(cx + c * scale, y + r * scale, scale, scale, color)
            cx += 4 * scale

    def noise(self, seed, amount, block=4):
        """Grey texture in blocks of ``block`` px (small files: PNG compresses it well)."""
        rng = np.random.default_rng(seed)
        h, w = self.img.shape[:2]
        coarse = np.rint(rng.normal(0, amount, (-(-h // block), -(-w // block))))
        self.img += np.kron(coarse, np.ones((block, block)))[:h, :w, None]

    def vertical_gradient(self, y0, y1, top, bottom):
        t = np.clip((self.yy[:, :1] - y0) / max(y1 - y0, 1), 0, 1)[..., None]
        band = (self.yy[:, 0] >= y0) & (self.yy[:, 0] < y1)
        grad = np.array(top) * (1 - t) + np.array(bottom) * t
        self.img[band] = np.broadcast_to(grad, self.img.shape)[band]

    def _paint(self, mask, color, alpha):
        self.img[mask] = (1 - alpha) * self.img[mask] + alpha * np.array(color, dtype=float)

    def png(self) -> bytes:
        return png_bytes(np.clip(np.rint(self.img), 0, 255))


def rotated_corners(cx, cy, w, h, angle_deg):
    a = np.radians(angle_deg)
    c, s = np.cos(a), np.sin(a)
    out = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append((cx + dx * c - dy * s, cy + dx * s + dy * c))
    return out


FONT = {  # 3x5 glyphs
    "0": ["###", "#.#", "#.#", "#.#", "###"], "1": [".#.", "##.", ".#.", ".#.", "###"],
    "2": ["###", "..#", "###", "#..", "###"], "3": ["###", "..#", ".##", "..#", "###"],
    "4": ["#.#", "#.#", "###", "..#", "..#"], "5": ["###", "#..", "###", "..#", "###"],
    "6": ["###", "#..", "###", "#.#", "###"], "7": ["###", "..#", ".#.", ".#.", ".#."],
    "8": ["###", "#.#", "###", "#.#", "###"], "9": ["###", "#.#", "###", "..#", "###"],
    ".": ["...", "...", "...", "...", ".#."], "$": [".##", "##.", ".#.", ".##", "##."],
    "I": ["###", ".#.", ".#.", ".#.", "###"], "D": ["##.", "#.#", "#.#", "#.#", "##."],
    "P": ["##.", "#.#", "##.", "#..", "#.."], "T": ["###", ".#.", ".#.", ".#.", ".#."],
    ":": ["...", ".#.", "...", ".#.", "..."], "-": ["...", "...", "###", "...", "..."],
    "A": [".#.", "#.#", "###", "#.#", "#.#"], "S": [".##", "#..", ".#.", "..#", "##."],
    "O": [".#.", "#.#", "#.#", "#.#", ".#."], "N": ["#.#", "###", "###", "###", "#.#"],
    "E": ["###", "#..", "##.", "#..", "###"], "R": ["##.", "#.#", "##.", "#.#", "#.#"],
    "L": ["#..", "#..", "#..", "#..", "###"], "M": ["#.#", "###", "###", "#.#", "#.#"],
    " ": ["...", "...", "...", "...", "..."],
}


# --------------------------------------------------------------------------- scenes
def retail_shelf() -> dict[str, bytes]:
    c = Canvas(640, 480, (226, 224, 216))
    for y in (200, 420):  # shelf boards: front edge 15 px high
        c.rect(20, y, 600, 15, (120, 96, 70))
    # shelf 1 products standing on y=200
    c.rect(40, 90, 70, 110, (200, 40, 40))
    c.rect(48, 110, 54, 20, (250, 235, 200))
    c.rect(120, 90, 70, 110, (200, 40, 40))
    c.rect(128, 110, 54, 20, (250, 235, 200))
    c.rect(200, 120, 60, 80, (60, 110, 190))
    c.rect(206, 135, 48, 14, (255, 255, 255))
    # 270-350 empty slot (shows the back wall, darker)
    c.rect(270, 60, 80, 140, (180, 176, 168))
    c.rect(360, 100, 70, 100, (40, 150, 70))
    c.rect(368, 120, 54, 16, (250, 250, 240))
    c.rect(440, 80, 80, 120, (230, 160, 30))
    c.rect(450, 100, 60, 18, (90, 50, 20))
    c.rect(440, 80, 26, 120, (250, 250, 90))  # a hanging promo card hides ~30 percent
    c.rect(530, 80, 80, 120, (150, 60, 160))
    c.rect(530, 80, 66, 120, (250, 250, 90))  # hides ~80 percent
    # shelf 2
    for i, x in enumerate(range(40, 560, 90)):
        col = [(200, 40, 40), (60, 110, 190), (40, 150, 70)][i % 3]
        c.rect(x, 300, 80, 120, col)
        c.rect(x + 8, 320, 64, 18, (250, 248, 235))
    # price tags on the shelf edge, with prices
    for x, price in ((55, "1.99"), (205, "2.49"), (370, "0.89"), (460, "3.29")):
        c.rect(x, 202, 44, 12, (255, 255, 255))
        c.text(x + 4, 204, price, 2 if len(price) < 5 else 1, (20, 20, 20))
    c.rect(100, 422, 44, 12, (255, 255, 255))
    c.text(104, 424, "5.49", 2, (20, 20, 20))
    c.noise(1, 2.0)
    return {"shelf.png": c.png()}


def dashcam() -> dict[str, bytes]:
    out = {}
    for name, dark in (("day.png", 1.0), ("night.png", 0.25)):
        c = Canvas(640, 360, (0, 0, 0))
        c.vertical_gradient(0, 170, (120, 170, 230), (200, 220, 240))  # sky
        c.rect(0, 170, 640, 190, (95, 140, 80))  # verge
        c.polygon([(260, 170), (380, 170), (640, 330), (0, 330)], (90, 90, 95))  # road
        c.polygon([(150, 170), (260, 170), (0, 270), (0, 200)], (160, 155, 150))  # sidewalk
        c.line([(318, 172), (300, 330)], 4, (240, 240, 240))  # centre line
        c.line([(378, 172), (600, 330)], 3, (240, 240, 240))  # lane edge
        # cars
        c.rect(330, 200, 70, 45, (40, 60, 150))
        c.rect(340, 205, 50, 15, (150, 190, 220))
        c.rect(230, 195, 60, 40, (160, 30, 30))
        c.rect(238, 200, 44, 13, (150, 190, 220))
        c.rect(590, 210, 50, 60, (220, 220, 220))  # truncated by the right border
        c.rect(170, 150, 120, 70, (230, 200, 60))  # bus behind the red car (occluded)
        c.rect(230, 195, 60, 40, (160, 30, 30))
        c.rect(238, 200, 44, 13, (150, 190, 220))
        # pedestrian on the sidewalk
        c.ellipse(120, 196, 5, 6, (230, 190, 160))
        c.rect(114, 202, 12, 26, (60, 60, 160))
        c.rect(115, 228, 4, 16, (40, 40, 40))
        c.rect(121, 228, 4, 16, (40, 40, 40))
        # cyclist on the sidewalk, motorcyclist in the right lane
        c.ellipse(62, 240, 7, 7, (30, 30, 30))
        c.ellipse(80, 240, 7, 7, (30, 30, 30))
        c.rect(66, 205, 10, 28, (20, 140, 60))
        c.ellipse(71, 200, 5, 5, (230, 190, 160))
        c.ellipse(458, 252, 6, 6, (20, 20, 20))
        c.ellipse(476, 252, 6, 6, (20, 20, 20))
        c.rect(460, 222, 12, 26, (200, 120, 20))
        c.ellipse(466, 217, 5, 5, (40, 40, 40))
        # traffic light
        c.rect(452, 90, 4, 90, (60, 60, 60))
        c.rect(444, 60, 20, 40, (30, 30, 30))
        c.ellipse(454, 68, 5, 5, (220, 30, 30))
        c.ellipse(454, 80, 5, 5, (60, 60, 20))
        c.ellipse(454, 92, 5, 5, (20, 60, 20))
        c.polygon([(0, 330), (640, 330), (640, 360), (0, 360)], (30, 30, 32))  # bonnet
        c.img *= dark
        if dark < 1:
            for x, y in ((340, 238), (390, 238), (240, 228), (280, 228)):
                c.ellipse(x, y, 6, 4, (255, 240, 190))
            c.ellipse(454, 68, 6, 6, (255, 60, 40))
        c.noise(2 if dark == 1 else 3, 2.5 if dark == 1 else 5.0)
        out[name] = c.png()
    return out


def histology() -> dict[str, bytes]:
    rng = np.random.default_rng(4)
    c = Canvas(512, 512, (232, 180, 205))  # eosin-pink stroma
    c.noise(5, 6.0)
    # a gland: white lumen ringed by epithelial nuclei
    c.ellipse(200, 230, 90, 60, (245, 225, 235))
    c.ellipse(200, 230, 60, 35, (252, 248, 250))
    for k in range(18):
        a = 2 * np.pi * k / 18
        c.ellipse(200 + 75 * np.cos(a), 230 + 48 * np.sin(a), 7, 5, (90, 50, 140),
                  angle_deg=np.degrees(a))
    # a tumour nest: crowded, large dark nuclei
    c.polygon([(330, 300), (470, 290), (490, 420), (380, 470), (320, 400)], (215, 150, 190))
    for _ in range(40):
        x, y = rng.uniform(345, 465), rng.uniform(310, 440)
        c.ellipse(x, y, rng.uniform(6, 10), rng.uniform(5, 8), (70, 30, 110),
                  angle_deg=rng.uniform(0, 180))
    # scattered lymphocytes (small, round, dark)
    for _ in range(25):
        c.ellipse(rng.uniform(20, 300), rng.uniform(330, 500), 4, 4, (60, 30, 100))
    # a mitotic figure
    c.ellipse(110, 110, 9, 4, (40, 10, 60), angle_deg=30)
    # burned-in slide label with an identifier (to be masked: de-identification)
    c.rect(372, 12, 128, 40, (250, 250, 250))
    c.text(380, 20, "ID 40-1187", 2, (10, 10, 10))
    c.text(380, 36, "PAT MORENO", 1, (10, 10, 10))
    return {"tile.png": c.png()}


def aerial() -> dict[str, bytes]:
    c = Canvas(800, 600, (112, 140, 84))  # fields
    c.noise(6, 5.0)
    c.polygon([(0, 380), (800, 300), (800, 360), (0, 440)], (140, 140, 138))  # road
    c.polygon([(80, 60), (300, 40), (320, 200), (100, 220)], (170, 90, 70))  # building roof
    c.polygon([(500, 80), (700, 80), (700, 200), (500, 200)], (200, 200, 205))  # warehouse
    c.ellipse(620, 470, 45, 45, (220, 220, 215))
    c.ellipse(620, 470, 38, 38, (200, 200, 196))
    for cx, cy, ang, col in ((120, 410, -5.7, (200, 30, 30)), (260, 394, -5.7, (30, 60, 200)),
                             (420, 378, -5.7, (230, 230, 230)), (380, 250, 35, (30, 30, 30))):
        c.rotated_rect(cx, cy, 26, 12, ang, col)
    c.rotated_rect(600, 338, 70, 20, -5.7, (240, 240, 240))  # lorry
    # solar panels on the warehouse roof (experimental class)
    for i in range(4):
        c.rect(515 + i * 45, 95, 35, 20, (30, 40, 90))
    return {"mosaic.png": c.png()}


SCENES = {"retail-shelf": retail_shelf, "dashcam": dashcam, "histology": histology,
          "aerial": aerial}


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from guidec.output import write_atomic

    for spec, draw in SCENES.items():
        for name, data in draw().items():
            path = ROOT / "specs" / spec / "examples" / name
            write_atomic(str(path), data)
            print(f"wrote {path.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
