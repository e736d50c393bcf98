"""Train/val/test splits that keep groups whole and balance every class (``guidec split``).

The unit is a **group** of images that must stay together: the images sharing a value of the
spec's ``splits.group_by`` image attribute (a store, a site, a patient), and any images joined by
``extra_groups`` (near-duplicate clusters); an image in no group is a group of one. A group's
label vector counts the objects of each class on its images (classes from the one class
resolver).

Iterative stratification (Sechidis, Tsoumakas and Vlahavas 2011) over groups: every split wants
``ratio × total`` objects of every class and ``ratio × images`` images. Repeatedly, the class
with the fewest objects still to place is taken; each of its groups still unplaced (largest
first) goes to the split that wants that class most (ties: the split that wants the most
images, then the seeded random order of the splits); the split's wants of every class and of
images go down by the group's counts. Groups
without any object are placed last, by images wanted. ``numpy.random.Generator(PCG64(seed))``
breaks ties and orders equal groups, so the same delivery and seed give the same split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guidec.labels import resolve_labels
from guidec.table import image_metadata


@dataclass
class Split:
    names: list[str]  # split names, spec order
    image_names: list[str]  # every image (file name), sorted
    split_of: np.ndarray  # int per image: index into names
    group_of: np.ndarray  # int per image: its group
    groups: int
    counts: np.ndarray  # (splits, classes) objects per class per split
    images: np.ndarray  # (splits,) images per split
    classes: list[str]  # class names, spec order (the columns of counts)
    wanted: np.ndarray  # (splits,) the ratios


def plan(table, project, ratios: dict[str, float], group_key: str | None = None,
         extra_groups: list[list[str]] | None = None, seed: int = 0) -> Split:
    names = list(ratios)
    ratio = np.array([ratios[k] for k in names], dtype=np.float64)
    ratio = ratio / ratio.sum()
    files = np.asarray(table.images.file_name, dtype=object)
    keys = np.array([str(f) if f is not None else f"#{k}" for f, k in
                     zip(files.tolist(), table.images.key.tolist(), strict=True)], dtype=object)
    image_names, img_unit = np.unique(keys, return_inverse=True)
    n_img = len(image_names)
    # groups: union-find over images sharing a group value or an extra group
    parent = np.arange(n_img)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    def join(members) -> None:
        members = list(members)
        for m in members[1:]:
            a, b = find(members[0]), find(m)
            if a != b:
                parent[max(a, b)] = min(a, b)

    if group_key:
        col = image_metadata(table, group_key)  # an image attribute, or LS data.<key>
        if col is not None:
            by: dict = {}
            for i, v in enumerate(col):
                if v is not None:
                    by.setdefault(str(v), []).append(int(img_unit[i]))
            for members in by.values():
                join(members)
    pos = {n: i for i, n in enumerate(image_names.tolist())}
    for cluster in extra_groups or []:
        join([pos[c] for c in cluster if c in pos])
    roots = np.array([find(i) for i in range(n_img)])
    _, group_of = np.unique(roots, return_inverse=True)
    n_grp = int(group_of.max()) + 1 if n_img else 0

    cls = resolve_labels(table, project).current(project)
    classes = [c.name for c in project.classes]
    img_row = np.asarray(table.image_index, dtype=np.int64)
    ok = (img_row >= 0) & (cls >= 0)
    lab = np.zeros((n_grp, len(classes)), dtype=np.int64)
    np.add.at(lab, (group_of[img_unit[img_row[ok]]], cls[ok]), 1)
    size = np.bincount(group_of, minlength=n_grp)

    rng = np.random.Generator(np.random.PCG64(seed))
    want_cls = ratio[:, None] * lab.sum(axis=0)[None, :]  # (splits, classes)
    want_img = ratio * n_img
    split_of_group = np.full(n_grp, -1, dtype=np.int64)
    tie = rng.permutation(len(names))  # the seeded order of the splits for ties
    order = rng.permutation(n_grp)  # the seeded order of equal groups
    left = lab.copy()
    while True:
        remaining = left.sum(axis=0)
        live = np.flatnonzero(remaining > 0)
        if not len(live):
            break
        c = int(live[np.argmin(remaining[live])])
        members = order[(lab[order, c] > 0) & (split_of_group[order] < 0)]
        members = members[np.argsort(-lab[members, c], kind="stable")]
        for g in members.tolist():
            # the split that wants this class most (Sechidis' rule), then the most images
            s = _best(want_cls[:, c], want_img, tie)
            split_of_group[g] = s
            want_cls[s] -= lab[g]
            want_img[s] -= size[g]
            left[g] = 0
    for g in order[split_of_group[order] < 0].tolist():  # groups without objects
        s = _best(want_img, want_img, tie)
        split_of_group[g] = s
        want_img[s] -= size[g]
    split_of = split_of_group[group_of] if n_img else np.zeros(0, dtype=np.int64)
    counts = np.zeros((len(names), len(classes)), dtype=np.int64)
    if n_grp:
        np.add.at(counts, split_of_group, lab)
    images = np.bincount(split_of, minlength=len(names)) if n_img else np.zeros(len(names),
                                                                                 np.int64)
    return Split(names, image_names.tolist(), split_of, group_of, n_grp, counts, images,
                 classes, ratio)


def _best(primary: np.ndarray, secondary: np.ndarray, tie: np.ndarray) -> int:
    """The split wanting the most of ``primary``, then of ``secondary``, then first in
    ``tie`` (a seeded permutation)."""
    rank = np.empty(len(tie), dtype=np.int64)
    rank[tie] = np.arange(len(tie))
    return int(np.lexsort((rank, -secondary, -primary))[0])


def deviation(split: Split) -> np.ndarray:
    """(splits, classes): each split's share of each class minus its ratio (NaN for a class
    with no object)."""
    total = split.counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = split.counts / total[None, :]
    return np.where(total[None, :] > 0, share - split.wanted[:, None], np.nan)
