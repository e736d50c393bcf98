"""guidec init: scaffold a new spec that passes `guidec check`."""

from __future__ import annotations

import os
import re

from guidec.resources import template_path
from guidec.writer import write_atomic

NAME = "init"
ORDER = 5
HELP = "scaffold a new spec file (refuses to overwrite)"


def add_arguments(p) -> None:
    p.add_argument("path", nargs="?", default="spec.yaml", metavar="FILE",
                   help="spec file to create (default: spec.yaml)")
    p.add_argument("--id", help="project id (default: from the folder name)")
    p.add_argument("--title", help="project title")


def run(args, out, err) -> int:
    path = args.path
    if os.path.exists(path):
        err.write(f"guidec: error: {path} exists; init never overwrites a file\n")
        return 2
    folder = os.path.basename(os.path.dirname(os.path.abspath(path))) or "project"
    pid = args.id or re.sub(r"[^A-Za-z0-9_.-]+", "-", folder).strip("-") or "project"
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_.\-]*$", pid):
        pid = "p-" + pid
    title = (args.title or pid.replace("-", " ").replace("_", " ").capitalize()).replace('"', "'")
    with open(template_path("init", "spec.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    text = (text.replace("{{ID}}", pid).replace("{{TITLE}}", f'"{title}"')
            .replace("{{FILE}}", os.path.basename(path)))
    write_atomic(path, text.encode("utf-8"))
    out.write(f"created {path}; next: guidec check {path}\n")
    return 0
