"""guidec push without a server: argument and connection errors (the server tests are in
test_targets_ls_server.py)."""

from __future__ import annotations

import socket

import yaml

from tests._targets import minimal


def test_push_without_token(cli, write, monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_TOKEN", raising=False)
    spec = write("s/spec.yaml", yaml.safe_dump(minimal([{"id": 1, "name": "car"}])))
    res = cli("push", "labelstudio", spec, "--url", "http://127.0.0.1:9")
    assert res.code == 2 and "no token" in res.err


def test_push_unreachable_server(cli, write):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again below: nothing listens there
    spec = write("s/spec.yaml", yaml.safe_dump(minimal([{"id": 1, "name": "car"}])))
    res = cli("push", "labelstudio", spec, "--url", f"http://127.0.0.1:{port}", "--token", "t")
    assert res.code == 2 and "cannot reach Label Studio" in res.err


def test_push_refuses_a_spec_with_errors(cli, write):
    spec = write("s/spec.yaml", yaml.safe_dump(minimal([{"id": 1, "name": "car"},
                                                        {"id": 1, "name": "bus"}])))
    res = cli("push", "labelstudio", spec, "--url", "http://127.0.0.1:9", "--token", "t")
    assert res.code == 1 and "L101" in res.err and "not pushing" in res.err
