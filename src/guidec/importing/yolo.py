"""YOLO ``data.yaml`` (ultralytics): ``names`` as a list or an ``{id: name}`` dict, and for pose
``kpt_shape`` ([points, 2 or 3]), ``flip_idx`` (flip pairs) and ``kpt_names``.

Ids are YOLO's (from 0). Dataset paths, ``download`` and other training keys have no spec
field (I102). A ``flip_idx`` that is not a permutation of pairs, or of another length, is I106.
Oriented boxes cannot be told from the file: a file whose name says ``obb`` or ``dota`` gets
rotated boxes, any other boxes.
"""

from __future__ import annotations

import os
import re

import yaml

from guidec.importing import I102, I105, I106, Draft, read_text, unreadable

FORMAT = "yolo"
KNOWN = {"names", "nc", "kpt_shape", "flip_idx", "kpt_names"}


def detect(path: str, head: str) -> bool:
    return re.search(r"^names\s*:", head, re.M) is not None and not head.lstrip().startswith(
        ("{", "<"))


def read(path: str, d: Draft) -> None:
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as exc:
        raise unreadable(path, f"not YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("names"), dict | list):
        raise unreadable(path, "no 'names' list or dict (a YOLO data.yaml has one)")
    names = data["names"]
    items = sorted(names.items(), key=lambda kv: str(kv[0])) if isinstance(names, dict) \
        else list(enumerate(names))
    if isinstance(names, dict):
        items = sorted(names.items(), key=lambda kv: (not isinstance(kv[0], int), kv[0]
                                                      if isinstance(kv[0], int) else 0))
    stem = os.path.basename(path).lower()
    d.title = os.path.splitext(os.path.basename(path))[0]
    nc = data.get("nc")
    if nc is not None and nc != len(items):
        d.lose(I105, f"nc is {nc!r} but names has {len(items)} entries; the names are used",
               ("nc",))
    shapes = ["rotated_box"] if ("obb" in stem or "dota" in stem) else ["box"]
    kpt = data.get("kpt_shape")
    schema = None
    if kpt is not None:
        if (isinstance(kpt, list) and len(kpt) == 2 and all(isinstance(v, int) for v in kpt)
                and kpt[0] > 0 and kpt[1] in (2, 3)):
            schema = _schema(d, data, kpt[0], kpt[1])
            shapes = ["box", "keypoints"]
        else:
            d.lose(I106, f"kpt_shape {kpt!r} is not [points, 2 or 3]; no keypoints",
                   ("kpt_shape",))
    for i, n in items:
        if isinstance(i, bool) or not isinstance(i, int):
            d.lose(I105, f"class key {i!r} is not a number; the class gets a new id",
                   ("names", str(i)))
            i = None
        c = {"id": i, "shapes": shapes}
        if schema:
            c["keypoints"] = "keypoints"
        d.add_class(str(n), where=("names", str(i)), **c)
    if schema:
        d.keypoint_schemas["keypoints"] = schema
    rest = sorted(str(k) for k in set(data) - KNOWN)
    if rest:
        d.lose(I102, f"{', '.join(rest)} not carried over (dataset paths and training "
               "settings have no spec field)")
    variant = "pose" if schema else ("obb" if shapes == ["rotated_box"] else "detect")
    d.exports = [{"format": "yolo", "variant": variant}]


def _schema(d: Draft, data: dict, n: int, dims: int) -> dict:
    kn = data.get("kpt_names")
    points = None
    if isinstance(kn, dict) and kn:
        first = kn.get(0, next(iter(kn.values())))
        if len(kn) > 1:
            d.lose(I102, "kpt_names for several classes: the first list is used",
                   ("kpt_names",))
        kn = first
    if isinstance(kn, list) and len(kn) == n:
        points = [str(p) for p in kn]
    elif kn is not None:
        d.lose(I106, f"kpt_names has {len(kn) if isinstance(kn, list) else '?'} names for "
               f"{n} keypoints; points are numbered", ("kpt_names",))
    if points is None:
        points = [f"kp{i}" for i in range(n)]
    schema: dict = {"points": points}
    if dims == 2:
        schema["visibility"] = "none"
    flip_idx = data.get("flip_idx")
    pairs: list[list[str]] = []
    if flip_idx is None:
        return schema
    if not isinstance(flip_idx, list) or len(flip_idx) != n:
        d.lose(I106, f"flip_idx has {len(flip_idx) if isinstance(flip_idx, list) else '?'} "
               f"entries for {n} keypoints", ("flip_idx",))
    for i, j in enumerate(flip_idx if isinstance(flip_idx, list) else []):
        if not isinstance(j, int) or not 0 <= j < n or i >= n:
            d.lose(I106, f"flip_idx[{i}] = {j!r} is not a keypoint index; left out",
                   ("flip_idx", i))
        elif i < j:
            pairs.append([points[i], points[j]])
            if j < len(flip_idx) and flip_idx[j] != i:
                d.lose(I106, f"flip_idx[{i}] = {j} but flip_idx[{j}] = {flip_idx[j]}; "
                       f"written as the pair [{points[i]}, {points[j]}]", ("flip_idx", i))
        elif i > j and flip_idx[j] != i:
            d.lose(I106, f"flip_idx[{i}] = {j} but flip_idx[{j}] = {flip_idx[j]}; "
                   f"written as the pair [{points[i]}, {points[j]}]", ("flip_idx", i))
            pairs.append([points[i], points[j]])
    if pairs:
        schema["flip"] = pairs
    return schema
