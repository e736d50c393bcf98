"""QA over time: ``guidec qa --record`` writes the same bytes for the same inputs and date;
``guidec qa report`` orders batches by date, flags regressions against the batch before, and
refuses a file that is not a record with one clear line."""

from __future__ import annotations

import copy
import io
import json

from guidec.cli import run
from guidec.qa.history import F1_DROP, FORMAT, regressions
from tests.conftest import ROOT

SPEC = ROOT / "specs" / "retail-shelf" / "spec.yaml"
EXAMPLE = ROOT / "specs" / "retail-shelf" / "qa"


def _qa(tmp, cand: str, record, date: str, batch: str | None = None) -> int:
    argv = ["qa", "--spec", str(SPEC), "--reference", str(EXAMPLE / "golden.json"),
            "--candidate", str(EXAMPLE / cand), "--record", str(record), "--date", date,
            "--format", "summary"]
    if batch:
        argv += ["--batch", batch]
    return run(argv, io.StringIO(), io.StringIO())


def _report(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["qa", "report", *map(str, argv)], out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_record_is_deterministic_and_small(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert _qa(tmp_path, "batch-07.json", a, "2026-11-27") == 1
    assert _qa(tmp_path, "batch-07.json", b, "2026-11-27") == 1
    assert a.read_bytes() == b.read_bytes()
    rec = json.loads(a.read_text())
    assert rec["record"] == FORMAT and rec["batch"] == "batch-07" and rec["verdict"] == "fail"
    assert rec["spec"] == {"id": "retail-shelf", "version": "2.1.0"}
    assert rec["error_types"]["missed_object"]["count"] == 1
    assert "product" in rec["classes"] and "findings" not in rec


def test_the_report_orders_by_date_and_flags_what_regressed(tmp_path):
    good, bad = tmp_path / "w47.json", tmp_path / "w48.json"
    _qa(tmp_path, "golden.json", good, "2026-11-20", batch="week-47")
    _qa(tmp_path, "batch-07.json", bad, "2026-11-27", batch="week-48")
    code, md, _ = _report(bad, good)  # given out of order
    assert code == 1  # the newest batch regressed
    assert md.index("| 2026-11-20 | week-47") < md.index("| 2026-11-27 | week-48")
    assert "**week-48** (since week-47): the verdict went from pass to fail" in md
    assert "qa.max_error_rates.missed_object failed" in md
    assert "F1 of product fell from 1.000 to 0.933" in md
    # the newest batch mended: nothing regressed at the end, exit 0
    mended = tmp_path / "w49.json"
    _qa(tmp_path, "golden.json", mended, "2026-12-04", batch="week-49")
    code, md, _ = _report(good, bad, mended)
    assert code == 0 and "week-49" in md
    # HTML and Markdown files, byte-identical on a second run
    h1, h2, m1 = tmp_path / "r1.html", tmp_path / "r2.html", tmp_path / "r.md"
    assert _report(good, bad, "--html", h1, "--markdown", m1)[0] == 1
    _report(good, bad, "--html", h2)
    assert h1.read_bytes() == h2.read_bytes() and "<svg" in h1.read_text()
    assert m1.read_text().startswith("# QA report: retail-shelf")


def test_regressions_of_classes_and_unlimited_error_types():
    base = {"record": FORMAT, "batch": "a", "date": "2026-01-01", "verdict": "pass",
            "spec": {"id": "x", "version": "1.0.0"}, "overall": {}, "thresholds": [],
            "classes": {"car": {"f1": 0.9}, "bus": {"f1": 0.8}},
            "error_types": {"duplicate": {"rate": 0.0, "limit": None}}}
    nxt = copy.deepcopy(base)
    nxt.update(batch="b", date="2026-01-08")
    nxt["classes"] = {"car": {"f1": 0.9 - F1_DROP - 0.01}, "bus": {"f1": 0.8 - F1_DROP + 0.01}}
    nxt["error_types"]["duplicate"]["rate"] = 0.05
    what = [g.what for g in regressions([base, nxt])]
    assert what == ["F1 of car fell from 0.900 to 0.840", "duplicate rose from 0.000 to 0.050"]


def test_a_file_that_is_not_a_record_is_one_clear_error(tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}')
    code, out, err = _report(bad)
    assert code == 2 and not out
    assert err.strip() == f"guidec: error: {bad}: not a guidec qa record: 'record' is None, " \
                          f"expected '{FORMAT}'"
    trunc = tmp_path / "cut.json"
    trunc.write_text('{"record": "guidec-qa/1", "batch"')
    code, _, err = _report(trunc)
    assert code == 2 and f"{trunc}: not JSON" in err and "Traceback" not in err
