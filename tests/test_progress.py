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


def _yolo_folder(root, n: int) -> None:
    (root / "labels").mkdir(parents=True)
    for i in range(n):  # class 5 is not in the spec: a finding every hundredth file
        extra = "5 0.5 0.5 0.2 0.2\n" if i % 100 == 0 else ""
        (root / "labels" / f"{i:05d}.txt").write_text(
            f"0 0.5 0.5 0.2 0.2\n1 0.3 0.3 0.1 0.1\n{extra}")


def _label_studio_file(path, n: int) -> None:
    import json

    tasks = [{"id": i, "data": {"image": f"{i}.jpg"}, "annotations": [{"id": i, "result": [
        {"id": f"r{i}", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
         "original_width": 100, "original_height": 100,
         "value": {"x": 1, "y": 1, "width": 2, "height": 2,
                   "rectanglelabels": ["car" if i % 50 else "tram"]}}]}]} for i in range(n)]
    path.write_text(json.dumps(tasks))


@pytest.mark.parametrize("fmt", ["yolo", "label_studio"])
def test_every_format_gets_the_bar_on_a_terminal_and_the_same_report(write, tmp_path, fmt):
    spec = write("spec.yaml", SPEC)
    if fmt == "yolo":  # many small files
        target, files = tmp_path / "delivery", 900
        _yolo_folder(target, files)
    else:  # one JSON file
        target, files = tmp_path / "tasks.json", 1
        _label_studio_file(target, 2000)
    argv = ["validate", "--spec", str(spec), str(target), "--jobs", "1"]
    code, out, err = _run(argv, tty=True)
    assert code == 1
    drawn = [part for part in err.split("\r\x1b[K") if part]
    bars = [p for p in drawn if p.startswith("[") and f"/{files:,} files" in p]
    assert bars, drawn[:5]
    assert any("annotations" in p for p in drawn), drawn[:5]
    assert all(len(p) < 80 for p in drawn), drawn  # a pty of unknown width counts as 80
    assert err.rstrip("\n").endswith("\r\x1b[K")
    code2, out2, err2 = _run(argv, tty=False)
    assert (code2, out2) == (code, out) and "\r" not in err2 and "[" not in err2


@pytest.mark.parametrize("command", ["split", "handoff", "manifest"])
def test_the_other_delivery_commands_draw_it_too(write, tmp_path, command):
    spec = write("spec.yaml", SPEC + "splits: {names: [train, val]}\n")
    folder = tmp_path / "train"
    _voc_folder(folder, 400)
    extra = {"split": ["--ratios", "train=0.5,val=0.5", "--out", str(tmp_path / "splits")],
             "manifest": ["--out", str(tmp_path / "manifest.json")]}.get(command, [])
    argv = [command, "--spec", str(spec), str(folder), *extra]
    _code, _out, err = _run(argv, tty=True)
    assert "/400 files" in err, err[-500:]


def test_the_bar_fits_the_terminal_and_says_what_is_read():
    from guidec.progress import Progress, bar

    assert bar(0.0, 10) == "[>         ]   0%"
    assert bar(0.5, 10) == "[=====>    ]  50%"
    assert bar(1.7, 10) == "[==========] 100%"  # a file that grew while read
    p = Progress(None)
    p.expect(900, 10_000_000)
    p.files, p.bytes, p.rows = 300, 3_000_000, 1234
    assert p.line(80).startswith("[") and "300/900 files, 3.0 MB/10.0 MB, 1,234 annotations" \
        in p.line(80)
    assert len(p.line(80)) < 80
    narrow = p.line(50)  # no room for a bar: the words alone
    assert narrow.startswith("reading 300/900 files") and "[" not in narrow
    unknown = Progress(None)  # nothing expected: no bar
    unknown.files = 3
    assert unknown.line(200) == "reading 3 files, 0 B"
