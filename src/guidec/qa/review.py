"""From a :class:`~guidec.qa.match.Comparison` to conflicts, metrics and a verdict.

Every conflict is one coded finding (Q010-Q022) naming both annotations, and counts toward one
or more *error types* of the one taxonomy (:mod:`guidec.spec.error_types`): the built-in ones
and ``wrong_<attribute>`` for every attribute of the spec. The rate of an error type is its
count over the reference objects judged (over the candidate objects for ``per_candidate``
types) and is what ``qa.max_error_rates`` limits.

Metrics (all in the JSON report, see ``site/docs/qa.md``): per class and overall the reference,
candidate and matched counts, precision (matched / candidate), recall (matched / reference), F1
and accuracy (correct / (reference + extra), an object being *correct* when it is matched with
its class and has no conflict); mean similarity per shape kind; mean Boundary IoU of masks; mean
CER of transcriptions; a confusion matrix of reference class by candidate class with *missed*
and *extra*; per attribute accuracy and Cohen's kappa; Cohen's kappa of the classes of matched
pairs; the same counts per annotator.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from guidec.qa import match as mt
from guidec.spec.error_types import ERROR_TYPES, attribute_type

#: The agreement thresholds and the kind of matched pair (or measure) each judges.
AGREEMENT = {"box_iou": ("box", "rotated_box"), "polygon_iou": ("polygon",),
             "mask_iou": ("mask",), "keypoint_oks": ("keypoints",)}


@dataclass
class Conflict:
    code: str
    ref: int  # reference entry, -1 none
    cand: int  # candidate entry, -1 none
    types: tuple[str, ...]
    detail: dict = field(default_factory=dict)


@dataclass
class Review:
    cmp: mt.Comparison
    conflicts: list[Conflict]
    metrics: dict
    thresholds: list[dict]
    error_rates: dict
    unmeasured: list[str]
    not_delivered: dict  # attribute (or "(transcription)") -> the side that never carries it

    @property
    def passed(self) -> bool:
        return not any(t["pass"] is False for t in self.thresholds)


def review(cmp: mt.Comparison, project, boundary_ratio: float = 0.02) -> Review:
    qa = project.spec.qa
    ag = qa.agreement
    conflicts: list[Conflict] = []
    ref_t, cand_t = cmp.ref.table, cmp.cand.table
    same = cmp.same
    kinds = cmp.kind(same)
    sims = cmp.p_own[same]  # as drawn: mirrored keypoints are not credited
    bad_pair = np.zeros(len(same), dtype=bool)  # a same-class pair with a conflict
    absent: dict[str, str] = {}  # attribute or "(transcription)" -> the side that never has it

    # ---- missed / merged, extra / split, wrong class
    merged = {e for e, _ in cmp.merged}
    split = {e for e, _ in cmp.split} | {e for e, _ in cmp.duplicates}
    best_r, best_c = _best_others(cmp, ref=True), _best_others(cmp, ref=False)
    for e in cmp.missed.tolist():
        if e not in merged:
            conflicts.append(Conflict("Q010", e, -1, ("missed_object",), {"best": best_r.get(e)}))
    for e, p in cmp.merged:
        other = cmp.c_match[cmp.p_c[p]]  # the pair that matched the covering candidate
        conflicts.append(Conflict("Q014", e, int(cmp.p_c[p]), ("merged_instances",),
                                  {"covered": float(cmp.p_inter[p] / cmp.p_ra[p]),
                                   "matched_to": int(cmp.p_r[other]) if other >= 0 else None}))
    for e in cmp.extra.tolist():
        if e not in split:
            conflicts.append(Conflict("Q011", -1, e, ("extra_object",), {"best": best_c.get(e)}))
    for e, p in cmp.split:
        other = cmp.r_match[cmp.p_r[p]]
        conflicts.append(Conflict("Q015", int(cmp.p_r[p]), e, ("split_instance",),
                                  {"inside": float(cmp.p_inter[p] / cmp.p_ca[p]),
                                   "matched_to": int(cmp.p_c[other]) if other >= 0 else None}))
    for e, p in cmp.duplicates:
        conflicts.append(Conflict("Q022", int(cmp.p_r[p]), e, ("duplicate",),
                                  {"similarity": float(cmp.p_sim[p])}))
    for p in cmp.cross.tolist():
        conflicts.append(Conflict("Q012", int(cmp.p_r[p]), int(cmp.p_c[p]), ("wrong_class",),
                                  {"similarity": float(cmp.p_sim[p])}))

    # ---- same-class pairs: overlap, keypoints, direction
    limit = {"box": ag.box_iou, "rotated_box": ag.box_iou, "polygon": ag.polygon_iou,
             "mask": ag.mask_iou, "keypoints": ag.keypoint_oks}
    for k, p in enumerate(same.tolist()):
        kind = mt.KIND_NAMES[kinds[k]]
        lim = limit.get(kind)
        r, c = int(cmp.p_r[p]), int(cmp.p_c[p])
        swapped = bool(cmp.p_flip[p]) and kind == "keypoints"
        if lim is not None and sims[k] < lim and not swapped:  # swapped says more (Q018)
            bad_pair[k] = True
            if kind == "keypoints":
                conflicts.append(Conflict("Q017", r, c, ("wrong_keypoint",),
                                          {"oks": float(sims[k]), "threshold": lim}))
            else:
                types = ("loose_box",) if kind in ("box", "rotated_box") \
                    else ("polygon_error",)
                conflicts.append(Conflict("Q013", r, c, types,
                                          {"iou": float(sims[k]), "threshold": lim,
                                           "shape": kind}))
        if swapped:
            bad_pair[k] = True
            conflicts.append(Conflict("Q018", r, c, ("swapped_keypoints", "wrong_keypoint"),
                                      {"points": _swapped_points(cmp, project, r, c)}))
        if cmp.p_flip[p] and kind == "polyline":
            bad_pair[k] = True
            conflicts.append(Conflict("Q021", r, c, ("reversed_direction",), {}))

    # ---- masks: Boundary IoU
    boundary = np.full(len(same), np.nan)
    for k in np.flatnonzero(kinds == mt.MASK).tolist():
        boundary[k] = _boundary_iou(cmp, int(same[k]), boundary_ratio)
        if ag.mask_boundary_f is not None and boundary[k] < ag.mask_boundary_f:
            bad_pair[k] = True
            conflicts.append(Conflict("Q019", int(cmp.p_r[same[k]]), int(cmp.p_c[same[k]]),
                                      ("polygon_error",),
                                      {"boundary_iou": float(boundary[k]),
                                       "threshold": ag.mask_boundary_f}))

    # ---- transcriptions (not compared when one side carries none at all: Q007)
    r_text = not np.equal(ref_t.text[cmp.er_row], None).all()
    c_text = not np.equal(cand_t.text[cmp.ec_row], None).all()
    if r_text != c_text:
        absent["(transcription)"] = "candidate" if r_text else "reference"
    rt = ref_t.text[cmp.er_row[cmp.p_r[same]]]
    ct = cand_t.text[cmp.ec_row[cmp.p_c[same]]]
    cer = np.full(len(same), np.nan)
    both = ~(np.equal(rt, None) & np.equal(ct, None)) if r_text == c_text else np.zeros(
        len(same), dtype=bool)
    for k in np.flatnonzero(both).tolist():
        a, b = str(rt[k] or ""), str(ct[k] or "")
        cer[k] = edit_distance(a, b) / max(len(a), 1)
        if ag.text_cer is not None and cer[k] > ag.text_cer:
            bad_pair[k] = True
            conflicts.append(Conflict("Q020", int(cmp.p_r[same[k]]), int(cmp.p_c[same[k]]),
                                      ("wrong_text",),
                                      {"cer": float(cer[k]), "reference": a, "candidate": b,
                                       "threshold": ag.text_cer}))

    # ---- attributes
    attr_stats: dict[str, list] = defaultdict(lambda: [[], []])  # name -> (ref values, cand)
    # an attribute the candidate never carries is not compared (Q006), not a mismatch per object
    for name in project.spec.attributes:
        r_has, c_has = _carries(ref_t, name, cmp.er_row), _carries(cand_t, name, cmp.ec_row)
        if r_has != c_has:
            absent[name] = "candidate" if r_has else "reference"
    for k, p in enumerate(same.tolist()):
        r_row, c_row = int(cmp.er_row[cmp.p_r[p]]), int(cmp.ec_row[cmp.p_c[p]])
        ci = int(cmp.ref.cls[r_row])
        names = project.classes[ci].attributes if ci >= 0 else ()
        wrong = []
        for name in names:
            if name in absent:
                continue
            a = _attr(ref_t, name, r_row)
            b = _attr(cand_t, name, c_row)
            if a is None and b is None:
                continue
            attr_stats[name][0].append(a)
            attr_stats[name][1].append(b)
            if a != b:
                wrong.append((name, a, b))
        for name, a, b in wrong:
            bad_pair[k] = True
            types = ("missing_attribute" if b is None else "wrong_attribute",
                     attribute_type(name))
            conflicts.append(Conflict("Q016", int(cmp.p_r[p]), int(cmp.p_c[p]), types,
                                      {"attribute": name, "reference": a, "candidate": b}))

    metrics = _metrics(cmp, project, kinds, sims, bad_pair, boundary, cer, attr_stats)
    rates, unmeasured = _rates(cmp, project, conflicts)
    thresholds = _thresholds(project, metrics, rates)
    return Review(cmp, conflicts, metrics, thresholds, rates, unmeasured, dict(sorted(
        absent.items())))


# --------------------------------------------------------------------------- helpers
def _carries(t, name: str, rows: np.ndarray) -> bool:
    col = t.attributes.get(name)
    return col is not None and len(rows) > 0 and not np.equal(col[rows], None).all()


def _attr(t, name: str, row: int):
    col = t.attributes.get(name)
    if col is None:
        return None
    v = col[row]
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _best_others(cmp: mt.Comparison, ref: bool) -> dict[int, dict]:
    """Entry -> the most similar object of the other side (any class), for every entry of one
    side that has a scored pair: what a missed or extra object's message names."""
    mine, other = (cmp.p_r, cmp.p_c) if ref else (cmp.p_c, cmp.p_r)
    if not len(mine):
        return {}
    order = np.lexsort((-cmp.p_sim, mine))
    first = order[np.r_[True, mine[order][1:] != mine[order][:-1]]]
    return {int(mine[k]): {"entry": int(other[k]), "similarity": float(cmp.p_sim[k])}
            for k in first.tolist()}


def _swapped_points(cmp: mt.Comparison, project, r: int, c: int) -> list[list[str]]:
    """The flip pairs whose two points the candidate exchanged."""
    r_row, c_row = int(cmp.er_row[r]), int(cmp.ec_row[c])
    ci = int(cmp.ref.cls[r_row])
    schema = project.keypoint_schemas.get(project.classes[ci].keypoints) if ci >= 0 else None
    if schema is None:
        return []
    a, b = cmp.ref.table.keypoints_of(r_row), cmp.cand.table.keypoints_of(c_row)
    out = []
    for i, j in enumerate(schema.flip_idx):
        if j <= i or i >= len(a) or j >= len(a) or len(b) != len(a):
            continue
        if min(a[i, 2], a[j, 2], b[i, 2], b[j, 2]) <= 0:
            continue
        straight = np.hypot(*(a[i, :2] - b[i, :2])) + np.hypot(*(a[j, :2] - b[j, :2]))
        crossed = np.hypot(*(a[i, :2] - b[j, :2])) + np.hypot(*(a[j, :2] - b[i, :2]))
        if crossed < straight:
            out.append([schema.points[i], schema.points[j]])
    return out


def _boundary_iou(cmp: mt.Comparison, p: int, ratio: float) -> float:
    from guidec import masks
    from guidec.qa import similarity as sm

    r_row, c_row = int(cmp.er_row[cmp.p_r[p]]), int(cmp.ec_row[cmp.p_c[p]])
    size = sm._mask_size(cmp.ref, r_row) or sm._mask_size(cmp.cand, c_row)
    a, b = sm._as_rle(cmp.ref, r_row, size), sm._as_rle(cmp.cand, c_row, size)
    if a is None or b is None:
        return float("nan")
    try:
        return masks.boundary_iou(a, b, ratio)
    except (masks.RleError, ValueError, TypeError, KeyError):
        return float("nan")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions of one character)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _f1(p, r) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def _mean(x: np.ndarray) -> float | None:
    x = x[np.isfinite(x)]
    return float(x.mean()) if len(x) else None


def _counts(n_ref, n_cand, n_match, n_correct, n_extra) -> dict:
    p, r = _ratio(n_match, n_cand), _ratio(n_match, n_ref)
    return {"reference": int(n_ref), "candidate": int(n_cand), "matched": int(n_match),
            "correct": int(n_correct), "precision": p, "recall": r, "f1": _f1(p, r),
            "accuracy": _ratio(n_correct, n_ref + n_extra)}


def _name(project, ci: int) -> str:
    return project.classes[ci].name if ci >= 0 else "(unknown)"


def _metrics(cmp, project, kinds, sims, bad_pair, boundary, cer, attr_stats) -> dict:
    from guidec.qa.agreement import cohen_kappa

    ref_ok = ~cmp.crowd
    cand_ok = ~cmp.ignored
    rcls = cmp.ref.cls[cmp.er_row]
    ccls = cmp.cand.cls[cmp.ec_row]
    same = cmp.same
    m_cls = rcls[cmp.p_r[same]]
    extra = cmp.extra
    out: dict = {}
    out["overall"] = _counts(ref_ok.sum(), cand_ok.sum(), len(same), (~bad_pair).sum(),
                             len(extra))
    means = {}
    for kind in np.unique(kinds).tolist():
        means[mt.KIND_NAMES[kind]] = _mean(sims[kinds == kind])
    out["overall"]["mean_similarity"] = means
    out["overall"]["mean_boundary_iou"] = _mean(boundary)
    out["overall"]["mean_cer"] = _mean(cer)
    classes = {}
    present = sorted(set(rcls[ref_ok].tolist()) | set(ccls[cand_ok].tolist()))
    extra_cls = Counter(ccls[extra].tolist())
    for ci in present:
        sel = m_cls == ci
        row = _counts((rcls[ref_ok] == ci).sum(), (ccls[cand_ok] == ci).sum(), sel.sum(),
                      (sel & ~bad_pair).sum(), extra_cls.get(ci, 0))
        row["mean_similarity"] = _mean(sims[sel])
        classes[_name(project, ci)] = row
    out["classes"] = classes
    # confusion: reference class (or extra) x candidate class (or missed)
    labels = [_name(project, ci) for ci in present]
    pos = {ci: k for k, ci in enumerate(present)}
    n = len(present)
    mat = np.zeros((n + 1, n + 1), dtype=np.int64)  # last row: extra, last column: missed
    both = np.r_[cmp.same, cmp.cross].astype(np.int64)
    for a, b in zip(rcls[cmp.p_r[both]].tolist(), ccls[cmp.p_c[both]].tolist(), strict=True):
        mat[pos[a], pos[b]] += 1
    for a in rcls[cmp.missed].tolist():
        mat[pos[a], n] += 1
    for b in ccls[extra].tolist():
        mat[n, pos[b]] += 1
    out["confusion"] = {"reference": [*labels, "(extra)"], "candidate": [*labels, "(missed)"],
                        "matrix": mat.tolist()}
    kappa = cohen_kappa([_name(project, x) for x in rcls[cmp.p_r[both]].tolist()],
                        [_name(project, x) for x in ccls[cmp.p_c[both]].tolist()])
    out["class_kappa"] = None if not np.isfinite(kappa) else float(kappa)
    attrs = {}
    agreed_all = compared_all = 0
    for name in sorted(attr_stats):
        a, b = attr_stats[name]
        agreed = sum(x == y for x, y in zip(a, b, strict=True))
        agreed_all += agreed
        compared_all += len(a)
        k = cohen_kappa(a, b) if len(a) else float("nan")
        attrs[name] = {"compared": len(a), "agreed": agreed, "accuracy": _ratio(agreed, len(a)),
                       "kappa": float(k) if np.isfinite(k) else None}
    out["attributes"] = attrs
    out["overall"]["attribute_accuracy"] = _ratio(agreed_all, compared_all)
    out["annotators"] = _per_annotator(cmp, bad_pair)
    return out


def _per_annotator(cmp, bad_pair) -> dict:
    who = cmp.units.annotator
    if not len(who) or all(w is None for w in who.tolist()):
        return {}
    out = {}
    r_unit, c_unit = cmp.er_unit, cmp.ec_unit
    m_unit = r_unit[cmp.p_r[cmp.same]]
    x_unit = c_unit[cmp.extra]
    for name in sorted({str(w) for w in who.tolist() if w is not None}):
        units = np.flatnonzero(np.array([w is not None and str(w) == name for w in who]))
        ru, cu = np.isin(r_unit, units), np.isin(c_unit, units)
        mu = np.isin(m_unit, units)
        out[name] = {"images": len(units), **_counts(
            (ru & ~cmp.crowd).sum(), (cu & ~cmp.ignored).sum(), mu.sum(),
            (mu & ~bad_pair).sum(), np.isin(x_unit, units).sum())}
    return out


def _rates(cmp, project, conflicts):
    counts = Counter(t for c in conflicts for t in c.types)
    n_ref = int((~cmp.crowd).sum())
    n_cand = int((~cmp.ignored).sum())
    known = {t for t, e in ERROR_TYPES.items() if e.counted_by} | {
        attribute_type(a) for a in project.spec.attributes}
    wanted = set(known) & (set(counts) | set(project.spec.qa.max_error_rates))
    rates = {}
    for t in sorted(wanted):
        den = n_cand if t in ERROR_TYPES and ERROR_TYPES[t].per_candidate else n_ref
        rates[t] = {"count": counts.get(t, 0), "of": den,
                    "rate": counts.get(t, 0) / den if den else 0.0,
                    "limit": project.spec.qa.max_error_rates.get(t)}
    unmeasured = sorted(set(project.spec.qa.max_error_rates) - known)
    return rates, unmeasured


def _thresholds(project, metrics, rates) -> list[dict]:
    qa = project.spec.qa
    ag = qa.agreement
    overall = metrics["overall"]
    means = overall["mean_similarity"]
    out = []

    def judge(name, limit, measured, at_least=True):
        if limit is None:
            return
        # nothing to measure (no matched box for box_iou): shown, neither passed nor failed
        ok = None if measured is None else bool(
            measured >= limit if at_least else measured <= limit)
        out.append({"name": name, "threshold": limit, "measured": measured,
                    "direction": ">=" if at_least else "<=", "pass": ok})

    for key, kinds in AGREEMENT.items():
        vals = [means[k] for k in kinds if means.get(k) is not None]
        judge(f"qa.agreement.{key}", getattr(ag, key),
              float(np.mean(vals)) if vals else None)
    judge("qa.agreement.mask_boundary_f", ag.mask_boundary_f, overall["mean_boundary_iou"])
    judge("qa.agreement.text_cer", ag.text_cer, overall["mean_cer"], at_least=False)
    judge("qa.agreement.attribute_accuracy", ag.attribute_accuracy,
          overall["attribute_accuracy"])
    if qa.golden_set is not None:
        judge("qa.golden_set.min_accuracy", qa.golden_set.min_accuracy, overall["accuracy"])
    for t, r in rates.items():
        if r["limit"] is not None:
            judge(f"qa.max_error_rates.{t}", r["limit"], r["rate"], at_least=False)
    return out
