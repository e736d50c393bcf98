"""A real Label Studio server (own venv, SQLite, 127.0.0.1) judges every generated config."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

from guidec.targets.label_studio import config_xml
from guidec.view import load_project
from tests._targets import big_taxonomy, kitchen_sink, need_ls_venv, project_from
from tests.conftest import SPECS, spec_files

TOKEN = "guidec-ci-token-5f3a"
STARTUP_TIMEOUT = 300  # cold start runs migrations: 30 s idle, 2 min on a busy 2-core CI


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: str):
        self.base = base

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Token {TOKEN}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw[:500]


@pytest.fixture(scope="module")
def server():
    venv = need_ls_venv()
    data_dir = tempfile.mkdtemp(prefix="guidec-ls-")
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("HOST", "PORT", "USERNAME", "PASSWORD", "USER_TOKEN")}
    env.update(LATEST_VERSION_CHECK="false", COLLECT_ANALYTICS="false", SENTRY_DSN="",
               FRONTEND_SENTRY_DSN="", LABEL_STUDIO_BASE_DATA_DIR=data_dir)
    log = open(os.path.join(data_dir, "server.log"), "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(venv / "bin" / "label-studio"), "start", "--no-browser",
         "--internal-host", "127.0.0.1", "--port", str(port),
         "--username", "ci@example.com", "--password", "ci-pass-1234",
         "--user-token", TOKEN, "--enable-legacy-api-token"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                log.flush()
                with open(log.name, "rb") as fh:
                    tail = fh.read()[-2000:].decode(errors="replace")
                pytest.fail(f"label-studio exited with {proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(srv.base + "/health", timeout=2) as r:
                    if json.loads(r.read()).get("status") == "UP":
                        break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("label-studio did not come up")
            time.sleep(1)
        yield srv
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _configs() -> list[tuple[str, str]]:
    out = [(p.parent.name, config_xml(load_project(str(p)))) for p in spec_files()]
    out.append(("kitchen-sink", config_xml(project_from(kitchen_sink()))))
    out.append(("taxonomy-1000", config_xml(project_from(big_taxonomy(1000)))))
    # users' names (derived control names) and when: conditions (nested choice-selected views)
    from tests._targets import users_names
    from tests.test_targets_label_studio import _when_spec

    out.append(("users-names", config_xml(project_from(users_names()))))
    out.append(("when", config_xml(project_from(_when_spec()))))
    return out


@pytest.mark.integration
@pytest.mark.slow
def test_server_accepts_and_creates_every_config(server):
    for name, cfg in _configs():
        status, body = server.call("POST", "/api/projects/validate/", {"label_config": cfg})
        assert status == 204, (name, body)
        status, body = server.call("POST", "/api/projects",
                                   {"title": f"guidec {name}", "label_config": cfg})
        assert status == 201, (name, body)
        assert body["label_config"].strip() == cfg.strip()


@pytest.mark.integration
@pytest.mark.slow
def test_server_rejects_a_broken_config(server):
    cfg = _configs()[0][1]
    broken = cfg.replace('toName="image"', 'toName="nowhere"', 1)
    status, body = server.call("POST", "/api/projects/validate/", {"label_config": broken})
    assert status == 400
    assert "nowhere" in json.dumps(body)
    duplicate = cfg.replace('name="polygon"', 'name="box"', 1) if 'name="polygon"' in cfg \
        else cfg.replace("</View>\n", '<Choices name="box" toName="image"><Choice value="a"/>'
                                      "</Choices></View>\n")
    status, _ = server.call("POST", "/api/projects/validate/", {"label_config": duplicate})
    assert status == 400


# --------------------------------------------------------------------------- guidec push
def _spec(write, classes: list[dict], version: str = "1.0.0"):
    import yaml

    from tests._targets import minimal

    data = minimal(classes)
    data["project"].update(title="Push test", version=version)
    return write("push/spec.yaml", yaml.safe_dump(data))


@pytest.mark.integration
@pytest.mark.slow
def test_push_creates_validates_and_updates(server, cli, write):
    spec = _spec(write, [{"id": 1, "name": "car"}, {"id": 2, "name": "bus"}])
    url = server.base
    res = cli("push", "labelstudio", spec, "--url", url, "--token", TOKEN, "--title", "Push A")
    assert res.code == 0, res.err
    pid = int(res.out.split()[2])
    status, body = server.call("GET", f"/api/projects/{pid}/")
    assert status == 200 and 'value="bus"' in body["label_config"]
    # annotate a car box, then try to push a spec that drops the box control
    # (annotations made through the API count; imported ones do not enter the project summary
    # that Label Studio's strict check reads)
    status, _ = server.call("POST", f"/api/projects/{pid}/import",
                            [{"data": {"image": "/static/samples/sample.jpg"}}])
    assert status == 201
    status, tasks = server.call("GET", f"/api/tasks?project={pid}")
    task = (tasks["tasks"] if isinstance(tasks, dict) else tasks)[0]["id"]
    status, _ = server.call("POST", f"/api/tasks/{task}/annotations/", {"result": [{
        "id": "r1", "from_name": "box", "to_name": "image", "type": "rectanglelabels",
        "original_width": 100, "original_height": 100,
        "value": {"x": 1, "y": 1, "width": 5, "height": 5, "rotation": 0,
                  "rectanglelabels": ["car"]}}]})
    assert status == 201
    spec = _spec(write, [{"id": 1, "name": "car", "shapes": ["polygon"]}], "2.0.0")
    res = cli("push", "labelstudio", spec, "--url", url, "--token", TOKEN, "--project", pid)
    assert res.code == 1 and "existing annotations" in res.err
    assert "from_name=box" in res.err
    status, body = server.call("GET", f"/api/projects/{pid}/")
    assert 'name="box"' in body["label_config"]  # nothing changed
    # a compatible change (a new class) updates the project found by its title
    spec = _spec(write, [{"id": 1, "name": "car"}, {"id": 2, "name": "bus"},
                         {"id": 3, "name": "tram"}], "1.1.0")
    res = cli("push", "labelstudio", spec, "--url", url, "--token", TOKEN, "--title", "Push A",
              "--dry-run")
    assert res.code == 0 and f"project {pid}" in res.out and "nothing changed" in res.out
    res = cli("push", "labelstudio", spec, "--url", url, "--token", TOKEN, "--title", "Push A")
    assert res.code == 0 and res.out.startswith(f"updated project {pid}"), res.err
    status, body = server.call("GET", f"/api/projects/{pid}/")
    assert 'value="tram"' in body["label_config"]


@pytest.mark.integration
@pytest.mark.slow
def test_push_with_a_wrong_token_changes_nothing(server, cli, write):
    spec = _spec(write, [{"id": 1, "name": "car"}])
    res = cli("push", "labelstudio", spec, "--url", server.base, "--token", "wrong-token-123")
    assert res.code == 2 and "refused the token" in res.err


def _annotated_export(server, project, title: str, results: list) -> list:
    """Label Studio's own JSON export of a new project with ``project``'s config and one task
    annotated (through the API, as the editor saves it) with ``results``."""
    status, body = server.call("POST", "/api/projects", {
        "title": title, "label_config": config_xml(project)})
    assert status == 201, body
    pid = body["id"]
    status, _ = server.call("POST", f"/api/projects/{pid}/import",
                            [{"data": {"image": "/static/samples/sample.jpg"}}])
    assert status == 201
    status, tasks = server.call("GET", f"/api/tasks?project={pid}")
    task = (tasks["tasks"] if isinstance(tasks, dict) else tasks)[0]["id"]
    status, body = server.call("POST", f"/api/tasks/{task}/annotations/", {"result": results})
    assert status == 201, body
    status, body = server.call("GET", f"/api/projects/{pid}/export?exportType=JSON")
    assert status == 200, body
    return body


@pytest.mark.integration
@pytest.mark.slow
def test_real_export_passes_the_export_schema(server):
    """Annotations stored by the real server come back in its JSON export, which the generated
    Label Studio export schema accepts; the export of another spec's project is refused."""
    import jsonschema

    from guidec.targets.schemas import label_studio_schema
    from tests._targets import sample_ls_export

    def export_of(project, title: str) -> list:
        results = sample_ls_export(project)[0]["annotations"][0]["result"]
        return _annotated_export(server, project, title, results)

    retail = load_project(str(SPECS / "retail-shelf" / "spec.yaml"))
    validator = jsonschema.Draft202012Validator(label_studio_schema(retail))
    exported = export_of(retail, "export check")
    assert exported[0]["annotations"][0]["result"]
    assert [e.message for e in validator.iter_errors(exported)] == []
    other = export_of(project_from(kitchen_sink()), "export other")
    assert list(validator.iter_errors(other))


@pytest.mark.integration
@pytest.mark.slow
def test_pose_annotated_in_label_studio_validates(server, tmp_path):
    """The human-pose config on the real server: a person box and its points, stored and
    exported by Label Studio, read back as one keypoints instance (not one unknown class per
    point)."""
    from guidec.readers import read_delivery
    from tests.readers.test_ls_keypoints import check_pose_table, pose_results

    pose = load_project(str(SPECS / "human-pose" / "spec.yaml"))
    exported = _annotated_export(server, pose, "pose round trip", pose_results())
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    check_pose_table(read_delivery([str(path)], project=pose).table, pose)


@pytest.mark.integration
@pytest.mark.slow
def test_migrated_export_imports_into_the_pushed_v2_project(server, cli, write, tmp_path):
    """push v1, annotate through the API, export, migrate to v2, push v2 into the same
    project, import the migrated tasks, export again: every annotation is there with its
    new label, its attributes and the task's data, and validates under v2."""
    import copy

    import yaml

    from tests.diff.helpers import base, cls

    v1 = base()
    cls(v1, "sign")["shapes"] = ["box", "text_region"]
    v2 = copy.deepcopy(v1)
    v2["project"]["version"] = "1.1.0"
    cls(v2, "car").update(name="automobile", aliases=["car"])
    cls(v2, "van").update(name="minivan", aliases=["van"])
    p1 = write("v1/spec.yaml", yaml.safe_dump(v1, sort_keys=False))
    p2 = write("v2/spec.yaml", yaml.safe_dump(v2, sort_keys=False))
    url = server.base
    res = cli("push", "labelstudio", p1, "--url", url, "--token", TOKEN, "--title", "Migrate RT")
    assert res.code == 0, res.err
    pid = int(res.out.split()[2])
    status, _ = server.call("POST", f"/api/projects/{pid}/import", [
        {"data": {"image": "/static/samples/sample.jpg", "store_id": "store-7"}}])
    assert status == 201
    status, tasks = server.call("GET", f"/api/tasks?project={pid}")
    task = (tasks["tasks"] if isinstance(tasks, dict) else tasks)[0]["id"]
    size = {"original_width": 640, "original_height": 480, "to_name": "image"}
    results = [
        {"id": "c1", "from_name": "box", "type": "rectanglelabels", **size,
         "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 0,
                   "rectanglelabels": ["car"]}},
        {"id": "c1", "from_name": "occlusion", "type": "choices", **size,
         "value": {"choices": ["partial"]}},
        {"id": "v1", "from_name": "box", "type": "rectanglelabels", **size,
         "value": {"x": 50, "y": 40, "width": 30, "height": 20, "rotation": 0,
                   "rectanglelabels": ["van"]}},
        {"id": "p1", "from_name": "polygon", "type": "polygonlabels", **size,
         "value": {"points": [[60, 60], [80, 60], [70, 80]], "closed": True,
                   "polygonlabels": ["car"]}},
    ]
    status, body = server.call("POST", f"/api/tasks/{task}/annotations/", {"result": results})
    assert status == 201, body
    status, exported = server.call("GET", f"/api/projects/{pid}/export?exportType=JSON")
    assert status == 200
    first = tmp_path / "export-v1.json"
    first.write_text(json.dumps(exported), encoding="utf-8")
    migrated = tmp_path / "migrated.json"
    res = cli("migrate", "--from", p1, "--to", p2, first, "--out", migrated)
    assert res.code == 0, res.out + res.err
    # Label Studio keeps a config change from removing labels that annotations use: the
    # old tasks go first, the migrated ones come back after the push
    status, _ = server.call("DELETE", f"/api/projects/{pid}/tasks/")
    assert status in (200, 204)
    res = cli("push", "labelstudio", p2, "--url", url, "--token", TOKEN, "--project", pid)
    assert res.code == 0, res.out + res.err
    tasks_v2 = json.loads(migrated.read_text())
    status, body = server.call("POST", f"/api/projects/{pid}/import", tasks_v2)
    assert status == 201, body
    status, again = server.call("GET", f"/api/projects/{pid}/export?exportType=JSON")
    assert status == 200 and len(again) == 1
    assert again[0]["data"] == {"image": "/static/samples/sample.jpg", "store_id": "store-7"}
    got = again[0]["annotations"][0]["result"]
    labels = sorted(r["value"][r["type"]][0] for r in got if r["type"].endswith("labels"))
    assert labels == ["automobile", "automobile", "minivan"]
    assert [r["value"] for r in got if r["type"] == "choices"] == [{"choices": ["partial"]}]
    final = tmp_path / "export-v2.json"
    final.write_text(json.dumps(again), encoding="utf-8")
    res = cli("validate", "--spec", p2, final)
    assert res.code == 0, res.out
    assert res.out.rstrip().endswith("1 image, 3 annotations.") or res.out.rstrip().endswith(
        "1 images, 3 annotations."), res.out
