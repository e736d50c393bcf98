"""Output trees are atomic: a build or migrate killed at any moment leaves the old tree or the
new one, never a mix, and the next run removes what the killed one left."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SPECS

pytestmark = pytest.mark.slow


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def leftovers(root: Path) -> list[str]:
    beside = [p.name for p in root.parent.iterdir() if p.name.startswith(f".{root.name}.")]
    inside = [str(p) for p in root.rglob(".guidec-*")]
    return beside + inside


def _build(spec: Path, out: Path):
    return subprocess.Popen([sys.executable, "-m", "guidec", "build", str(spec), "--out",
                             str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """The retail-shelf spec as shipped (v1) and with every class renamed (v2), and the trees
    each builds (the site target makes ~50 files)."""
    base = tmp_path_factory.mktemp("specs")
    v1 = SPECS / "retail-shelf" / "spec.yaml"
    text = v1.read_text(encoding="utf-8")
    folder2 = base / "v2"
    subprocess.run(["cp", "-r", str(v1.parent), str(folder2)], check=True)
    v2 = folder2 / "spec.yaml"
    v2.write_text(text.replace("title:", "title: New", 1), encoding="utf-8")
    trees = {}
    for name, spec in (("v1", v1), ("v2", v2)):
        out = base / f"tree-{name}"
        assert _build(spec, out).wait(timeout=300) == 0
        trees[name] = snapshot(out)
    assert trees["v1"] != trees["v2"]
    return v1, v2, trees


def test_a_build_killed_at_any_moment_leaves_old_or_new(versions, tmp_path):
    v1, v2, trees = versions
    out = tmp_path / "out"
    rnd = random.Random(20261205)
    # kill moments spread over one build's duration on this machine now (only to aim the
    # kills; nothing is asserted about time)
    t0 = time.monotonic()
    assert _build(v2, tmp_path / "timing").wait(timeout=300) == 0
    span = time.monotonic() - t0
    for _ in range(10):
        assert _build(v1, out).wait(timeout=300) == 0
        proc = _build(v2, out)
        time.sleep(rnd.uniform(0.0, 1.2 * span))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        now = snapshot(out)
        assert now in (trees["v1"], trees["v2"]), "a mix of old and new files"
    # the next run cleans what a killed one left
    assert _build(v1, out).wait(timeout=300) == 0
    assert leftovers(out) == []
    assert snapshot(out) == trees["v1"]


def test_an_unchanged_build_touches_nothing(versions, tmp_path):
    v1, _, _ = versions
    out = tmp_path / "out"
    assert _build(v1, out).wait(timeout=300) == 0
    before = {p: os.stat(p).st_ino for p in out.rglob("*")}
    assert _build(v1, out).wait(timeout=300) == 0
    assert {p: os.stat(p).st_ino for p in out.rglob("*")} == before


def test_a_target_subset_keeps_the_other_targets(versions, tmp_path, cli):
    v1, v2, trees = versions
    out = tmp_path / "out"
    assert cli("build", v1, "--out", out).code == 0
    assert cli("build", v2, "--out", out, "-t", "coco").code == 0
    now = snapshot(out)
    assert {k for k in now if not k.startswith("coco/")} == \
        {k for k in trees["v1"] if not k.startswith("coco/")}
    assert all(now[k] == trees["v1"][k] for k in now if not k.startswith("coco/"))
    assert leftovers(out) == []


def _migrate(old: Path, new: Path, delivery: Path, out: Path):
    return subprocess.Popen([sys.executable, "-m", "guidec", "migrate", "--from", str(old),
                             "--to", str(new), str(delivery), "--out", str(out),
                             "--input-format", "voc"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_migrate_killed_at_any_moment_leaves_old_or_new(tmp_path):
    """A VOC folder of 400 files migrated (a class renamed), killed at 8 seeded moments."""
    from tests.diff.helpers import base, cls, spec_text

    v1, v2 = base(), base()
    v2["project"]["version"] = "1.1.0"
    cls(v2, "car").update(name="automobile", aliases=["car"])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    old, new = tmp_path / "a" / "spec.yaml", tmp_path / "b" / "spec.yaml"
    old.write_text(spec_text(v1))
    new.write_text(spec_text(v2))
    delivery = tmp_path / "voc" / "Annotations"
    delivery.mkdir(parents=True)
    for i in range(400):
        (delivery / f"{i:04d}.xml").write_text(
            f"<annotation><filename>{i:04d}.jpg</filename><size><width>64</width><height>48"
            "</height></size><object><name>car</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
            "<xmax>9</xmax><ymax>9</ymax></bndbox></object></annotation>")
    trees = {}
    for name, (a, b) in {"old": (old, old), "new": (old, new)}.items():
        out = tmp_path / f"tree-{name}"
        assert _migrate(a, b, tmp_path / "voc", out).wait(timeout=300) == 0
        trees[name] = snapshot(out)
    assert trees["old"] != trees["new"] and len(trees["new"]) == 400
    out = tmp_path / "out"
    rnd = random.Random(20261205)
    t0 = time.monotonic()
    assert _migrate(old, new, tmp_path / "voc", tmp_path / "timing").wait(timeout=300) == 0
    span = time.monotonic() - t0  # only to aim the kills
    for _ in range(8):
        assert _migrate(old, old, tmp_path / "voc", out).wait(timeout=300) == 0
        proc = _migrate(old, new, tmp_path / "voc", out)
        time.sleep(rnd.uniform(0.0, 1.2 * span))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        assert snapshot(out) in (trees["old"], trees["new"]), "a mix of old and new files"
    assert _migrate(old, new, tmp_path / "voc", out).wait(timeout=300) == 0
    assert leftovers(out) == [] and snapshot(out) == trees["new"]
