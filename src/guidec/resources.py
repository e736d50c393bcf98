"""Where the shipped templates are: inside the wheel, or at the repository root in a checkout."""

from __future__ import annotations

import os
from functools import cache


@cache
def templates_dir() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.path.join(here, "_templates"),
                 os.path.join(here, "..", "..", "templates")):
        if os.path.isdir(cand):
            return os.path.normpath(cand)
    raise FileNotFoundError("guidec's templates are missing from this installation")


def template_path(*parts: str) -> str:
    return os.path.join(templates_dir(), *parts)
