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
        c = project.lookup(names[row]) if names[row] else None  # an alias names its class
        name = c.name if c is not None else None
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


# ---------------------------------------------------------------------------- rewrite
def _data_yaml(t: AnnotationTable) -> str | None:
    """The dataset's ``data.yaml`` (or ``dataset.yaml``): beside the labels or up to three
    folders above them, as the reader finds it from the delivery folder."""
    labels = [sf.path for sf in t.files if sf.path.endswith(".txt")]
    if not labels:
        return None
    d = os.path.dirname(os.path.abspath(labels[0]))
    for _ in range(4):
        for name in ("data.yaml", "dataset.yaml"):
            if os.path.isfile(os.path.join(d, name)):
                return os.path.join(d, name)
        d = os.path.dirname(d)
    return None


def _names(t: AnnotationTable, edits) -> tuple[list[str] | None, list[str] | None]:
    """(delivered names, names under the new spec). A class keeps its index where the map
    allows (renames, new classes appended); a retired or merged class renumbers the names in
    the new spec's order."""
    cats = t.declared_categories
    if not cats or not all(isinstance(k, int) for k in cats):
        return None, None
    before = [str(cats[i].get("name")) for i in range(len(cats)) if i in cats]
    mapped = []
    for n in before:
        c = edits.old.lookup(n)
        mapped.append(n if c is None else edits.dest.get(c.name))
    if None not in mapped and len(set(mapped)) == len(mapped):
        after = mapped + [n for n in edits.new_classes if n not in mapped]
    else:
        after = [c.name for c in edits.new.classes]
        after += [n for n in before if n not in after and edits.old.lookup(n) is None]
    return before, after


def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered label files with only the edits applied: a row's class index, its
    keypoints in the new schema's order, dropped rows; every other line is kept byte for
    byte. ``data.yaml`` gets the new names (and ``kpt_shape``/``flip_idx`` when the schema
    changed); its other keys stay."""
    before, after = _names(t, edits)
    index = {n: i for i, n in enumerate(after)} if after else None
    yaml_path = _data_yaml(t)
    ndim = 3
    doc = None
    if yaml_path is not None:
        doc = yaml.safe_load(source(yaml_path))
        ks = doc.get("kpt_shape") if isinstance(doc, dict) else None
        if isinstance(ks, list) and len(ks) == 2 and ks[1] in (2, 3):
            ndim = ks[1]
    out: dict[str, bytes] = {}
    im = t.images
    for fi, sf in enumerate(t.files):
        if not sf.path.endswith(".txt"):
            continue  # an image without labels
        rows = edits.of_file(t, fi)
        data = source(sf.path)
        if not rows and (before is None or before == after[:len(before)]):
            out[sf.path] = data
            continue
        lines = data.decode("utf-8-sig").splitlines(keepends=True)
        by_line = {int(t.src_line[r]): (r, e) for r, e in rows.items()}
        for ln in range(len(lines), 0, -1):
            parts = lines[ln - 1].split()
            if not parts:
                continue
            hit = by_line.get(ln)
            if hit is not None and hit[1].drop:
                del lines[ln - 1]
                continue
            if index is not None and parts[0].isdigit() and int(parts[0]) < len(before):
                said = before[int(parts[0])]
                c = edits.old.lookup(said)
                cls = (hit[1].cls if hit is not None and hit[1].cls
                       else edits.dest.get(c.name) if c is not None else said)
                if cls in index:
                    parts[0] = str(index[cls])
            elif index is None and hit is not None and hit[1].label_id is not None:
                parts[0] = str(hit[1].label_id)
            if hit is not None and hit[1].kp is not None:
                r = hit[0]
                img = int(t.image_index[r])
                w, h = float(im.width[img]), float(im.height[img])
                kp = []
                for x, y, v in hit[1].kp:
                    kp += [_f(x / w), _f(y / h)] + ([str(int(v))] if ndim == 3 else [])
                parts = parts[:5] + kp
            if parts != lines[ln - 1].split():
                end = "\n" if lines[ln - 1].endswith("\n") else ""
                lines[ln - 1] = " ".join(parts) + end
        out[sf.path] = "".join(lines).encode("utf-8")
    if yaml_path is not None and isinstance(doc, dict):
        if after is not None and after != before:
            doc["names"] = ({i: n for i, n in enumerate(after)}
                            if isinstance(doc.get("names"), dict) else list(after))
            if "nc" in doc:
                doc["nc"] = len(after)
        for entry in edits.mapping.get("keypoints", {}).values():
            if entry["permutation"] != list(range(len(entry["permutation"]))) and \
                    "kpt_shape" in doc:
                doc["kpt_shape"] = [len(entry["points"]), ndim]
                if "flip_idx" in doc:
                    doc["flip_idx"] = list(entry["flip_idx"])
        out[yaml_path] = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()
    return out
