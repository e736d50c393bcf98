"""Spec values the tools choke on: text XML cannot carry, ids the tools cannot store, hotkeys
the tools cannot bind or the browser takes first. Each would otherwise surface as a broken
config or a dead key long after ``guidec build`` exited 0."""

from __future__ import annotations

import re

from guidec.lint import lint_rule
from guidec.view import Project

# XML 1.0 characters: tab, LF, CR, and U+0020 up, less the surrogates and U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The largest id COCO loaders, CVAT and Label Studio store (a signed 32-bit integer).
MAX_TOOL_ID = 2**31 - 1

_MODS = {"ctrl", "control", "shift", "alt", "option", "meta", "cmd", "command"}
_KEYS = set("abcdefghijklmnopqrstuvwxyz0123456789,./;'[]\\-=`") | {
    f"f{n}" for n in range(1, 13)} | {"space"}
#: keys the annotation tools use for themselves
_TOOL_KEYS = {"tab", "enter", "return", "esc", "escape", "backspace", "delete", "up", "down",
              "left", "right"}
#: combinations a browser handles before the page sees them
_BROWSER = {
    frozenset({"ctrl", "w"}): "closes the tab", frozenset({"ctrl", "t"}): "opens a tab",
    frozenset({"ctrl", "n"}): "opens a window", frozenset({"ctrl", "q"}): "quits the browser",
    frozenset({"ctrl", "r"}): "reloads the page", frozenset({"ctrl", "l"}): "focuses the "
    "address bar", frozenset({"ctrl", "shift", "t"}): "reopens a tab",
    frozenset({"ctrl", "shift", "n"}): "opens a private window",
    frozenset({"ctrl", "shift", "w"}): "closes the window", frozenset({"f5"}): "reloads the page",
    frozenset({"f11"}): "switches to full screen", frozenset({"alt", "f4"}): "closes the window",
}


def _walk(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*path, k), k, True
            yield from _walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i))
    else:
        yield path, value, False


def _any_not_xml(value) -> bool:
    """Whether any key or text anywhere in ``value`` holds a character XML cannot carry: one
    regex over every string joined (a clean spec, the common case, builds no paths).

    First, ``repr`` (in C, a quarter of the walk's time): it writes every character that is
    not printable, which includes every one XML cannot carry, as a ``\\x``/``\\u`` escape, so
    without either escape in it the value is clean."""
    text = repr(value)
    if "\\x" not in text and "\\u" not in text:
        return False
    parts: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            parts.extend(k for k in v if isinstance(k, str))
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, str):
            parts.append(v)
    return _NOT_XML.search("\n".join(parts)) is not None


@lint_rule("L110")
def control_characters(project: Project):
    if not _any_not_xml(project.loaded.raw):
        return
    for path, value, is_key in _walk(project.loaded.raw):
        if isinstance(value, str):
            bad = _NOT_XML.search(value)
            if bad:
                yield control_characters.code(
                    f"{'key' if is_key else 'text'} {value[:40]!r} holds the character "
                    f"U+{ord(bad.group()):04X}, which XML (Label Studio and CVAT configs, the "
                    "playbook) cannot carry", path=path, at_key=is_key)


@lint_rule("L111")
def id_range(project: Project):
    for c in project.classes:
        if c.id > MAX_TOOL_ID:
            yield id_range.code(f"class {c.name!r} has id {c.id}, above {MAX_TOOL_ID} "
                                "(2^31-1), the largest id COCO loaders, CVAT and Label Studio "
                                "store", path=(*c.spec_path, "id"))
    for i, rid in enumerate(project.spec.retired.ids):
        if rid > MAX_TOOL_ID:
            yield id_range.code(f"retired id {rid} is above {MAX_TOOL_ID} (2^31-1)",
                                path=("retired", "ids", i))


def hotkey_problem(key: str) -> str | None:
    """Why a hotkey cannot work in Label Studio, CVAT or a browser, or None."""
    parts = [p.strip() for p in key.lower().split("+")]
    if "" in parts:
        return "is not a key or a key combination such as 'ctrl+k'"
    *mods, main = parts
    mods = {{"control": "ctrl", "command": "ctrl", "cmd": "ctrl", "meta": "ctrl",
             "option": "alt"}.get(m, m) for m in mods}
    if not set(mods) <= {"ctrl", "shift", "alt"} or main in _MODS:
        return "combines keys that are not modifiers (use ctrl, shift, alt and one key)"
    if main in _TOOL_KEYS:
        return f"uses {main!r}, which the annotation tools keep for themselves"
    if main not in _KEYS:
        return (f"uses {main!r}, which Label Studio and CVAT cannot bind (use a letter, a "
                "digit, F1-F12 or one of , . / ; ' [ ] \\ - = `)")
    taken = _BROWSER.get(frozenset({*mods, main}))
    if taken:
        return f"is taken by the browser first ({taken})"
    return None


@lint_rule("L112")
def hotkey_usable(project: Project):
    for c in project.classes:
        if c.hotkey is not None:
            why = hotkey_problem(c.hotkey)
            if why:
                yield hotkey_usable.code(f"hotkey {c.hotkey!r} of {c.name!r} {why}",
                                         path=(*c.spec_path, "hotkey"))
