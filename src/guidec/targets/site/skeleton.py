"""A keypoint schema drawn as a diagram: points with names, skeleton edges, flip pairs.

Schemas carry no canonical coordinates, so the layout is derived from the graph: rows by
breadth-first distance along the skeleton, flip partners mirrored left and right of a centre
line, unpaired points on it. Edges are solid, flip pairs dashed. Built with ElementTree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import deque

from guidec.view import ResolvedKeypoints

SVG_NS = "http://www.w3.org/2000/svg"
ROW, COL, MARGIN_X, MARGIN_Y = 70.0, 120.0, 110.0, 40.0
EDGE, FLIP, POINT = "#1565c0", "#ef6c00", "#263238"


def _col(ks: ResolvedKeypoints) -> float:
    """Column width: room for the longest label ('12: right_shoulder') centred under a point."""
    longest = max(len(f"{i}: {p}") for i, p in enumerate(ks.points))
    return max(COL, 7.5 * longest + 16)


def layout(ks: ResolvedKeypoints) -> list[tuple[float, float]]:
    """``(x, y)`` per point; x relative to the centre line (negative = left)."""
    n = len(ks.points)
    col = _col(ks)
    adj: list[list[int]] = [[] for _ in range(n)]
    for a, b in ks.skeleton:
        adj[a].append(b)
        adj[b].append(a)
    depth = [-1] * n
    base = 0
    for start in range(n):  # one breadth-first search per connected component
        if depth[start] >= 0:
            continue
        depth[start] = base
        queue = deque([start])
        deepest = base
        while queue:
            u = queue.popleft()
            for v in adj[u]:
                if depth[v] < 0:
                    depth[v] = depth[u] + 1
                    deepest = max(deepest, depth[v])
                    queue.append(v)
        base = deepest + 1
    partner = list(ks.flip_idx)
    row: list[int] = list(depth)
    for i in range(n):  # a flip pair shares a row
        j = partner[i]
        if j != i:
            row[i] = row[j] = min(depth[i], depth[j])
    xs = [0.0] * n
    by_row: dict[int, list[int]] = {}
    for i in range(n):
        by_row.setdefault(row[i], []).append(i)
    for r in sorted(by_row):
        members = by_row[r]
        pairs = [(i, partner[i]) for i in members if partner[i] > i]
        singles = [i for i in members if partner[i] == i]
        centre = (len(singles) - 1) / 2 * col + col / 2 if singles else 0.0
        for k, (a, b) in enumerate(pairs, start=1):
            xs[a], xs[b] = -(k - 0.5) * col - centre, (k - 0.5) * col + centre
        for k, i in enumerate(singles):
            xs[i] = (k - (len(singles) - 1) / 2) * col
    return [(xs[i], row[i] * ROW) for i in range(n)]


def diagram_svg(ks: ResolvedKeypoints) -> str:
    pos = layout(ks)
    margin = max(MARGIN_X, _col(ks) / 2 + 10)
    left = min(p[0] for p in pos) - margin
    right = max(p[0] for p in pos) + margin
    right = max(right, left + 340)  # room for the legend
    bottom = max(p[1] for p in pos) + MARGIN_Y + 30
    width, height = right - left, bottom + MARGIN_Y

    def at(i: int) -> tuple[str, str]:
        return f"{pos[i][0] - left:.1f}", f"{pos[i][1] + MARGIN_Y:.1f}"

    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width:.0f} {height:.0f}",
                             "width": f"{width:.0f}", "height": f"{height:.0f}",
                             "font-family": "sans-serif", "font-size": "13"})
    ET.SubElement(svg, "title").text = f"Keypoint schema {ks.name}"
    ET.SubElement(svg, "rect", {"width": "100%", "height": "100%", "fill": "#ffffff"})
    done = set()
    for i, j in enumerate(ks.flip_idx):
        if j != i and (j, i) not in done:
            done.add((i, j))
            (x1, y1), (x2, y2) = at(i), at(j)
            # An arc bowing down, deeper for wider pairs: pairs on one row stay apart.
            mx, bow = (float(x1) + float(x2)) / 2, abs(float(x2) - float(x1)) * 0.12
            ET.SubElement(svg, "path", {
                "d": f"M {x1} {y1} Q {mx:.1f} {float(y1) + bow:.1f} {x2} {y2}", "fill": "none",
                "stroke": FLIP, "stroke-width": "1.5", "stroke-dasharray": "5 4",
                "class": "flip"})
    for a, b in ks.skeleton:
        (x1, y1), (x2, y2) = at(a), at(b)
        ET.SubElement(svg, "line", {"x1": x1, "y1": y1, "x2": x2, "y2": y2,
                                    "stroke": EDGE, "stroke-width": "3", "class": "edge"})
    for i, name in enumerate(ks.points):
        x, y = at(i)
        ET.SubElement(svg, "circle", {"cx": x, "cy": y, "r": "6", "fill": POINT})
        t = ET.SubElement(svg, "text", {"x": x, "y": f"{float(y) + 22:.1f}",
                                        "text-anchor": "middle", "fill": POINT,
                                        "stroke": "#ffffff", "stroke-width": "4",
                                        "paint-order": "stroke"})
        t.text = f"{i}: {name}"
    legend_y = f"{height - 12:.0f}"
    ET.SubElement(svg, "line", {"x1": "10", "y1": f"{height - 16:.0f}", "x2": "40",
                                "y2": f"{height - 16:.0f}", "stroke": EDGE, "stroke-width": "3"})
    ET.SubElement(svg, "text", {"x": "46", "y": legend_y}).text = "skeleton edge"
    ET.SubElement(svg, "line", {"x1": "150", "y1": f"{height - 16:.0f}", "x2": "180",
                                "y2": f"{height - 16:.0f}", "stroke": FLIP, "stroke-width": "1.5",
                                "stroke-dasharray": "5 4"})
    ET.SubElement(svg, "text", {"x": "186", "y": legend_y}).text = "left/right flip pair"
    return ET.tostring(svg, encoding="unicode") + "\n"
