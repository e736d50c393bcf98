"""The handoff gate against the spec's composition plan (``splits.priors``,
``splits.hard_negatives``, ``splits.strata``): class counts and shares per split, empty images
and whether they were reviewed, and the mix of a metadata key per split. Codes H060-H068.

Image metadata (a group key, a stratum, the reviewed-empty mark) is an image attribute of the
delivery: a Label Studio image-level result, or the task's ``data`` field (read as
``data.<key>``, see :func:`guidec.table.image_metadata`). An image is *empty* when it has no
object: no annotation row other than image-level tags (a tag whose label is the mark, CVAT
``<tag label="reviewed_empty">``, marks it reviewed).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from guidec.codes import code
from guidec.labels import resolve_labels
from guidec.table import image_metadata as image_values

MAX_LISTED = 200  # images named one finding each; the rest counted in one more finding
TRUE = {"true", "yes", "1", "y", "reviewed", "empty", "reviewed_empty"}


def truthy(v) -> bool:
    if isinstance(v, list):
        return any(truthy(x) for x in v)
    if isinstance(v, bool | int | float | np.integer | np.floating):
        return bool(v)
    return isinstance(v, str) and v.strip().lower() in TRUE


def _listed(c, items: list, text, file, **extra) -> list:
    """One finding per item up to MAX_LISTED, then one counting the rest."""
    out = [c(text(it), file=file, **extra) for it in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        out.append(c(f"... and {len(items) - MAX_LISTED:,} more", file=file, **extra))
    return out


def check_plan(table, project, st, first: dict[str, str],
               reviewed: set[str] | None = None, sidecar: bool = False) -> tuple[list, dict]:
    """Findings H060-H068 and the ``plan`` section of the JSON report. ``st``: the
    :class:`guidec.handoff.Stats` of the delivery; ``first``: split -> a file of it (where
    findings point); ``reviewed``: image file names listed as reviewed-empty (a sidecar);
    ``sidecar``: groups come from a --groups file, not the images."""
    sp = project.spec.splits
    diags: list = []
    plan: dict = {}
    img = np.asarray(table.image_index, dtype=np.int64)
    n_img = len(table.images)
    cls = resolve_labels(table, project).current(project)
    if sp.priors:
        diags += _priors(sp, st, img, cls, n_img, first, plan)
    if sp.hard_negatives is not None:
        diags += _hard_negatives(table, sp.hard_negatives, st, img, n_img, first, reviewed,
                                 plan)
    if sp.strata:
        diags += _strata(table, sp, st, first, plan)
    if sp.group_by and not sidecar and image_values(table, sp.group_by) is None and st.names:
        diags.append(code("H068")(
            f"no image carries the group key {sp.group_by!r} (as an image attribute or Label "
            f"Studio task data data.{sp.group_by}): group leakage is not checked",
            file=first[st.names[0]], key=sp.group_by))
    return diags, plan


def _priors(sp, st, img, cls, n_img, first, plan) -> list:
    out = []
    holds = np.zeros((n_img, len(st.classes)), dtype=bool)  # image x class
    ok = (img >= 0) & (cls >= 0)
    holds[img[ok], cls[ok]] = True
    section = plan.setdefault("priors", {})
    for name, pr in sp.priors.items():
        if name not in st.classes:
            continue  # L804
        c = st.classes.index(name)
        for i, split in enumerate(st.names):
            objects = int(st.counts[i, c])
            in_split = st.image_split == i
            images = int(holds[in_split, c].sum())
            row = {"objects": objects, "images": images}
            if pr.share is not None:
                if pr.of == "objects":
                    total = int(st.counts[i].sum())
                    share = objects / total if total else None
                else:
                    total = int(in_split.sum())
                    share = images / total if total else None
                row.update(share=share, target=pr.share, tolerance=pr.tolerance, of=pr.of)
                if share is not None and abs(share - pr.share) > pr.tolerance + 1e-12:
                    out.append(code("H060")(
                        f"{split}: {name!r} is {share:.3f} of the {pr.of}; prior {pr.share:g} "
                        f"± {pr.tolerance:g}", file=first[split], split=split,
                        **{"class": name}, share=round(share, 6), target=pr.share))
            need = pr.min.get(split) if isinstance(pr.min, dict) else pr.min
            if need is not None:
                row["min"] = need
                if objects < need:
                    out.append(code("H061")(
                        f"{split} holds {objects:,} {name!r}; the prior asks for at least "
                        f"{need:,}", file=first[split], split=split, **{"class": name},
                        count=objects, min=need))
            section.setdefault(split, {})[name] = row
    return out


def _hard_negatives(table, hn, st, img, n_img, first, reviewed, plan) -> list:
    from guidec.table import Shape

    out = []
    labels = table.label.tolist()
    tag = np.asarray(table.shape) == int(Shape.TAG)
    marker = tag & np.array([lab == hn.mark for lab in labels], dtype=bool) if len(labels) \
        else np.zeros(0, bool)
    objects = np.bincount(img[(img >= 0) & ~tag], minlength=n_img)  # tags are not objects
    tagged = np.zeros(n_img, dtype=bool)
    tagged[img[(img >= 0) & marker]] = True
    vals = image_values(table, hn.mark)
    marked = tagged | np.array([truthy(v) for v in vals], dtype=bool) if vals is not None \
        else tagged
    if reviewed:
        import os

        marked |= np.array([n in reviewed or os.path.basename(n) in reviewed
                            for n in st.image_names], dtype=bool)
    section = plan.setdefault("hard_negatives", {})
    for i, split in enumerate(st.names):
        in_split = st.image_split == i
        total = int(in_split.sum())
        empty = in_split & (objects == 0)
        ok = empty & marked
        forgotten = empty & ~marked
        wrong = in_split & marked & (objects > 0)
        share = int(ok.sum()) / total if total else 0.0
        section[split] = {"images": total, "empty": int(empty.sum()),
                          "reviewed_empty": int(ok.sum()), "forgotten": int(forgotten.sum()),
                          "marked_with_objects": int(wrong.sum()), "share": share,
                          "min_share": hn.min_share}
        if total and share < hn.min_share - 1e-12:
            out.append(code("H062")(
                f"{split}: {int(ok.sum()):,} of {total:,} images are reviewed empty "
                f"({share:.3f}); hard_negatives.min_share {hn.min_share:g}",
                file=first[split], split=split, share=round(share, 6), min_share=hn.min_share))
        names = [st.image_names[k] for k in np.flatnonzero(forgotten)]
        out += _listed(code("H063"), names, lambda n, s=split: (
            f"{s}/{n} has no object and is not marked {hn.mark!r}: forgotten, or empty on "
            f"purpose?"), first[split], split=split)
        names = [(st.image_names[k], int(objects[k])) for k in np.flatnonzero(wrong)]
        out += _listed(code("H064"), names, lambda it, s=split: (
            f"{s}/{it[0]} is marked {hn.mark!r} and holds {it[1]} object(s)"),
            first[split], split=split)
    return out


def _strata(table, sp, st, first, plan) -> list:
    out = []
    section = plan.setdefault("strata", {})
    for key, stratum in sp.strata.items():
        vals = image_values(table, key)
        if vals is None:
            vals = [None] * len(table.images)
        per = section.setdefault(key, {})
        for i, split in enumerate(st.names):
            idx = np.flatnonzero(st.image_split == i)
            got = [None if vals[k] is None else str(vals[k]) for k in idx]
            known = [v for v in got if v is not None]
            counts = dict(sorted(Counter(known).items()))
            total = len(known)
            row = {}
            for v, target in stratum.shares.items():
                k = counts.get(v, 0)
                share = k / total if total else None
                row[v] = {"images": k, "share": share, "target": target,
                          "tolerance": stratum.tolerance}
                if share is not None and abs(share - target) > stratum.tolerance + 1e-12:
                    out.append(code("H065")(
                        f"{split}: {key}={v!r} is {share:.3f} of the images; planned "
                        f"{target:g} ± {stratum.tolerance:g}", file=first[split],
                        split=split, key=key, value=v, share=round(share, 6), target=target))
            missing = [st.image_names[k] for k, v in zip(idx, got, strict=True) if v is None]
            if missing:
                out.append(code("H066")(
                    f"{split}: {len(missing):,} image(s) carry no {key!r} "
                    f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})",
                    file=first[split], split=split, key=key, images=missing))
            for v in sorted(set(counts) - set(stratum.shares)):
                out.append(code("H067")(
                    f"{split}: {counts[v]:,} image(s) have {key}={v!r}, a value the plan "
                    f"does not list ({', '.join(stratum.shares)})", file=first[split],
                    split=split, key=key, value=v))
                row[v] = {"images": counts[v], "share": counts[v] / total, "target": None,
                          "tolerance": stratum.tolerance}
            per[split] = {"images": len(idx), "without": len(missing), "values": row}
    return out
