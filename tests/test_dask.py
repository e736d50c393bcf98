"""--scheduler: the per-file readers run on dask.distributed workers (a LocalCluster of two
worker processes here, as a real cluster would) and give the findings of one process."""

from __future__ import annotations

import pytest
from distributed import LocalCluster

from guidec.readers import _common, read_delivery
from tests.readers.tables import assert_same_table
from tests.test_jobs import SPEC, _mask_folder, _voc_folder


@pytest.fixture(scope="module")
def scheduler():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("kind", ["voc", "mask"])
def test_findings_are_those_of_one_process(cli, write, tmp_path, scheduler, kind):
    spec = write("spec.yaml", SPEC)
    folder = tmp_path / "delivery"
    (_voc_folder if kind == "voc" else _mask_folder)(folder)
    one = cli("validate", "--spec", spec, folder, "--format", "json", "--jobs", "1")
    dask = cli("validate", "--spec", spec, folder, "--format", "json",
               "--scheduler", scheduler)
    assert one.code == dask.code == 1
    assert one.out == dask.out and len(one.out) > 1000
    human = [cli("validate", "--spec", spec, folder, *extra).out
             for extra in (["--jobs", "1"], ["--scheduler", scheduler])]
    assert human[0] == human[1]


def test_the_table_is_that_of_one_process(write, tmp_path, scheduler, monkeypatch):
    from guidec.view import load_project

    project = load_project(str(write("spec.yaml", SPEC)))
    _voc_folder(tmp_path / "d", n=90)
    one = read_delivery([str(tmp_path / "d")], project=project, jobs=1)
    calls = []
    real = _common._read_on_cluster
    monkeypatch.setattr(_common, "_read_on_cluster",
                        lambda *a: calls.append(a[3]) or real(*a))
    _common.set_scheduler(scheduler)
    try:
        two = read_delivery([str(tmp_path / "d")], project=project, jobs=1)
    finally:
        _common.set_scheduler(None)
    assert calls == [scheduler]  # the cluster really read it
    assert_same_table(one.table, two.table)
    assert one.diagnostics == two.diagnostics and one.diagnostics


def test_an_unreachable_scheduler_is_one_clear_error(cli, write, tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDEC_SCHEDULER_TIMEOUT", "1")
    spec = write("spec.yaml", SPEC)
    _voc_folder(tmp_path / "d", n=5)
    r = cli("validate", "--spec", spec, tmp_path / "d", "--scheduler", "tcp://127.0.0.1:9")
    assert r.code == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in r.err
    assert "Traceback" not in r.err
