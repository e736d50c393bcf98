"""N annotators on the same images: pairwise agreement, Krippendorff's alpha, and consensus.

Every pair of annotators is compared with the one matcher (:func:`guidec.qa.match.compare`, the
first of the pair as reference). Objects matched in any pair, in either pass, are one **unit**
(union-find over the matches); an annotator who labelled the unit's image but drew nothing in it
says "(none)". Over the units:

* Krippendorff's alpha (nominal) of the classes, and of each attribute of the spec;
* a finding for each unit where the annotators disagree on the class (Q030) or where some drew
  nothing (Q031);
* the **consensus**: a unit is kept when at least ⌈n × quorum⌉ annotators drew it; its class and
  attribute values are the majority's (ties: the first annotator's); a box is the mean of the
  boxes of the majority class; any other geometry (polygon, mask, keypoints) is that of the
  member most like the others (the medoid).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from guidec.qa import match as mt

NONE = "(none)"


@dataclass
class Unit:
    image: str  # correspondence key of the image
    members: dict[int, int] = field(default_factory=dict)  # annotator -> row of its table


@dataclass
class NWay:
    names: list[str]
    tables: list
    classes: list[np.ndarray]  # current class per row, per annotator
    pairs: list[dict]  # one per pair of annotators: a, b, counts and rates
    units: list[Unit]
    labelled: list[set]  # images each annotator labelled
    alpha: dict
    similarity: dict  # kind -> mean over pairs


def compare_all(tables: list, names: list[str], project, threshold: float) -> NWay:
    from guidec.qa.agreement import krippendorff_alpha
    from guidec.qa.review import review

    n = len(tables)
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    pairs = []
    sims: dict[str, list[float]] = {}
    classes = [None] * n
    for i in range(n):
        for j in range(i + 1, n):
            cmp = mt.compare(tables[i], tables[j], project, threshold)
            classes[i] = cmp.ref.cls
            classes[j] = cmp.cand.cls
            rev = review(cmp, project)
            o = rev.metrics["overall"]
            pairs.append({"a": names[i], "b": names[j], **{k: o[k] for k in (
                "reference", "candidate", "matched", "precision", "recall", "f1",
                "mean_boundary_iou", "mean_cer", "attribute_accuracy")},
                "class_kappa": rev.metrics["class_kappa"],
                "mean_similarity": o["mean_similarity"],
                "images": len(cmp.units.cand_img)})
            for kind, v in o["mean_similarity"].items():
                if v is not None:
                    sims.setdefault(kind, []).append(v)
            for p in np.r_[cmp.same, cmp.cross].astype(np.int64).tolist():
                union((i, int(cmp.er_row[cmp.p_r[p]])), (j, int(cmp.ec_row[cmp.p_c[p]])))
    keys = [mt.image_names(t.images) for t in tables]
    labelled = [set(k) for k in keys]
    groups: dict[tuple[int, int], Unit] = {}
    for a, t in enumerate(tables):
        img = np.asarray(t.image_index, dtype=np.int64)
        crowd = np.asarray(t.iscrowd, dtype=bool)
        for row in np.flatnonzero((img >= 0) & ~crowd).tolist():
            root = find((a, row))
            u = groups.setdefault(root, Unit(keys[a][img[row]]))
            u.members.setdefault(a, row)
    units = sorted(groups.values(), key=lambda u: (u.image, min(u.members.items())))
    alpha = {"class": _alpha(krippendorff_alpha, units, labelled, n,
                             lambda a, r: _class_name(project, classes[a][r]))}
    attrs = {}
    for name in project.spec.attributes:
        if any(name in t.attributes for t in tables):
            attrs[name] = _alpha(krippendorff_alpha, units, labelled, n,
                                 lambda a, r, name=name: _attr(tables[a], name, r),
                                 absent=None)
    alpha["attributes"] = attrs
    return NWay(names, tables, classes, pairs, units, labelled, alpha,
                {k: float(np.mean(v)) for k, v in sorted(sims.items())})


def _class_name(project, ci) -> str:
    return project.classes[int(ci)].name if ci >= 0 else "(unknown)"


def _attr(t, name: str, row: int):
    col = t.attributes.get(name)
    v = None if col is None else col[row]
    return None if v is None else str(v).lower() if isinstance(v, bool) else str(v)


def _alpha(fn, units, labelled, n, value, absent=NONE) -> float | None:
    data = [[value(a, u.members[a]) if a in u.members
             else (absent if u.image in labelled[a] else None) for u in units]
            for a in range(n)]
    v = fn(data) if units else float("nan")
    return None if not math.isfinite(v) else float(v)


# --------------------------------------------------------------------------- consensus
def consensus(nw: NWay, project, quorum: float):
    """The merged table (in the first delivery's image rows) and how many units were kept."""
    from guidec.table import Shape, TableBuilder

    n = len(nw.tables)
    need = max(1, math.ceil(n * quorum - 1e-9))
    base = nw.tables[0]
    b = TableBuilder()
    fi = b.add_file("consensus", base.files[0].format if base.files else "coco")
    img_of: dict[str, int] = {}
    # every image any annotator labelled, in the first annotator's order, then the others'
    for a, t in enumerate(nw.tables):
        for k, name in enumerate(mt.image_names(t.images)):
            if name not in img_of:
                w, h = t.images.width[k], t.images.height[k]
                img_of[name] = b.add_image(t.images.key[k] if a == 0 else name,
                                           t.images.file_name[k],
                                           None if np.isnan(w) else w,
                                           None if np.isnan(h) else h, src_file=fi)
    kept = 0
    for u in nw.units:
        if len(u.members) < need:
            continue
        votes = Counter(_class_name(project, nw.classes[a][r]) for a, r in u.members.items())
        top = max(votes.values())
        winner = next(_class_name(project, nw.classes[a][r]) for a, r in
                      sorted(u.members.items()) if votes[_class_name(project,
                                                                     nw.classes[a][r])] == top)
        voters = [(a, r) for a, r in sorted(u.members.items())
                  if _class_name(project, nw.classes[a][r]) == winner]
        a0, r0 = _medoid(nw, voters)
        t0 = nw.tables[a0]
        attrs = {}
        for name in project.spec.attributes:
            vals = [nw.tables[a].attributes[name][r] for a, r in voters
                    if name in nw.tables[a].attributes and
                    nw.tables[a].attributes[name][r] is not None]
            if vals:
                count = Counter(map(repr, vals))
                best = max(count.values())
                attrs[name] = next(v for v in vals if count[repr(v)] == best)
        shape = Shape(int(t0.shape[r0]))
        boxes = np.array([nw.tables[a].bbox[r] for a, r in voters])
        box = boxes.mean(axis=0) if shape == Shape.BOX and np.isfinite(boxes).all() \
            else t0.bbox[r0]
        kp = t0.keypoints_of(r0)
        b.add_annotation(
            image_index=img_of[u.image], shape=shape, label=winner, ann_id=kept + 1,
            bbox=None if not np.isfinite(box).all() else [float(x) for x in box],
            rotation=float(t0.rotation[r0]), rings=[r.copy() for r in t0.rings_of(r0)],
            keypoints=[tuple(map(float, p)) for p in kp] if len(kp) else None,
            rle=t0.rle[r0], text=t0.text[r0], attributes=attrs, src_file=fi)
        kept += 1
    return b.build(), kept, need


def _medoid(nw: NWay, voters: list[tuple[int, int]]) -> tuple[int, int]:
    """The member whose box is on average most like the others' (IoU of extents)."""
    if len(voters) <= 2:
        return voters[0]
    ext = []
    for a, r in voters:
        t = nw.tables[a]
        bb = t.bbox[r]
        ext.append((bb[0], bb[1], bb[0] + bb[2], bb[1] + bb[3]) if np.isfinite(bb).all()
                   else (np.nan,) * 4)
    e = np.array(ext)
    iw = np.minimum(e[:, None, 2], e[None, :, 2]) - np.maximum(e[:, None, 0], e[None, :, 0])
    ih = np.minimum(e[:, None, 3], e[None, :, 3]) - np.maximum(e[:, None, 1], e[None, :, 1])
    inter = np.clip(np.nan_to_num(iw), 0, None) * np.clip(np.nan_to_num(ih), 0, None)
    area = np.nan_to_num((e[:, 2] - e[:, 0]) * (e[:, 3] - e[:, 1]))
    union = area[:, None] + area[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(union > 0, inter / union, 0.0)
    return voters[int(np.argmax(iou.sum(axis=1)))]
