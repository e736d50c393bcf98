"""The one way guidec's pluggable parts are registered: commands, targets, readers, writers,
reporters, lint rules, validation rules and diff kinds.

A :class:`Registry` is a name -> entry table. Entries come in by the registry's ``add``
decorator (``@TARGETS.add``, ``@REPORTERS.add("json")``, ``@lint_rule("L101")`` which wraps
``LINT_RULES.add``), placed on the class or function that *is* the entry; a plug-in that is a
whole module (a command, a reader, a writer) declares itself with ``REGISTRY.add(NAME)(module
object)`` being done for it: the registry imports the modules of its ``package`` on first use and
takes each module's ``attribute`` (``READER``, ``FORMAT``, ``NAME``). Registration refuses a
name twice. Codes and their docs are not registered here: they are data, in :mod:`guidec.codes`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries of one kind by name, filled by ``add`` and by importing ``package``'s modules.

    ``modules`` fixes which modules of the package hold entries and in which order (readers
    detect formats in that order); without it every public module is imported. ``attribute``
    names what a module-kind entry is taken from: the entry is ``module.<attribute>`` when it
    is not a string, else the module itself keyed by that string.
    """

    def __init__(self, what: str, package: str | None = None, *,
                 modules: tuple[str, ...] | None = None, attribute: str | None = None,
                 key: Callable[[Any], str] | None = None):
        self.what = what
        self.package = package
        self.modules = modules
        self.attribute = attribute
        self.key = key
        self._entries: dict[str, T] = {}
        self._loaded = package is None

    def add(self, name_or_entry: Any = None) -> Any:
        """``@REG.add`` (the name is ``key(entry)``) or ``@REG.add("name")``."""
        if isinstance(name_or_entry, str):
            name = name_or_entry

            def deco(entry: T) -> T:
                self._put(name, entry)
                return entry

            return deco
        entry = name_or_entry
        if self.key is None:
            raise TypeError(f"{self.what}: give a name, @REG.add('name')")
        self._put(self.key(entry), entry)
        return entry

    def _put(self, name: str, entry: T) -> None:
        if name in self._entries:
            raise ValueError(f"{self.what} {name!r} registered twice")
        self._entries[name] = entry

    def load(self) -> dict[str, T]:
        """Import the package's modules once; the entries by name, in registration order."""
        if not self._loaded:
            self._loaded = True
            pkg = importlib.import_module(self.package)
            names = self.modules or tuple(
                i.name for i in pkgutil.iter_modules(pkg.__path__) if not i.name.startswith("_"))
            for name in names:
                mod = importlib.import_module(f"{self.package}.{name}")
                if self.attribute is None or not hasattr(mod, self.attribute):
                    continue
                value = getattr(mod, self.attribute)
                if isinstance(value, str):  # the module is the entry, keyed by the value
                    self._put(value, mod)  # type: ignore[arg-type]
                elif value is not None and value not in self._entries.values():
                    self._put(self.key(value) if self.key else name, value)
        return self._entries

    def one(self, module: str) -> T | None:
        """Only the entry that module ``module`` of the package declares, importing nothing
        else (``guidec validate`` needs only the validate command); ``None`` if there is none."""
        if self._loaded or module.startswith("_"):
            return self.load().get(module)
        try:
            mod = importlib.import_module(f"{self.package}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{self.package}.{module}":
                return None
            raise
        value = getattr(mod, self.attribute or "", None)
        return mod if isinstance(value, str) else value  # type: ignore[return-value]

    def get(self, name: str) -> T | None:
        return self.load().get(name)

    def __getitem__(self, name: str) -> T:
        return self.load()[name]

    def __contains__(self, name: object) -> bool:
        return name in self.load()

    def __iter__(self) -> Iterator[str]:
        return iter(self.load())

    def __len__(self) -> int:
        return len(self.load())

    def items(self):
        return self.load().items()

    def values(self):
        return self.load().values()

    def names(self) -> list[str]:
        return sorted(self.load())
