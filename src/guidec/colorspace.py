"""Colour math every layer may use: sRGB to CIELAB, CIEDE2000 of two colours, the threshold
below which two label colours count as indistinguishable, and the derivation of class colours
the spec leaves out (:class:`Palette`).

The colour lint (:mod:`guidec.lint.colors`) and the derived colours share these, so derived
colours can be held to the lint's threshold.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import math

#: Below this CIEDE2000 difference two class colours count as indistinguishable. About 2.3 is
#: one "just noticeable difference" side by side; label colours are judged across a screen,
#: over varied image content, so we ask for twice that.
SIMILAR_DELTA_E = 5.0


def lab_of(color: str) -> tuple[float, float, float]:
    """``#rrggbb`` -> CIELAB (D65), as :func:`srgb_to_lab` computes it."""
    c = [int(color[k:k + 2], 16) / 255.0 for k in (1, 3, 5)]
    c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
    xyz = (
        (0.4124564 * c[0] + 0.3575761 * c[1] + 0.1804375 * c[2]) / 0.95047,
        (0.2126729 * c[0] + 0.7151522 * c[1] + 0.0721750 * c[2]) / 1.0,
        (0.0193339 * c[0] + 0.1191920 * c[1] + 0.9503041 * c[2]) / 1.08883)
    eps, kappa = 216 / 24389, 24389 / 27
    f = [math.copysign(abs(v) ** (1 / 3), v) if v > eps else (kappa * v + 16) / 116
         for v in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e(lab1: tuple, lab2: tuple) -> float:
    """CIEDE2000 of two CIELAB colours, as :func:`ciede2000` computes it for arrays."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    C1, C2 = math.hypot(a1, b1), math.hypot(a2, b2)
    Cm7 = ((C1 + C2) / 2) ** 7
    G = 0.5 * (1 - math.sqrt(Cm7 / (Cm7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dLp, dCp = L2 - L1, C2p - C1p
    dh = h2p - h1p
    dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    if C1p * C2p == 0:
        dh = 0.0
    dHp = 2 * math.sqrt(C1p * C2p) * math.sin(math.radians(dh / 2))
    Lpm, Cpm, hsum = (L1 + L2) / 2, (C1p + C2p) / 2, h1p + h2p
    if C1p * C2p == 0:
        hpm = hsum
    elif abs(h1p - h2p) > 180:
        hpm = (hsum + 360) / 2 if hsum < 360 else (hsum - 360) / 2
    else:
        hpm = hsum / 2
    T = (1 - 0.17 * math.cos(math.radians(hpm - 30)) + 0.24 * math.cos(math.radians(2 * hpm))
         + 0.32 * math.cos(math.radians(3 * hpm + 6))
         - 0.20 * math.cos(math.radians(4 * hpm - 63)))
    dtheta = 30 * math.exp(-(((hpm - 275) / 25) ** 2))
    Cpm7 = Cpm ** 7
    Rc = 2 * math.sqrt(Cpm7 / (Cpm7 + 25.0 ** 7))
    Sl = 1 + 0.015 * (Lpm - 50) ** 2 / math.sqrt(20 + (Lpm - 50) ** 2)
    Sc, Sh = 1 + 0.045 * Cpm, 1 + 0.015 * Cpm * T
    Rt = -math.sin(math.radians(2 * dtheta)) * Rc
    return math.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2
                     + Rt * (dCp / Sc) * (dHp / Sh))




# --------------------------------------------------------------------------- derived colours
_HEX = tuple(f"{i:02x}" for i in range(256))

#: Derived colours keep at least this CIEDE2000 from every other colour of the spec: the
#: lint's threshold (a larger margin leaves too little room: CIEDE2000 counts chroma
#: differences of saturated colours at a fifth, so sRGB holds few hundred such colours).
DERIVED_DELTA_E = SIMILAR_DELTA_E
#: Up to this many derived colours each is checked against the others; above, there is no
#: room in sRGB for all of them to be told apart and names alone decide (fast path).
DISTINCT_LIMIT = 400
#: Hue half-widths (fractions of the circle) a child's colour is sought in around its
#: parent's hue, widening when the family is full: ±25°, ±60°, then any hue.
_FAMILY = ((16, 25 / 360), (32, 60 / 360), (64, 0.5))


def hsv_hex(hue: float, sat: float, val: float) -> str:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, sat, val)
    return "#" + _HEX[round(r * 255)] + _HEX[round(g * 255)] + _HEX[round(b * 255)]


def name_color(name: str) -> str:
    """A stable, well-saturated colour derived from a name alone (the first choice for a top
    class, and every colour of a spec with more than :data:`DISTINCT_LIMIT` derived ones)."""
    h = hashlib.sha256(name.encode("utf-8")).digest()
    return hsv_hex(((h[0] << 8) | h[1]) / 65536.0, 0.55 + (h[2] / 255.0) * 0.35,
                   0.70 + (h[3] / 255.0) * 0.25)


@functools.lru_cache(maxsize=4096)  # a big spec's children ask for their parents' hues
def hue_of(color: str) -> float:
    r, g, b = (int(color[k:k + 2], 16) / 255.0 for k in (1, 3, 5))
    return colorsys.rgb_to_hsv(r, g, b)[0]


#: A pair closer than t in CIEDE2000 is closer than 2.3 t in :func:`_space` (measured over 8
#: million random sRGB pairs for the lint's grid search); 2.6 leaves a margin.
_NEAR = 2.6


def _space(lab: tuple[float, float, float]) -> tuple[float, float, float]:
    """CIELAB with chroma compressed as CIEDE2000 weighs it (as the lint's grid search does):
    a pair closer than t in CIEDE2000 is closer than 2.3 t here."""
    L, a, b = lab
    c = math.hypot(a, b)
    s = math.log1p(0.045 * c) / 0.045 / c if c > 1e-9 else 1.0
    return L, a * s, b * s


class Palette:
    """Colours for the classes a spec leaves uncoloured, decided in spec order.

    A top class first tries :func:`name_color`; a child tries hues around its parent's (its
    hue family), at varied saturation and value. A candidate is taken when it is at least
    :data:`DERIVED_DELTA_E` (CIEDE2000) from every colour given in the spec and every colour
    derived before it; candidates come from the name's hash, so the result is deterministic
    and a class keeps its colour when classes are added after it. Closeness is looked up in a
    grid over a chroma-compressed CIELAB, so each class costs a few comparisons.
    """

    def __init__(self, given: list[str], derived_count: int):
        self.check = derived_count <= DISTINCT_LIMIT
        self.near = _NEAR * DERIVED_DELTA_E
        self.cell = self.near
        self.grid: dict[tuple[int, int, int], list[tuple]] = {}
        if self.check:
            for c in dict.fromkeys(given):
                self._add(c)

    def _add(self, color: str) -> None:
        lab = lab_of(color)
        sp = _space(lab)
        key = (int(sp[0] // self.cell), int(sp[1] // self.cell), int(sp[2] // self.cell))
        self.grid.setdefault(key, []).append((sp, lab))

    def _free(self, color: str) -> bool:
        lab = lab_of(color)
        x, y, z = _space(lab)
        kx, ky, kz = int(x // self.cell), int(y // self.cell), int(z // self.cell)
        near2 = self.near * self.near
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for dz in (-1, 0, 1):
                    for (ox, oy, oz), other in self.grid.get((kx + dx, ky + dy, kz + dz), ()):
                        if ((x - ox) ** 2 + (y - oy) ** 2 + (z - oz) ** 2 < near2
                                and delta_e(lab, other) < DERIVED_DELTA_E):
                            return False
        return True

    def derive(self, name: str, parent_color: str | None) -> str:
        first = name_color(name) if parent_color is None else None
        if not self.check:
            return first or self._family(name, parent_color, 0)
        if first is not None and self._free(first):
            self._add(first)
            return first
        k = 0
        for tries, _width in _FAMILY:
            for _ in range(tries):
                k += 1
                cand = self._family(name, parent_color, k)
                if self._free(cand):
                    self._add(cand)
                    return cand
        for _ in range(512):  # the spec's colours are crowded: any free colour
            k += 1
            h = hashlib.sha256(f"{name}\x00{k}".encode()).digest()
            cand = hsv_hex(h[0] / 256 + h[1] / 65536, 0.25 + h[2] / 255 * 0.75,
                           0.35 + h[3] / 255 * 0.65)
            if self._free(cand):
                self._add(cand)
                return cand
        return first or self._family(name, parent_color, 0)  # no room left: names decide

    @staticmethod
    def _family(name: str, parent_color: str | None, k: int) -> str:
        h = hashlib.sha256(f"{name}\x00{k}".encode()).digest()
        if parent_color is None:
            hue = ((h[0] << 8) | h[1]) / 65536.0
        else:
            width = _FIRST_WIDTH if k == 0 else next((w for n, w in _ACCUMULATED if k < n),
                                                     0.5)
            hue = hue_of(parent_color) + (((h[0] << 8) | h[1]) / 65535.0 * 2 - 1) * width
        return hsv_hex(hue, 0.30 + (h[2] / 255.0) * 0.70, 0.45 + (h[3] / 255.0) * 0.55)


# k below which each family width applies (k counts candidates across the widths)
_ACCUMULATED = tuple((sum(n for n, _ in _FAMILY[:i + 1]) + 1, w) for i, (_, w) in
                     enumerate(_FAMILY))
# k = 0: the family width of every derived colour of a big spec
_FIRST_WIDTH = next((w for n, w in _ACCUMULATED if n > 0), 0.5)
