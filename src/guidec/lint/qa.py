"""Lint rules about QA thresholds, the error taxonomy and splits."""

from __future__ import annotations

import math
from collections import Counter

from guidec.diagnostics import did_you_mean
from guidec.lint import lint_rule
from guidec.spec.error_types import known
from guidec.view import Project


@lint_rule("L801")
def rates(project: Project):
    for name, v in project.spec.qa.max_error_rates.items():
        if not (math.isfinite(v) and 0 <= v <= 1):
            hint = f"; {v:g} percent is {v / 100:g}" if 1 < v <= 100 else ""
            yield rates.code(f"max error rate of {name!r} is {v:g}, not between 0 and 1{hint}",
                             path=("qa", "max_error_rates", name))


@lint_rule("L802")
def error_types(project: Project):
    qa = project.spec.qa
    names = known(project.spec)
    for name in qa.max_error_rates:
        if name not in names:
            guess = did_you_mean(name, names)
            yield error_types.code(
                f"error type {name!r} is not defined"
                + (f" (did you mean {guess!r}?)" if guess else
                   "; define it under qa.error_types"),
                path=("qa", "max_error_rates", name), at_key=True)


@lint_rule("L803")
def splits(project: Project):
    sp = project.spec.splits
    if sp is None:
        return
    counts = Counter()
    for i, n in enumerate(sp.names):
        counts[n] += 1
        if counts[n] == 2:
            yield splits.code(f"split {n!r} is listed twice", path=("splits", "names", i))
    if sp.ratios is None:
        return
    bad = False
    for n, v in sp.ratios.items():
        if n not in counts:
            bad = True
            guess = did_you_mean(n, list(counts))
            yield splits.code(f"ratio for unknown split {n!r}"
                              + (f" (did you mean {guess!r}?)" if guess else ""),
                              path=("splits", "ratios", n), at_key=True)
        elif not (math.isfinite(v) and 0 <= v <= 1):
            bad = True
            yield splits.code(f"ratio of split {n!r} is {v:g}, not between 0 and 1",
                              path=("splits", "ratios", n))
    total = sum(sp.ratios.values())
    if not bad and abs(total - 1) > 1e-6:
        yield splits.code(f"split ratios sum to {total:g}, not 1", path=("splits", "ratios"),
                          at_key=True)


# ------------------------------------------------------------------ dataset composition
def _share_ok(v) -> bool:
    return v is None or (math.isfinite(v) and 0 <= v <= 1)


@lint_rule("L804")
def priors(project: Project):
    sp = project.spec.splits
    if sp is None or not sp.priors:
        return
    classes = [c.name for c in project.classes]
    ratios = sp.ratios or {}
    total, all_have = 0.0, True
    for name, pr in sp.priors.items():
        at = ("splits", "priors", name)
        if name not in classes:
            guess = did_you_mean(name, classes)
            yield priors.code(f"prior for unknown class {name!r}"
                              + (f" (did you mean {guess!r}?)" if guess else ""),
                              path=at, at_key=True)
            continue
        if not _share_ok(pr.share):
            yield priors.code(f"share of {name!r} is {pr.share:g}, not between 0 and 1",
                              path=(*at, "share"))
            continue
        mins = pr.min if isinstance(pr.min, dict) else (
            {} if pr.min is None else {n: pr.min for n in sp.names})
        for split, k in mins.items():
            if split not in sp.names:
                guess = did_you_mean(split, list(sp.names))
                yield priors.code(f"minimum of {name!r} for unknown split {split!r}"
                                  + (f" (did you mean {guess!r}?)" if guess else ""),
                                  path=(*at, "min", split), at_key=True)
            elif k < 0:
                yield priors.code(f"minimum of {name!r} in {split} is {k}, below 0",
                                  path=(*at, "min", split) if isinstance(pr.min, dict)
                                  else (*at, "min"))
            elif k > 0 and (pr.share == 0 or ratios.get(split, 1) == 0):
                why = "its share is 0" if pr.share == 0 else f"split {split!r} has ratio 0"
                yield priors.code(f"minimum of {k} {name!r} in {split} cannot be met: {why}",
                                  path=(*at, "min", split) if isinstance(pr.min, dict)
                                  else (*at, "min"))
        if pr.share is not None and pr.of == "objects":
            total += pr.share
    all_have = all(c in sp.priors and sp.priors[c].share is not None
                   and sp.priors[c].of == "objects" for c in classes)
    if total > 1 + 1e-6 or (all_have and classes and abs(total - 1) > 1e-6):
        yield priors.code(f"object shares of the class priors sum to {total:g}, "
                          + ("above 1" if total > 1 + 1e-6 else "not 1 (every class has one)"),
                          path=("splits", "priors"), at_key=True)


@lint_rule("L805")
def hard_negatives(project: Project):
    sp = project.spec.splits
    hn = sp.hard_negatives if sp is not None else None
    if hn is None:
        return
    at = ("splits", "hard_negatives", "min_share")
    if not _share_ok(hn.min_share):
        yield hard_negatives.code(f"min_share is {hn.min_share:g}, not between 0 and 1",
                                  path=at)
        return
    for name, pr in sp.priors.items():
        if pr.of == "images" and pr.share is not None and _share_ok(pr.share) and \
                pr.share - pr.tolerance > 1 - hn.min_share + 1e-9:
            yield hard_negatives.code(
                f"min_share {hn.min_share:g} leaves {1 - hn.min_share:g} of the images for "
                f"objects; {name!r} needs at least {pr.share - pr.tolerance:g}", path=at)


@lint_rule("L806")
def strata(project: Project):
    sp = project.spec.splits
    if sp is None:
        return
    for key, st in sp.strata.items():
        at = ("splits", "strata", key)
        if key == sp.group_by:
            yield strata.code(f"stratum {key!r} is the group key: a group stays in one split, "
                              f"so the splits cannot each hold the planned mix", path=at,
                              at_key=True)
        bad = False
        for v, share in st.shares.items():
            if not _share_ok(share):
                bad = True
                yield strata.code(f"share of {key}={v!r} is {share:g}, not between 0 and 1",
                                  path=(*at, "shares", v))
        total = sum(st.shares.values())
        if not bad and abs(total - 1) > 1e-6:
            yield strata.code(f"shares of stratum {key!r} sum to {total:g}, not 1",
                              path=(*at, "shares"), at_key=True)
