"""YOLO txt labels (a folder): ``labels/<image stem>.txt`` plus ``data.yaml`` with the names.

Class index = position of the class in the spec (``project.classes`` order), written to
``data.yaml`` as ``names: {index: name}``. Boxes: ``c cx cy w h``; polygons (segment): ``c x1 y1
...``; keypoints (pose): ``c cx cy w h x y v ...``; rotated boxes (OBB): ``c x1 y1 ... x4 y4``.
All coordinates normalized by the image size (an image without a known size is an error).
"""

from __future__ import annotations

import math
import os

import numpy as np
import yaml

from guidec.diagnostics import GuidecError
from guidec.table import AnnotationTable, Shape
from guidec.writers import boxes, label_names

FORMAT = "yolo"
SINGLE_FILE = False


def _f(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") if x else "0"


def _corners(x, y, w, h, deg) -> list[tuple[float, float]]:
    cx, cy = x + w / 2, y + h / 2
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    out = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append((cx + dx * c - dy * s, cy + dx * s + dy * c))
    return out


def write(t: AnnotationTable, project) -> dict[str, bytes]:
    index = {c.name: i for i, c in enumerate(project.classes)}
    names = label_names(t, project)
    im = t.images
    unsized = [im.file_name[i] for i in range(len(im))
               if np.isnan(im.width[i]) or np.isnan(im.height[i])]
    if unsized:
        raise GuidecError(f"YOLO needs image sizes; unknown for {len(unsized)} image(s), e.g. "
                          f"{unsized[0]}")
    bb = boxes(t)
    lines: dict[int, list[str]] = {i: [] for i in range(len(im))}
    for row in range(len(t)):
        img = int(t.image_index[row])
        name = names[row]
        if img < 0 or name not in index:
            continue
        w, h = float(im.width[img]), float(im.height[img])
        cls = str(index[name])
        shape = int(t.shape[row])
        rings = t.rings_of(row)
        kp = t.keypoints_of(row)
        if shape in (Shape.POLYGON, Shape.MASK) and rings:
            pts = rings[0] / (w, h)
            lines[img].append(" ".join([cls, *(_f(v) for v in pts.ravel())]))
            continue
        x, y, bw, bh = bb[row]
        if np.isnan(bb[row]).any():
            continue
        if shape == Shape.ROTATED_BOX and t.rotation[row]:
            pts = np.asarray(_corners(x, y, bw, bh, t.rotation[row])) / (w, h)
            lines[img].append(" ".join([cls, *(_f(v) for v in pts.ravel())]))
            continue
        fields = [cls, _f((x + bw / 2) / w), _f((y + bh / 2) / h), _f(bw / w), _f(bh / h)]
        if len(kp):
            for px, py, v in kp:
                fields += [_f(px / w), _f(py / h), str(int(v))]
        lines[img].append(" ".join(fields))
    files: dict[str, bytes] = {}
    for img, rows in lines.items():
        stem = os.path.splitext(os.path.basename(str(im.file_name[img])))[0]
        files[f"labels/{stem}.txt"] = ("".join(r + "\n" for r in rows)).encode("utf-8")
    data = {"names": {i: c.name for i, c in enumerate(project.classes)},
            "nc": len(project.classes)}
    kps = {c.keypoints for c in project.classes if c.keypoints}
    if len(kps) == 1:
        ks = project.keypoint_schemas[kps.pop()]
        data["kpt_shape"] = [len(ks.points), 3]
        data["flip_idx"] = list(ks.flip_idx)
    files["data.yaml"] = yaml.safe_dump(data, sort_keys=True, allow_unicode=True).encode()
    return files
