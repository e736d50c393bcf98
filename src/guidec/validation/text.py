"""OCR text regions: transcriptions present when required, and in the declared form."""

from __future__ import annotations

import re

import numpy as np

from guidec.columns import distinct, is_none
from guidec.validation import rule, vcode
from guidec.validation.frame import Frame

G = "text"

V350 = vcode("V350", group=G)
V351 = vcode("V351", group=G)
V352 = vcode("V352", group=G)
V353 = vcode("V353", group=G)


def judge(region, text: str):
    """``(code, message)`` for a transcription that breaks ``region``, else None."""
    if region.illegible is not None and text == region.illegible:
        return None
    if region.max_length is not None and len(text) > region.max_length:
        return V353, f"has {len(text)} characters, more than {region.max_length}"
    if region.alphabet is not None:
        extra = sorted(set(text) - set(region.alphabet))
        if extra:
            return V352, f"uses {''.join(extra)!r}, outside the alphabet {region.alphabet!r}"
    if region.pattern is not None and re.search(region.pattern, text) is None:
        return V351, f"does not match the pattern {region.pattern!r}"
    return None


@rule(V350, V351, V352, V353, group=G)
def transcriptions(f: Frame):
    p = f.project
    text = f.t.text
    missing = is_none(text)
    for c in p.classes:
        region = c.text_region
        if region is None:
            continue
        in_class = f.cls == c.index
        if region.transcription == "required":
            blank = missing.copy()
            have = np.flatnonzero(in_class & ~missing)
            if len(have):
                vals, inv = distinct(text[have])
                empty = np.array([not str(v).strip() for v in vals] + [False])[:-1]
                blank[have[empty[inv]]] = True
            for r in np.flatnonzero(in_class & blank):
                yield f.ann(V350, r, f"text region {f.ann_label(r)} ({c.name}) has no "
                                     "transcription")
        rows = np.flatnonzero(in_class & ~missing)
        if len(rows) == 0:
            continue
        vals, inv_all = f.factor(text)
        inv = inv_all[rows]
        verdicts = [judge(region, str(v)) if v is not None and str(v).strip() else None
                    for v in vals]
        bad = np.array([v is not None for v in verdicts] + [False])[:-1]
        for j in np.flatnonzero(bad[inv]):
            code, msg = verdicts[inv[j]]
            r = rows[j]
            yield f.ann(code, r, f"transcription {text[r]!r} of {f.ann_label(r)} ({c.name}) "
                                 f"{msg}")
