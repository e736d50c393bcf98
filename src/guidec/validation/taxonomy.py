"""Taxonomy: every label is a class of the spec, current, drawn with a shape it allows, and
delivered as individual instances only when its class has instances."""

from __future__ import annotations

import numpy as np

from guidec.table import Shape
from guidec.validation import rule, vcode
from guidec.validation.frame import ACCEPTS, SHAPE_NAMES, Frame

G = "taxonomy"

V100 = vcode("V100", group=G)
V101 = vcode("V101", group=G)
V102 = vcode("V102", group=G)


V103 = vcode("V103", group=G)
V104 = vcode("V104", group=G)


@rule(V100, group=G)
def unknown_class(f: Frame):
    t = f.t
    has = ~np.equal(t.label, None) | (t.label_id >= 0)
    for r in np.flatnonzero((f.cls < 0) & has):
        shown = f.shown_label[r]
        name = str(shown) if shown is not None else f"#{int(t.label_id[r])}"
        hint = f.suggest(name) if not name.startswith("#") else None
        by_id = int(f.resolution.id_cls[r])
        said = (f"; its id {int(t.label_id[r])} is class {f.project.classes[by_id].name!r}, "
                "but a name is never overruled by its id" if by_id >= 0 else "")
        yield f.ann(V100, r, f"{f.ann_label(r)} has class {name!r}, which the spec does not "
                             "define" + (f" (did you mean {hint!r}?)" if hint else "") + said,
                    hint=f"did you mean {hint!r}?" if hint else None)


@rule(V104, group=G)
def name_id_conflict(f: Frame):
    classes = f.project.classes
    for c in f.resolution.conflicts:
        r = int(c.rows[0])
        more = f" and {len(c.rows) - 1} more" if len(c.rows) > 1 else ""
        yield f.ann(V104, r, f"{f.ann_label(r)}{more}: label {c.label!r} is class "
                             f"{classes[c.by_label].name!r} but id {c.id} is class "
                             f"{classes[c.by_id].name!r}; resolved by the name",
                    count=len(c.rows))


@rule(V101, group=G)
def deprecated_class(f: Frame):
    p = f.project
    dep = f.per_class([c.deprecated for c in p.classes], dtype=bool, fill=False)
    for r in np.flatnonzero(dep[f.cls]):
        c = p.classes[f.cls[r]]
        repl = p.final_replacement(c.name)
        use = (" or ".join(repr(x) for x in repl)) if repl else None
        yield f.ann(V101, r, f"{f.ann_label(r)} uses deprecated class {c.name!r}"
                    + (f"; use {use}" if use else ""),
                    hint=f"`guidec migrate` maps it to {use}" if use else None)


@rule(V102, group=G)
def shape_not_allowed(f: Frame):
    p = f.project
    width = max(int(s) for s in Shape) + 1
    allowed = np.ones((len(p.classes) + 1, width), dtype=bool)  # last row: unknown class
    for c in p.classes:
        allowed[c.index] = False
        allowed[c.index, int(Shape.TAG)] = True  # image-level tags carry no geometry
        for s in c.shapes:
            for shape in ACCEPTS.get(s, ()):
                allowed[c.index, int(shape)] = True
    t = f.t
    shape = t.shape.astype(np.intp)
    ok = allowed[f.cls, shape]
    crowd_ok = t.iscrowd & (shape == int(Shape.MASK)) & allowed[f.cls, int(Shape.POLYGON)]
    for r in np.flatnonzero(~ok & ~crowd_ok):
        c = p.classes[f.cls[r]]
        yield f.ann(V102, r, f"{f.ann_label(r)} is a {SHAPE_NAMES[int(shape[r])]}, but class "
                             f"{c.name!r} allows only {', '.join(c.shapes)}")


@rule(V103, group=G)
def instance_of_stuff_class(f: Frame):
    inst = f.t.instances
    if not (inst >= 0).any():
        return
    p = f.project
    stuff = f.per_class([not c.instances for c in p.classes], dtype=bool, fill=False)
    for r in np.flatnonzero(stuff[f.cls] & (inst >= 0)):
        yield f.ann(V103, r, f"{f.ann_label(r)} is delivered as instance {int(inst[r])} of "
                             f"class {p.classes[f.cls[r]].name!r}, which has no instances "
                             "(instances: false)")
