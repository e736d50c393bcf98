"""The progress line: drawn on a terminal (files, bytes, annotations), never into a pipe, and
gone before the report is written."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile

import pytest

from tests.test_jobs import SPEC, _voc_folder


def _run(argv: list[str], tty: bool) -> tuple[int, str, str]:
    env = {**os.environ, "GUIDEC_PROGRESS_DELAY": "0"}
    if not tty:
        r = subprocess.run([sys.executable, "-m", "guidec", *argv], capture_output=True,
                           text=True, env=env, timeout=300)
        return r.returncode, r.stdout, r.stderr
    master, slave = pty.openpty()
    out_file = tempfile.TemporaryFile()  # noqa: SIM115 -- a file, not a pipe: a full pipe would stall the run
    try:
        proc = subprocess.Popen([sys.executable, "-m", "guidec", *argv],
                                stdout=out_file, stderr=slave, env=env)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed: the process is done with stderr
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=300)
        out_file.seek(0)
        out = out_file.read().decode()
    finally:
        os.close(master)
        out_file.close()
    return code, out, b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_terminal_gets_a_progress_line_and_a_pipe_does_not(write, tmp_path, jobs):
    spec = write("spec.yaml", SPEC)
    folder = tmp_path / "delivery"
    _voc_folder(folder, 900)
    argv = ["validate", "--spec", str(spec), str(folder), "--jobs", jobs]
    code, out, err = _run(argv, tty=True)
    assert code == 1
    drawn = [part for part in err.split("\r\x1b[K") if part]
    assert any("files" in p and "/900 files" in p for p in drawn), drawn[:5]
    assert any("annotations" in p for p in drawn), drawn[:5]
    assert err.rstrip("\n").endswith("\r\x1b[K")  # cleared before the report
    code2, out2, err2 = _run(argv, tty=False)
    assert code2 == 1 and "\r" not in err2 and out2 == out  # the report is the same
