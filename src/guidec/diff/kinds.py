"""Every kind of change between two spec versions: its D-code, its impact on each consumer and
the semver bump it requires.

Three consumers (Confluent's BACKWARD/FORWARD, plus tools), after the design note's table:

* ``labels``: existing deliveries labeled under the old version;
* ``models``: models trained on data of the old version;
* ``tools``: generated tool configs and live Label Studio / CVAT projects.

Impacts are ERROR (a consumer that followed the old contract can stop working), WARNING (it
keeps working but may be wrong, not provable) or INFO. The bump a change requires is derived
from the impacts on the consumers in view: any ERROR -> major, any WARNING -> minor, else
patch; a kind may raise that floor (adding a class is at least minor even where every impact
is INFO). Instances may downgrade their impacts where the spec declares how to migrate (a
removal with ``replaced_by``, a split under an abstract parent, ...).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from guidec.codes import Code, code
from guidec.diagnostics import Diagnostic, Path, Severity
from guidec.registry import Registry

CONSUMERS: tuple[str, ...] = ("labels", "models", "tools")
E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741


class Bump(enum.IntEnum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def of(cls, severity: Severity) -> Bump:
        return {Severity.ERROR: cls.MAJOR, Severity.WARNING: cls.MINOR,
                Severity.INFO: cls.PATCH}[severity]


Impact = tuple[Severity, Severity, Severity]  # labels, models, tools


@dataclass(frozen=True, slots=True)
class Kind:
    code: Code
    impact: Impact
    floor: Bump  # the least bump this kind requires, whatever the impacts

    @property
    def name(self) -> str:
        return self.code.name


KINDS: Registry[Kind] = Registry("diff kind", "guidec.diff", modules=("catalog",),
                                 key=lambda k: k.code.code)

CATEGORY = {"D101": "added", "D110": "added", "D102": "removed", "D103": "removed",
            "D105": "removed", "D104": "renamed", "D106": "renamed", "D109": "renamed",
            "D108": "deprecated", "D112": "deprecated"}


def kind(kind_code: str) -> Kind:
    """Register a change kind; its impact (E/W/I for labels, models, tools) and floor are in
    the code table (``guidec/codes/diff.py``)."""
    entry = code(kind_code)
    imp = tuple({"E": E, "W": W, "I": I}[ch] for ch in entry.impact)
    k = Kind(entry, imp, Bump[entry.floor.upper()])  # type: ignore[arg-type]
    return KINDS.add(k)


@dataclass(frozen=True, slots=True)
class Change:
    """One classified change between two resolved projects."""

    code: str
    message: str
    impact: Impact  # labels, models, tools
    floor: Bump
    subject: str  # what changed: 'class:car', 'attribute:occlusion', 'rule:min-size', ...
    side: str = "new"  # which spec ``path`` points into: 'old' | 'new'
    path: Path = ()
    hint: str | None = None
    details: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def entry(self) -> Kind:
        """The registered kind (code, name, default impacts)."""
        return KINDS[self.code]

    @property
    def name(self) -> str:
        return KINDS[self.code].name

    @property
    def kind(self) -> str:
        """A plain category for readers of a changelog: added | removed | renamed |
        deprecated | changed."""
        return CATEGORY.get(self.code, "changed")

    def impact_on(self, consumer: str) -> Severity:
        return self.impact[CONSUMERS.index(consumer)]

    def severity(self, consumers: tuple[str, ...] = CONSUMERS) -> Severity:
        return max(self.impact_on(c) for c in consumers)

    def bump(self, consumers: tuple[str, ...] = CONSUMERS) -> Bump:
        return max(Bump.of(self.severity(consumers)), self.floor)

    def impacts(self) -> dict[str, str]:
        return {c: s.label for c, s in zip(CONSUMERS, self.impact, strict=True)}

    def diagnostic(self, file: str | None, line: int | None, col: int | None,
                   consumers: tuple[str, ...] = CONSUMERS) -> Diagnostic:
        return Diagnostic(self.code, self.severity(consumers), self.message, file=file,
                          path=self.path, line=line, col=col, hint=self.hint,
                          extra={"subject": self.subject, "bump": self.bump(consumers).label,
                                 "impact": self.impacts(), "side": self.side})


def make(code: str, message: str, subject: str, *, impact: str | Impact | None = None,
         side: str = "new", path: Path = (), hint: str | None = None,
         details: dict | None = None, cap: Severity | None = None) -> Change:
    """A change of kind ``code``; ``impact`` overrides the kind's default (a downgrade)."""
    k = KINDS[code]
    if impact is None:
        imp = k.impact
    elif isinstance(impact, str):
        imp = tuple({"E": E, "W": W, "I": I}[ch] for ch in impact)  # type: ignore[assignment]
    else:
        imp = impact
    floor = k.floor
    if cap is not None:  # experimental elements: exempt from guarantees
        imp = tuple(min(s, cap) for s in imp)  # type: ignore[assignment]
        floor = min(floor, Bump.PATCH)
    return Change(code, message, imp, floor, subject, side, path, hint, details or {})
