"""The loader: positions, duplicate keys, includes, hostile YAML."""

from __future__ import annotations

import pytest

from guidec.diagnostics import GuidecError
from guidec.spec import load_spec

HEAD = "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"


def codes_at(exc: GuidecError) -> list[tuple[str, int | None, int | None]]:
    return [(d.code, d.line, d.col) for d in exc.diagnostics]


def test_shipped_specs_load(cli):
    from tests.conftest import spec_files

    files = spec_files()
    assert files, "no shipped specs found"
    for f in files:
        r = cli("check", f)
        assert r.code == 0, r


def test_duplicate_key_is_an_error_with_position(write):
    p = write("s.yaml", HEAD + "classes:\n  - id: 1\n    name: a\n    name: b\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    assert codes_at(e.value) == [("Y004", 6, 5)]


def test_unknown_key_points_at_the_key_and_suggests(write):
    p = write("s.yaml", HEAD + "classes:\n  - id: 1\n    name: a\n    colour: '#ffffff'\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    (d,) = e.value.diagnostics
    assert (d.code, d.line, d.col) == ("S001", 6, 5)
    assert "did you mean 'color'" in d.message


def test_billion_laughs_is_refused(write):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    p = write("bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    assert [d.code for d in e.value.diagnostics] == ["Y005"]


def test_include_outside_folder_is_refused(tmp_path, write):
    (tmp_path / "secret.yaml").write_text("attributes: {}\n")
    p = write("sub/s.yaml", HEAD + "include: [../secret.yaml]\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    assert [(d.code, d.line) for d in e.value.diagnostics] == [("Y008", 3)]


def test_include_cycle_is_reported(write):
    write("a.yaml", "include: [b.yaml]\n")
    write("b.yaml", "include: [a.yaml]\n")
    p = write("s.yaml", HEAD + "include: [a.yaml]\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    assert [d.code for d in e.value.diagnostics] == ["Y009"]
    assert e.value.diagnostics[0].file == "b.yaml"


def test_include_merges_with_positions_in_the_included_file(write):
    write("common.yaml", "classes:\n  - id: 2\n    name: b\n    colr: red\n")
    p = write("s.yaml", HEAD + "include: [common.yaml]\nclasses:\n  - {id: 1, name: a}\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    (d,) = e.value.diagnostics
    assert (d.file, d.code, d.line, d.col) == ("common.yaml", "S001", 4, 5)


def test_newer_format_is_refused(write):
    p = write("s.yaml", "guidec: 99\nproject: {id: p, title: P, version: 1.0.0}\n")
    with pytest.raises(GuidecError) as e:
        load_spec(str(p))
    assert codes_at(e.value) == [("S004", 1, 9)]
