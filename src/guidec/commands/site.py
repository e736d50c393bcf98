"""guidec site: build the annotator playbook to static HTML with mkdocs-material (and preview it).

``guidec site SPEC`` writes the mkdocs project the ``site`` target emits to ``--out`` (default
``build/site``, the same place ``guidec build --target site`` uses), removes pages left over from
an earlier build, and runs ``mkdocs build`` into ``OUT/html``. ``--since OLD_SPEC`` adds "what
changed since" to the home page; ``--strict`` fails on any mkdocs warning (broken link, missing
page); ``--serve`` then serves the HTML on 127.0.0.1 until interrupted.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys

from guidec.commands._common import load_project_or_findings
from guidec.diagnostics import GuidecError, Severity
from guidec.report import Context, render

NAME = "site"
ORDER = 30
HELP = "build the annotator playbook site (mkdocs-material) and optionally preview it"
INSTALL_HINT = "pip install 'guidec[site]'  (installs mkdocs-material)"


def add_arguments(p) -> None:
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--out", "-o", metavar="DIR", default=os.path.join("build", "site"),
                   help="folder of the mkdocs project (default: build/site); the HTML goes "
                        "to DIR/html")
    p.add_argument("--since", metavar="OLD_SPEC",
                   help="an older version of the spec: the home page lists what changed")
    p.add_argument("--strict", action="store_true",
                   help="fail on any mkdocs warning (broken links, missing pages)")
    p.add_argument("--serve", action="store_true",
                   help="after building, serve the site on http://127.0.0.1:PORT until Ctrl-C")
    p.add_argument("--port", type=int, default=8000, help="port for --serve (default: 8000)")


def mkdocs_missing() -> str | None:
    """Why mkdocs-material cannot run here, or ``None`` when it can."""
    for module, what in (("mkdocs", "mkdocs"), ("material", "mkdocs-material")):
        if importlib.util.find_spec(module) is None:
            return f"{what} is not installed; {INSTALL_HINT}"
    return None


def run_mkdocs(project_dir: str, html_dir: str, strict: bool) -> tuple[int, str]:
    """``mkdocs build`` of ``project_dir/mkdocs.yml`` into ``html_dir``: (exit code, output)."""
    # Not --quiet: it silences the warnings that --strict counts.
    cmd = [sys.executable, "-m", "mkdocs", "build", "--clean",
           "-f", os.path.join(project_dir, "mkdocs.yml"), "-d", os.path.abspath(html_dir)]
    if strict:
        cmd.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = (proc.stdout + proc.stderr).splitlines()
    return proc.returncode, "\n".join(x for x in lines if not x.startswith("INFO")).strip()


def remove_stale(root: str, files, under: str = "docs") -> list[str]:
    """Delete files below ``root/under`` that the target no longer generates."""
    from guidec.output import safe_join

    keep = {os.path.normpath(safe_join(root, rel)) for rel in files}
    removed = []
    base = os.path.join(root, under)
    for folder, _dirs, names in os.walk(base):
        for name in names:
            path = os.path.normpath(os.path.join(folder, name))
            if path not in keep:
                os.unlink(path)
                removed.append(os.path.relpath(path, root))
    return sorted(removed)


def _refuse_foreign(folder: str) -> None:
    """Stale pages are deleted, so never build into a folder guidec did not make."""
    from guidec.targets.site import GENERATED_MARK

    cfg = os.path.join(folder, "mkdocs.yml")
    if os.path.exists(cfg):
        with open(cfg, encoding="utf-8", errors="replace") as fh:
            if fh.readline().startswith(GENERATED_MARK):
                return
        raise GuidecError(f"{folder} holds an mkdocs.yml that guidec did not generate; "
                          "choose another --out folder")
    docs = os.path.join(folder, "docs")
    if os.path.isdir(docs) and os.listdir(docs):
        raise GuidecError(f"{docs} exists and is not a guidec site; choose another --out folder")


def make_server(html_dir: str, port: int = 0, host: str = "127.0.0.1"):
    """An HTTP server (``ThreadingHTTPServer``) for ``html_dir`` on the loopback address
    (port 0: any free port)."""
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class _QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args) -> None:
            pass

    handler = functools.partial(_QuietHandler, directory=os.path.abspath(html_dir))
    return ThreadingHTTPServer((host, port), handler)


def run(args, out, err) -> int:
    from guidec.lint import run_lint
    from guidec.output import write_tree
    from guidec.targets.site import SiteTarget
    from guidec.view import load_project

    missing = mkdocs_missing()
    if missing:
        raise GuidecError(missing)
    project, diags = load_project_or_findings(args.spec)
    if project is not None:
        diags = run_lint(project)
    if project is None or any(d.severity == Severity.ERROR for d in diags):
        err.write(render(diags, "human", Context("site")))
        err.write("guidec: not building the site: fix the errors above first\n")
        return 1
    since = load_project(args.since) if args.since else None
    target = SiteTarget(since=since)
    problems = target.check(project)
    if problems:
        err.write(render(problems, "human", Context("site")))
        if any(d.severity == Severity.ERROR for d in problems):
            return 1
    files = target.emit(project)
    _refuse_foreign(args.out)
    write_tree(args.out, files)
    remove_stale(args.out, files)
    html_dir = os.path.join(args.out, "html")
    code, output = run_mkdocs(args.out, html_dir, args.strict)
    if code != 0:
        err.write(output + "\n" if output else "")
        err.write(f"guidec: mkdocs build failed (exit {code})\n")
        return 1
    if output:
        err.write(output + "\n")
    pages = sum(1 for rel in files if rel.endswith(".md"))
    out.write(f"built the playbook ({pages} pages) into {html_dir}; "
              f"open {os.path.join(html_dir, 'index.html')}\n")
    if args.serve:
        server = make_server(html_dir, args.port)
        host, port = server.server_address[:2]
        out.write(f"serving on http://{host}:{port}/ (Ctrl-C to stop)\n")
        out.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0
