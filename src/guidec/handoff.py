"""The handoff gate's measures over a split delivery (``guidec handoff``): which split each file
is, the image shares against the ratios, groups and identical images across splits, and the
class statistics per split (counts, imbalance, few samples, shift between splits).

A file belongs to the split whose name is its stem or the name of a folder on its path
(``train.json``, ``val/labels/a.txt``, ``test/Annotations/``), the spec's ``splits.names``
deciding which names are splits. Classes come from the one class resolver.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from guidec.labels import resolve_labels
from guidec.table import image_metadata

IMBALANCE = 50.0  # Datumaro's imbalance_ratio_thr: largest class over smallest
FEW = 1  # Datumaro's few_samples_thr: a class with at most this many objects in a split
SHIFT_V = 0.1  # Cramér's V of split x class above which the class mix differs between splits


def split_of_path(path: str, names: list[str]) -> str | None:
    """The split a delivery file belongs to, from its stem or a folder on its path."""
    parts = os.path.normpath(path).replace("\\", "/").split("/")
    stem = os.path.splitext(parts[-1])[0]
    for candidate in [stem, *reversed(parts[:-1])]:
        if candidate in names:
            return candidate
    return None


@dataclass
class Stats:
    names: list[str]  # splits present, spec order
    classes: list[str]
    images: np.ndarray  # (splits,)
    counts: np.ndarray  # (splits, classes) objects
    image_split: np.ndarray  # int per image row of the table: split index, -1 none
    image_names: list  # file name per image row
    leaks: list = field(default_factory=list)  # (group value, {split: [images]})
    same_files: list = field(default_factory=list)  # (hash, [(split, image)])


def measure(table, project, split_names: list[str], file_split: dict[str, str],
            groups: dict[str, str] | None = None, group_key: str | None = None,
            image_hashes: dict[str, str] | None = None) -> Stats:
    """``file_split``: delivery file -> split name; ``groups``: image file name -> group value
    (a sidecar), else the image attribute ``group_key`` (or Label Studio task data
    ``data.<group_key>``); ``image_hashes``: image file name ->
    content hash."""
    present = [n for n in split_names if n in set(file_split.values())]
    pos = {n: i for i, n in enumerate(present)}
    im = table.images
    files = [table.files[int(f)].path if 0 <= int(f) < len(table.files) else None
             for f in im.src_file.tolist()]
    image_split = np.array([pos.get(file_split.get(f), -1) for f in files], dtype=np.int64)
    names = [str(n) if n is not None else f"#{k}" for n, k in
             zip(im.file_name.tolist(), im.key.tolist(), strict=True)]
    cls = resolve_labels(table, project).current(project)
    classes = [c.name for c in project.classes]
    img = np.asarray(table.image_index, dtype=np.int64)
    ok = (img >= 0) & (cls >= 0)
    ok[ok] = image_split[img[ok]] >= 0
    counts = np.zeros((len(present), len(classes)), dtype=np.int64)
    np.add.at(counts, (image_split[img[ok]], cls[ok]), 1)
    images = np.bincount(image_split[image_split >= 0], minlength=len(present))
    st = Stats(present, classes, images, counts, image_split, names)
    # groups across splits
    value_of: list = [None] * len(names)
    if groups is not None:
        value_of = [groups.get(os.path.basename(n)) or groups.get(n) for n in names]
    elif group_key:
        found = image_metadata(table, group_key)  # an image attribute, or LS data.<key>
        if found is not None:
            value_of = [None if v is None else str(v) for v in found]
    by: dict[str, dict[str, list[str]]] = {}
    for k, v in enumerate(value_of):
        if v is not None and image_split[k] >= 0:
            by.setdefault(v, {}).setdefault(present[image_split[k]], []).append(names[k])
    st.leaks = sorted((v, s) for v, s in by.items() if len(s) > 1)
    # identical image files (the same bytes) in two places
    if image_hashes:
        seen: dict[str, list] = {}
        for k, n in enumerate(names):
            h = image_hashes.get(n)
            if h is not None and image_split[k] >= 0:
                seen.setdefault(h, []).append((present[image_split[k]], n))
        st.same_files = sorted((h, sorted(set(v))) for h, v in seen.items()
                               if len(set(v)) > 1)
    return st


def cramers_v(counts: np.ndarray) -> float | None:
    """Cramér's V of a splits x classes table of counts (classes with no object dropped):
    0 when every split has the same class mix, 1 when the splits share no class."""
    c = counts[:, counts.sum(axis=0) > 0]
    c = c[c.sum(axis=1) > 0]
    if c.shape[0] < 2 or c.shape[1] < 2:
        return None
    n = c.sum()
    expected = np.outer(c.sum(axis=1), c.sum(axis=0)) / n
    chi2 = float(((c - expected) ** 2 / expected).sum())
    return float(np.sqrt(chi2 / (n * (min(c.shape) - 1))))
