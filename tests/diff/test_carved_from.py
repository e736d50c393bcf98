"""`carved_from` declares a carve-out: a new class whose instances old labels of another hold."""

from __future__ import annotations

from guidec.spec.loader import load_spec_text
from guidec.view import resolve

SPEC = """\
guidec: 1
project: {id: p, title: P, version: 2.0.0}
classes:
  - {id: 1, name: person}
  - {id: 2, name: person group, carved_from: person}
  - {id: 3, name: crowd, carved_from: [person, person group]}
"""


def test_carved_from_resolves_to_a_tuple_of_names():
    project = resolve(load_spec_text(SPEC))
    assert project.by_name["person"].carved_from == ()
    assert project.by_name["person group"].carved_from == ("person",)
    assert project.by_name["crowd"].carved_from == ("person", "person group")
