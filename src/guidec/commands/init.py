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
EXAMPLE = os.path.join("examples", "object.png")  # the starter class's example image


def placeholder_png(w: int = 80, h: int = 50) -> bytes:
    """A small grey PNG with a darker object where the starter spec's example box is."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big"))

    rows = []
    for y in range(h):
        row = bytearray(b"\x00")
        for x in range(w):
            inside = 20 <= x < 60 and 12 <= y < 38
            row += bytes((70, 90, 140) if inside else (215, 215, 210))
        rows.append(bytes(row))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


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
    example = os.path.join(os.path.dirname(os.path.abspath(path)), EXAMPLE)
    write_atomic(path, text.encode("utf-8"))
    out.write(f"created {path}\n")
    if not os.path.exists(example):  # never over a file: the spec names this one, keep it
        write_atomic(example, placeholder_png())
        out.write(f"created {os.path.join(os.path.dirname(path), EXAMPLE)} (a placeholder "
                  "example image: replace it with a real one)\n")
    schema = os.path.join(os.path.dirname(os.path.abspath(path)), SCHEMA_FILE)
    if not args.no_schema and not os.path.exists(schema):
        from guidec.commands.schema import schema_text

        write_atomic(schema, schema_text().encode("utf-8"))
        out.write(f"created {os.path.join(os.path.dirname(path), SCHEMA_FILE)} "
                  "(editor completion: see the first line of the spec)\n")
    out.write(f"next: guidec check {path}\n")
    return 0
