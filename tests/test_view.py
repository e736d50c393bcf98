"""guidec.view: pieces of the resolved project not covered by target and lint tests."""

from __future__ import annotations

import colorsys
import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.view import assigned_color


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


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_assigned_color_matches_the_definition(name):
    color = assigned_color(name)
    assert color == _reference_color(name)
    assert len(color) == 7 and color.startswith("#")
