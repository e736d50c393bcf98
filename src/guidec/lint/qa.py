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
