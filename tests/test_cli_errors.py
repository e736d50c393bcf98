"""A bug is told apart from a finding: exit 70, one line, the traceback only on request."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from guidec import cli
from guidec.commands import COMMANDS


@pytest.fixture
def broken_check(monkeypatch):
    mod = COMMANDS["check"]

    def boom(args, out, err):
        raise RuntimeError("the checker fell over")

    monkeypatch.setattr(mod, "run", boom)


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    return cli.run(list(argv), out, err), out.getvalue(), err.getvalue()


def test_internal_error_is_exit_70_and_one_line(broken_check, monkeypatch):
    monkeypatch.delenv("GUIDEC_DEBUG", raising=False)
    code, out, err = _run("check", "spec.yaml")
    assert code == cli.EXIT_INTERNAL == 70
    assert out == ""
    assert err.startswith("guidec: internal error: RuntimeError: the checker fell over")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "--debug" in err and "bug in guidec" in err


@pytest.mark.parametrize("argv", [("--debug", "check", "spec.yaml"),
                                  ("check", "spec.yaml", "--debug")])
def test_debug_adds_the_traceback(broken_check, argv):
    code, _, err = _run(*argv)
    assert code == 70
    assert "Traceback (most recent call last)" in err and "the checker fell over" in err


def test_environment_switch_adds_the_traceback(broken_check, monkeypatch):
    monkeypatch.setenv("GUIDEC_DEBUG", "1")
    assert "Traceback" in _run("check", "spec.yaml")[2]


def test_could_not_run_stays_2_and_findings_stay_1(tmp_path):
    assert _run("check", str(tmp_path / "missing.yaml"))[0] == 2
    spec = tmp_path / "spec.yaml"
    spec.write_text("guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\nclasses:\n"
                    "  - {id: 1, name: car, colour: red}\n")
    assert _run("check", str(spec))[0] == 1


def test_a_real_process_exits_with_the_code():
    prog = ("import sys; from guidec import cli; from guidec.commands import COMMANDS\n"
            "def boom(a, o, e): raise ValueError('x')\n"
            "COMMANDS['rules'].run = boom\n"
            "sys.argv = ['guidec', 'rules']; cli.main()")
    proc = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True)
    assert proc.returncode == 70, proc.stderr
    assert proc.stderr.startswith("guidec: internal error: ValueError: x")
