"""guidec init: scaffold a new spec that passes `guidec check`."""

from __future__ import annotations

import os
import re

from guidec.output import write_atomic
from guidec.resources import template_path

NAME = "init"
ORDER = 5
HELP = "scaffold a new spec file (refuses to overwrite)"
SCHEMA_FILE = "spec.schema.json"


def add_arguments(p) -> None:
    p.add_argument("path", nargs="?", default="spec.yaml", metavar="FILE",
                   help="spec file to create (default: spec.yaml)")
    p.add_argument("--id", help="project id (default: from the folder name)")
    p.add_argument("--title", help="project title")
    p.add_argument("--no-schema", action="store_true",
                   help="do not write spec.schema.json (the JSON Schema the modeline points to)")


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
    out.write(f"created {path}\n")
    schema = os.path.join(os.path.dirname(os.path.abspath(path)), SCHEMA_FILE)
    if not args.no_schema and not os.path.exists(schema):
        from guidec.commands.schema import schema_text

        write_atomic(schema, schema_text().encode("utf-8"))
        out.write(f"created {os.path.join(os.path.dirname(path), SCHEMA_FILE)} "
                  "(editor completion: see the first line of the spec)\n")
    out.write(f"next: guidec check {path}\n")
    return 0
