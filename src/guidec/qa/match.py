"""The one matcher: which candidate annotation is which reference annotation, image by image.

Images correspond by file name — the last component of the path, so ``images/a.jpg`` and
``a.jpg`` are one image — and an image without a file name by its id; when either side names
none of its images (a pycocotools results file), every image corresponds by id. A candidate image that
several annotators labelled (Label Studio ``completed_by``, or the image attribute named by
``--annotator-key``) is compared with the reference once per annotator: each comparison is a
*unit*.

Within a unit, annotations of one geometry family (regions, keypoints, polylines, points, tags;
see :mod:`guidec.qa.similarity`) are paired by optimal assignment in two passes, as CVAT's quality
control does: first same-class pairs, maximising the summed similarity over pairs at or above the
match threshold; then, among what is left, pairs of any class (they become wrong-class
conflicts). The bipartite graph of allowed pairs is nearly always a set of single edges; those
are matched directly and only the rest goes to :func:`guidec.qa.assign.assign`, one image at a
time, so the result is the optimal assignment at the cost of a greedy one.

Crowd regions of the reference (``iscrowd``) are never missed and are not matched; a candidate of
their class that lies within one (intersection over its own area at or above the threshold) is
ignored rather than extra, as in COCO evaluation. Annotations of ``ignore_in_eval`` classes are
left out on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from guidec.qa import similarity as sm
from guidec.table import Shape

PAIR_CHUNK = 4_000_000  # candidate pairs scored at once (bounds memory on crowded images)
COVER = sm.COVER_BOUND  # share of an object's area another covers for merged / split / crowd

#: Kinds of matched pairs: which agreement threshold of the spec judges their similarity.
KIND_NAMES = ("box", "rotated_box", "polygon", "mask", "keypoints", "polyline", "points", "tag")
BOX, ROTATED, POLYGON, MASK, KEYPOINTS, POLYLINE, POINTS, TAG = range(8)


@dataclass
class Units:
    ref_img: np.ndarray  # int64 image row of the reference per unit
    cand_img: np.ndarray  # int64 image row of the candidate per unit
    annotator: np.ndarray  # object: who labelled the candidate image, None when not known
    ref_only: np.ndarray  # reference image rows no candidate image corresponds to
    cand_only: np.ndarray  # candidate image rows with no reference image
    ref_duplicates: list  # (image row, first image row with the same name)


@dataclass
class Comparison:
    """Everything the conflicts and the metrics are computed from (entries index ``e_*``)."""

    ref: sm.Side
    cand: sm.Side
    units: Units
    threshold: float
    # reference entries (one per reference annotation per unit) and candidate entries
    er_unit: np.ndarray
    er_row: np.ndarray
    ec_unit: np.ndarray
    ec_row: np.ndarray
    crowd: np.ndarray  # bool per reference entry: a crowd region (neither matched nor missed)
    # scored pairs (similarity > 0 or overlapping), entries into er_* / ec_*
    p_r: np.ndarray
    p_c: np.ndarray
    p_sim: np.ndarray
    p_inter: np.ndarray
    p_ra: np.ndarray
    p_ca: np.ndarray
    p_flip: np.ndarray
    p_own: np.ndarray  # similarity as drawn (keypoints not mirrored): what metrics report
    # the assignment: pair indexes into p_*, pass 1 (same class) and pass 2 (across classes)
    same: np.ndarray
    cross: np.ndarray
    r_match: np.ndarray  # int64 per reference entry: its pair index, -1 unmatched
    c_match: np.ndarray  # int64 per candidate entry
    ignored: np.ndarray  # bool per candidate entry: inside a crowd region of its class
    merged: list = field(default_factory=list)  # (missed ref entry, pair index of the cover)
    split: list = field(default_factory=list)  # (extra cand entry, pair index of the whole)
    duplicates: list = field(default_factory=list)  # (extra cand entry, pair of the reference)
    merging: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # unmatched
    # candidates that are a merge of missed references (neither extra nor matched)
    splitting: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # unmatched
    # references split into extra candidates (neither missed nor matched)

    @property
    def missed(self) -> np.ndarray:
        """Reference entries with no candidate (crowd regions excluded): merged ones included,
        a reference split into pieces not."""
        free = (self.r_match < 0) & ~self.crowd
        free[self.splitting] = False
        return np.flatnonzero(free)

    @property
    def extra(self) -> np.ndarray:
        """Candidate entries with no reference: pieces of a split and duplicates included, a
        merge of two missed references not."""
        free = (self.c_match < 0) & ~self.ignored
        free[self.merging] = False
        return np.flatnonzero(free)

    def kind(self, pairs: np.ndarray) -> np.ndarray:
        """The kind (``KIND_NAMES``) of matched pairs, from both rows' shapes."""
        rr, cr = self.er_row[self.p_r[pairs]], self.ec_row[self.p_c[pairs]]
        rs = self.ref.table.shape[rr].astype(np.int64)
        cs = self.cand.table.shape[cr].astype(np.int64)
        rot = (self.ref.table.rotation[rr] != 0) | (rs == Shape.ROTATED_BOX)
        out = np.full(len(pairs), POLYGON, dtype=np.int64)
        out[(rs == Shape.BOX) & ~rot] = BOX
        out[rot & ((rs == Shape.BOX) | (rs == Shape.ROTATED_BOX))] = ROTATED
        out[(rs == Shape.MASK) | (cs == Shape.MASK)] = MASK
        out[rs == Shape.KEYPOINTS] = KEYPOINTS
        out[rs == Shape.POLYLINE] = POLYLINE
        out[rs == Shape.POINTS] = POINTS
        out[rs == Shape.TAG] = TAG
        return out


# --------------------------------------------------------------------------- images
def image_names(images, by_id: bool = False) -> list:
    """The correspondence key of every image row: the file name's last component, or
    ``#<id>`` for an image without a file name (every image, with ``by_id``)."""
    out = []
    for name, key in zip(images.file_name.tolist(), images.key.tolist(), strict=True):
        if isinstance(name, str) and name.strip() and not by_id:
            out.append(name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1])
        else:
            out.append(f"#{key}")
    return out


def _named(images) -> bool:
    return any(isinstance(n, str) and n.strip() for n in images.file_name.tolist())


def by_id(ref_t, cand_t) -> bool:
    """Images correspond by id when either side names none of its images (a pycocotools
    results file knows images only by id), else by file name."""
    return not (_named(ref_t.images) and _named(cand_t.images))


def pair_images(ref_t, cand_t, annotator_key: str | None = None) -> Units:
    ids = by_id(ref_t, cand_t)
    ref_names = image_names(ref_t.images, ids)
    first: dict = {}
    dups = []
    for i, name in enumerate(ref_names):
        if name in first:
            dups.append((i, first[name]))
        else:
            first[name] = i
    who = _annotators(cand_t.images, annotator_key)
    ref_img, cand_img, ann, cand_only = [], [], [], []
    seen = set()
    for j, name in enumerate(image_names(cand_t.images, ids)):
        i = first.get(name)
        if i is None:
            cand_only.append(j)
            continue
        ref_img.append(i)
        cand_img.append(j)
        ann.append(who[j])
        seen.add(i)
    ref_only = [i for i in first.values() if i not in seen]
    annotator = np.empty(len(ann), dtype=object)
    annotator[:] = ann
    return Units(np.asarray(ref_img, dtype=np.int64), np.asarray(cand_img, dtype=np.int64),
                 annotator, np.asarray(sorted(ref_only), dtype=np.int64),
                 np.asarray(cand_only, dtype=np.int64), dups)


def _annotators(images, key: str | None) -> list:
    n = len(images)
    if key:
        col = images.attributes.get(key)
        return [None if v is None else str(v) for v in col.tolist()] if col is not None \
            else [None] * n
    if images.annotator is not None:
        return [None if v is None else str(v) for v in images.annotator.tolist()]
    return [None] * n


# --------------------------------------------------------------------------- the matcher
def side_of(table, project) -> sm.Side:
    """A table with each row's current class (deprecated classes followed to their one
    replacement), extent, family and image size."""
    from guidec.labels import resolve_labels

    cls = resolve_labels(table, project).current(project).astype(np.int64)
    img = np.asarray(table.image_index, dtype=np.int64)
    known = img >= 0
    wh = np.full((len(table), 2), np.nan)
    wh[known, 0] = table.images.width[img[known]]
    wh[known, 1] = table.images.height[img[known]]
    return sm.Side(table, cls, sm.extents(table), sm.family(table.shape), wh)


def compare(ref_t, cand_t, project, threshold: float = 0.5,
            annotator_key: str | None = None) -> Comparison:
    from guidec.qa.assign import assign

    units = pair_images(ref_t, cand_t, annotator_key)
    ref, cand = side_of(ref_t, project), side_of(cand_t, project)
    skip = np.array([c.ignore_in_eval for c in project.classes] + [False], dtype=bool)

    # candidate entries: the candidate's rows on a compared image
    unit_of_cimg = np.full(len(cand_t.images), -1, dtype=np.int64)
    unit_of_cimg[units.cand_img] = np.arange(len(units.cand_img))
    cimg = np.asarray(cand_t.image_index, dtype=np.int64)
    c_unit = np.where(cimg >= 0, unit_of_cimg[np.maximum(cimg, 0)], -1)
    keep_c = (c_unit >= 0) & ~skip[cand.cls]
    ec_row = np.flatnonzero(keep_c)
    ec_unit = c_unit[ec_row]
    # reference entries: every row of the unit's reference image, once per unit
    rimg = np.asarray(ref_t.image_index, dtype=np.int64)
    rrows = np.flatnonzero((rimg >= 0) & ~skip[ref.cls])
    order = rrows[np.argsort(rimg[rrows], kind="stable")]
    starts = np.searchsorted(rimg[order], np.arange(len(ref_t.images) + 1))
    cnt = np.diff(starts)[units.ref_img]
    er_unit = np.repeat(np.arange(len(units.ref_img)), cnt)
    er_row = order[_ragged(starts[units.ref_img], cnt)]
    crowd = np.asarray(ref_t.iscrowd, dtype=bool)[er_row]

    # pass 1 scores the pairs that can be matched (crowd regions never are); what could only
    # cover another object (merged, split, crowd) is scored after matching, for the few
    # objects left unmatched
    pairs = _score_pairs(ref, cand, er_unit, er_row, ec_unit, ec_row, project, threshold,
                         drop=lambda pr, pc: crowd[pr], cover=False)
    p_r, p_c, p_sim = pairs[:3]
    cls_r, cls_c = ref.cls[er_row[p_r]], cand.cls[ec_row[p_c]]
    usable = p_sim >= threshold
    r_match = np.full(len(er_row), -1, dtype=np.int64)
    c_match = np.full(len(ec_row), -1, dtype=np.int64)
    same = _solve(p_r, p_c, p_sim, usable & (cls_r == cls_c) & (cls_r >= 0), er_unit, assign)
    r_match[p_r[same]] = same
    c_match[p_c[same]] = same
    left = usable & (r_match[p_r] < 0) & (c_match[p_c] < 0)
    cross = _solve(p_r, p_c, p_sim, left, er_unit, assign)
    r_match[p_r[cross]] = cross
    c_match[p_c[cross]] = cross

    scored = p_r * max(len(ec_row), 1) + p_c
    r_free, c_free = r_match < 0, c_match < 0

    def wanted(pr, pc):
        """Same-class pairs with an unmatched side, not scored yet."""
        need = (ref.cls[er_row[pr]] == cand.cls[ec_row[pc]]) & (
            (~crowd[pr] & r_free[pr]) | c_free[pc])
        return ~need | np.isin(pr * max(len(ec_row), 1) + pc, scored)

    more = _score_pairs(ref, cand, er_unit, er_row, ec_unit, ec_row, project, threshold,
                        drop=wanted, cover=True)
    p_r, p_c, p_sim, p_inter, p_ra, p_ca, p_flip, p_own = (
        np.concatenate([a, b]) for a, b in zip(pairs, more, strict=True))
    cls_r, cls_c = ref.cls[er_row[p_r]], cand.cls[ec_row[p_c]]

    with np.errstate(invalid="ignore", divide="ignore"):
        cover_c = np.where(p_ca > 0, p_inter / p_ca, 0.0)  # share of the candidate covered
        cover_r = np.where(p_ra > 0, p_inter / p_ra, 0.0)
    ignored = np.zeros(len(ec_row), dtype=bool)
    in_crowd = crowd[p_r] & (cls_r == cls_c) & (cover_c >= COVER) & (c_match[p_c] < 0)
    ignored[p_c[in_crowd]] = True

    cmp = Comparison(ref, cand, units, threshold, er_unit, er_row, ec_unit, ec_row, crowd,
                     p_r, p_c, p_sim, p_inter, p_ra, p_ca, p_flip, p_own, same, cross, r_match,
                     c_match, ignored)
    # merged: a missed reference mostly covered by a candidate of its class that is matched
    # to another reference, or that covers two or more missed references and matches none
    same_r = np.zeros(len(er_row), dtype=bool)
    same_r[p_r[same]] = True
    same_c = np.zeros(len(ec_row), dtype=bool)
    same_c[p_c[same]] = True
    unpaired = np.ones(len(p_r), dtype=bool)
    unpaired[same] = False
    base = (cls_r == cls_c) & ~crowd[p_r] & unpaired
    r_free = r_match[p_r] < 0
    c_free = (c_match[p_c] < 0) & ~ignored[p_c]
    cov = base & r_free & (cover_r >= COVER)
    covers = np.bincount(p_c[cov & c_free], minlength=len(ec_row))
    cmp.merged = _best(p_r, np.flatnonzero(cov & (same_c[p_c] | (c_free & (covers[p_c] >= 2)))),
                       cover_r)
    cmp.merging = np.unique(np.asarray(
        [int(p_c[p]) for _, p in cmp.merged if c_match[p_c[p]] < 0], dtype=np.int64))
    # split: an extra candidate mostly inside a reference of its class that is matched to
    # another candidate, or that holds two or more extra candidates and matches none
    # duplicate: an extra candidate as alike a matched reference of its class as its match
    dup = base & c_free & same_r[p_r] & (p_sim >= threshold)
    cmp.duplicates = _best(p_c, np.flatnonzero(dup), p_sim)
    c_free = c_free & ~np.isin(p_c, [e for e, _ in cmp.duplicates])
    inside = base & c_free & (cover_c >= COVER)
    holds = np.bincount(p_r[inside & r_free], minlength=len(er_row))
    cmp.split = _best(p_c, np.flatnonzero(inside & (same_r[p_r] | (r_free & (holds[p_r] >= 2)))),
                      cover_c)
    cmp.splitting = np.unique(np.asarray(
        [int(p_r[p]) for _, p in cmp.split if r_match[p_r[p]] < 0], dtype=np.int64))
    return cmp


def _best(entry: np.ndarray, pairs: np.ndarray, score: np.ndarray) -> list:
    """(entry, pair) with the highest ``score`` per entry, in entry order."""
    if not len(pairs):
        return []
    order = np.lexsort((-score[pairs], entry[pairs]))
    pairs = pairs[order]
    firsts = np.r_[True, entry[pairs][1:] != entry[pairs][:-1]]
    return [(int(entry[p]), int(p)) for p in pairs[firsts]]


def _ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + n)`` for each start ``s`` and count ``n``."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offs = np.cumsum(counts) - counts
    return np.repeat(starts - offs, counts) + np.arange(total)


def _score_pairs(ref, cand, er_unit, er_row, ec_unit, ec_row, project, threshold, drop,
                 cover: bool):
    """Same-unit, same-family pairs (but those ``drop(pr, pc)`` marks) with a similarity or
    an overlap, in bounded chunks. Region pairs whose IoU cannot reach ``threshold`` — nor,
    with ``cover``, a covered share of ``COVER`` — are left out unscored."""
    fr = ref.fam[er_row].astype(np.int64)
    fc = cand.fam[ec_row].astype(np.int64)
    gr = er_unit * 8 + fr
    gc = ec_unit * 8 + fc
    corder = np.argsort(gc, kind="stable")
    gc_sorted = gc[corder]
    lo = np.searchsorted(gc_sorted, gr, side="left")
    hi = np.searchsorted(gc_sorted, gr, side="right")
    per = hi - lo
    kp_sigmas = _kp_sigmas(project)
    out = [[] for _ in range(8)]
    ends = np.cumsum(per)
    start = 0
    while start < len(er_row):
        # as many reference entries as fit PAIR_CHUNK pairs (at least one)
        base = ends[start - 1] if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, base + PAIR_CHUNK, side="right")))
        idx = np.arange(start, stop)
        pr = np.repeat(idx, per[idx])
        pc = corder[_ragged(lo[idx], per[idx])]
        start = stop
        if not len(pr):
            continue
        fam = fr[pr]
        e1, e2 = ref.ext[er_row[pr]], cand.ext[ec_row[pc]]
        apart = (fam == sm.REGION) & ~(
            (np.minimum(e1[:, 2], e2[:, 2]) > np.maximum(e1[:, 0], e2[:, 0]))
            & (np.minimum(e1[:, 3], e2[:, 3]) > np.maximum(e1[:, 1], e2[:, 1])))
        apart |= drop(pr, pc)
        pr, pc, fam = pr[~apart], pc[~apart], fam[~apart]
        sim, inter, ra, ca, flip, own = sm.pair_similarity(ref, cand, er_row[pr], ec_row[pc], fam,
                                                      project, kp_sigmas, threshold, cover)
        keep = ~np.isnan(sim) & ((sim > 0) | (np.nan_to_num(inter) > 0))
        for lst, col in zip(out, (pr, pc, sim, inter, ra, ca, flip, own), strict=True):
            lst.append(col[keep])
    dtypes = (np.int64, np.int64, np.float64, np.float64, np.float64, np.float64, bool,
              np.float64)
    return tuple(np.concatenate(lst) if lst else np.zeros(0, dtype=dt)
                 for lst, dt in zip(out, dtypes, strict=True))


def _kp_sigmas(project) -> dict:
    """(class index, point count) -> (sigmas, flip index) for classes with a keypoint schema."""
    out = {}
    for c in project.classes:
        ks = project.keypoint_schemas.get(c.keypoints) if c.keypoints else None
        if ks is not None:
            out[(c.index, len(ks.points))] = (sm.sigmas_of(ks), np.asarray(ks.flip_idx))
    return out


def _solve(p_r, p_c, w, allowed, er_unit, assign) -> np.ndarray:
    """Pair indexes of the maximum-weight matching over ``allowed`` pairs: isolated pairs
    directly, the rest by optimal assignment per unit."""
    e = np.flatnonzero(allowed)
    if not len(e):
        return e
    er, ec = p_r[e], p_c[e]
    deg_r = np.bincount(er, minlength=int(er.max()) + 1)
    deg_c = np.bincount(ec, minlength=int(ec.max()) + 1)
    lone = (deg_r[er] == 1) & (deg_c[ec] == 1)
    chosen = [e[lone]]
    rest = e[~lone]
    if len(rest):
        units = er_unit[p_r[rest]]
        order = np.argsort(units, kind="stable")
        rest, units = rest[order], units[order]
        cuts = np.flatnonzero(np.r_[True, units[1:] != units[:-1], True])
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            grp = rest[a:b]
            rows, ri = np.unique(p_r[grp], return_inverse=True)
            cols, ci = np.unique(p_c[grp], return_inverse=True)
            weight = np.zeros((len(rows), len(cols)))
            weight[ri, ci] = w[grp]
            index = np.full((len(rows), len(cols)), -1, dtype=np.int64)
            index[ri, ci] = grp
            ar, ac = assign(1.0 - weight)
            picked = index[ar, ac]
            chosen.append(picked[(picked >= 0) & (weight[ar, ac] > 0)])
    return np.sort(np.concatenate(chosen))
