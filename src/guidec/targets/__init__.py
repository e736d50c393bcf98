"""Targets: one module per generated artifact, registered in :data:`TARGETS`.

A target reads only the resolved :class:`~guidec.view.Project` and returns files in memory
(``{relative path: text or bytes}``); :mod:`guidec.writer` is the only code that touches disk.
To add a target: subclass :class:`Target` in a new module here, set ``name`` and
``description``, implement ``emit``, and decorate the class with :func:`register`.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import ClassVar

from guidec.diagnostics import Diagnostic
from guidec.view import Project


class Target:
    name: ClassVar[str]
    description: ClassVar[str]
    # Whether `guidec build` without --target includes it.
    default: ClassVar[bool] = True

    def emit(self, project: Project) -> dict[str, str | bytes]:
        raise NotImplementedError

    def check(self, project: Project) -> list[Diagnostic]:
        """T-coded problems that stop this target (limits of the consuming tool)."""
        return []


TARGETS: dict[str, type[Target]] = {}


def register(cls: type[Target]) -> type[Target]:
    if cls.name in TARGETS:
        raise ValueError(f"target {cls.name!r} registered twice")
    TARGETS[cls.name] = cls
    return cls


def load_targets() -> dict[str, type[Target]]:
    for info in pkgutil.iter_modules(__path__, __name__ + "."):
        importlib.import_module(info.name)
    return dict(sorted(TARGETS.items()))
