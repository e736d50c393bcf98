"""Targets: one module per generated artifact, registered in :data:`TARGETS`.

A target reads only the resolved :class:`~guidec.view.Project` and returns files in memory
(``{relative path: text or bytes}``); :mod:`guidec.output` is the only code that touches disk.
To add a target: subclass :class:`Target` in a new module here, set ``name`` and
``description``, implement ``emit``, and decorate the class with ``@TARGETS.add``.
"""

from __future__ import annotations

from typing import ClassVar

from guidec.diagnostics import Diagnostic
from guidec.registry import Registry
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


TARGETS: Registry[type[Target]] = Registry("target", __name__, key=lambda cls: cls.name)


def load_targets() -> dict[str, type[Target]]:
    return dict(sorted(TARGETS.items()))
