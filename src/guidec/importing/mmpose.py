"""mmpose ``dataset_info`` files (``configs/_base_/datasets/*.py``), read with :mod:`ast`.

``keypoint_info`` gives the points (in index order) and ``swap`` the flip pairs,
``skeleton_info`` the edges, ``sigmas`` the OKS sigmas. The spec gets one keypoint schema and
one class, both named after ``dataset_name``. Keypoint and link colours, ``type``
(upper/lower), ``joint_weights`` and ``paper_info`` have no spec field (I102); contradictions
(one-way swaps, ids that are not their index, counts that differ) are I106.
"""

from __future__ import annotations

import re

from guidec.importing import I102, I106, Draft, read_text, unreadable
from guidec.importing._pyliteral import NotLiteral, assigned, literal, parse

FORMAT = "mmpose"


def detect(path: str, head: str) -> bool:
    return re.search(r"^dataset_info\s*=", head, re.M) is not None


def read(path: str, d: Draft) -> None:
    tree = parse(path, read_text(path))
    node = assigned(tree, "dataset_info")
    if node is None:
        raise unreadable(path, "no 'dataset_info = dict(...)' assignment")
    soft: list[int] = []
    try:
        info = literal(node, soft)
    except NotLiteral as exc:
        raise unreadable(path, f"dataset_info is not a literal: {exc}") from None
    if soft:
        lines = sorted(set(soft))
        d.lose(I102, f"{len(soft)} value(s) are not literals (names, subscripts: line "
               f"{', '.join(map(str, lines[:5]))}{', ...' if len(lines) > 5 else ''}); read "
               "as empty, the file is never executed")
    if not isinstance(info, dict) or not isinstance(info.get("keypoint_info"), dict) \
            or not info["keypoint_info"]:
        raise unreadable(path, "dataset_info has no keypoint_info dict")
    kinfo = info["keypoint_info"]
    name = str(info.get("dataset_name") or "keypoints")
    d.title = f"{name} keypoints"
    paper = info.get("paper_info")
    if isinstance(paper, dict) and paper.get("title"):
        d.summary = f"Keypoints of {name} ({paper['title']})."
    idx = sorted(k for k in kinfo if isinstance(k, int))
    if len(idx) != len(kinfo):
        d.lose(I106, "keypoint_info keys that are not numbers are left out", ("keypoint_info",))
    points: list[str] = []
    for i in idx:
        entry = kinfo[i] if isinstance(kinfo[i], dict) else {}
        pname = str(entry.get("name", "")) or str(i)
        points.append(pname)
    if idx != list(range(len(idx))):
        d.lose(I106, f"keypoint_info indexes are not 0..{len(idx) - 1}; points are read in "
               "index order", ("keypoint_info",))
    wrong = [(i, kinfo[i].get("id")) for i in idx
             if isinstance(kinfo[i], dict) and kinfo[i].get("id") != i]
    if wrong:
        i, kid = wrong[0]
        d.lose(I106, f"{len(wrong)} keypoint(s) have an id that is not their index (first: "
               f"{points[idx.index(i)]!r} at {i} has id {kid!r}); the index is kept",
               ("keypoint_info", i, "id"))
    swap = {}
    for i, p in zip(idx, points, strict=True):
        s = kinfo[i].get("swap") if isinstance(kinfo[i], dict) else None
        if s:
            swap[p] = str(s)
    flip: list[list[str]] = []
    for a, b in swap.items():
        if b not in points:
            d.lose(I106, f"{a!r} swaps with {b!r}, which is not a point; left out",
                   ("keypoint_info",))
            continue
        if swap.get(b) != a:
            d.lose(I106, f"{a!r} swaps with {b!r}, but {b!r} swaps with "
                   f"{swap.get(b) or 'nothing'!r}; written as the pair [{a}, {b}]",
                   ("keypoint_info",))
            if [b, a] not in flip:
                flip.append([a, b])
        elif points.index(a) < points.index(b):
            flip.append([a, b])
    skeleton = []
    sk = info.get("skeleton_info") or {}
    for k in sorted(k for k in sk if isinstance(k, int)):
        link = sk[k].get("link") if isinstance(sk[k], dict) else None
        if (isinstance(link, list | tuple) and len(link) == 2
                and all(str(x) in points for x in link)):
            skeleton.append([str(link[0]), str(link[1])])
        else:
            d.lose(I106, f"skeleton link {k} {link!r} does not name two points; left out",
                   ("skeleton_info", k))
    schema: dict = {"points": points}
    if skeleton:
        schema["skeleton"] = skeleton
    if flip:
        schema["flip"] = flip
    sigmas = info.get("sigmas")
    if isinstance(sigmas, list) and sigmas:
        if len(sigmas) == len(points) and all(isinstance(s, int | float) for s in sigmas):
            schema["sigmas"] = [float(s) for s in sigmas]
        else:
            d.lose(I106, f"{len(sigmas)} sigmas for {len(points)} points; left out", ("sigmas",))
    weights = info.get("joint_weights")
    if isinstance(weights, list) and len(weights) != len(points):
        d.lose(I106, f"{len(weights)} joint_weights for {len(points)} keypoints",
               ("joint_weights",))
    lost = sorted({k for i in idx if isinstance(kinfo[i], dict) for k in kinfo[i]}
                  - {"name", "id", "swap"})
    if lost:
        d.lose(I102, f"keypoint_info: {', '.join(lost)} not carried over (no spec field)",
               ("keypoint_info",))
    rest = sorted(set(info) - {"dataset_name", "keypoint_info", "skeleton_info", "sigmas",
                               "joint_weights", "paper_info"})
    extra = [k for k in ("joint_weights", "paper_info") if k in info]
    if sk:
        extra.append("skeleton_info colours")
    if rest or extra:
        d.lose(I102, f"{', '.join(extra + rest)} not carried over (no spec field)")
    d.keypoint_schemas[name] = schema
    d.add_class(name, id=1, shapes=["box", "keypoints"], keypoints=name)
    d.exports = [{"format": "coco", "variant": "keypoints"}]
