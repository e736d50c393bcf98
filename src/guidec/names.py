"""Identifiers derived from users' names, for the places a tool needs one.

Spec names (classes, attributes, keypoint schemas and points) are any non-empty text without
control characters: ``Leaf Area Affected(%)``, ``1``, ``root (pelvis)``. Most consumers take
them as they are (CVAT label and attribute names, JSON Schema property names, COCO keys,
Label values, XML attribute values, which ElementTree escapes). A few need a machine word:
Label Studio control names (``toName`` and ``whenTagName`` are comma-separated lists of them),
file names and URL fragments of the playbook. Those are derived here, deterministically:

- a name that is already an identifier (``[A-Za-z_][A-Za-z0-9_.-]*``, at most 64 characters)
  is kept as it is, so specs written before free names build the same outputs;
- otherwise accents are dropped (NFKD), every run of other characters becomes ``_``, a
  leading digit gets a ``_`` in front, and a name with no Latin letter or digit left becomes
  ``n_`` plus eight hex digits of its SHA-1 (stable, whatever else the spec holds);
- names that would share an identifier are told apart by ``_2``, ``_3``... in the order they
  are given (the spec's order), after every name that keeps itself.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable

IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
MAX_LENGTH = 64


def is_identifier(name: str) -> bool:
    return len(name) <= MAX_LENGTH and IDENTIFIER_RE.match(name) is not None


def identifier(name: str) -> str:
    """The identifier a name stands for in tools that need one (see the module docs)."""
    if is_identifier(name):
        return name
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    word = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_text).strip("_")
    if not re.search(r"[A-Za-z0-9]", word):
        return "n_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    if word[0].isdigit():
        word = "_" + word
    return word[:MAX_LENGTH].rstrip("_") or word[:MAX_LENGTH]


def unique_identifiers(names: Iterable[str], taken: Iterable[str] = ()) -> dict[str, str]:
    """``{name: identifier}``, distinct from each other and from ``taken``.

    Names that are identifiers keep themselves first (so a derived one never steals the
    identifier a name already is); the others get :func:`identifier` with ``_2``, ``_3``...
    when it is used.
    """
    names = list(dict.fromkeys(names))
    used = set(taken)
    out: dict[str, str] = {}
    for n in names:
        if is_identifier(n) and n not in used:
            out[n] = n
            used.add(n)
    for n in names:
        if n in out:
            continue
        base = identifier(n)
        cand, i = base, 2
        while cand in used:
            cand = f"{base}_{i}"
            i += 1
        out[n] = cand
        used.add(cand)
    return {n: out[n] for n in names}


@functools.lru_cache(maxsize=64)
def _by_identifier(names: tuple[str, ...]) -> dict[str, str]:
    return {ident: n for n, ident in unique_identifiers(names).items()}


def identifiers_of(names: Iterable[str]) -> dict[str, str]:
    """:func:`unique_identifiers` of ``names`` (memoized: readers ask once per result)."""
    names = tuple(names)
    return {n: ident for ident, n in _by_identifier(names).items()}


def name_of(ident: str, names: Iterable[str]) -> str | None:
    """The name among ``names`` whose identifier is ``ident`` (a name that is ``ident`` itself
    first), else None: how a reader maps a tool's identifier back to the spec's name."""
    names = tuple(names)
    if ident in names:
        return ident
    return _by_identifier(names).get(ident)
