"""Lint rules about class colours: duplicates and colours people cannot tell apart.

Perceptual distance is CIEDE2000 (CIE 2000 colour difference, D65 white, sRGB input). Up to
:data:`SMALL` colours every pair is compared. Above, the candidate pairs come from a grid over
CIELAB: in C (``guidec/_colorpairs.c``) when it is built, else in plain Python up to
:data:`PLAIN_GRID` colours (a spec's check does not pay numpy's import, 0.1 s, a quarter of a
1,000-class check), else with numpy. Tests hold the paths to the same pairs.
"""

from __future__ import annotations

from array import array

from guidec.colorspace import SIMILAR_DELTA_E, _space, delta_e, lab_of
from guidec.lint import lint_rule
from guidec.view import Project

try:  # guidec/_colorpairs.c, built with guidec; the Python searches give the same pairs
    from guidec import _colorpairs
except ImportError:  # pragma: no cover
    _colorpairs = None

#: Search with the compiled grid when it is built (tests turn it off to compare).
USE_NATIVE = True

#: Up to this many colours, all pairs in plain Python (2,016 pairs at most).
SMALL = 64
#: Up to this many colours, the grid search in plain Python; above, with numpy. The plain
#: search costs about 6 us per candidate pair, numpy's import 0.1 s: at 500 colours spread over
#: sRGB the plain search takes 0.03 s, at 1,100 (a 10,000-class spec with a tenth of its
#: colours given) 0.17 s against numpy's 0.02 s plus its import.
PLAIN_GRID = 500


def srgb_to_lab(rgb):
    """sRGB values in 0-255 (n x 3) -> CIELAB (D65), a numpy array."""
    import numpy as np

    c = np.asarray(rgb, dtype=np.float64) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]),
                     200 * (f[:, 1] - f[:, 2])], axis=1)


def ciede2000(lab1, lab2):
    """CIEDE2000 difference of two arrays of CIELAB colours (n x 3 each), k_L = k_C = k_H = 1."""
    import numpy as np

    L1, a1, b1 = lab1[:, 0], lab1[:, 1], lab1[:, 2]
    L2, a2, b2 = lab2[:, 0], lab2[:, 1], lab2[:, 2]
    C1, C2 = np.hypot(a1, b1), np.hypot(a2, b2)
    Cm7 = ((C1 + C2) / 2) ** 7
    G = 0.5 * (1 - np.sqrt(Cm7 / (Cm7 + 25.0 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dLp = L2 - L1
    dCp = C2p - C1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(C1p * C2p == 0, 0.0, dh)
    dHp = 2 * np.sqrt(C1p * C2p) * np.sin(np.radians(dh / 2))
    Lpm = (L1 + L2) / 2
    Cpm = (C1p + C2p) / 2
    hsum = h1p + h2p
    hpm = np.where(np.abs(h1p - h2p) > 180,
                   np.where(hsum < 360, (hsum + 360) / 2, (hsum - 360) / 2), hsum / 2)
    hpm = np.where(C1p * C2p == 0, hsum, hpm)
    T = (1 - 0.17 * np.cos(np.radians(hpm - 30)) + 0.24 * np.cos(np.radians(2 * hpm))
         + 0.32 * np.cos(np.radians(3 * hpm + 6)) - 0.20 * np.cos(np.radians(4 * hpm - 63)))
    dtheta = 30 * np.exp(-(((hpm - 275) / 25) ** 2))
    Cpm7 = Cpm ** 7
    Rc = 2 * np.sqrt(Cpm7 / (Cpm7 + 25.0 ** 7))
    Sl = 1 + 0.015 * (Lpm - 50) ** 2 / np.sqrt(20 + (Lpm - 50) ** 2)
    Sc = 1 + 0.045 * Cpm
    Sh = 1 + 0.015 * Cpm * T
    Rt = -np.sin(np.radians(2 * dtheta)) * Rc
    return np.sqrt((dLp / Sl) ** 2 + (dCp / Sc) ** 2 + (dHp / Sh) ** 2
                   + Rt * (dCp / Sc) * (dHp / Sh))


def _given(project: Project):
    return [c for c in project.classes if c.color_given and not c.deprecated]


@lint_rule("L401")
def duplicate_colors(project: Project):
    seen: dict[str, str] = {}
    for c in _given(project):
        if c.color in seen:
            yield duplicate_colors.code(f"colour {c.color} of {c.name!r} is already used by "
                                        f"{seen[c.color]!r}", path=(*c.spec_path, "color"))
        else:
            seen[c.color] = c.name


#: Grid cells are this many thresholds wide in the search space (see _search_space); over 8
#: million random sRGB pairs the search-space distance of a close pair stays below 2.3x its
#: CIEDE2000, so 3 leaves a margin.
_MARGIN = 3.0
#: Candidates farther apart than this many thresholds in the search space are dropped before
#: CIEDE2000 is computed (above the 2.3x measured, below the grid's 3x).
_NEAR = 2.6


def _search_space(lab):
    """CIELAB with chroma compressed as CIEDE2000 weighs it (C' = ln(1 + 0.045 C) / 0.045, the
    integral of 1/S_C), so Euclidean distance here stays within a small factor of CIEDE2000
    (CIE76 itself can be 5x larger for saturated colours). Candidate pairs are those within
    ``_MARGIN`` thresholds here; tests compare the result with a brute-force search."""
    import numpy as np

    c = np.hypot(lab[:, 1], lab[:, 2])
    scale = np.where(c > 1e-9, np.log1p(0.045 * c) / 0.045 / np.maximum(c, 1e-9), 1.0)
    return np.stack([lab[:, 0], lab[:, 1] * scale, lab[:, 2] * scale], axis=1)


def similar_pairs(colors: list[str], threshold: float = SIMILAR_DELTA_E,
                  small: int = SMALL, plain_grid: int = PLAIN_GRID,
                  ) -> list[tuple[int, int, float]]:
    """``[(i, j, delta_e)]`` with i < j, sorted: distinct colours closer than ``threshold``.
    Up to ``small`` colours every pair in plain Python; above, the grid search, compiled, or
    in plain Python up to ``plain_grid`` colours, or with numpy."""
    if len(colors) > small and _colorpairs is not None and USE_NATIVE:
        lab = array("d")
        for c in colors:
            lab.extend(lab_of(c))
        rgb = array("q", [int(c[1:7], 16) for c in colors])
        return _colorpairs.pairs(lab.tobytes(), rgb.tobytes(), threshold, _NEAR * threshold)
    if len(colors) > small and len(colors) <= plain_grid:
        return _plain_grid_pairs(colors, threshold)
    if len(colors) <= small:
        labs = [lab_of(c) for c in colors]
        out = []
        for i in range(len(colors)):
            for j in range(i + 1, len(colors)):
                if colors[i].lower() != colors[j].lower():
                    d = delta_e(labs[i], labs[j])
                    if d < threshold:
                        out.append((i, j, d))
        return out
    a, b, d = similar_pair_arrays(colors, threshold)
    return sorted(zip(a.tolist(), b.tolist(), d.tolist(), strict=True))


def _plain_grid_pairs(colors: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """:func:`similar_pair_arrays`'s search without numpy: candidates within ``_NEAR``
    thresholds in the search space, found in a grid of cells that wide (so the 27 cells around
    a colour hold every candidate), then CIEDE2000."""
    radius = _NEAR * threshold
    r2 = radius * radius
    labs = [lab_of(c) for c in colors]
    points = [_space(lab) for lab in labs]
    rgb = [c.lower() for c in colors]
    grid: dict[tuple[int, int, int], list[int]] = {}
    cells = []
    for i, (x, y, z) in enumerate(points):
        key = (int(x // radius), int(y // radius), int(z // radius))
        cells.append(key)
        grid.setdefault(key, []).append(i)
    out = []
    around = [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)]
    for i, (kx, ky, kz) in enumerate(cells):
        x, y, z = points[i]
        for dx, dy, dz in around:
            for j in grid.get((kx + dx, ky + dy, kz + dz), ()):
                if j <= i:
                    continue
                ox, oy, oz = points[j]
                if (x - ox) ** 2 + (y - oy) ** 2 + (z - oz) ** 2 < r2 and rgb[i] != rgb[j]:
                    d = delta_e(labs[i], labs[j])
                    if d < threshold:
                        out.append((i, j, d))
    out.sort()
    return out


def similar_pair_arrays(colors: list[str], threshold: float = SIMILAR_DELTA_E):
    """Arrays ``(i, j, delta_e)`` of the distinct colour pairs closer than ``threshold``."""
    import numpy as np

    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    if len(colors) < 2:
        return empty
    rgb = np.array([[int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)] for h in colors])
    lab = srgb_to_lab(rgb)
    space = _search_space(lab)
    radius = _NEAR * threshold
    cells = np.floor(space / (_MARGIN * threshold)).astype(np.int64)
    cells -= cells.min(axis=0)
    dims = cells.max(axis=0) + 3
    flat = ((cells[:, 0] + 1) * dims[1] + cells[:, 1] + 1) * dims[2] + cells[:, 2] + 1
    order = np.argsort(flat, kind="stable")
    sorted_keys = flat[order]
    ii_parts, jj_parts = [], []
    # Each unordered pair once: pairs within a cell (i < j), and pairs with the 13 neighbouring
    # cells on one side (the other 13 would give the same pairs mirrored, at twice the cost).
    offsets = [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)
               if (dx, dy, dz) >= (0, 0, 0)]
    for dx, dy, dz in offsets:  # one vectorised join per neighbouring cell
        target = flat + (dx * dims[1] + dy) * dims[2] + dz
        lo = np.searchsorted(sorted_keys, target, side="left")
        hi = np.searchsorted(sorted_keys, target, side="right")
        counts = hi - lo
        if not counts.any():
            continue
        src = np.repeat(np.arange(len(flat)), counts)
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        dst = order[starts + np.arange(counts.sum())]
        if (dx, dy, dz) == (0, 0, 0):
            keep = src < dst
            src, dst = src[keep], dst[keep]
        diff = space[src] - space[dst]
        near = np.einsum("ij,ij->i", diff, diff) < radius * radius
        ii_parts.append(src[near])
        jj_parts.append(dst[near])
    if not ii_parts:
        return empty
    ii = np.concatenate(ii_parts)
    jj = np.concatenate(jj_parts)
    if not len(ii):
        return empty
    a, b = np.minimum(ii, jj), np.maximum(ii, jj)
    d = ciede2000(lab[a], lab[b])
    keep = (d < threshold) & np.any(rgb[a] != rgb[b], axis=1)
    return a[keep], b[keep], d[keep]


@lint_rule("L402")
def similar_colors(project: Project):
    given = _given(project)
    uniq: dict[str, int] = {}
    for i, c in enumerate(given):
        uniq.setdefault(c.color, i)
    firsts = list(uniq.values())
    earliest: dict[int, tuple[int, float]] = {}  # later class -> its earliest look-alike
    for a, b, d in similar_pairs([given[i].color for i in firsts]):
        first, second = sorted((firsts[a], firsts[b]))  # positions in `given`: spec order
        if second not in earliest or first < earliest[second][0]:
            earliest[second] = (first, d)
    for second in sorted(earliest):
        first, d = earliest[second]
        one, two = given[first], given[second]
        yield similar_colors.code(
            f"colour {two.color} of {two.name!r} is hard to tell from {one.color} of "
            f"{one.name!r} (CIEDE2000 {d:.1f} < {SIMILAR_DELTA_E:g})",
            path=(*two.spec_path, "color"))
