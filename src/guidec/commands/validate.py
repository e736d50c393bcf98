"""guidec validate: check delivered labels against the spec they were made for."""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from guidec.codes import REGISTRY, select_codes
from guidec.commands._common import (
    add_input_options,
    add_report_options,
    apply_input_options,
    jobs_of,
    project_or_report,
    report,
)
from guidec.diagnostics import Diagnostic, Severity
from guidec.report import Context

NAME = "validate"
ORDER = 30
HELP = "validate delivered labels (COCO, YOLO, Pascal VOC, CVAT XML, Label Studio JSON, " \
       "masks) against a spec"
DESCRIPTION = HELP + ". Exit 0 clean, 1 findings at or above --fail-on, 2 could not run."

FORMATS = ["human", "json", "junit", "sarif", "github", "summary"]
BIG = 200_000  # annotations: exit without freeing every object one by one
CANNOT_READ = ("V001", "V003")  # a file that could not be read or recognized: exit 2


def add_arguments(p) -> None:
    from guidec.readers import READERS

    p.add_argument("files", nargs="*", metavar="FILE",
                   help="delivery files or folders (with --manifest, default: the files it "
                        "lists)")
    p.add_argument("--spec", required=True, metavar="SPEC", help="the spec the labels follow")
    add_input_options(p)
    p.add_argument("--input-format", choices=READERS.names(), metavar="F",
                   help="delivery format (default: detected per file): "
                        + ", ".join(READERS.names()))
    p.add_argument("--images", metavar="DIR",
                   help="folder of the images (sizes for formats that do not state them, "
                        "thumbnails for --html)")
    p.add_argument("--html", metavar="REPORT.html",
                   help="also write an HTML page with thumbnails of offending annotations")
    p.add_argument("--manifest", metavar="MANIFEST",
                   help="also verify the delivery against a manifest written by guidec "
                        "manifest: files, sizes and SHA-256, counts per class and split, the "
                        "spec's id, version and hash (H codes); with --images, the images too")
    add_report_options(p, formats=FORMATS)


def regrade(diags: list[Diagnostic], project) -> list[Diagnostic]:
    """Apply the spec's ``severity_overrides`` to the readers' findings (V001-V049)."""
    overrides = project.spec.severity_overrides
    if not overrides:
        return diags
    out = []
    for d in diags:
        entry = REGISTRY.get(d.code)
        grade = overrides.get(d.code) or (overrides.get(entry.name) if entry else None)
        if grade == "off":
            continue
        out.append(replace(d, severity=Severity.parse(grade)) if grade else d)
    return out


def run(args, out, err) -> int:
    from guidec.progress import Progress

    apply_input_options(args)
    if not args.files:
        if not args.manifest:
            err.write("guidec: error: the following arguments are required: FILE (or "
                      "--manifest)\n")
            return 2
        from guidec.commands.manifest import listed_files

        args.files = listed_files(args.manifest)
        if not args.files:
            err.write(f"guidec: error: {args.manifest} lists no delivery file that exists "
                      "(or cannot be read); give the delivery files\n")
            return 2
    project = project_or_report(args.spec, "validate", err)
    if project is None:
        return 2
    with Progress(err) as progress:
        return _validate(args, out, err, project, progress)


def _validate(args, out, err, project, progress) -> int:
    from guidec.readers import read_delivery
    from guidec.validation import run_rules

    result = read_delivery(list(args.files), args.input_format, image_root=args.images,
                           project=project, jobs=jobs_of(args))
    table = result.table
    big = len(table) >= BIG
    progress(f"checking {len(table):,} annotations on {len(table.images):,} images")
    allowed = select_codes(args.select, args.ignore)
    found = run_rules(table, project, allowed, jobs=jobs_of(args))
    ident = {"image": None, "annotation": None, "class": None}
    readers = [replace(d, extra={**ident, **d.extra})
               for d in regrade(result.diagnostics, project) if allowed(d.code)]
    diags = readers + found
    if args.manifest:
        from guidec.commands.manifest import verify

        progress("checking the manifest")
        diags += [d for d in verify(args.manifest, project, result, list(args.files),
                                    args.images) if allowed(d.code)]
    files = sorted(result.formats) or list(args.files)
    ctx = Context("validate", files=files, extra={
        "spec": {"file": args.spec, "id": project.spec.project.id,
                 "version": project.spec.project.version},
        "delivery": {"files": files, "formats": dict(sorted(result.formats.items())),
                     "images": len(table.images), "annotations": len(table)},
    })
    if args.html:
        from guidec.output import write_atomic
        from guidec.report.html import validation_page

        progress("writing the HTML report")
        page = validation_page(sorted(diags, key=Diagnostic.sort_key), table, project,
                               args.html, image_root=args.images)
        write_atomic(args.html, page.encode("utf-8"))
    progress.done()  # the line is gone before the report is written
    code = report(diags, args, out, ctx)
    if any(d.code in CANNOT_READ for d in result.diagnostics) or any(
            d.code == "H001" for d in diags):
        code = 2
    if big and out is sys.stdout and err is sys.stderr and not os.environ.get(
            "GUIDEC_NO_FAST_EXIT"):
        # Freeing millions of Python objects takes about a second; the OS does it at once.
        out.flush()
        err.flush()
        os._exit(code)
    return code
