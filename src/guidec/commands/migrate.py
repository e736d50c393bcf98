"""guidec migrate: rewrite a delivery labeled under one spec version to another."""

from __future__ import annotations

import os

from guidec import inputs
from guidec.commands._common import (
    add_input_options,
    add_report_options,
    apply_input_options,
    filter_diags,
    jobs_of,
    report,
)
from guidec.diagnostics import GuidecError

NAME = "migrate"
ORDER = 45
HELP = "rewrite a delivery from one spec version to another (never touches the input)"
DESCRIPTION = (
    "Read DELIVERY (any format guidec reads), map classes, ids, attributes and keypoints from "
    "the --from spec to the --to spec through the migration map, and write a new delivery in "
    "the same format. What cannot be migrated automatically (splits, removed classes, newly "
    "required attributes without a default) is reported; exit 1 when something was dropped.")


def add_arguments(p) -> None:
    p.add_argument("--from", dest="old", required=True, metavar="OLD", help="spec the delivery "
                   "was labeled under")
    p.add_argument("--to", dest="new", required=True, metavar="NEW", help="spec to migrate to")
    add_input_options(p)
    p.add_argument("delivery", nargs="+", metavar="DELIVERY", help="delivery file(s) or folder")
    p.add_argument("--out", metavar="PATH", help="output file (folder for yolo, voc and mask); "
                   "default: <delivery>.<new version><ext> in the working folder")
    p.add_argument("--input-format", metavar="FMT", help="delivery format when it cannot be "
                   "detected (coco, yolo, voc, cvat, label_studio, mask)")
    p.add_argument("--output-format", metavar="FMT", help="write another format than the input's")
    p.add_argument("--image-root", metavar="DIR", help="where the images are, for formats that "
                   "need their sizes (YOLO); default: beside the labels")
    p.add_argument("--map-out", metavar="FILE", help="also write the migration map used")
    add_report_options(p, formats=["human", "json", "github", "sarif", "junit"])


def read(paths: list[str], input_format: str | None, project=None, image_root=None,
         jobs: int = 1):
    """The delivery as a table, through the shared readers (``project``: the spec it was
    labeled under, so class indexes and colours resolve to names)."""
    try:
        from guidec.readers import read_delivery
    except ModuleNotFoundError as exc:  # pragma: no cover - until the readers are merged
        raise GuidecError("reading deliveries needs guidec.readers, which is not "
                          "installed") from exc
    return read_delivery(paths, input_format=input_format, project=project,
                         image_root=image_root, jobs=jobs)


def default_out(delivery: str, version: str, single: bool) -> str:
    base = os.path.basename(os.path.normpath(delivery))
    stem, ext = os.path.splitext(base) if single else (base, "")
    return f"{stem}.{version}{ext}"


def placed(files: dict[str, bytes], deliveries: list[str]) -> dict[str, bytes]:
    """Rewritten files keyed by their path inside the output: relative to the delivery folder
    they were read from, or their base name for a delivery given as files."""
    roots = [os.path.abspath(d) for d in deliveries if os.path.isdir(d)]
    out: dict[str, bytes] = {}
    for path, data in files.items():
        full = os.path.abspath(path)
        root = next((r for r in roots if full.startswith(r + os.sep)), None)
        rel = os.path.relpath(full, root) if root else os.path.basename(full)
        if rel in out:
            raise GuidecError(f"two delivered files would both be written as {rel!r}; give "
                              "their folder instead of the files")
        out[rel] = data
    return out


def run(args, out, err) -> int:
    from guidec.commands.diff import load_two
    from guidec.diff import diff_projects
    from guidec.diff.mapping import dump_map, migration_map
    from guidec.diff.relabel import migrate_table

    apply_input_options(args)
    from guidec.output import refuse_inputs, write_atomic, write_tree
    from guidec.report import Context
    from guidec.writers import load_writers

    old, new = load_two(args.old, args.new, err)
    mapping = migration_map(old, new, diff_projects(old, new))
    from guidec.progress import Progress

    with Progress(err):  # a line on a terminal while a large delivery is read
        result = read(args.delivery, args.input_format, old, args.image_root, jobs_of(args))
    table = result.table
    diags = list(result.diagnostics)
    fmt = args.output_format or (table.files[0].format if table.files else args.input_format)
    writers = load_writers()
    if fmt not in writers:
        raise GuidecError(f"no writer for delivery format {fmt!r}; choose --output-format "
                          f"from {', '.join(sorted(writers))}")
    writer = writers[fmt]
    migrated = migrate_table(table, old, new, mapping)
    diags.extend(migrated.diagnostics)
    read_fmt = table.files[0].format if table.files else args.input_format
    if fmt == read_fmt and hasattr(writer, "rewrite"):
        # the same format: rewrite the delivered files, changing only what the map says
        from guidec.writers.edits import row_edits

        edits = row_edits(table, migrated, old, new, mapping)
        files = placed(writer.rewrite(table, edits, inputs.read_bytes), args.delivery)
    else:  # another format: written anew from the table
        files = writer.write(migrated.table, new)
    single = writer.SINGLE_FILE and len(files) == 1
    target = args.out or default_out(args.delivery[0], new.spec.project.version, single)
    for path in (target, args.map_out):  # refused before anything is written
        if path:
            refuse_inputs(path)
    if single:  # output.py refuses to write over any input of this command
        (content,) = files.values()
        write_atomic(target, content)
    else:
        write_tree(target, files)
    if args.map_out:
        fmt_map = "json" if args.map_out.endswith(".json") else "yaml"
        write_atomic(args.map_out, dump_map(mapping, fmt_map).encode("utf-8"))
    c = migrated.counts
    err.write(f"migrated {c['annotations'] - c['dropped']} of {c['annotations']} annotation(s) "
              f"from {old.spec.project.version} to {new.spec.project.version} -> {target}\n")
    diags = filter_diags(diags, args)
    return report(diags, args, out, Context(NAME, files=list(args.delivery)))
