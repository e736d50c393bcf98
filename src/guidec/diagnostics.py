"""Diagnostics: the one data type every check, lint rule and validator yields.

A diagnostic names *where* with a data path (a tuple of keys and indexes) inside a file;
the path becomes ``file:line:col`` or a JSON pointer only when it is reported
(see :mod:`guidec.source` for YAML positions).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from guidec._frozen import fast_init

Path = tuple[str | int, ...]


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}; expected one of: info, warning, error"
            ) from None

    @property
    def label(self) -> str:
        return self.name.lower()


class GuidecError(Exception):
    """Root of guidec's exceptions: something that stops a command (exit code 2).

    Carries diagnostics so the CLI can report them like any other finding.
    """

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()):
        super().__init__(message)
        self.diagnostics = list(diagnostics)


@fast_init  # a lint run makes two per finding (tens of thousands for a large spec)
@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    path: Path = ()
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    hint: str | None = None
    # Free-form identifiers a reporter may show (image, annotation, class, ...).
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def with_position(self, line: int | None, col: int | None) -> Diagnostic:
        return replace(self, line=line, col=col)

    @property
    def pointer(self) -> str:
        """RFC 6901 JSON pointer of ``path``."""
        if not self.path:
            return ""
        return "/" + "/".join(
            str(p).replace("~", "~0").replace("/", "~1") for p in self.path
        )

    def location(self) -> str:
        """``file:line:col`` (or ``file#/json/pointer`` when no line is known)."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        elif self.path:
            where += "#" + self.pointer
        return where

    def sort_key(self) -> tuple:
        return (
            self.file or "",
            self.line if self.line is not None else 1 << 60,
            self.col or 0,
            tuple(map(str, self.path)),
            self.code,
            self.message,
        )


def max_severity(diags: Iterable[Diagnostic]) -> Severity | None:
    best = None
    for d in diags:
        if best is None or d.severity > best:
            best = d.severity
    return best


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A close spelling of ``word`` among ``candidates``, for 'did you mean' hints."""
    import difflib

    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None
