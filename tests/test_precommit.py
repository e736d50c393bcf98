"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the pre-commit package itself on a
temporary git repository, offline.

pre-commit installs a hook repository of ``language: python`` with pip, which needs the
network; the test runs the same hook definitions (id, entry, pass_filenames, ...) as
``repo: local`` hooks of ``language: system`` with the ``guidec`` under test, so what is
checked is exactly the entries users get."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed (pip install -e '.[test]')")
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [sys.executable, "-m", "pre_commit"]


def _run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_hook_definitions():
    ids = {h["id"]: h for h in HOOKS}
    assert set(ids) == {"guidec-check", "guidec-build-check"}
    assert ids["guidec-check"]["entry"] == "guidec check"
    assert ids["guidec-build-check"]["entry"] == "guidec build --check"
    assert all(h["language"] == "python" and h["pass_filenames"] is False for h in HOOKS)


def test_pre_commit_runs_the_hooks_on_a_repository(tmp_path):
    pc = _pre_commit()
    repo = tmp_path / "repo"
    repo.mkdir()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    guidec = bindir / "guidec"  # the guidec under test, as the hook's venv would provide it
    guidec.write_text(f"#!/bin/sh\nexec {sys.executable} -m guidec \"$@\"\n")
    guidec.chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT / "src"), "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "HOME": str(tmp_path)}
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    args = {"guidec-check": ["spec.yaml"], "guidec-build-check": ["spec.yaml", "--out", "build"]}
    local = [{**h, "language": "system", "args": args[h["id"]]} for h in HOOKS]
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}, sort_keys=False))
    assert _run(["git", "init", "-q"], repo, env).returncode == 0
    assert _run([sys.executable, "-m", "guidec", "init", "spec.yaml"], repo, env).returncode == 0
    assert _run([sys.executable, "-m", "guidec", "build", "spec.yaml", "--out", "build"], repo,
                env).returncode == 0
    assert _run(["git", "add", "-A"], repo, env).returncode == 0

    r = _run([*pc, "run", "--all-files"], repo, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "guidec check" in r.stdout and "guidec build --check" in r.stdout

    # a generated file edited by hand: build --check fails, check still passes
    config = repo / "build" / "label_studio" / "config.xml"
    config.write_text(config.read_text() + "<!-- edited -->\n")
    r = _run([*pc, "run", "--all-files"], repo, env)
    assert r.returncode == 1
    assert "out of date" in r.stdout, r.stdout

    # a broken spec: check fails with the spec's file and line
    spec = repo / "spec.yaml"
    spec.write_text(spec.read_text().replace("version: ", "version: not-semver-", 1))
    r = _run([*pc, "run", "guidec-check", "--all-files"], repo, env)
    assert r.returncode == 1
    assert "spec.yaml:" in r.stdout, r.stdout

    # installed, the hooks stop the commit
    assert _run([*pc, "install"], repo, env).returncode == 0
    _run(["git", "add", "-A"], repo, env)
    r = _run(["git", "commit", "-q", "-m", "x"], repo, env)
    assert r.returncode != 0 and "guidec check" in r.stdout + r.stderr
    assert _run(["git", "rev-parse", "HEAD"], repo, env).returncode != 0  # nothing committed


def _doc_blocks(lang: str) -> list[str]:
    import re

    text = (ROOT / "site" / "docs" / "ci.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_documented_workflow_runs_as_written(tmp_path, cli):
    """The GitHub Actions workflow of the CI page: valid YAML, and its guidec steps run in a
    repository laid out as the page says (a starter spec, its build, a delivery)."""
    import json

    [workflow] = [b for b in _doc_blocks("yaml") if "jobs:" in b]
    steps = yaml.safe_load(workflow)["jobs"]["spec"]["steps"]
    runs = [s["run"] for s in steps if str(s.get("run", "")).startswith("guidec ")]
    assert [r.split()[1] for r in runs] == ["check", "build", "validate"]
    assert all("--format github" in r for r in runs if r.split()[1] != "build")
    os.chdir(tmp_path)
    try:
        assert cli("init", "spec.yaml").code == 0
        assert cli("build", "spec.yaml", "--out", "build").code == 0
        (tmp_path / "deliveries").mkdir()
        from guidec.view import load_project
        from tests._targets import sample_attributes

        p = load_project("spec.yaml")
        c = p.active_classes[0]
        doc = {"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
               "annotations": [{"id": 1, "image_id": 1, "category_id": c.id,
                                "bbox": [10, 10, 50, 40], "area": 2000.0, "iscrowd": 0,
                                "attributes": sample_attributes(p, c)}],
               "categories": [{"id": k.id, "name": k.name} for k in p.active_classes]}
        (tmp_path / "deliveries" / "coco.json").write_text(json.dumps(doc))
        for run in runs:
            r = cli(*run.split()[1:])
            assert r.code == 0, (run, r)
        # and they fail when they should, as GitHub annotations
        (tmp_path / "deliveries" / "coco.json").write_text(
            json.dumps({**doc, "annotations": [{**doc["annotations"][0], "category_id": 999}]}))
        r = cli(*runs[2].split()[1:])
        assert r.code == 1 and r.out.startswith("::error "), r
    finally:
        os.chdir(ROOT)


def test_documented_pre_commit_configs_are_the_hooks():
    configs = [yaml.safe_load(b) for b in _doc_blocks("yaml") if "repos:" in b]
    assert len(configs) == 2
    remote, local = (c["repos"][0]["hooks"] for c in configs)
    assert [h["id"] for h in remote] == [h["id"] for h in HOOKS]
    by_id = {h["id"]: h for h in HOOKS}
    for h in local:
        assert h["entry"] == by_id[h["id"]]["entry"] and h["pass_filenames"] is False
