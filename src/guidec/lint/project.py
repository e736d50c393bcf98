"""Lint rules about the project as a whole: version, severity overrides, media, exports."""

from __future__ import annotations

from collections import Counter

from guidec.codes import REGISTRY, lookup
from guidec.diagnostics import did_you_mean
from guidec.lint import lint_rule
from guidec.spec.model import SEMVER_RE
from guidec.view import Project


def _semver(text: str) -> tuple[int, int, int] | None:
    m = SEMVER_RE.match(text)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


@lint_rule("L901")
def version(project: Project):
    v = project.spec.project.version
    if _semver(v) is None:
        yield version.code(f"version {v!r} is not semantic (MAJOR.MINOR.PATCH, e.g. 2.1.0)",
                           path=("project", "version"))


@lint_rule("L902")
def since(project: Project):
    current = _semver(project.spec.project.version)
    for c in project.classes:
        if c.since is None:
            continue
        v = _semver(c.since)
        at = (*c.spec_path, "since")
        if v is None:
            yield since.code(f"since {c.since!r} of {c.name!r} is not a semantic version", path=at)
        elif current is not None and v > current:
            yield since.code(f"since {c.since} of {c.name!r} is newer than the project's "
                             f"version {project.spec.project.version}", path=at)


@lint_rule("L903")
def overrides(project: Project):
    from guidec.codes import _load_all

    _load_all()
    for key in project.spec.severity_overrides:
        if lookup(key) is None:
            guess = did_you_mean(key, list(REGISTRY))
            yield overrides.code(f"severity override for unknown rule {key!r}"
                                 + (f" (did you mean {guess!r}?)" if guess else ""),
                                 path=("severity_overrides", key), at_key=True)


VARIANTS: dict[str, tuple[str, ...]] = {
    "yolo": ("detect", "segment", "pose", "obb", "classify"),
    "coco": ("instances", "keypoints", "panoptic"),
}
#: Shapes an export (variant) needs at least one class to allow.
EXPORT_SHAPES: dict[tuple[str, str | None], set[str]] = {
    ("yolo", "segment"): {"polygon", "mask"},
    ("yolo", "pose"): {"keypoints"},
    ("yolo", "obb"): {"rotated_box"},
    ("coco", "keypoints"): {"keypoints"},
    ("semantic_mask", None): {"polygon", "mask"},
    ("panoptic", None): {"polygon", "mask"},
    ("coco", "panoptic"): {"polygon", "mask"},
}


@lint_rule("L904")
def exports(project: Project):
    shapes = set()
    for c in project.active_classes:
        shapes.update(c.shapes)
    seen: Counter = Counter()
    for i, e in enumerate(project.spec.export_list):
        at = ("exports", i)
        key = (e.format, e.variant)
        seen[key] += 1
        if seen[key] == 2:
            yield exports.code(f"export {e.format}" + (f"/{e.variant}" if e.variant else "")
                               + " is listed twice", path=at)
            continue
        known = VARIANTS.get(e.format)
        if e.variant is not None and (known is None or e.variant not in known):
            yield exports.code(f"export {e.format} has no variant {e.variant!r}"
                               + (f"; known: {', '.join(known)}" if known else
                                  "; it takes none"), path=(*at, "variant"))
            continue
        need = EXPORT_SHAPES.get(key)
        if need and not need.intersection(shapes):
            yield exports.code(f"export {e.format}" + (f"/{e.variant}" if e.variant else "")
                               + f" needs a class with {' or '.join(sorted(need))}; none has",
                               path=at)


@lint_rule("L905")
def media(project: Project):
    m = project.spec.media
    if m.proxy_max_side is not None and m.labeling_resolution == "original":
        yield media.code("proxy_max_side is set but labeling_resolution is original",
                         path=("media", "proxy_max_side"))
    if m.labeling_resolution == "proxy" and m.proxy_max_side is None:
        yield media.code("labeling_resolution is proxy but proxy_max_side is not set",
                         path=("media", "labeling_resolution"))
    lo, hi = m.min_image_size, m.max_image_size
    if lo and hi and (lo[0] > hi[0] or lo[1] > hi[1]):
        yield media.code(f"min_image_size {list(lo)} exceeds max_image_size {list(hi)}",
                         path=("media", "min_image_size"))
    for i, (w, h) in enumerate(m.image_sizes):
        if (lo and (w < lo[0] or h < lo[1])) or (hi and (w > hi[0] or h > hi[1])):
            yield media.code(f"expected image size {w}x{h} is outside min/max_image_size",
                             path=("media", "image_sizes", i))
    if m.jpeg_quality_min is not None and "jpeg" not in m.formats:
        yield media.code(f"jpeg_quality_min {m.jpeg_quality_min} is set but jpeg is not among "
                         "the formats", path=("media", "jpeg_quality_min"))
    if m.deidentified and "dicom" not in m.formats:
        yield media.code("deidentified is set but dicom is not among the formats: only DICOM "
                         "headers are checked for identifying data", path=("media", "deidentified"))
    t = m.tiling
    if t is not None and t.overlap >= min(t.tile_size):
        yield media.code(f"tile overlap {t.overlap} is not smaller than the tile "
                         f"{t.tile_size[0]}x{t.tile_size[1]}", path=("media", "tiling", "overlap"))
