"""The audit sample of a delivery (``guidec sample``): how many images, and which.

The unit is an image *file name*: a delivery that lists one image twice (two files, two
annotators) gives it one chance to be drawn, with the classes of every copy. Classes come from
the one class resolver (:func:`guidec.labels.resolve_labels`); rows it cannot resolve form no
stratum (Q203) but their images stay eligible, as do images with no annotation at all.

The draw, for ``n = min(max(ceil(rate * images), min_sample), images)``:

1. *Strata*: the classes present in the delivery, rarest first (fewest images; ties in spec
   order). A class not yet covered by an image already drawn gets one image, drawn at random
   among the images that contain it, while the sample has room; a class left without one is
   reported (Q202).
2. *Fill*: the rest of the sample is a random draw, without replacement, over every image not
   yet drawn.

Both use one ``numpy.random.Generator(PCG64(seed))`` over images sorted by file name, so the
same delivery and seed give the same sample, whatever the order of the delivered files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from guidec.codes import code
from guidec.diagnostics import Diagnostic
from guidec.labels import resolve_labels


@dataclass(frozen=True)
class Sample:
    """What :func:`draw` chose. Image indexes are into :attr:`names` (sorted file names)."""

    names: list[str]  # every distinct image file name of the delivery, sorted
    size: int  # n: the number of images drawn
    picked: list[int]  # the drawn images, ascending
    # image -> the classes it was drawn to cover (stratum draws only), in draw order
    drawn_for: dict[int, list[str]]
    classes_of: dict[int, list[str]]  # sampled image -> the classes it contains, spec order
    # class name -> (images containing it in the delivery, in the sample), in spec order
    coverage: dict[str, tuple[int, int]]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def sample_size(images: int, rate: float, minimum: int) -> int:
    """``min(max(ceil(rate * images), minimum), images)``; ``rate * images`` is rounded to
    9 decimals first so that 0.07 * 100 is 7, not 8."""
    return min(max(math.ceil(round(rate * images, 9)), minimum), images)


def draw(table, project, rate: float, minimum: int, seed: int = 0,
         file: str | None = None) -> Sample:
    """The audit sample of ``table`` (an :class:`~guidec.table.AnnotationTable`) under the
    resolved ``project``. ``file`` names the delivery in findings."""
    diags: list[Diagnostic] = []
    file_names = np.asarray(table.images.file_name, dtype=object)
    names_arr, unit_of_image = np.unique(
        np.array(["" if f is None else str(f) for f in file_names.tolist()], dtype=str),
        return_inverse=True)
    names = names_arr.tolist()
    n_images = len(names)
    if n_images == 0:
        diags.append(code("Q200")("the delivery holds no image; nothing to sample", file=file))
        return Sample([], 0, [], {}, {}, {}, diags)
    size = sample_size(n_images, rate, minimum)
    if minimum > n_images:
        diags.append(code("Q201")(
            f"the delivery has {n_images:,} image{'s' if n_images != 1 else ''}, fewer than "
            f"the minimum sample of {minimum:,}; the sample is the whole delivery", file=file,
            hint="a small batch cannot give the audit its minimum; audit it whole or merge "
                 "batches"))

    # (image, class) pairs present in the delivery
    res = resolve_labels(table, project)
    img_row = np.asarray(table.image_index, dtype=np.int64)
    ok = img_row >= 0
    unknown = int(np.count_nonzero(ok & (res.cls < 0)))
    if unknown:
        diags.append(code("Q203")(
            f"{unknown:,} annotation{'s' if unknown != 1 else ''} with a label the spec does "
            f"not know {'form' if unknown != 1 else 'forms'} no stratum; their images are "
            "drawn only at random", file=file,
            hint="guidec validate names the labels (V100)"))
    keep = ok & (res.cls >= 0)
    n_classes = max(len(project.classes), 1)
    pair = np.unique(unit_of_image[img_row[keep]].astype(np.int64) * n_classes
                     + res.cls[keep].astype(np.int64))
    pair_img, pair_cls = pair // n_classes, pair % n_classes  # sorted by image, then class
    count = np.bincount(pair_cls, minlength=n_classes)

    rng = np.random.Generator(np.random.PCG64(seed))
    taken = np.zeros(n_images, dtype=bool)
    drawn_for: dict[int, list[str]] = {}
    present = np.flatnonzero(count)
    by_rarity = present[np.lexsort((present, count[present]))]
    drawn = 0
    by_class = np.argsort(pair_cls, kind="stable")  # pairs of one class: a run, images ascending
    bounds = np.searchsorted(pair_cls[by_class], np.arange(n_classes + 1))
    for c in by_rarity.tolist():
        if drawn >= size:
            break
        holders = pair_img[by_class[bounds[c]:bounds[c + 1]]]  # the images of class c
        if taken[holders].any():
            continue
        img = int(holders[rng.integers(len(holders))])
        taken[img] = True
        drawn += 1
        drawn_for.setdefault(img, []).append(project.classes[c].name)
    rest = np.flatnonzero(~taken)
    room = size - drawn
    if room > 0:
        taken[rng.choice(rest, size=room, replace=False)] = True
    picked = np.flatnonzero(taken)
    classes_of: dict[int, list[str]] = {int(i): [] for i in picked}
    mine = taken[pair_img]  # only the sampled images' pairs: Python runs n times, not per pair
    for i, c in zip(pair_img[mine].tolist(), pair_cls[mine].tolist(), strict=True):
        classes_of[i].append(project.classes[c].name)

    in_sample = np.bincount(pair_cls[taken[pair_img]], minlength=n_classes)
    coverage = {project.classes[c].name: (int(count[c]), int(in_sample[c]))
                for c in sorted(present.tolist())}
    for c in sorted(present[in_sample[present] == 0].tolist()):
        name = project.classes[c].name
        diags.append(code("Q202")(
            f"class {name!r} ({int(count[c]):,} image{'s' if count[c] != 1 else ''} in the "
            f"delivery) has no image in the sample of {size:,}: the delivery has "
            f"{len(present):,} classes", file=file, hint="raise --min or --rate to cover "
            "every class", **{"class": name}))
    return Sample(names, size, picked.tolist(), drawn_for, classes_of, coverage, diags)
