"""guidec push: create or update a labeling project in a running tool from the spec.

``guidec push labelstudio SPEC --url URL --token TOKEN [--project ID | --title TITLE]``
builds the Label Studio config, asks the server to validate it (``POST
/api/projects/validate/``, and for an existing project ``POST /api/projects/{id}/validate/``,
which also checks the config against the annotations already made) and only then creates
(``POST /api/projects``) or updates (``PATCH /api/projects/{id}/``) the project. Nothing changes
when the server rejects the config. The token is a Label Studio legacy API token (header
``Authorization: Token ...``), also read from ``LABEL_STUDIO_TOKEN``.
"""

from __future__ import annotations

import json
import os

from guidec.commands._common import load_project_or_findings
from guidec.diagnostics import GuidecError, Severity
from guidec.report import Context, render

NAME = "push"
ORDER = 25
HELP = "create or update a Label Studio project from the spec (validated by the server first)"


def add_arguments(p) -> None:
    p.add_argument("tool", choices=["labelstudio"], help="the annotation tool")
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--url", required=True, help="Label Studio base URL, e.g. http://localhost:8080")
    p.add_argument("--token", default=os.environ.get("LABEL_STUDIO_TOKEN"),
                   help="API token (default: $LABEL_STUDIO_TOKEN)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--project", type=int, metavar="ID", help="update this project")
    g.add_argument("--title", help="project title (default: the spec's title and version); "
                                   "an existing project with this title is updated")
    p.add_argument("--dry-run", action="store_true",
                   help="only ask the server to validate the config; change nothing")


class _Client:
    def __init__(self, url: str, token: str):
        self.base = url.rstrip("/")
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        import urllib.error
        import urllib.request

        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": f"Token {self.token}", "Content-Type": "application/json",
            "Accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode("utf-8", "replace")[:500]
        except (urllib.error.URLError, OSError) as e:
            raise GuidecError(f"cannot reach Label Studio at {self.base}: "
                              f"{getattr(e, 'reason', e)}") from None


def _errors(body: object) -> str:
    """The server's reasons, from ``{"label_config": [...]}`` or ``{"validation_errors":
    {field: [...]}}`` bodies."""
    if isinstance(body, dict):
        if isinstance(body.get("validation_errors"), dict):
            body = body["validation_errors"]
        msgs = []
        for key in ("label_config", "non_field_errors", "detail"):
            v = body.get(key)
            if v:
                msgs.extend(map(str, v) if isinstance(v, list) else [str(v)])
        if msgs:
            return " ".join(m.replace("\n", " ") for m in msgs)
    return str(body)[:500]


def _find_by_title(client: _Client, title: str) -> int | None:
    import urllib.parse

    status, body = client.call("GET", "/api/projects?" + urllib.parse.urlencode(
        {"title": title, "page_size": 100}))
    if status != 200:
        return None
    items = body.get("results", []) if isinstance(body, dict) else body or []
    for item in items:
        if isinstance(item, dict) and item.get("title") == title:
            return int(item["id"])
    return None


def run(args, out, err) -> int:
    from guidec.lint import run_lint
    from guidec.targets.label_studio import LabelStudio, config_xml

    if not args.token:
        err.write("guidec: error: no token: pass --token or set LABEL_STUDIO_TOKEN\n")
        return 2
    project, diags = load_project_or_findings(args.spec)
    if project is not None:
        diags = run_lint(project) + LabelStudio().check(project)
    if project is None or any(d.severity == Severity.ERROR for d in diags):
        err.write(render(diags, "human", Context("push")))
        err.write("guidec: not pushing: fix the errors above first\n")
        return 1
    config = config_xml(project)
    client = _Client(args.url, args.token)
    status, body = client.call("POST", "/api/projects/validate/", {"label_config": config})
    if status in (401, 403):
        err.write(f"guidec: error: Label Studio refused the token ({status})\n")
        return 2
    if status not in (200, 204):
        err.write(f"guidec: Label Studio rejects the config ({status}): {_errors(body)}\n")
        return 1
    meta = project.spec.project
    title = (args.title or f"{meta.title} {meta.version}")[:50]  # Label Studio: 3-50 chars
    target = args.project if args.project is not None else _find_by_title(client, title)
    if target is not None:
        status, body = client.call("POST", f"/api/projects/{target}/validate/",
                                   {"label_config": config})
        if status == 404:
            err.write(f"guidec: error: no project {target} at {client.base}\n")
            return 2
        if status not in (200, 204):
            err.write(f"guidec: the config does not fit project {target}'s existing "
                      f"annotations ({status}): {_errors(body)}\n")
            return 1
    if args.dry_run:
        where = f"project {target}" if target is not None else "a new project"
        out.write(f"config valid for {where} at {client.base} (dry run: nothing changed)\n")
        return 0
    description = meta.summary or ""
    if target is None:
        status, body = client.call("POST", "/api/projects", {
            "title": title, "description": description, "label_config": config})
        if status != 201:
            err.write(f"guidec: Label Studio did not create the project ({status}): "
                      f"{_errors(body)}\n")
            return 1
        out.write(f"created project {body['id']} {title!r} at {client.base}\n")
        return 0
    status, body = client.call("PATCH", f"/api/projects/{target}/", {"label_config": config})
    if status != 200:
        err.write(f"guidec: Label Studio did not update project {target} ({status}): "
                  f"{_errors(body)}\n")
        return 1
    out.write(f"updated project {target} at {client.base}\n")
    return 0
