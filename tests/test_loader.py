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


def _classes(first: int, n: int) -> str:
    return "classes:\n" + "".join(f"  - {{id: {i}, name: c{i}}}\n" for i in range(first,
                                                                             first + n))


def test_includes_count_files_not_the_classes_they_hold(write):
    """An include of 300 classes used to count as 300 includes and refuse the next one."""
    write("big.yaml", _classes(1, 300))
    write("more.yaml", _classes(301, 5))
    spec = write("spec.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                              "include: [big.yaml, more.yaml]\n")
    loaded = load_spec(str(spec))
    assert len(loaded.spec.classes) == 305


def test_more_than_256_included_files_is_refused_at_the_include(write):
    from guidec.spec.loader import MAX_INCLUDES

    names = []
    for k in range(MAX_INCLUDES + 1):
        write(f"inc/{k}.yaml", _classes(k + 1, 1))
        names.append(f"inc/{k}.yaml")
    spec = write("spec.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                              f"include: [{', '.join(names)}]\n")
    with pytest.raises(GuidecError) as exc:
        load_spec(str(spec))
    (d,) = [d for d in exc.value.diagnostics if d.code == "Y009"]
    assert f"more than {MAX_INCLUDES} included files" in d.message and d.line == 3


def test_the_spec_size_bound_says_how_to_raise_it(write, monkeypatch):
    spec = write("spec.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                              + _classes(1, 3) + "# " + "x" * 4000 + "\n")
    monkeypatch.setenv("GUIDEC_MAX_SPEC_BYTES", "2K")
    with pytest.raises(GuidecError) as exc:
        load_spec(str(spec))
    (d,) = exc.value.diagnostics
    assert d.code == "Y002" and "limited to 2,048 bytes" in d.message
    assert "GUIDEC_MAX_SPEC_BYTES" in d.message
    monkeypatch.setenv("GUIDEC_MAX_SPEC_BYTES", "1M")
    assert len(load_spec(str(spec)).spec.classes) == 3


@pytest.mark.slow
def test_a_100000_class_spec_loads_and_checks(tmp_path, cli):
    """18 MB of YAML: over the old 8 MiB bound; loaded, resolved and linted in one run."""
    import os
    import sys

    import yaml

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))
    from bench_spec import generate

    path = tmp_path / "spec.yaml"
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(generate(100_000), fh, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  sort_keys=False, width=120)
    assert path.stat().st_size > 8 * 1024 * 1024
    r = cli("check", path, "--format", "json")
    assert r.code in (0, 1), r.err
    import json

    codes = {f["code"] for f in json.loads(r.out)["findings"]}
    assert not codes & {"Y002", "Y005", "Y009"} and not any(c.startswith("S") for c in codes)
