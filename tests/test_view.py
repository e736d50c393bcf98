"""guidec.view: pieces of the resolved project not covered by target and lint tests."""

from __future__ import annotations

import colorsys
import dataclasses
import hashlib
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec._frozen import fast_init
from guidec.diagnostics import Diagnostic, Severity
from guidec.spec import load_spec
from guidec.view import ResolvedClass, assigned_color, resolve
from tests.budget import examples
from tests.conftest import spec_files


def _reference_color(name: str) -> str:
    """The definition of the assigned colour (what golden files and tool configs hold)."""
    h = hashlib.sha256(name.encode("utf-8")).digest()
    hue = int.from_bytes(h[:2], "big") / 65536.0
    sat = 0.55 + (h[2] / 255.0) * 0.35
    val = 0.70 + (h[3] / 255.0) * 0.25
    r, g, b = colorsys.hsv_to_rgb(hue, sat, val)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def test_assigned_color_is_the_defined_colour_for_many_names():
    names = ["car", "person", "Truck w/Box", "été", ""] + [f"class_{i}" for i in range(20_000)]
    assert [assigned_color(n) for n in names] == [_reference_color(n) for n in names]


@settings(deadline=None, max_examples=examples(300))
@given(st.text(max_size=40))
def test_assigned_color_matches_the_definition(name):
    color = assigned_color(name)
    assert color == _reference_color(name)
    assert len(color) == 7 and color.startswith("#")


# -- fast_init: the faster __init__ of ResolvedClass and Diagnostic ---------------------------
def test_fast_init_builds_the_same_frozen_diagnostic():
    d = Diagnostic("L101", Severity.ERROR, "msg", "a.yaml", ("classes", 0), 3, 4, "hint",
                   {"k": 1})
    assert (d.code, d.severity, d.message, d.file, d.path, d.line, d.col, d.hint, d.extra) == (
        "L101", Severity.ERROR, "msg", "a.yaml", ("classes", 0), 3, 4, "hint", {"k": 1})
    kw = Diagnostic(code="L101", severity=Severity.ERROR, message="m")
    assert (kw.file, kw.path, kw.line, kw.col, kw.hint, kw.extra) == (None, (), None, None,
                                                                      None, {})
    assert kw.extra is not Diagnostic("L1", Severity.INFO, "m").extra  # a fresh dict each time
    assert dataclasses.replace(d, line=9).line == 9 and d.line == 3
    assert d == Diagnostic("L101", Severity.ERROR, "msg", "a.yaml", ("classes", 0), 3, 4, "hint")
    assert hash(d) == hash(dataclasses.replace(d))
    assert pickle.loads(pickle.dumps(d)) == d
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.line = 5
    with pytest.raises(TypeError):
        Diagnostic("L101", Severity.ERROR)  # message is required
    with pytest.raises(TypeError):
        Diagnostic("L101", Severity.ERROR, "m", colour=1)


def test_fast_init_resolved_classes_round_trip():
    loaded = load_spec(str(spec_files()[0]))
    project = resolve(loaded)
    assert project.classes
    for c in project.classes:
        values = {f.name: getattr(c, f.name) for f in dataclasses.fields(ResolvedClass)}
        again = ResolvedClass(**values)
        assert again == c and repr(again) == repr(c) and again.model is c.model
        assert ResolvedClass(*values.values()) == c
        with pytest.raises(dataclasses.FrozenInstanceError):
            c.name = "x"


def test_fast_init_refuses_classes_it_cannot_speed_up():
    @dataclasses.dataclass
    class Mutable:
        a: int

    with pytest.raises(TypeError):
        fast_init(Mutable)
